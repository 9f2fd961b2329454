"""Publicity as the public sees it: the boards, the objection form, the long-term roster,
the printed notice with its QR code; and hearings scheduled for several cases at once."""

import datetime
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Rule
from accounts.roles import Role
from cases import guards, services
from cases.models import Application, State
from cases.tests.builders import CaseBuilder
from core.errors import ServiceError
from publicity import services as publicity_services
from publicity.models import Hearing, HearingSession, LongTermEntry, Objection, PolicyPage, SupervisionContact


@pytest.fixture(autouse=True)
def fresh_cache():
    """The boards are cached for a minute: each test starts without another's pages."""
    cache.clear()


@pytest.fixture
def publicised(build):
    return build.proposed(build.investigated(build.accepted()))


def board(client, region):
    return client.get(reverse("public:board", args=[region.code]))


def test_the_community_board_shows_the_notice_and_nothing_else(client, publicised, regions,
                                                               household):
    response = board(client, regions["a1"])  # no login
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60"}
    page = response.content.decode()
    head = household.members.get()
    assert "赵建国" in page and "家庭 1 人" in page and "最低生活保障" in page
    assert "拟同意，每月1200.00元" in page
    assert reverse("public:objection", args=[publicised.notices.get().pk]) in page
    for private in (head.id_number, household.address, household.phone, "透析"):
        assert private not in page
    # The township board lists its communities; the other street's board does not.
    assert "赵建国" in board(client, regions["a"]).content.decode()
    assert "赵建国" not in board(client, regions["b1"]).content.decode()


def test_only_townships_and_communities_have_boards(client, regions):
    assert board(client, regions["district"]).status_code == 404
    assert client.get("/gongshi/999999999999/").status_code == 404


def test_given_names_are_masked_where_the_region_says_so(client, publicised, regions):
    Rule.objects.create(key="publicity_mask_given_name", region=regions["a"], value=True,
                        valid_from=datetime.date(2020, 1, 1))
    page = board(client, regions["a1"]).content.decode()
    assert "赵*国" in page and "赵建国" not in page
    notice = publicised.notices.get()
    form = client.get(reverse("public:objection", args=[notice.pk])).content.decode()
    assert "赵*国" in form and "赵建国" not in form


def post_objection(client, notice, content="他家开了一家小卖部，收入没有申报。", ip="10.20.0.1",
                   contact=""):
    return client.post(reverse("public:objection", args=[notice.pk]),
                       {"content": content, "contact": contact}, REMOTE_ADDR=ip)


def test_a_public_objection_reaches_the_caseworker_and_blocks_the_decision(client, publicised,
                                                                          team, build):
    notice = publicised.notices.get()
    response = post_objection(client, notice, contact="")
    assert response.status_code == 302
    received = Objection.objects.get()
    assert (received.channel, received.entered_by, received.contact) == ("public_form", None, "")
    done = client.get(response["Location"]).content.decode()
    assert f"异议登记号：<strong>{received.pk}</strong>" in done

    client.force_login(team["acceptor"])
    queue = client.get(reverse("cases:queue") + "?objection=pending").content.decode()
    assert publicised.number in queue and "有待核查的异议" in queue
    home = client.get(reverse("home")).content.decode()
    assert "待核查异议" in home
    # Rule 6 and DB §19: it must be handled, and it makes the hearing compulsory.
    build.publicity_elapsed(publicised)
    with pytest.raises(ServiceError, match="尚未核查处理"):
        services.application_close_publicity(application=publicised, by=team["reviewer"],
                                             skip_reason="无")


def test_the_public_form_is_limited_per_address_and_in_size(client, publicised, settings):
    settings.PUBLIC_OBJECTION_LIMIT = 2
    notice = publicised.notices.get()
    assert post_objection(client, notice, ip="10.30.0.1").status_code == 302
    # An invalid post counts too: floods of empty or broken posts are limited as well.
    assert post_objection(client, notice, content="", ip="10.30.0.1").status_code == 400
    refused = post_objection(client, notice, ip="10.30.0.1")
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert post_objection(client, notice, ip="10.30.0.2").status_code == 302  # another address
    long = post_objection(client, notice, content="很" * 2001, ip="10.31.0.9")
    assert long.status_code == 400
    huge = post_objection(client, notice, content="很" * 9000, ip="10.31.0.10")
    assert huge.status_code == 413
    assert Objection.objects.count() == 2


