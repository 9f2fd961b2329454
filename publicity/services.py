"""Changes to notices, objections and hearings. cases.services calls these inside its
own transaction; they take plain values so that publicity never imports cases."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Region, User
from accounts.rules import rule_value
from accounts.scope import user_can
from accounts.workdays import add_calendar_days, add_working_days
from core.errors import ServiceError
from core.throttle import over_limit
from publicity.models import Hearing, LongTermEntry, Notice, Objection


def notice_open(*, application_id: int, region: Region, on: datetime.date, name: str,
                household_size: int, reason: str, proposed_outcome: str) -> Notice:
    """Open the one round of publicity in the applicant's community (DB §19)."""
    min_days = rule_value("publicity_min_days", region, on)
    day_kind = rule_value("publicity_day_kind", region, on)
    count = add_working_days if day_kind == Notice.DayKind.WORKING else add_calendar_days
    return Notice.objects.create(
        application_id=application_id, region=region, opened_on=on, min_days=min_days,
        day_kind=day_kind, earliest_close=count(on, min_days).date, name=name,
        household_size=household_size, reason=reason[:200], proposed_outcome=proposed_outcome)


def notice_replace(*, notice: Notice, on: datetime.date, proposed_outcome: str, name: str,
                   household_size: int, reason: str, keep_dates: bool) -> Notice:
    """A new proposal publishes a new snapshot: the old notice is taken down. With
    `keep_dates` (publicity opened at acceptance) the period keeps running from its start;
    otherwise the new opinion is publicised for its full period again (DB §19)."""
    notice_close(notice=notice, on=on, withdrawn=True)
    if not keep_dates:
        return notice_open(application_id=notice.application_id, region=notice.region, on=on,
                           name=name, household_size=household_size, reason=reason,
                           proposed_outcome=proposed_outcome)
    return Notice.objects.create(
        application_id=notice.application_id, region=notice.region, opened_on=notice.opened_on,
        min_days=notice.min_days, day_kind=notice.day_kind, earliest_close=notice.earliest_close,
        name=name, household_size=household_size, reason=reason[:200],
        proposed_outcome=proposed_outcome)


def notices_lock_open(*, application_id: int) -> None:
    """Lock a case's open notices (inside the caller's transaction), so that an objection
    from the public form, which locks its notice, lands either before the case's step is
    checked or after its notice closed: never in between."""
    list(Notice.objects.select_for_update().filter(application_id=application_id,
                                                   status=Notice.Status.OPEN).values_list("pk"))


def notice_close(*, notice: Notice, on: datetime.date, withdrawn: bool = False) -> None:
    notice.status = Notice.Status.WITHDRAWN if withdrawn else Notice.Status.CLOSED
    notice.closed_on = on
    notice.save(update_fields=["status", "closed_on"])


def objection_record(*, notice: Notice, channel: str, content: str, contact: str = "",
                     by: User | None) -> Objection:
    """Register an objection or report (staff entry; the public form comes with its page)."""
    if by is not None and not user_can(by, "handle_cases", notice.region):
        raise PermissionDenied("只有镇(街道)经办人可以登记异议。")
    if notice.status != Notice.Status.OPEN:
        raise ServiceError("该公示已结束，不能再登记异议；请作为举报线索另行处理。")
    if not content.strip():
        raise ServiceError("请填写异议内容。", field="content")
    return Objection.objects.create(notice=notice, channel=channel, content=content.strip(),
                                    contact=contact.strip(), entered_by=by)


@transaction.atomic
def objection_handle(*, objection: Objection, by: User, finding: str) -> Objection:
    """Record the re-investigation's finding on an objection (DB §19)."""
    if not user_can(by, "handle_cases", objection.notice.region):
        raise PermissionDenied("只有镇(街道)经办人可以处理异议。")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.handled_at:
        raise ServiceError("该异议已处理。")
    if not finding.strip():
        raise ServiceError("请写明核查结果。", field="finding")
    objection.finding = finding.strip()
    objection.handled_by = by
    objection.handled_at = timezone.now()
    objection.save(update_fields=["finding", "handled_by", "handled_at"])
    return objection


def hearing_record(*, application_id: int, by: User, data: dict) -> Hearing:
    if not data.get("participants", "").strip() or not data.get("minutes", "").strip():
        raise ServiceError("请填写参加人员和会议记录。")
    return Hearing.objects.create(application_id=application_id, recorded_by=by, **data)


