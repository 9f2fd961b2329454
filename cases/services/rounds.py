"""年审: the district reviews every benefit in payment of a township in one round. The
checks run in the background in chunks (cases.tasks.check_reviews); the progress is the
share of the round's reviews checked and decided; hearings are compulsory while it runs
(DESIGN §4 rule 4, cases.guards.active_round)."""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from accounts.services import system_user
from cases import tasks
from cases.models import (
    Benefit,
    BenefitState,
    Review,
    ReviewEvent,
    ReviewKind,
    ReviewRound,
)
from cases.services.machinery import _require_text
from cases.services.reviews import OPEN, round_chunks
from core.errors import ServiceError

logger = logging.getLogger(__name__)


def review_round_open(*, township: Region, by: User, name: str,
                      due_on: datetime.date) -> ReviewRound:
    """年审: every benefit of the township in payment is reviewed; the checks run in the
    background in chunks; hearings are compulsory while it runs (DESIGN §4 rule 4)."""
    if township.level != Level.TOWNSHIP or not user_can(by, "review_filings", township):
        raise PermissionDenied("只有区民政局审核人可以发起年审。")
    name = _require_text(name, "请填写年审名称（如“2026年度低保年审”）。", "name")
    if due_on <= timezone.localdate():
        raise ServiceError("完成时限应晚于今天。", field="due_on")
    today = timezone.localdate()
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=township.pk)
        if ReviewRound.objects.filter(township=township, due_on__gte=today).exists():
            raise ServiceError(f"{township.name}已有正在进行的年审。")
        review_round = ReviewRound.objects.create(township=township, name=name, opened_by=by,
                                                  due_on=due_on)
        # Every benefit being paid, not one in gradual exit (its end is decided).
        benefits = Benefit.objects.filter(region__code__startswith=township.code,
                                          state=BenefitState.PAYING)
        joined = Review.objects.filter(benefit__in=benefits, state__in=OPEN).update(
            round=review_round)
        open_review = Review.objects.filter(benefit=OuterRef("pk"), state__in=OPEN)
        new = [Review(benefit_id=pk, region_id=region_id, kind=ReviewKind.ROUND,
                      round=review_round, opened_on=today, due_on=due_on)
               for pk, region_id in benefits.filter(~Exists(open_review))
               .values_list("pk", "region_id").order_by("pk")]
        created = Review.objects.bulk_create(new, batch_size=2000)
        ReviewEvent.objects.bulk_create(
            [ReviewEvent(review=r, action="open", from_state=r.state, to_state=r.state,
                         actor=by, reason=name, data={"kind": r.kind,
                                                      "due_on": due_on.isoformat()})
             for r in created], batch_size=2000)
        review_round.total = joined + len(created)
        review_round.save(update_fields=["total"])
        chunks = round_chunks(review_round)
        # The checks are the system's work for the round (the district reviewer who opened
        # it holds no township right to take the review's steps).
        system = system_user()
        transaction.on_commit(lambda: queue_checks(chunks, system.pk))
    return review_round


def queue_checks(chunks: list[list[int]], user_id: int) -> None:
    for chunk in chunks:
        try:
            tasks.check_reviews.delay(chunk, user_id)
        except Exception:  # noqa: BLE001 - the sweep requeues what is still unchecked
            logger.exception("could not queue a review chunk")
