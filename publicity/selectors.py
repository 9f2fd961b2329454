import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.models import Region
from accounts.roles import Level
from accounts.rules import rule_value, rule_values
from publicity.models import Hearing, LongTermEntry, Notice, Objection, PolicyPage, SupervisionContact


def open_notice(*, application_id: int) -> Notice | None:
    return Notice.objects.filter(application_id=application_id,
                                 status=Notice.Status.OPEN).order_by("-id").first()


def current_notice(*, application_id: int) -> Notice | None:
    """The case's latest notice that was not withdrawn (open or closed after running)."""
    return (Notice.objects.filter(application_id=application_id)
            .exclude(status=Notice.Status.WITHDRAWN).order_by("-id").first())


def last_hearing(*, application_id: int):
    """The case's latest hearing by its day (the meeting's, not the day it was typed in)."""
    return Hearing.objects.filter(application_id=application_id).order_by("-held_on", "-id").first()


def objections_of(*, application_id: int):
    return Objection.objects.filter(notice__application_id=application_id).select_related(
        "notice")


# --- the public pages (no login): only what a notice board shows ---------------------------


def mask_given_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*, 欧阳小明 → 欧**明: surname and last character stay."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def public_region(code: str):
    """A township or community by its code, or 404 (no other level has a public board)."""

    region = (Region.objects.filter(code=code, level__in=[Level.TOWNSHIP, Level.COMMUNITY])
              .select_related("parent__parent").first())
    if region is None:
        raise Http404("没有这个社区或镇(街道)的公示栏。")
    return region


def long_term_shown(*, on: datetime.date):
    """The long-term entries on the board on day `on`: opened by then and not yet closed.
    A stop or a change is decided ahead of the month it takes effect; the entry stays up
    until its `closed_on` (the first month no longer paid, or the new amount's first
    month) and the new amount's entry goes up that day, so one entry per case shows."""
    return LongTermEntry.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on),
                                        opened_on__lte=on)


def public_board(*, region, today: datetime.date | None = None) -> list[dict]:
    """Per community of `region` (itself, or a township's communities): its open notices
    and its long-term roster as of `today`, names masked where the region's rule says so.
    Three queries plus one rule lookup per community, whatever the number of notices."""
    today = today or timezone.localdate()
    communities = ([region] if region.level == Level.COMMUNITY
                   else list(region.children.order_by("code")))
    by_id = {c.pk: {"community": c, "notices": [], "roster": []} for c in communities}
    masked = {c.pk: rule_value("publicity_mask_given_name", c) for c in communities}

    def shown(name, community_id):
        return mask_given_name(name) if masked[community_id] else name

    # (application: only for its assistance type's label; nothing else of it is shown)
    for notice in (Notice.objects.filter(region__in=communities, status=Notice.Status.OPEN)
                   .select_related("application").order_by("opened_on", "id")):
        notice.shown_name = shown(notice.name, notice.region_id)
        by_id[notice.region_id]["notices"].append(notice)
    for entry in (long_term_shown(on=today).filter(region__in=communities)
                  .select_related("application").order_by("assistance_type", "name", "id")):
        entry.shown_name = shown(entry.name, entry.region_id)
        by_id[entry.region_id]["roster"].append(entry)
    return list(by_id.values())


def public_notice(*, pk: int) -> Notice:
    """An open notice, for the public objection form. A notice replaced by a new
    proposal leads to the case's open notice; a closed one is gone (404)."""

    notices = Notice.objects.select_related("region__parent", "application")
    notice = notices.filter(pk=pk).first()
    if notice is not None and notice.status != Notice.Status.OPEN:
        notice = (notices.filter(application_id=notice.application_id, status=Notice.Status.OPEN)
                  .order_by("-id").first())
    if notice is None:
        raise Http404("该公示已结束。")
    notice.shown_name = (mask_given_name(notice.name)
                         if rule_value("publicity_mask_given_name", notice.region) else notice.name)
    return notice


def policy_for(*, township) -> dict:
    """政策公开 of a township: its page (or its district's), the standards in force, the
    materials per type, and the supervision contacts of city, county and township."""

    lineage = township.ancestor_codes()
    page = (PolicyPage.objects.filter(region__code__in=lineage).select_related("region")
            .order_by("-region__code").first())
    contacts = SupervisionContact.objects.filter(Q(region__code__in=lineage)).order_by(
        "level", "order", "id")
    return {"page": page, "contacts": contacts, "rules": rule_values(township)}