def test_ipv6_clients_are_counted_per_network_and_forwarded_for_is_not_believed(client, publicised,
                                                                              settings):
    settings.PUBLIC_OBJECTION_LIMIT = 1
    notice = publicised.notices.get()
    assert post_objection(client, notice, ip="2001:db8:1:2::1").status_code == 302
    assert post_objection(client, notice, ip="2001:db8:1:2::ffff").status_code == 429
    url = reverse("public:objection", args=[notice.pk])
    spoofed = client.post(url, {"content": "再提一次"}, REMOTE_ADDR="10.50.0.1",
                          HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert spoofed.status_code == 302
    again = client.post(url, {"content": "又一次"}, REMOTE_ADDR="10.50.0.1",
                        HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert again.status_code == 429  # a new X-Forwarded-For does not make a new client


def test_a_notice_takes_a_limited_number_of_public_objections_a_day(client, publicised, settings):
    settings.PUBLIC_OBJECTIONS_PER_NOTICE = 2
    notice = publicised.notices.get()
    for n in range(2):
        assert post_objection(client, notice, ip=f"10.60.0.{n}").status_code == 302
    refused = post_objection(client, notice, ip="10.60.0.9")
    assert refused.status_code == 429 and "已达上限" in refused.content.decode()


def test_the_form_of_a_replaced_notice_follows_the_new_one(client, publicised, team):
    old = publicised.notices.get()
    services.application_send_back  # noqa: B018 - the re-proposal path below replaces it
    app = publicised
    build_reviewer = team["reviewer"]

    Application.objects.filter(pk=app.pk).update(state=State.REVIEWING)
    app.refresh_from_db()
    services.application_propose(application=app, by=build_reviewer, approve=True,
                                 amount="1100", reasons="重新审核后调整")
    new = app.notices.get(status="open")
    assert new.pk != old.pk
    response = client.get(reverse("public:objection", args=[old.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/notice/{new.pk}/objection/")


def test_a_closed_notice_takes_no_objection(client, publicised, team, build):
    notice = publicised.notices.get()
    build.publicity_elapsed(publicised)
    services.application_close_publicity(application=publicised, by=team["reviewer"],
                                         skip_reason="无异议")
    services.application_approve(application=publicised.__class__.objects.get(pk=publicised.pk),
                                 by=team["approver"])
    assert client.get(reverse("public:objection", args=[notice.pk])).status_code == 404
    with pytest.raises(ServiceError, match="公示已结束"):
        publicity_services.objection_submit_public(notice_id=notice.pk, content="x", contact="")


def test_the_long_term_roster_follows_the_benefit(client, build, regions):
    app = build.confirmed()
    page = board(client, regions["a1"]).content.decode()
    assert "长期公示" in page and "赵建国" in page and "1200.00" in page
    today = timezone.localdate()
    publicity_services.long_term_change(application_id=app.pk, monthly_amount=Decimal("900"),
                                        on=today)

    cache.clear()  # the board is cached for a minute
    page = board(client, regions["a1"]).content.decode()
    assert "900.00" in page and "1200.00" not in page
    publicity_services.long_term_stop(application_id=app.pk, on=today)
    cache.clear()
    assert "赵建国" not in board(client, regions["a1"]).content.decode()
    assert LongTermEntry.objects.filter(application=app).count() == 2


def test_the_policy_page_shows_standards_materials_and_contacts(client, regions):
    Rule.objects.create(key="dibao_standard_urban", region=regions["district"], value="1450",
                        valid_from=datetime.date(2020, 1, 1))
    PolicyPage.objects.create(region=regions["district"], conditions="人均收入低于标准。",
                              how_to_apply="到镇(街道)窗口申请。")
    SupervisionContact.objects.create(region=regions["district"], level="county",
                                      name="区民政局监督电话", phone="010-1234 5678")
    SupervisionContact.objects.create(region=regions["b"], level="township",
                                      name="林校路街道窗口", phone="010-2222 3333")
    page = client.get(reverse("public_policy", args=[regions["a1"].code])).content.decode()
    assert "每人每月 1450 元" in page and "人均收入低于标准。" in page
    assert "区民政局监督电话" in page and "010-1234 5678" in page
    assert "林校路街道窗口" not in page  # another street's number
    assert "社会救助申请及核对授权书" in page or "身份证" in page  # the materials checklist


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("pdftoppm"),
                    reason="bin/test installs poppler-utils and zbar-tools")
def test_the_printed_notice_lists_the_notices_and_its_qr_code_opens_the_board(
        client, publicised, team, regions, tmp_path, settings):
    settings.PUBLIC_BASE_URL = "https://jiuzhu.example.gov.cn"
    client.force_login(team["acceptor"])
    response = client.get(reverse("public:print", args=[regions["a1"].code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "printed-notice.pdf").write_bytes(response.content)  # for a person to look at
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "社会救助审核确认公示" in text and "赵建国" in text and "拟同意" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "p")],
                   check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "p.png")],
                             capture_output=True, text=True).stdout.strip()
    assert decoded == f"https://jiuzhu.example.gov.cn/gongshi/{regions['a1'].code}/"


def test_only_the_township_prints_its_communities_notices(client, staff, regions):
    client.force_login(staff["assistant_a1"])
    assert client.get(reverse("public:print", args=[regions["a1"].code])).status_code == 403
    client.force_login(staff["caseworker_b"])
    assert client.get(reverse("public:print", args=[regions["a1"].code])).status_code == 403


# --- hearings scheduled centrally -----------------------------------------------------------


def test_a_meeting_hears_several_cases_and_each_gets_its_outcome(team, regions, make_household,
                                                                household):
    first = CaseBuilder(team, household)
    second = CaseBuilder(team, make_household(regions["a2"], head_name="孙秀英"))
    in_publicity = first.proposed(first.investigated(first.accepted()))
    services.application_record_objection(application=in_publicity, by=team["acceptor"],
                                          channel="phone", content="有人反映其子女有稳定收入")
    awaiting = second.approving()
    today = timezone.localdate()
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=today, place="兴丰街道三楼会议室",
        participants="街道干部2人、社区干部2人、调查人员2人、居民代表5人",
        applications=[in_publicity, awaiting], by=team["reviewer"])
    for app in (in_publicity, awaiting):
        app.refresh_from_db()
        assert app.state == State.HEARING
    votes = {"votes_for": 8, "votes_against": 1, "votes_abstain": 2}
    services.hearing_session_record(session=session, application=awaiting,
                                    by=team["reviewer"],
                                    data={"opinions": "情况属实", "minutes": "一致认为符合条件",
                                          "outcome": Hearing.Outcome.APPROVE, **votes})
    awaiting.refresh_from_db()
    assert awaiting.state == State.APPROVING
    hearing = awaiting.hearings.get()
    assert hearing.session == session and hearing.held_on == today
    assert hearing.participants.startswith("街道干部2人")


