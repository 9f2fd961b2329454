from celery import shared_task

from accounts.models import Region
from filing import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_statistics(district_id: int | None = None) -> int:
    """Recompute the stored monthly aggregates of one district, or of every district
    (idempotent; one refresh of a district at a time)."""
    district = Region.objects.get(pk=district_id) if district_id else None
    return services.statistics_refresh(district=district)
