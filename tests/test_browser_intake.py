"""A community assistant on a 375-px phone reports a family, then files a proxy
application (代为申请) with a photo of the signed authorization; the township's caseworker
finds it on the workbench and accepts it. Debian's Chromium."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Application, Registration, State
from tests.browser import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser


def camera_photo(path: Path) -> Path:
    """A JPEG as a phone takes it: with the camera's EXIF, GPS included."""
    # deferred: a heavy library, loaded only when this runs
    from PIL import Image

    image = Image.new("RGB", (400, 300), (250, 250, 245))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (39.0, 44.0, 10.0), 3: "E", 4: (116.0, 20.0, 5.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def test_an_assistant_applies_on_a_phone_and_the_township_accepts(browser, live_server, regions,
                                                                  staff, make_household, tmp_path):
    household = make_household(regions["a1"], head_name="刘长海", by=staff["assistant_a1"])
    photo = camera_photo(tmp_path / "IMG_20261122_0930.jpg")
    context = browser.new_context(viewport={"width": 375, "height": 780}, locale="zh-CN",
                                  is_mobile=True, has_touch=True)
    phone = context.new_page()
    sign_in(phone, live_server.url, "assistant_a1")
    phone.locator("nav.mainnav a", has_text="上报与代办").click()
    phone.locator("a", has_text="发现报告").first.click()
    phone.fill("#id_applicant_name", "刘长海")
    phone.select_option("#id_category", "dibao")
    phone.fill("#id_hardship", "楼道走访发现：老两口均患慢性病，仅一人有少量养老金。")
    phone.click("button:has-text('登记')")
    expect(phone.locator(".messages")).to_contain_text("已登记")
    assert Registration.objects.get().contact.username == "assistant_a1"

    phone.goto(f"{live_server.url}/households/{household.pk}/")
    phone.locator("a", has_text="申请救助").click()
    phone.select_option("#id_assistance_type", "dibao")
    phone.select_option("#id_hardship", "illness")
    phone.fill("#id_reason", "老两口均患慢性病，长期服药，仅一人有少量养老金。")
    assert phone.locator("#id_authorization").get_attribute("capture") == "environment"
    phone.set_input_files("#id_authorization", str(photo))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    phone.screenshot(path=str(ARTIFACTS / "intake-proxy-application-375.png"), full_page=True)
    phone.locator("main form button[type=submit]").last.click()
    expect(phone.locator(".messages")).to_contain_text("已上报镇(街道)")
    case = Application.objects.get()
    assert case.state == State.REFERRED
    phone.goto(f"{live_server.url}/intake/community/")
    referrals = phone.locator("ul.rows").first  # 代为申请 (the reports' list follows)
    expect(referrals.locator("li", has_text=case.number)).to_contain_text("待受理")
    phone.screenshot(path=str(ARTIFACTS / "intake-community-375.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 375, "height": 780}, locale="zh-CN",
                               is_mobile=True, has_touch=True).new_page()
    sign_in(desk, live_server.url, "caseworker_a")
    desk.locator("a.tile", has_text="待受理").click()
    desk.locator("ul.rows li", has_text=case.number).locator("a").first.click()
    expect(desk.locator("body")).to_contain_text("社会救助申请及核对授权书")
    desk.locator("summary", has_text="受理").first.click()
    desk.locator("#action-accept button[type=submit]").click()
    expect(desk.locator(".messages")).to_contain_text("已受理")
    desk.screenshot(path=str(ARTIFACTS / "intake-accepted-375.png"), full_page=True)
    case.refresh_from_db()
    assert case.state == State.INVESTIGATING and case.accepted_by.username == "caseworker_a"
    with case.documents.get().file.open("rb") as stored:
        data = stored.read()
    assert b"PhoneMaker" not in data and data.startswith(b"\xff\xd8\xff")  # no EXIF kept
