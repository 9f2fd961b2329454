"""The demo data of bin/run: a real district, one user per role per region, ~50 households."""

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Region, RegionGrant, User
from accounts.roles import Level, Role
from cases.models import (
    Application,
    Benefit,
    BenefitEvent,
    CaseEvent,
    FindingEvent,
    Review,
    ReviewEvent,
)
from core.idnumber import validate_id_number
from households.models import Household, Member
from households.selectors import household_list
from publicity.models import Notice
from verification.models import ImportBatch, VerificationRequest
from verification.services import verification_run


def counts():
    return (Region.objects.count(), User.objects.count(), RegionGrant.objects.count(),
            Household.objects.count(), Member.objects.count())


def test_loading_twice_adds_nothing_the_second_time(db, capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first[3] == 50
    assert "demo12345" in capsys.readouterr().out


def test_a_real_district_with_three_streets_and_communities(db):
    call_command("load_demo")
    district = Region.objects.get(level=Level.DISTRICT)
    assert (district.code, district.name) == ("110115", "大兴区")
    townships = Region.objects.filter(parent=district)
    assert townships.count() >= 3
    for township in townships:
        assert township.children.count() >= 2
        assert township.code.startswith("110115") and len(township.code) == 9


def test_one_user_per_role_per_region(db):
    call_command("load_demo")
    for region in Region.objects.all():
        roles = sorted(RegionGrant.objects.filter(region=region).values_list("role", flat=True))
        expected = {
            Level.DISTRICT: sorted([Role.DISTRICT_ADMIN, Role.DISTRICT_REVIEWER]),
            Level.TOWNSHIP: sorted([Role.TOWNSHIP_APPROVER, Role.TOWNSHIP_CASEWORKER,
                                    Role.TOWNSHIP_CASEWORKER]),
            Level.COMMUNITY: [Role.COMMUNITY_ASSISTANT],
        }[region.level]
        assert roles == expected, region


def test_every_demo_id_number_is_valid(db):
    call_command("load_demo")
    for number in Member.objects.values_list("id_number", flat=True):
        validate_id_number(number)


def test_each_demo_login_sees_only_its_own_region(db):
    call_command("load_demo")
    for grant in RegionGrant.objects.select_related("user", "region"):
        visible = household_list(fetched_by=User.objects.get(pk=grant.user_id))
        codes = {h.region.code for h in visible}
        if grant.role == Role.DISTRICT_ADMIN:
            assert not codes
        else:
            assert codes, grant
            assert all(code.startswith(grant.region.code) for code in codes), grant


def test_the_second_township_caseworker_is_not_called_reviewer(db):
    # An older demo database had xingfeng_reviewer: loading again renames it.
    User.objects.create_user("xingfeng_reviewer", password="x", full_name="兴丰街道经办人（审核）")
    call_command("load_demo")
    reviewers = set(User.objects.filter(username__endswith="_reviewer")
                    .values_list("username", flat=True))
    assert reviewers == {"daxing_reviewer"}
    second = User.objects.get(username="xingfeng_caseworker2")
    assert second.full_name == "兴丰街道经办人（审核）"
    assert second.grants.get().role == Role.TOWNSHIP_CASEWORKER


def test_demo_agency_files_give_a_report_with_the_planted_warnings(db):
    call_command("load_demo")
    assert ImportBatch.objects.count() == 7  # the housing fund has sent nothing yet
    heads = list(Member.objects.filter(relation="head").order_by("household_id", "id"))
    reviewer = User.objects.get(username="daxing_reviewer")

    def report(head):
        request = VerificationRequest.objects.create(household=head.household, requested_by=reviewer)
        return verification_run(request_id=request.pk)

    assert report(heads[11]).warnings == "车辆：家庭名下机动车1辆，允许0辆"
    assert "金融资产" in report(heads[17]).warnings
    plain = report(heads[0])
    assert not plain.has_warning and "住房公积金" in plain.summary


def test_the_demo_happens_in_the_order_of_the_procedure(db):
    # Each story runs through the services on its own day (core.demo_clock): nothing
    # is dated before the step it follows, nor after now.
    call_command("load_demo")
    now = timezone.now()
    for model in (CaseEvent, BenefitEvent, ReviewEvent, FindingEvent):
        assert not model.objects.filter(at__gt=now).exists(), model
    for app in Application.objects.select_related("filing_batch", "household"):
        notice = Notice.objects.filter(application=app).order_by("opened_on").first()
        dates = [app.accepted_on, notice and notice.opened_on, app.decided_on,
                 app.filing_batch and timezone.localdate(app.filing_batch.created_at)]
        known = [d for d in dates if d is not None]
        assert known == sorted(known), (app.number, dates)
        times = list(app.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times), app.number
        assert app.household.created_at <= times[0], app.number  # registered before
        if app.decided_on:
            assert timezone.localdate(times[-1]) >= app.decided_on, app.number
    for benefit in Benefit.objects.all():
        start = benefit.events.filter(action="start").first()
        assert start is not None and start.effective_month == benefit.start_month, benefit.pk
        times = list(benefit.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times), benefit.pk
    for review in Review.objects.all():
        first = review.events.order_by("at").first()
        assert first is None or timezone.localdate(first.at) >= review.opened_on, review.pk
        times = list(review.events.order_by("id").values_list("at", flat=True))
        assert times == sorted(times), review.pk
    assert Review.objects.exists() and FindingEvent.objects.exists()


def test_hardship_fits_the_household(db):
    call_command("load_demo")
    for app in Application.objects.prefetch_related("household__members"):
        members = list(app.household.members.all())
        if "独居" in app.reason or app.assistance_type == "tekun":
            assert len(members) == 1, (app.number, app.reason)
        if "子女" in app.reason:
            assert any(m.relation == Member.Relation.CHILD for m in members), app.number