def long_term_open(*, application_id: int, region: Region, assistance_type: str, name: str,
                   household_size: int, monthly_amount, on: datetime.date) -> LongTermEntry:
    return LongTermEntry.objects.create(
        application_id=application_id, region=region, assistance_type=assistance_type,
        name=name, household_size=household_size, monthly_amount=monthly_amount, opened_on=on)


# --- the public objection form and the long-term roster --------------------------------------

PUBLIC_CONTENT_LIMIT = 2000
PUBLIC_CONTACT_LIMIT = 100


class TooMany(ServiceError):
    """A flood limit was reached (the page answers 429)."""


def objection_submit_public(*, notice_id: int, content: str, contact: str) -> Objection:
    """异议/举报 from the public form: no login, contact optional, limited in size and per
    notice (settings.PUBLIC_OBJECTIONS_PER_NOTICE a day); the per-address limit is the
    view's, counted on every post (throttle_public_post). The caseworker's queue shows
    the case as having an objection to check."""
    content, contact = content.strip(), contact.strip()
    if not content:
        raise ServiceError("请写明异议或举报的内容。", field="content")
    if len(content) > PUBLIC_CONTENT_LIMIT:
        raise ServiceError(f"内容请控制在{PUBLIC_CONTENT_LIMIT}字以内。", field="content")
    if len(contact) > PUBLIC_CONTACT_LIMIT:
        raise ServiceError(f"联系方式请控制在{PUBLIC_CONTACT_LIMIT}字以内。", field="contact")
    with transaction.atomic():
        # The notice's lock orders this after (or before) a decision on the case, which
        # locks the case's open notices before its checks (cases.services._locked).
        notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.status != Notice.Status.OPEN:
            raise ServiceError("该公示已结束，不能再提出异议；如需举报请拨打监督电话。")
        today = timezone.localdate()
        if notice.objections.filter(channel=Objection.Channel.PUBLIC_FORM,
                                    received_at__date=today).count() >= \
                settings.PUBLIC_OBJECTIONS_PER_NOTICE:
            raise TooMany("该公示今天收到的网上异议已达上限，请明天再提交，或拨打监督电话反映。")
        return objection_record(notice=notice, channel=Objection.Channel.PUBLIC_FORM,
                                content=content, contact=contact, by=None)


def throttle_public_post(address: str) -> None:
    """Count one post of the public form from `address` (valid or not)."""

    if over_limit("objection", address, limit=settings.PUBLIC_OBJECTION_LIMIT,
                  window_seconds=3600):
        raise TooMany("提交过于频繁，请一小时后再试；急事请拨打监督电话。")


def _long_term_from(application_id: int, on: datetime.date):
    """The case's entries still (to be) on the board on or after `on`."""
    return LongTermEntry.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on),
                                        application_id=application_id)


@transaction.atomic
def long_term_change(*, application_id: int, monthly_amount, on: datetime.date,
                     household_size: int | None = None) -> LongTermEntry | None:
    """The benefit changed from `on` (the new amount's first month, often next month): the
    board shows the old amount until the day before and the new one from `on` (DB §24).
    A change decided before an earlier one took effect replaces it, and a stop already
    decided (a gradual exit) still takes the entry down on its day: one entry per case
    on any day."""
    entries = list(_long_term_from(application_id, on).select_for_update()
                   .order_by("opened_on", "id"))
    if not entries:
        return None
    latest = entries[-1]
    # A stop already decided (a gradual exit) keeps its day for the new amount.
    ends = None if any(e.closed_on is None for e in entries) else max(
        (e.closed_on for e in entries if e.closed_on > e.opened_on), default=on)
    for entry in entries:
        # An entry not up yet by `on` is never shown (closed the day it would open).
        entry.closed_on = max(entry.opened_on, on)
        entry.save(update_fields=["closed_on"])
    return LongTermEntry.objects.create(
        application_id=application_id, region=latest.region,
        assistance_type=latest.assistance_type, name=latest.name,
        household_size=household_size or latest.household_size, monthly_amount=monthly_amount,
        opened_on=on, closed_on=ends)


@transaction.atomic
def long_term_stop(*, application_id: int, on: datetime.date) -> int:
    """The benefit stops from `on` (the first month no longer paid): the name stays on the
    board until the day before, and a change due later never goes up."""
    return _long_term_from(application_id, on).update(
        closed_on=Greatest(F("opened_on"), Value(on)))
