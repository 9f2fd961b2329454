from celery import shared_task

from filing import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_statistics() -> int:
    """Recompute the stored monthly aggregates of every district (idempotent)."""
    return services.statistics_refresh()
