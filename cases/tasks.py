"""The scheduled and background work of benefits in force: periodic reviews falling due,
gradual exits running out, the checks of a review round. Tasks take ids, are idempotent
and are retried."""

from celery import shared_task

from accounts.models import User
from accounts.services import system_user
from cases.services import benefits, reviews


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def check_reviews(review_ids: list[int], user_id: int) -> int:
    """Verification and calculation again for a chunk of a review round."""
    return reviews.reviews_check(review_ids=review_ids, by=User.objects.get(pk=user_id))


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def open_due_reviews() -> int:
    """Daily: periodic reviews for the benefits whose date comes within the lead days."""
    return reviews.reviews_open_due()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def end_gradual_exits() -> int:
    """Daily: gradual exits whose last month has passed stop, with the notice."""
    return benefits.benefits_end_exits()


@shared_task
def requeue_unchecked_reviews() -> int:
    """A round's chunk that was lost (broker down) is queued again (checking twice is
    harmless: a review already checked is checked again from the same data)."""
    queued, system = 0, system_user()
    for review_round in reviews.unchecked_rounds():
        for chunk in reviews.round_chunks(review_round):
            check_reviews.delay(chunk, system.pk)
            queued += len(chunk)
    return queued
