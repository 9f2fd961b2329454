"""批量核对: a whole township verified in chunks by the Celery workers. Starting and
resuming a job queue its chunks after the commit; each chunk runs through
verification.services.job_run_chunk in verification.tasks."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from core.errors import ServiceError
from households.models import Household
from verification import engine, tasks
from verification.models import (
    JobChunk,
    VerificationJob,
)

logger = logging.getLogger(__name__)
JOB_CHUNK_SIZE = 500


def verification_job_start(*, township: Region, by: User,
                           chunk_size: int = JOB_CHUNK_SIZE) -> VerificationJob:
    """Verify every household of a township, in chunks the workers take one by one."""
    if township.level != Level.TOWNSHIP or not user_can(by, "verify_economic_status",
                                                         township):
        raise PermissionDenied("只有区民政局核对人员可以发起批量核对。")
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=township.pk)
        if VerificationJob.objects.filter(township=township,
                                          status=VerificationJob.Status.RUNNING).exists():
            raise ServiceError(f"{township.name}已有正在进行的批量核对，请等它完成或继续失败的部分。")
        district = engine.district_of(township.code)
        if district is None or not engine.sources_available(district.pk):
            raise ServiceError("本区尚未导入任何比对数据，请先在“比对数据”中导入各部门的数据。")
        ids = list(Household.objects.filter(region__code__startswith=township.code)
                   .order_by("pk").values_list("pk", flat=True))
        if not ids:
            raise ServiceError(f"{township.name}没有登记的家庭。")
        job = VerificationJob.objects.create(township=township, total=len(ids),
                                             created_by=by)
        chunks = JobChunk.objects.bulk_create(
            [JobChunk(job=job, index=n, household_ids=ids[start:start + chunk_size])
             for n, start in enumerate(range(0, len(ids), chunk_size))])
        chunk_ids = [chunk.pk for chunk in chunks]
        transaction.on_commit(lambda: _queue_chunks(chunk_ids))
    return job


def _queue_chunks(chunk_ids: list[int]) -> None:
    for chunk_id in chunk_ids:
        try:
            tasks.run_job_chunk.delay(chunk_id)
        except Exception:  # noqa: BLE001 - the sweep requeues it (tasks.requeue_stalled_chunks)
            logger.exception("could not queue verification chunk %s", chunk_id)


def verification_job_resume(*, job: VerificationJob, by: User) -> int:
    """Queue again every chunk not done (failed, or never taken); returns how many."""
    if not user_can(by, "verify_economic_status", job.township):
        raise PermissionDenied("只有区民政局核对人员可以继续批量核对。")
    with transaction.atomic():
        job = VerificationJob.objects.select_for_update().get(pk=job.pk)
        chunks = list(job.chunks.exclude(status=JobChunk.Status.DONE).values_list("pk", flat=True))
        if not chunks:
            raise ServiceError("该批量核对已全部完成，无须继续。")
        JobChunk.objects.filter(pk__in=chunks).update(status=JobChunk.Status.PENDING, attempts=0,
                                                      queued_at=timezone.now())
        job.status, job.finished_at = VerificationJob.Status.RUNNING, None
        job.save(update_fields=["status", "finished_at"])
        transaction.on_commit(lambda: _queue_chunks(chunks))
    return len(chunks)
