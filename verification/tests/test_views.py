"""The district's verification pages, as a reviewer and as someone who may not use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Region
from accounts.roles import Level, Role
from conftest import new_id_number
from verification.models import ImportBatch, VerificationJob
from verification.tests.conftest import csv_bytes


@pytest.fixture
def reviewer_client(client, staff):
    client.force_login(staff["reviewer"])
    return client


def upload(client, rows, source="hukou", encoding="utf-8", name="hukou.csv"):
    return client.post(reverse("verification:sources"), {
        "source": source, "data_date": "2026-10-31",
        "file": SimpleUploadedFile(name, csv_bytes(rows, encoding), content_type="text/csv")})


def test_reviewer_imports_a_file_and_sees_the_version(reviewer_client):
    response = upload(reviewer_client, [["身份证号", "姓名", "户籍状态"], [new_id_number(), "张三", "正常"]],
                      encoding="gbk")
    assert response.status_code == 302
    page = reviewer_client.get(reverse("verification:sources")).content.decode()
    assert "已导入户籍 第1版，共1行（CSV（GBK））" in page
    assert "第1版" in page and "尚未导入" in page  # the other seven sources


def test_a_refused_file_lists_its_row_errors_and_stores_nothing(reviewer_client):
    bad = new_id_number()[:17] + "Y"
    response = upload(reviewer_client, [["身份证号", "姓名", "户籍状态"], [bad, "张三", "正常"],
                                        [new_id_number(), "李四", "失踪"]])
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件未导入" in page and "共发现 2 处问题" in page
    assert "第2行：身份证号无效" in page and "第3行：户籍状态应为正常、死亡、注销、迁出之一" in page
    assert bad not in page
    assert not ImportBatch.objects.exists()


def test_the_template_lists_the_headers(reviewer_client):
    response = reviewer_client.get(reverse("verification:template", args=["deposit"]))
    assert response.content.decode("utf-8-sig").strip() == "身份证号,姓名,机构名称,资产类型,余额"


def test_township_staff_may_not_use_the_pages(client, staff):
    client.force_login(staff["caseworker_a"])
    assert client.get(reverse("verification:sources")).status_code == 403
    assert client.get(reverse("verification:jobs")).status_code == 403


def test_job_page_shows_progress_and_refreshes_while_running(reviewer_client, regions, staff):
    job = VerificationJob.objects.create(township=regions["a"], total=200, done=50,
                                         created_by=staff["reviewer"])
    page = reviewer_client.get(reverse("verification:job", args=[job.pk])).content.decode()
    assert '<progress value="50" max="200"' in page and "25%" in page
    assert 'http-equiv="refresh"' in page
    job.status, job.done = VerificationJob.Status.COMPLETED, 200
    job.save()
    page = reviewer_client.get(reverse("verification:job", args=[job.pk])).content.decode()
    assert "100%" in page and 'http-equiv="refresh"' not in page


def test_a_job_of_another_district_is_not_found(client, make_user, regions):
    other = Region.objects.create(code="110116", name="怀柔区", level=Level.DISTRICT)
    outsider = make_user(Role.DISTRICT_REVIEWER, other, "huairou_reviewer")
    job = VerificationJob.objects.create(township=regions["a"], total=1, created_by=outsider)
    client.force_login(outsider)
    assert client.get(reverse("verification:job", args=[job.pk])).status_code == 404