def test_a_meeting_is_scheduled_for_all_its_cases_or_none(team, regions, household, make_household,
                                                         staff):
    first = CaseBuilder(team, household)
    in_publicity = first.proposed(first.investigated(first.accepted()))
    other_street = CaseBuilder({**team, "acceptor": staff["caseworker_b"]},
                               make_household(regions["b1"], head_name="周丽"))
    outsider = other_street.accepted()
    with pytest.raises(ServiceError, match="不属于兴丰街道"):
        services.hearing_session_schedule(
            township=regions["a"], held_on=timezone.localdate(), place="会议室",
            participants="干部", applications=[in_publicity, outsider],
            by=team["reviewer"])
    in_publicity.refresh_from_db()
    assert in_publicity.state == State.PUBLICIZING

    assert not HearingSession.objects.exists()


def test_the_meeting_pages(client, team, regions, household):
    build = CaseBuilder(team, household)
    app = build.proposed(build.investigated(build.accepted()))
    client.force_login(team["reviewer"])
    page = client.get(reverse("cases:hearings")).content.decode()
    assert app.number in page
    response = client.post(reverse("cases:hearings"), {
        "held_on": timezone.localdate().isoformat(), "place": "会议室", "participants": "干部5人",
        "applications": [str(app.pk)]})
    assert response.status_code == 302
    session_url = response["Location"]
    page = client.get(session_url).content.decode()
    assert "录入本件评议结果" in page
    prefix = f"c{app.pk}"
    response = client.post(reverse("cases:hearing_record", args=[int(session_url.split("/")[-2]),
                                                                   app.pk]),
                           {f"{prefix}-opinions": "同意", f"{prefix}-votes_for": 7,
                            f"{prefix}-votes_against": 0, f"{prefix}-votes_abstain": 0,
                            f"{prefix}-minutes": "无异议", f"{prefix}-outcome": "approve"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == State.APPROVING
    assert "同意审核意见，提交审批" in client.get(session_url).content.decode()


def test_the_board_runs_the_same_queries_for_one_notice_or_many(client, team, regions,
                                                               make_household):
    def publicise(name):
        build = CaseBuilder(team, make_household(regions["a1"], head_name=name))
        build.proposed(build.investigated(build.accepted()))

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert board(client, regions["a1"]).status_code == 200
        return len(captured)

    publicise("甲一")
    one = queries()
    for name in ("乙二", "丙三", "丁四", "戊五"):
        publicise(name)
    assert queries() == one


def test_an_objection_after_the_meeting_day_is_not_heard_by_it(team, regions, household):
    """The result is typed in after the meeting: an objection that came in after the
    meeting day still calls for a hearing."""
    build = CaseBuilder(team, household)
    app = build.approving()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=yesterday, place="会议室", participants="干部5人",
        applications=[app], by=team["reviewer"])
    services.application_record_objection(application=app, by=team["acceptor"],
                                          channel="phone", content="会后收到的举报")
    objection = Objection.objects.get()
    services.application_handle_objection(application=app, objection=objection,
                                          by=team["acceptor"], finding="已核查，情况不实")
    services.hearing_session_record(session=HearingSession.objects.get(pk=session.pk),
                                    application=app, by=team["reviewer"],
                                    data={"opinions": "同意", "minutes": "无", "outcome": "approve",
                                          "votes_for": 5, "votes_against": 0, "votes_abstain": 0})
    app.refresh_from_db()
    assert guards.unheard_objections(app).exists()
    with pytest.raises(ServiceError, match="须由经办人组织民主评议"):
        services.application_approve(application=app, by=team["approver"])


def test_a_meeting_records_only_its_own_cases_and_keeps_the_vote_rule(team, regions, household,
                                                                     make_household):
    first = CaseBuilder(team, household)
    second = CaseBuilder(team, make_household(regions["a2"], head_name="孙秀英"))
    on_agenda, other = first.approving(), second.approving()
    services.application_call_hearing(application=other, by=team["reviewer"])
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=timezone.localdate(), place="会议室", participants="干部",
        applications=[on_agenda], by=team["reviewer"])
    session = HearingSession.objects.get(pk=session.pk)
    data = {"opinions": "同意", "minutes": "无", "outcome": "approve", "votes_for": 2,
            "votes_against": 3, "votes_abstain": 0}
    with pytest.raises(ServiceError, match="不在本次评议会议中"):
        services.hearing_session_record(session=session, application=other,
                                        by=team["reviewer"], data=data)
    with pytest.raises(ServiceError, match="同意票未过半数"):
        services.hearing_session_record(session=session, application=on_agenda,
                                        by=team["reviewer"], data=data)


