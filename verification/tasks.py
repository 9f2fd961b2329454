from celery import shared_task

from verification import services


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def process_verification(self, request_id: int) -> str:
    """Take a verification request. The data-source adapters (household registration,
    vehicles, real estate, ...) plug in here; until one is configured the request waits
    for the district's result, entered by hand."""
    request = services.verification_pick_up(request_id=request_id)
    return request.status if request else "missing"


@shared_task
def requeue_waiting_requests(older_than_minutes: int = 10) -> int:
    """Queue again the requests no worker took (the broker was down when they were made)."""
    import datetime

    from django.utils import timezone

    from verification.models import VerificationRequest

    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    waiting = list(VerificationRequest.objects.filter(
        status=VerificationRequest.Status.REQUESTED, requested_at__lt=cutoff
    ).values_list("pk", flat=True)[:1000])
    for request_id in waiting:
        process_verification.delay(request_id)
    return len(waiting)
