"""A review round (年审) is checked by a real Celery worker: the round's chunks go through
Redis to a worker of the solo pool, which verifies and calculates every review again."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from cases.models import Review, ReviewKind, ReviewState
from cases.services.rounds import review_round_open
from config import celery_app


def wait_until_checked(review_round, timeout=40):
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                      shutdown_timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not review_round.reviews.filter(state=ReviewState.OPEN).exists():
                break
            time.sleep(0.2)
    return list(review_round.reviews.order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_a_review_round_is_checked_by_a_real_worker(build, team, regions):
    benefits = [build.confirmed().benefit for _ in range(3)]
    review_round = review_round_open(township=regions["a"], by=team["district"],
                                     name="2026年度低保年审",
                                     due_on=timezone.localdate() + datetime.timedelta(days=30))
    assert review_round.total == 3

    reviews = wait_until_checked(review_round)

    assert sorted(r.benefit_id for r in reviews) == sorted(b.pk for b in benefits)
    for review in reviews:
        assert (review.kind, review.state) == (ReviewKind.ROUND, ReviewState.CHECKED)
        assert review.checked_at is not None
        assert (review.calculation["assistance_type"], review.calculation["as_of"]) == (
            "dibao", timezone.localdate().isoformat())
        assert review.verification is not None  # the district's data sources ran again
    assert Review.objects.filter(round=review_round, events__action="recheck").count() == 3
