"""The case pages as users meet them."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from cases import services
from cases import urls as case_urls
from cases.models import Application, CaseDocument, State
from cases.tests.builders import PNG, photo
from households.models import HouseholdAccess


def page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response.status_code, response.content.decode()


def test_every_case_url_is_404_outside_the_users_regions(client, build, staff):
    app = build.accepted()
    document = app.documents.first()
    services.application_record_home_investigation(
        application=app, by=staff["caseworker_a"],
        data={"visited_on": app.accepted_on, "investigators": "王强、李娜", "findings": "x",
              "signed_form": photo()})
    investigation = app.home_investigations.get()
    urls = []
    for pattern in case_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = pattern.pattern.converters
        if "pk" not in params or pattern.name.startswith("hearing"):
            continue  # meetings: test_publicity.test_a_meeting_page_of_another_street_is_not_found
        kwargs = {"pk": app.pk}
        if "key" in params:
            kwargs["key"] = "finish_investigation"
        if "document_pk" in params:
            kwargs["document_pk"] = document.pk
        if "investigation_pk" in params:
            kwargs["investigation_pk"] = investigation.pk
        urls.append(reverse(f"cases:{pattern.name}", kwargs=kwargs))
    assert len(urls) == 4
    client.force_login(staff["caseworker_b"])
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"finish_investigation-expected_state": "investigating"}
                           ).status_code == 404, url
    assert Application.objects.get(pk=app.pk).state == State.INVESTIGATING
    client.force_login(staff["assistant_a2"])  # same street, another community
    assert client.get(reverse("cases:detail", args=[app.pk])).status_code == 404
    client.force_login(staff["approver_a"])  # and the same URLs do answer inside the region
    assert all(client.get(u).status_code == 200 for u in urls if "/do/" not in u)


def test_the_work_queue_costs_the_same_queries_for_10_and_100_rows(client, build, team):
    def cost():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("cases:queue") + "?size=100")
        assert response.status_code == 200
        return len(captured), response.content.decode().count('class="state state-')

    client.force_login(team["acceptor"])
    for _ in range(10):
        build.accepted()
    queries_10, rows_10 = cost()
    for _ in range(90):
        build.accepted()
    queries_100, rows_100 = cost()
    assert (rows_10, rows_100) == (10, 100)
    assert queries_10 == queries_100


def test_deep_pages_follow_the_keyset(client, build, team):
    client.force_login(team["acceptor"])
    numbers = [build.accepted().number for _ in range(25)]
    first = client.get(reverse("cases:queue") + "?size=10").content.decode()
    assert numbers[-1] in first and numbers[-11] not in first
    after = first.split("after=")[1].split("&")[0]
    second = client.get(reverse("cases:queue") + f"?size=10&after={after}").content.decode()
    assert numbers[-11] in second and numbers[-1] not in second


def test_overdue_cases_stand_out_in_the_queue(client, build, team):
    late = build.accepted()
    Application.objects.filter(pk=late.pk).update(decision_due=datetime.date(2026, 1, 5))
    client.force_login(team["acceptor"])
    _, html = page(client, reverse("cases:queue") + "?due=overdue")
    assert late.number in html and 'class="overdue-flag"' in html
    _, html = page(client, reverse("cases:queue"))
    assert html.count('class="overdue-flag"') == 1


def test_searching_by_id_number_keeps_it_out_of_the_url(client, build, team, household):
    app = build.accepted()
    number = household.members.get().id_number
    client.force_login(team["acceptor"])
    response = client.post(reverse("cases:queue"), {"q": number})
    assert response.status_code == 302 and number not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert app.number in html and number not in html


def test_each_user_sees_only_the_steps_they_may_take(client, build, team):
    app = build.approving()
    detail = reverse("cases:detail", args=[app.pk])
    client.force_login(team["approver"])
    _, html = page(client, detail)
    assert 'id="action-approve"' in html and 'id="action-reject"' in html
    assert 'id="action-home_investigation"' not in html
    client.force_login(team["reviewer"])  # proposed it: may not decide, has no approver role
    _, html = page(client, detail)
    assert 'id="action-approve"' not in html and 'id="action-withdraw"' in html


def test_the_acceptor_is_told_why_they_cannot_review(client, build, team):
    app = build.investigated(build.accepted())
    client.force_login(team["acceptor"])
    _, html = page(client, reverse("cases:detail", args=[app.pk]))
    assert "三名不同人员" in html


def test_a_blocked_step_explains_its_rule(client, build, team):
    app = build.accepted()
    client.force_login(team["acceptor"])
    _, html = page(client, reverse("cases:detail", args=[app.pk]))
    assert "尚无入户调查记录" in html and "核对报告尚未出具" in html


def test_a_step_on_a_case_just_moved_by_someone_else_is_refused_clearly(client, build, team):
    app = build.proposed(build.investigated(build.accepted()))
    client.force_login(team["reviewer"])
    response = client.post(reverse("cases:act", args=[app.pk, "withdraw"]),
                           {"withdraw-expected_state": State.REVIEWING, "withdraw-reason": "撤回"})
    assert response.status_code == 400
    assert "刚刚已被他人处理" in response.content.decode()
    assert Application.objects.get(pk=app.pk).state == State.PUBLICIZING


def test_a_caseworker_accepts_at_the_window_with_the_authorization(client, team, household):
    client.force_login(team["acceptor"])
    response = client.post(reverse("cases:new", args=[household.pk]), {
        "assistance_type": "dibao", "hardship": "illness", "reason": "因病致贫", "authorization": photo()})
    app = Application.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[app.pk])
    assert app.state == State.INVESTIGATING


def test_without_the_authorization_the_window_says_what_to_bring(client, team, household):
    client.force_login(team["acceptor"])
    html = client.post(reverse("cases:new", args=[household.pk]), {
        "assistance_type": "dibao", "hardship": "illness", "reason": "因病致贫"}).content.decode()
    assert "受理时必须上传" in html and not Application.objects.exists()
    html = client.post(reverse("cases:new", args=[household.pk]), {
        "assistance_type": "dibao", "hardship": "illness"}).content.decode()
    assert "受理时必须上传" in html and "这个字段是必填项" in html  # both at once


def test_a_downloaded_document_is_named_after_the_case_not_the_upload(client, team, household):
    client.force_login(team["acceptor"])
    client.post(reverse("cases:new", args=[household.pk]), {
        "assistance_type": "dibao", "hardship": "illness", "reason": "因病致贫",
        "authorization": photo("11010519491231002X身份证.png")})
    doc = CaseDocument.objects.get()
    assert "11010519491231002X" not in doc.file.name
    response = client.get(reverse("cases:document", args=[doc.application_id, doc.pk]))
    assert "11010519491231002X" not in response["Content-Disposition"]
    assert doc.application.number in response["Content-Disposition"]


def test_an_assistant_refers_and_the_township_accepts(client, team, household):
    client.force_login(team["assistant"])
    client.post(reverse("cases:new", args=[household.pk]), {
        "assistance_type": "tekun", "hardship": "old_age", "reason": "独居老人无收入",
        "authorization": photo()})
    app = Application.objects.get()
    assert app.state == State.REFERRED
    client.force_login(team["acceptor"])
    client.post(reverse("cases:act", args=[app.pk, "accept"]),
                {"accept-expected_state": State.REFERRED})
    assert Application.objects.get(pk=app.pk).state == State.INVESTIGATING


def test_a_file_named_like_a_photo_but_not_one_is_refused(client, team, household):
    client.force_login(team["acceptor"])
    fake = SimpleUploadedFile("授权书.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    html = client.post(reverse("cases:new", args=[household.pk]), {
        "assistance_type": "dibao", "hardship": "illness", "reason": "x",
        "authorization": fake}).content.decode()
    assert "按文件内容识别" in html and not Application.objects.exists()


def test_documents_are_served_only_within_scope(client, build, staff):
    app = build.accepted()
    doc = app.documents.get(kind=CaseDocument.Kind.AUTHORIZATION)
    url = reverse("cases:document", args=[app.pk, doc.pk])
    client.force_login(staff["approver_a"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    served = b"".join(response.streaming_content)  # re-encoded without metadata on upload
    assert served.startswith(b"\x89PNG") and same_picture(served, PNG)
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(staff["caseworker_b"])
    assert client.get(url).status_code == 404


def test_the_filing_page_files_confirmed_cases_with_the_approvers(client, build, team):
    app = build.confirmed()
    client.force_login(team["acceptor"])
    assert app.number in client.get(reverse("cases:filing")).content.decode()
    response = client.post(reverse("cases:filing"), {"cases": [app.pk]}, follow=True)
    assert "已报送备案批次" in response.content.decode()
    assert Application.objects.get(pk=app.pk).state == State.FILED


@pytest.mark.parametrize("user", ["admin"])
def test_the_district_administrator_has_no_case_queue(client, staff, user):
    client.force_login(staff[user])
    assert client.get(reverse("cases:queue")).status_code == 403


def test_the_workbench_shows_each_role_what_waits_for_them(client, build, team):
    build.approving()
    build.accepted()
    client.force_login(team["approver"])
    html = client.get(reverse("home")).content.decode()
    assert "待审批" in html and "待受理" not in html
    client.force_login(team["district"])
    html = client.get(reverse("home")).content.decode()
    assert "待核对" in html
    client.force_login(team["acceptor"])
    html = client.get(reverse("home")).content.decode()
    assert "调查核实" in html and "待审批" not in html


def test_the_district_filters_cases_awaiting_its_verification(client, build, team):
    waiting = build.accepted()
    done = build.investigated(build.accepted())
    client.force_login(team["district"])
    html = client.get(reverse("cases:queue") + "?verify=pending").content.decode()
    assert waiting.number in html and done.number not in html


def test_opening_a_case_records_a_view_of_the_household(client, build, team):
    app = build.accepted()
    client.force_login(team["approver"])
    client.get(reverse("cases:detail", args=[app.pk]))
    assert HouseholdAccess.objects.filter(user=team["approver"], action="view",
                                          household_id_ref=app.household_id).count() == 1


def test_downloading_a_document_records_a_view_of_the_household(client, build, team):
    app = build.accepted()
    doc = app.documents.get()
    client.force_login(team["approver"])
    client.get(reverse("cases:document", args=[app.pk, doc.pk]))
    assert HouseholdAccess.objects.filter(user=team["approver"], action="view").count() == 1


def test_a_step_not_offered_in_this_state_is_refused_by_the_page(client, build, team):
    app = build.confirmed()
    client.force_login(team["assistant"])
    response = client.post(reverse("cases:act", args=[app.pk, "attach"]),
                           {"attach-expected_state": State.CONFIRMED, "attach-kind": "other",
                            "attach-file": photo()}, follow=True)
    assert "申请现为「已确认」，不能上传材料" in response.content.decode()
    assert not app.documents.filter(kind="other").exists()


def same_picture(a: bytes, b: bytes) -> bool:
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    first, second = Image.open(io.BytesIO(a)), Image.open(io.BytesIO(b))
    return first.size == second.size and first.convert("RGB").tobytes() == second.convert(
        "RGB").tobytes()
