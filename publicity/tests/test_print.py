"""The printed notice: a PDF of a community's open notices whose QR code opens the
community's board; only the township prints it."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse


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


def test_the_township_notice_is_printed_per_community_and_says_so(client, staff, regions):
    client.force_login(staff["caseworker_a"])  # the street's own caseworker
    response = client.get(reverse("public:print", args=[regions["a"].code]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "请在公示栏中选择具体的社区(村)后打印" in page and "只有该镇(街道)的经办人" not in page
