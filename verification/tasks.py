import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from verification import services
from verification.models import JobChunk, VerificationJob, VerificationRequest

CHUNK_RETRIES = 3
RETRY_DELAY = 2.0  # seconds before the first retry; doubled each time, at most 60


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
             max_retries=8)
def process_verification(self, request_id: int) -> str:
    """Run the district's data sources for one case (verification.services.verification_run);
    without any imported data the request waits for a result entered by hand."""
    request = services.verification_run(request_id=request_id)
    return request.status if request else "missing"


@shared_task(bind=True, max_retries=CHUNK_RETRIES)
def run_job_chunk(self, chunk_id: int) -> str:
    """One chunk of a batch job. A failure is retried with back-off; after the last retry
    the chunk is marked failed (with the error's class, never data) and waits for 继续."""
    try:
        return services.job_run_chunk(chunk_id=chunk_id)
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        services.job_chunk_failed(chunk_id=chunk_id, error=type(exc).__name__, final=final)
        if final:
            return "failed"
        raise self.retry(exc=exc, countdown=min(RETRY_DELAY * 2 ** self.request.retries, 60)) from None


@shared_task
def requeue_waiting_requests(older_than_minutes: int = 10, stuck_after_minutes: int = 60) -> int:
    """Queue again the requests no worker took (the broker was down when they were made)
    and the cases' requests a worker took but left without a report (it failed every
    retry): running one again is harmless, and without data it still waits for a hand."""
    now = timezone.now()
    waiting = list(VerificationRequest.objects.filter(
        Q(status=VerificationRequest.Status.REQUESTED,
          requested_at__lt=now - datetime.timedelta(minutes=older_than_minutes))
        | Q(status=VerificationRequest.Status.IN_PROGRESS, application__isnull=False,
            application__state="investigating",
            picked_up_at__lt=now - datetime.timedelta(minutes=stuck_after_minutes))
    ).values_list("pk", flat=True)[:1000])
    for request_id in waiting:
        process_verification.delay(request_id)
    return len(waiting)


@shared_task
def requeue_stalled_chunks(older_than_minutes: int = 30) -> int:
    """Queue again the pending chunks of jobs started long ago (lost when the broker was
    down). Running a chunk twice is harmless: the second run finds it done."""
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    stalled = list(JobChunk.objects.filter(
        status=JobChunk.Status.PENDING, job__status=VerificationJob.Status.RUNNING,
        queued_at__lt=cutoff).values_list("pk", flat=True)[:1000])
    JobChunk.objects.filter(pk__in=stalled).update(queued_at=timezone.now())
    for chunk_id in stalled:
        run_job_chunk.delay(chunk_id)
    return len(stalled)
