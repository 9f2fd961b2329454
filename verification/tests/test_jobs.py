"""Batch verification of a township: chunks on a real worker, retried, resumable."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.tests.builders import cn
from config import celery_app
from conftest import new_id_number
from core.errors import ServiceError
from verification import engine, jobs, tasks
from verification.models import JobChunk, VerificationJob, VerificationRequest


@pytest.fixture
def township_households(regions, make_household, importer):
    households = [make_household(regions["a1" if n % 2 else "a2"], head_name=f"户主{cn(n)}")
                  for n in range(25)]
    make_household(regions["b1"], head_name="别的街道")  # not in the job
    heads = [h.members.get() for h in households]
    importer("hukou", [["身份证号", "姓名", "户籍状态"]] +
             [[m.id_number, m.name, "正常"] for m in heads])
    importer("vehicle", [["身份证号", "姓名", "号牌号码", "车辆类型", "评估价值"],
                         [heads[3].id_number, heads[3].name, "京A3", "小型轿车", "1"]])
    return households


def wait_for(job, timeout=40):

    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                      shutdown_timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status != VerificationJob.Status.RUNNING:
                break
            time.sleep(0.2)
    return job


@pytest.mark.django_db(transaction=True)
def test_a_township_is_verified_in_chunks_by_a_real_worker(township_households, regions, staff):
    job = jobs.verification_job_start(township=regions["a"], by=staff["reviewer"],
                                          chunk_size=10)
    assert job.total == 25 and job.chunks.count() == 3
    job = wait_for(job)
    assert job.status == VerificationJob.Status.COMPLETED
    assert (job.done, job.warned, job.percent) == (25, 1, 100)
    reports = VerificationRequest.objects.filter(job=job)
    assert sorted(reports.values_list("household_id", flat=True)) == sorted(
        h.pk for h in township_households)
    assert reports.filter(has_warning=True).get().warnings == "车辆：家庭名下机动车1辆，允许0辆"


@pytest.mark.django_db(transaction=True)
def test_a_failed_chunk_is_retried_not_lost(township_households, regions, staff, monkeypatch):
    real_verify, calls = engine.verify, []

    def flaky(household_ids, **kwargs):
        calls.append(list(household_ids))
        if len(calls) == 2:  # the second chunk's first attempt: the database went away
            raise ConnectionError("lost the database")
        return real_verify(household_ids, **kwargs)

    monkeypatch.setattr(engine, "verify", flaky)
    monkeypatch.setattr(tasks, "RETRY_DELAY", 0.1)
    job = jobs.verification_job_start(township=regions["a"], by=staff["reviewer"],
                                          chunk_size=10)
    job = wait_for(job)
    assert job.status == VerificationJob.Status.COMPLETED and job.done == 25
    assert len(calls) == 4  # three chunks, one of them twice
    retried = job.chunks.get(attempts=1)
    assert retried.status == JobChunk.Status.DONE and retried.error == ""
    assert VerificationRequest.objects.filter(job=job).count() == 25  # no duplicates


@pytest.mark.django_db(transaction=True)
def test_a_chunk_failing_every_retry_waits_and_the_job_resumes(township_households, regions, staff,
                                                               monkeypatch):
    real_verify = engine.verify
    broken = {"on": True}

    def verify(household_ids, **kwargs):
        if broken["on"] and township_households[0].pk in household_ids:
            raise ValueError("bad data")
        return real_verify(household_ids, **kwargs)

    monkeypatch.setattr(engine, "verify", verify)
    monkeypatch.setattr(tasks, "RETRY_DELAY", 0.05)
    job = jobs.verification_job_start(township=regions["a"], by=staff["reviewer"],
                                          chunk_size=10)
    job = wait_for(job)
    assert job.status == VerificationJob.Status.FAILED
    failed = job.chunks.get(status=JobChunk.Status.FAILED)
    assert failed.attempts == tasks.CHUNK_RETRIES + 1 and failed.error == "ValueError"
    assert job.done == 15  # the other two chunks are kept

    broken["on"] = False
    assert jobs.verification_job_resume(job=job, by=staff["reviewer"]) == 1
    job = wait_for(job)
    assert job.status == VerificationJob.Status.COMPLETED and job.done == 25
    with pytest.raises(ServiceError, match="已全部完成"):
        jobs.verification_job_resume(job=job, by=staff["reviewer"])


def test_a_job_needs_imported_data_the_right_role_and_no_other_running_job(regions, staff,
                                                                           make_household,
                                                                           importer):
    make_household(regions["a1"])
    with pytest.raises(ServiceError, match="尚未导入任何比对数据"):
        jobs.verification_job_start(township=regions["a"], by=staff["reviewer"])
    importer("hukou", [["身份证号", "姓名", "户籍状态"], [new_id_number(), "张三", "正常"]])
    with pytest.raises(PermissionDenied):
        jobs.verification_job_start(township=regions["a"], by=staff["caseworker_a"])
    jobs.verification_job_start(township=regions["a"], by=staff["reviewer"])
    with pytest.raises(ServiceError, match="已有正在进行的批量核对"):
        jobs.verification_job_start(township=regions["a"], by=staff["reviewer"])


def test_queries_per_chunk_do_not_grow_with_its_size(regions, make_household, importer):
    households = [make_household(regions["a1"], head_name=f"户{cn(n)}") for n in range(30)]
    importer("hukou", [["身份证号", "姓名", "户籍状态"]] +
             [[h.members.get().id_number, "x", "正常"] for h in households])

    with CaptureQueriesContext(connection) as small:
        engine.verify([h.pk for h in households[:3]])
    with CaptureQueriesContext(connection) as large:
        engine.verify([h.pk for h in households])
    assert len(large) == len(small)