def test_a_meeting_page_of_another_street_is_not_found(client, team, regions, household, staff):
    build = CaseBuilder(team, household)
    session = services.hearing_session_schedule(
        township=regions["a"], held_on=timezone.localdate(), place="会议室", participants="干部",
        applications=[build.approving()], by=team["reviewer"])
    client.force_login(staff["caseworker_b"])
    assert client.get(reverse("cases:hearing_session", args=[session.pk])).status_code == 404


def test_a_hearing_meeting_is_of_one_township_and_the_service_says_so(team, household,
                                                                       make_household, regions,
                                                                       make_user):
    """The rule lives in the service, not in the page: whoever calls it gets the refusal."""
    ours = CaseBuilder(team, household).approving()
    other_team = {**team,
                  "acceptor": make_user(Role.TOWNSHIP_CASEWORKER, regions["b"], "acceptor_b"),
                  "reviewer": make_user(Role.TOWNSHIP_CASEWORKER, regions["b"], "reviewer_b"),
                  "approver": make_user(Role.TOWNSHIP_APPROVER, regions["b"], "approver_b")}
    theirs = CaseBuilder(other_team, make_household(regions["b1"], head_name="周桂兰")).approving()
    district_caseworker = make_user(Role.TOWNSHIP_CASEWORKER, regions["a"], "both_a")
    with pytest.raises(ServiceError, match="只能安排同一个镇"):
        services.hearing_session_schedule(
            held_on=timezone.localdate(), place="会议室", participants="街道干部2人",
            applications=[ours, theirs], by=district_caseworker)
    for app in (ours, theirs):
        app.refresh_from_db()
        assert app.state == State.APPROVING
    session = services.hearing_session_schedule(
        held_on=timezone.localdate(), place="会议室", participants="街道干部2人",
        applications=[ours], by=team["reviewer"])
    assert session.township == regions["a"]
