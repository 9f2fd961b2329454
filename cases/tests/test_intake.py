"""一门受理: registration, its three ways out, feedback, the joint meeting, time limits,
community reports and referrals, uploads, the public progress query, 先行救助 and the
import of existing beneficiaries."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, Rule
from cases import selectors, services
from cases.models import (
    Agency,
    Application,
    CaseDocument,
    Handover,
    Registration,
    State,
    UrgentAid,
)
from cases.models.intake import RegistrationEvent
from cases.services import intake
from cases.tests.builders import photo, xlsx
from conftest import new_id_number
from core.errors import ServiceError
from households.models import Household, Member
from publicity.models import LongTermEntry

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def no_throttle_left_over():
    cache.clear()


@pytest.fixture
def agencies(regions):
    def make(kind, name):
        return Agency.objects.create(district=regions["district"], kind=kind, name=name,
                                     duties="x")
    return {"housing": make(Agency.Kind.DEPARTMENT, "区住房和城乡建设委员会"),
            "window": make(Agency.Kind.DISTRICT_WINDOW, "区社会救助综合服务窗口"),
            "social": make(Agency.Kind.ORGANISATION, "兴丰社会工作服务站")}


def register(regions, user, *, category="dibao", region="a1", applicant_id="",
             channel=Registration.Channel.WINDOW, name="冯玉兰"):
    return intake.registration_create(region=regions[region], by=user, channel=channel,
                                      applicant_name=name, applicant_id=applicant_id,
                                      hardship="丈夫住院，收入中断", category=category)


# --- registration and its three ways out ---------------------------------------------------

def test_a_window_registration_names_its_first_inquiry_contact_and_a_due_date(regions, staff):
    item = register(regions, staff["caseworker_a"])
    assert item.contact == staff["caseworker_a"] and item.township == regions["a"]
    assert item.status == Registration.Status.OPEN and item.due > TODAY  # 3 working days
    assert item.number.startswith(f"DJ-110115001-{TODAY.year}-")
    with pytest.raises(PermissionDenied):
        register(regions, staff["caseworker_b"])  # another street's window


def test_handle_creates_the_township_case(regions, staff, household):
    item = register(regions, staff["caseworker_a"], applicant_id=household.members.get(
        relation="head").id_number)
    assert list(selectors.households_by_id(fetched_by=staff["caseworker_a"],
                                           id_number=item.applicant_id)) == [household]
    item = intake.registration_handle(
        registration=item, by=staff["caseworker_a"], household=household,
        assistance_type="dibao", hardship="illness", reason="丈夫住院，收入中断",
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    assert item.status == Registration.Status.HANDLED
    assert item.application.state == State.INVESTIGATING
    assert item.application.accepted_by == staff["caseworker_a"]
    with pytest.raises(ServiceError, match="不能再受理"):
        intake.registration_handle(
            registration=item, by=staff["caseworker_a"], household=household,
            assistance_type="dibao", hardship="illness", reason="x",
            documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])


def test_a_type_the_township_does_not_confirm_cannot_be_handled(regions, staff, household):
    item = register(regions, staff["caseworker_a"], category="housing")
    with pytest.raises(ServiceError, match="请转办"):
        intake.registration_handle(
            registration=item, by=staff["caseworker_a"], household=household,
            assistance_type="housing", hardship="other", reason="x",
            documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    assert Application.objects.count() == 0


def test_transfer_feedback_closes_the_loop(regions, staff, agencies):
    item = register(regions, staff["caseworker_a"], category="housing")
    with pytest.raises(ServiceError, match="请用“转介”"):
        intake.registration_transfer(registration=item, by=staff["caseworker_a"],
                                     agency=agencies["social"], request="公租房")
    slip = intake.registration_transfer(registration=item, by=staff["caseworker_a"],
                                        agency=agencies["housing"], request="申请公共租赁住房")
    assert slip.number.startswith("ZB-110115001-") and slip.due > TODAY
    item.refresh_from_db()
    assert item.status == Registration.Status.TRANSFERRED
    with pytest.raises(ServiceError, match="不能晚于今天"):
        intake.handover_feedback(handover=slip, by=staff["caseworker_a"],
                                 feedback="x", received_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        intake.handover_feedback(handover=slip, by=staff["caseworker_b"],
                                 feedback="x", received_on=TODAY)
    intake.handover_feedback(handover=slip, by=staff["caseworker_a"],
                             feedback="已受理公租房申请，排队轮候", received_on=TODAY)
    item.refresh_from_db()
    assert item.status == Registration.Status.CLOSED and item.closed_at
    assert "区住房和城乡建设委员会反馈：已受理公租房申请" in item.outcome


def test_a_transfer_to_the_district_window_is_answered_by_the_district(regions, staff, agencies):
    item = register(regions, staff["caseworker_a"], category="other")
    slip = intake.registration_transfer(registration=item, by=staff["caseworker_a"],
                                        agency=agencies["window"], request="难以确定承办部门")
    intake.handover_feedback(handover=slip, by=staff["reviewer"],
                             feedback="已转区医保局办理", received_on=TODAY)
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.CLOSED


def test_refer_to_a_social_organisation_also_after_handling(regions, staff, agencies, household):
    item = register(regions, staff["caseworker_a"], category="service")
    with pytest.raises(ServiceError, match="转介的对象是社会组织"):
        intake.registration_refer(registration=item, by=staff["caseworker_a"],
                                  agency=agencies["housing"], request="x")
    referral = intake.registration_refer(registration=item, by=staff["caseworker_a"],
                                         agency=agencies["social"], request="定期探访和心理疏导")
    assert referral.kind == "referral" and referral.number.startswith("ZJ-")
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.REFERRED
    intake.handover_feedback(handover=referral, by=staff["caseworker_a"],
                             feedback="社工每周探访", received_on=TODAY)
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.CLOSED
    # A handled family can be referred as well; it stays handled.
    handled = intake.registration_handle(
        registration=register(regions, staff["caseworker_a"]), by=staff["caseworker_a"],
        household=household, assistance_type="dibao", hardship="illness", reason="x",
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    intake.registration_refer(registration=handled, by=staff["caseworker_a"],
                              agency=agencies["social"], request="照料护理")
    assert Registration.objects.get(pk=handled.pk).status == Registration.Status.HANDLED


def test_a_hard_case_goes_to_the_joint_meeting_and_its_outcome_is_recorded(regions, staff,
                                                                          agencies):
    item = register(regions, staff["caseworker_a"], category="other")
    item = intake.registration_to_meeting(registration=item, by=staff["caseworker_a"],
                                          reason="医保与民政对救助责任有分歧")
    assert item.status == Registration.Status.MEETING
    with pytest.raises(ServiceError, match="不能提交联席会议"):
        intake.registration_to_meeting(registration=item, by=staff["caseworker_a"],
                                       reason="x")
    item = intake.registration_meeting_outcome(
        registration=item, by=staff["caseworker_a"], held_on=TODAY,
        outcome="由区医保局先行报销，民政给予临时救助")
    assert item.status == Registration.Status.OPEN and item.meeting_on == TODAY
    assert "由区医保局先行报销" in item.meeting_outcome
    intake.registration_transfer(registration=item, by=staff["caseworker_a"],
                                 agency=agencies["housing"], request="按会议结果办理")


# --- the registration's steps, declared on its transitions, and their audit ----------------

STATUS = Registration._meta.get_field("status")


def events_of(item):
    return list(RegistrationEvent.objects.filter(registration=item).order_by("id").values_list(
        "action", "from_status", "to_status", "actor__username"))


def test_every_registration_step_declares_its_button_its_timeline_entry_and_its_role():
    transitions = list(STATUS.get_all_transitions(Registration))
    names = {t.name for t in transitions}
    assert names == {"handle", "transfer", "refer", "to_meeting", "record_meeting_outcome",
                     "close", "feedback", "record_feedback"}
    for transition in transitions:
        custom = transition.custom
        assert custom["label"] and custom["event"], transition.name
        assert "\u4e00" <= custom["label"][0] <= "\u9fff", transition.name  # in Chinese
        assert callable(transition.permission) and transition.permission.denied
    # A handled family referred to a social organisation stays handled: one step, two
    # declared outcomes.
    refer = {t.source: t.target for t in transitions if t.name == "refer"}
    assert refer == {"open": "referred", "meeting": "referred", "handled": None, "referred": None}


def test_each_step_writes_one_event_with_its_statuses_and_actor(regions, staff, agencies,
                                                                household):
    clerk = staff["caseworker_a"]
    item = register(regions, clerk, category="other")
    assert events_of(item) == [("register", "", "open", "caseworker_a")]
    intake.registration_to_meeting(registration=item, by=clerk, reason="部门间有分歧")
    intake.registration_meeting_outcome(registration=item, by=clerk, held_on=TODAY,
                                        outcome="转区住建委办理")
    slip = intake.registration_transfer(registration=item, by=clerk,
                                        agency=agencies["housing"], request="公租房")
    intake.handover_feedback(handover=slip, by=clerk, feedback="已受理",
                             received_on=TODAY)
    assert events_of(item) == [
        ("register", "", "open", "caseworker_a"),
        ("to_meeting", "open", "meeting", "caseworker_a"),
        ("record_meeting_outcome", "meeting", "open", "caseworker_a"),
        ("transfer", "open", "transferred", "caseworker_a"),
        ("feedback", "transferred", "closed", "caseworker_a"),
    ]
    last = RegistrationEvent.objects.filter(registration=item).last()
    assert last.data["handover"] == slip.number and last.reason == "已受理"
    assert last.label == "情况反馈，办结"

    handled = intake.registration_handle(
        registration=register(regions, clerk, applicant_id=household.members.get(
            relation="head").id_number), by=clerk, household=household,
        assistance_type="dibao", hardship="illness", reason="x",
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    referral = intake.registration_refer(registration=handled, by=clerk,
                                         agency=agencies["social"], request="照料护理")
    intake.handover_feedback(handover=referral, by=clerk, feedback="每周探访",
                             received_on=TODAY)
    assert events_of(handled)[1:] == [
        ("handle", "open", "handled", "caseworker_a"),
        ("refer", "handled", "handled", "caseworker_a"),
        ("record_feedback", "handled", "handled", "caseworker_a"),
    ]
    first = RegistrationEvent.objects.filter(registration=handled, action="handle").get()
    assert first.data == {"application": handled.application.number}
    assert household.members.get(relation="head").id_number not in str(
        list(RegistrationEvent.objects.values_list("data", "reason")))

    closed = intake.registration_close(registration=register(regions, clerk), by=clerk,
                                       outcome="已解释政策")
    assert events_of(closed)[-1] == ("close", "open", "closed", "caseworker_a")


def test_a_referral_answered_while_another_is_open_keeps_the_registration_waiting(
        regions, staff, agencies):
    clerk = staff["caseworker_a"]
    item = register(regions, clerk, category="service")
    first = intake.registration_refer(registration=item, by=clerk,
                                      agency=agencies["social"], request="心理疏导")
    second = intake.registration_refer(registration=item, by=clerk,
                                       agency=agencies["social"], request="照料护理")
    intake.handover_feedback(handover=first, by=clerk, feedback="已疏导",
                             received_on=TODAY)
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.REFERRED
    intake.handover_feedback(handover=second, by=clerk, feedback="已安排",
                             received_on=TODAY)
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.CLOSED
    assert [e[0] for e in events_of(item)] == ["register", "refer", "refer", "record_feedback",
                                               "feedback"]
    with pytest.raises(ServiceError, match="该转办单已录入反馈"):
        intake.handover_feedback(handover=first, by=clerk, feedback="再次",
                                 received_on=TODAY)
    assert len(events_of(item)) == 5


def test_a_step_from_a_wrong_state_is_refused_in_its_words_and_writes_nothing(regions, staff,
                                                                             agencies):
    clerk = staff["caseworker_a"]
    item = intake.registration_close(registration=register(regions, clerk), by=clerk,
                                     outcome="已解释政策")
    before = events_of(item)
    with pytest.raises(ServiceError, match="^该登记现为「已办结」，不能办结。$"):
        intake.registration_close(registration=item, by=clerk, outcome="再次办结")
    with pytest.raises(ServiceError, match="^该登记现为「已办结」，不能转办。$"):
        intake.registration_transfer(registration=item, by=clerk,
                                     agency=agencies["housing"], request="公租房")
    with pytest.raises(ServiceError, match="^该登记现为「已办结」，不能转介。$"):
        intake.registration_refer(registration=item, by=clerk,
                                  agency=agencies["social"], request="探访")
    open_item = register(regions, clerk)
    with pytest.raises(ServiceError, match="^该登记现为「待处置」，不能录入联席会议结果。$"):
        intake.registration_meeting_outcome(registration=open_item, by=clerk,
                                            held_on=TODAY, outcome="x")
    # A rule about what the user chose refuses after the status allowed the step: nothing
    # is written either.
    with pytest.raises(ServiceError, match="请用“转介”"):
        intake.registration_transfer(registration=open_item, by=clerk,
                                     agency=agencies["social"], request="x")
    with pytest.raises(PermissionDenied, match="只有该镇\\(街道\\)的经办人"):
        intake.registration_close(registration=open_item, by=staff["caseworker_b"],
                                  outcome="x")
    assert events_of(item) == before and not Handover.objects.exists()
    assert events_of(open_item) == [("register", "", "open", "caseworker_a")]
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.CLOSED
    assert Registration.objects.get(pk=open_item.pk).status == Registration.Status.OPEN


def test_the_status_moves_only_through_a_step(regions, staff):
    item = register(regions, staff["caseworker_a"])
    with pytest.raises(AttributeError):
        item.status = Registration.Status.CLOSED


def offered(client, item) -> list[str]:
    page = client.get(reverse("intake:detail", args=[item.pk])).content.decode()
    return re.findall(r'id="do-([a-z_]+)"', page)


def derived(item, user) -> list[str]:
    return [t.name for t in intake.offered_steps(registration=item, user=user)
            if t.custom.get("offer") != "handover"]


def test_the_page_offers_exactly_the_steps_the_user_may_take_now(regions, staff, agencies,
                                                                 client):
    clerk = staff["caseworker_a"]
    item = register(regions, clerk, category="other")
    client.force_login(clerk)
    assert offered(client, item) == derived(item, clerk) == [
        "handle", "transfer", "refer", "to_meeting", "close"]
    item = intake.registration_to_meeting(registration=item, by=clerk, reason="分歧")
    assert offered(client, item) == derived(item, clerk) == [
        "handle", "transfer", "refer", "record_meeting_outcome", "close"]
    page = client.get(reverse("intake:detail", args=[item.pk])).content.decode()
    assert "录入联席会议结果" in page and "提交联席会议" in page  # the button, the timeline
    assert "登记（窗口受理）" in page and "待处置 → 提交联席会议" in page
    # A step the status no longer allows is refused with its own words.
    response = client.post(reverse("intake:detail", args=[item.pk]) + "?do=to_meeting",
                           {"to_meeting-reason": "再次"}, follow=True)
    assert "该登记现为「提交联席会议」，不能提交联席会议。" in response.content.decode()
    assert [e[0] for e in events_of(item)] == ["register", "to_meeting"]

    intake.registration_meeting_outcome(registration=item, by=clerk, held_on=TODAY,
                                        outcome="转区窗口")
    slip = intake.registration_transfer(registration=item, by=clerk,
                                        agency=agencies["window"], request="难以确定承办部门")
    item.refresh_from_db()
    assert offered(client, item) == derived(item, clerk) == []
    # Nobody without the township's right gets a way out; the district answers its
    # window's slip on the page.
    for user in (staff["approver_a"], staff["reviewer"]):
        client.force_login(user)
        assert offered(client, item) == derived(item, user) == []
    page = client.get(reverse("intake:detail", args=[item.pk])).content.decode()
    assert f'action="{reverse("intake:handover_feedback", args=[slip.pk])}"' in page
    response = client.post(reverse("intake:detail", args=[item.pk]) + "?do=close",
                           {"close-outcome": "x"}, follow=True)
    assert "只有该镇(街道)的经办人可以办理窗口登记事项。" in response.content.decode()
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.TRANSFERRED


def test_the_district_answers_only_the_slips_sent_to_its_window(regions, staff, agencies,
                                                                client):
    clerk = staff["caseworker_a"]
    item = register(regions, clerk, category="housing")
    slip = intake.registration_transfer(registration=item, by=clerk,
                                        agency=agencies["housing"], request="公租房")
    client.force_login(staff["reviewer"])
    page = client.get(reverse("intake:detail", args=[item.pk])).content.decode()
    assert reverse("intake:handover_feedback", args=[slip.pk]) not in page
    with pytest.raises(PermissionDenied):
        intake.handover_feedback(handover=slip, by=staff["reviewer"], feedback="x",
                                 received_on=TODAY)
    assert [e[0] for e in events_of(item)] == ["register", "transfer"]


def test_a_registration_event_cannot_be_changed_on_postgresql(regions, staff):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    item = register(regions, staff["caseworker_a"])
    event = RegistrationEvent.objects.get(registration=item)
    for attempt in (lambda: RegistrationEvent.objects.filter(pk=event.pk).update(reason="改写"),
                    lambda: RegistrationEvent.objects.filter(pk=event.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # below the ORM too
            cursor.execute("UPDATE cases_registrationevent SET actor_id = actor_id")
    assert RegistrationEvent.objects.get(pk=event.pk).reason == ""


# --- time limits, both sides --------------------------------------------------------------

def test_overdue_registrations_and_slips_stand_out_on_both_sides(regions, staff, agencies,
                                                                 client):
    late = register(regions, staff["caseworker_a"], name="何建军")
    Registration.objects.filter(pk=late.pk).update(due=TODAY - datetime.timedelta(days=1))
    moved = register(regions, staff["caseworker_a"], category="housing", name="马秀珍")
    slip = intake.registration_transfer(registration=moved, by=staff["caseworker_a"],
                                        agency=agencies["housing"], request="公租房")
    slip.__class__.objects.filter(pk=slip.pk).update(due=TODAY - datetime.timedelta(days=1))
    for user in (staff["caseworker_a"], staff["reviewer"]):
        counts = selectors.intake_counts(fetched_by=user)
        assert counts["handovers_overdue"] == 1
        client.force_login(user)
        page = client.get(reverse("intake:handovers") + "?status=overdue").content.decode()
        assert slip.number in page and "超期未反馈" in page
        home = client.get(reverse("home")).content.decode()
        assert "转办超期未反馈" in home
    client.force_login(staff["caseworker_a"])
    page = client.get(reverse("intake:list") + "?status=overdue").content.decode()
    assert "何建军" in page and "已超期" in page and "马秀珍" not in page
    assert selectors.intake_counts(fetched_by=staff["caseworker_b"])["handovers_overdue"] == 0
    assert selectors.intake_counts(fetched_by=staff["caseworker_b"])["registrations_overdue"] == 0


# --- community reports and referrals -------------------------------------------------------

def test_an_assistant_cannot_see_another_communitys_referral(regions, staff, team,
                                                             make_household, client):
    report = register(regions, staff["assistant_a1"], channel=Registration.Channel.COMMUNITY)
    assert report.contact == staff["assistant_a1"]
    with pytest.raises(PermissionDenied):
        register(regions, staff["assistant_a1"], region="a2",
                 channel=Registration.Channel.COMMUNITY)
    referred = services.application_refer(
        household=make_household(regions["a1"], head_name="刘长海"), assistance_type="dibao",
        reason="老两口均患慢性病", by=staff["assistant_a1"],
        documents=[(CaseDocument.Kind.AUTHORIZATION, photo())])
    client.force_login(staff["assistant_a1"])
    page = client.get(reverse("intake:community")).content.decode()
    assert referred.number in page and report.number in page and "待受理" in page
    client.force_login(staff["assistant_a2"])
    page = client.get(reverse("intake:community")).content.decode()
    assert referred.number not in page and report.number not in page
    assert client.get(reverse("intake:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[referred.pk])).status_code == 404
    # The township returns it with everything missing, or accepts it (cases.services).
    services.application_accept(application=referred, by=staff["caseworker_a"])
    assert Application.objects.get(pk=referred.pk).state == State.INVESTIGATING


# --- uploads ------------------------------------------------------------------------------

def test_an_upload_named_like_a_photo_but_holding_something_else_is_refused(regions, staff,
                                                                            household, client):
    client.force_login(staff["assistant_a1"])
    url = reverse("cases:new", args=[household.pk])
    fake = SimpleUploadedFile("授权书.jpg", b"MZ\x90\x00 this is a program, not a photo",
                              content_type="image/jpeg")
    response = client.post(url, {"assistance_type": "dibao", "hardship": "illness",
                                 "reason": "因病致贫", "authorization": fake})
    assert response.status_code == 200 and "按文件内容识别" in response.content.decode()
    truncated = SimpleUploadedFile("授权书.jpg", jpeg()[:200], content_type="image/jpeg")
    response = client.post(url, {"assistance_type": "dibao", "hardship": "illness",
                                 "reason": "因病致贫", "authorization": truncated})
    assert "不是真正的图片" in response.content.decode()
    assert not Application.objects.exists()


def test_an_oversized_picture_is_refused_before_it_is_decoded(household, staff):
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")  # 81 M pixels, a few KB
    huge = SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(ServiceError, match="像素过大"):
        services.application_refer(household=household, assistance_type="dibao", reason="x",
                                   by=staff["assistant_a1"],
                                   documents=[(CaseDocument.Kind.AUTHORIZATION, huge)])
    assert not Application.objects.exists()


def jpeg(*, gps=False) -> bytes:
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_a_photos_location_is_stripped_before_it_is_stored(regions, staff, household):
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    original = jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the camera's GPS
    app = services.application_refer(
        household=household, assistance_type="dibao", reason="x",
        by=staff["assistant_a1"],
        documents=[(CaseDocument.Kind.AUTHORIZATION,
                    SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg"))])
    stored = app.documents.get().file
    with stored.open("rb") as handle:
        data = handle.read()
    kept = Image.open(io.BytesIO(data))
    assert kept.size == (64, 48)
    assert not kept.getexif() and b"PhoneMaker" not in data and b"GPS" not in data
    # Stored under MEDIA_ROOT, outside the static root, with a random name.

    assert stored.path.startswith(str(settings.MEDIA_ROOT)) and "IMG_0001" not in stored.name


# --- the public progress query ------------------------------------------------------------

def test_the_progress_query_shows_the_stage_and_due_date_only(build, household, client):
    app = build.accepted()
    head = household.members.get(relation="head")
    url = reverse("progress")
    page = client.post(url, {"number": app.number, "id_suffix": head.id_number[-6:]})
    text = page.content.decode()
    assert page.status_code == 200 and "调查核实" in text
    assert f"{app.decision_due.year}年{app.decision_due.month}月{app.decision_due.day}日" in text
    for secret in (head.name, head.id_number[:6], "最低生活保障", household.address, "透析"):
        assert secret not in text
    wrong_suffix = client.post(url, {"number": app.number, "id_suffix": "000000"})
    wrong_number = client.post(url, {"number": app.number + "9",
                                     "id_suffix": head.id_number[-6:]})
    assert wrong_suffix.status_code == wrong_number.status_code == 404

    def refusal(response):
        return response.content.decode().split('role="alert"')[1][:120]

    assert refusal(wrong_suffix) == refusal(wrong_number)  # never says which part was wrong
    assert "调查核实" not in wrong_suffix.content.decode()
    # Full-width digits from a phone keyboard are read as digits, not a server error.
    wide = head.id_number[-6:].translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert client.post(url, {"number": app.number, "id_suffix": wide}).status_code == 200
    assert client.post(url, {"number": "x", "id_suffix": "１２３４５６"}).status_code == 404


def test_the_progress_query_is_rate_limited(build, household, client, settings):
    settings.PROGRESS_QUERY_LIMIT = 3
    app = build.accepted()
    url = reverse("progress")
    codes = [client.post(url, {"number": app.number, "id_suffix": "000000"}).status_code
             for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    right = household.members.get(relation="head").id_number[-6:]
    assert client.post(url, {"number": app.number, "id_suffix": right}).status_code == 429


# --- 先行救助 -------------------------------------------------------------------------------

def test_urgent_aid_below_the_regions_limit_is_paid_first_and_its_paperwork_tracked(
        regions, staff, build, household):
    with pytest.raises(ServiceError, match="尚未设定先行救助限额"):
        intake.urgent_aid_grant(household=household, by=staff["caseworker_a"],
                                amount="500", reason="火灾")
    Rule.objects.create(key="urgent_aid_limit", region=regions["district"], value="1000",
                        valid_from=datetime.date(2026, 1, 1), source="区文件")
    with pytest.raises(ServiceError, match="超过本区先行救助限额（1000元）"):
        intake.urgent_aid_grant(household=household, by=staff["caseworker_a"],
                                amount="1000.01", reason="火灾")
    with pytest.raises(PermissionDenied):
        intake.urgent_aid_grant(household=household, by=staff["caseworker_b"],
                                amount="500", reason="火灾")
    aid = intake.urgent_aid_grant(household=household, by=staff["caseworker_a"],
                                  amount="800", reason="家中失火，衣物被褥烧毁")
    with pytest.raises(ServiceError, match="已有待补办的先行救助 800.00 元"):
        intake.urgent_aid_grant(household=household, by=staff["caseworker_a"],
                                amount="300", reason="再次发放")  # no splitting the limit
    assert aid.paperwork_due > TODAY and not aid.is_overdue()
    assert aid.is_overdue(aid.paperwork_due + datetime.timedelta(days=1))
    assert selectors.intake_counts(fetched_by=staff["caseworker_a"])["urgent_open"] == 1
    app = build.accepted(assistance_type="temporary")
    aid.refresh_from_db()
    assert aid.application == app and not aid.is_overdue(aid.paperwork_due
                                                         + datetime.timedelta(days=1))
    assert app.events.get(action="accept").data["urgent_aid"] == 1


def test_urgent_aid_paid_is_audited_with_its_amount_and_refusals_leave_no_trace(
        regions, staff, household):
    Rule.objects.create(key="urgent_aid_limit", region=regions["district"], value="1000",
                        valid_from=datetime.date(2026, 1, 1), source="区文件")
    with pytest.raises(ServiceError):
        intake.urgent_aid_grant(household=household, by=staff["caseworker_a"],
                                amount="5000", reason="火灾")
    assert not AuditEntry.objects.filter(action="urgent_aid_paid").exists()
    aid = intake.urgent_aid_grant(household=household, by=staff["caseworker_a"],
                                  amount="600", reason="家中失火")
    entry = AuditEntry.objects.get(action="urgent_aid_paid")
    assert entry.actor == staff["caseworker_a"] and entry.region == household.region
    assert entry.target == f"UrgentAid:{aid.pk}"
    assert entry.new["amount"] == "600.00" and entry.new["limit"] == "1000"
    assert household.members.first().id_number not in str(entry.new)


# --- existing beneficiaries from the previous system ----------------------------------------

HEADER = ["户主身份证号", "身份证号", "姓名", "与户主关系", "社区代码", "城乡类别", "住址", "联系电话",
          "救助类别", "月保障金额", "起始月份", "原系统编号"]


def test_existing_beneficiaries_are_imported_all_or_nothing(regions, staff):
    head1, wife, head2 = new_id_number(), new_id_number(male=False), new_id_number()
    good = [HEADER,
            [head1, head1, "王建华", "户主", "110115001001", "城市", "兴丰大街3号", "13800000001",
             "最低生活保障", "1450", "2024-03", "DB-0001"],
            [head1, wife, "李秀英", "配偶", "", "", "", "", "", "", "", ""],
            [head2, head2, "赵有才", "户主", "110115001002", "农村", "某村5号", "",
             "特困人员救助供养", "1885.00", "2023-11", ""]]
    bad = [row[:] for row in good]
    bad[2][3] = "邻居"             # not a relation
    bad[3][4] = "110115002001"     # another street's community
    bad[3][10] = "2023年11月"       # not YYYY-MM
    outcome = services.beneficiaries_import(township=regions["a"], content=xlsx(bad),
                                            by=staff["caseworker_a"])
    assert outcome.households == 0
    text = " ".join(outcome.result.errors)
    assert "第3行" in text and "与户主关系应为" in text
    assert "第4行" in text and "社区代码不是本镇(街道)" in text and "起始月份" in text
    assert head1 not in text and "王建华" not in text
    assert not Household.objects.exists() and not Application.objects.exists()

    outcome = services.beneficiaries_import(township=regions["a"], content=xlsx(good),
                                            by=staff["caseworker_a"])
    assert outcome.households == 2 and outcome.result.ok
    first = Member.objects.get(id_number=head1).household
    assert first.members.count() == 2 and first.region == regions["a1"]
    case = first.applications.get()
    assert case.state == State.FILED and case.monthly_amount == Decimal("1450.00")
    assert case.start_month == datetime.date(2024, 3, 1)
    assert case.events.get().data["legacy_number"] == "DB-0001"
    # In payment and on the long-term board like a family confirmed here.
    benefit = case.benefit
    assert (benefit.state, benefit.start_month, benefit.monthly_amount) == (
        "paying", datetime.date(2024, 3, 1), Decimal("1450.00"))
    board = LongTermEntry.objects.get(application=case)
    assert (board.name, board.household_size, board.monthly_amount) == ("王建华", 2,
                                                                        Decimal("1450.00"))
    rural = Member.objects.get(id_number=head2).household
    assert rural.residence == "rural" and rural.applications.get().assistance_type == "tekun"
    # Again: the people are in the system already; nothing more is written.
    again = services.beneficiaries_import(township=regions["a"], content=xlsx(good),
                                          by=staff["caseworker_a"])
    assert again.households == 0 and "一人只能属于一个家庭" in " ".join(again.result.errors)
    assert Household.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.beneficiaries_import(township=regions["a"], content=xlsx(good),
                                      by=staff["caseworker_b"])


def test_handover_and_registration_pages_work_for_the_window(regions, staff, agencies, client,
                                                             household):
    client.force_login(staff["caseworker_a"])
    response = client.post(reverse("intake:new"), {
        "region": regions["a1"].pk, "applicant_name": "冯玉兰", "category": "housing",
        "hardship": "租房到期", "applicant_id": "", "phone": "", "address": ""})
    item = Registration.objects.get()
    assert response.status_code == 302 and item.contact == staff["caseworker_a"]
    page = client.get(reverse("intake:detail", args=[item.pk])).content.decode()
    # No ID number given: the community's households are offered for 受理.
    assert "转办" in page and "区住房和城乡建设委员会" in page and "赵建国户" in page
    response = client.post(reverse("intake:detail", args=[item.pk]) + "?do=transfer",
                           {"transfer-agency": agencies["housing"].pk, "transfer-request": "公租房"})
    assert response.status_code == 302
    slip = item.handovers.get()
    response = client.post(reverse("intake:handover_feedback", args=[slip.pk]),
                           {f"f{slip.pk}-received_on": TODAY.isoformat(),
                            f"f{slip.pk}-feedback": "已受理"})
    assert Registration.objects.get(pk=item.pk).status == Registration.Status.CLOSED
    # 先行救助 from its page, found by a member's ID number.
    Rule.objects.create(key="urgent_aid_limit", region=regions["district"], value="1000",
                        valid_from=datetime.date(2026, 1, 1), source="区文件")
    response = client.post(reverse("intake:urgent"), {
        "id_number": household.members.get(relation="head").id_number, "amount": "600",
        "paid_on": TODAY.isoformat(), "reason": "突发火灾"})
    assert response.status_code == 302
    assert UrgentAid.objects.get().household == household
    page = client.get(reverse("intake:urgent")).content.decode()
    assert "待补办手续" in page and "600.00" in page
