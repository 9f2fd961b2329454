"""Changes to home investigations and verification checks. Permission checks use
the region of the case, passed in by the caller (cases.services)."""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from core.errors import ServiceError
from core.files import UploadRefused, cleaned
from core.tabular import ReadResult, read_rows
from households.models import Household
from verification import engine
from verification.compare import Declared
from verification.models import (
    HomeInvestigation,
    ImportBatch,
    JobChunk,
    SourceRecord,
    VerificationJob,
    VerificationRequest,
    split_names,
)
from verification.sources import SOURCES

logger = logging.getLogger(__name__)


def verification_request_create(*, application_id: int, by: User,
                                authorization_id: int | None = None) -> VerificationRequest:
    """Create the check for the household's members, resting on the signed 授权书; the
    caller queues `process_verification` once it commits."""
    return VerificationRequest.objects.create(application_id=application_id,
                                              requested_by=by,
                                              authorization_id=authorization_id)


def verifications_for_households(*, household_ids: list[int], by: User
                                 ) -> dict[int, VerificationRequest]:
    """Verify these households now and record a completed request for each (a review
    of benefits in force): the engine's few queries for the lot, one insert."""
    outcomes = engine.verify(household_ids)
    now = timezone.now()
    checks = {}
    for household_id, outcome in outcomes.items():
        check = VerificationRequest(household_id=household_id, requested_by=by, picked_up_at=now)
        _complete(check, outcome)
        checks[household_id] = check
    VerificationRequest.objects.bulk_create(checks.values(), batch_size=1000)
    return checks


def verification_pick_up(*, request_id: int) -> VerificationRequest | None:
    """The worker took the check: the district's check is under way.

    Idempotent: a check already picked up or completed is left as it is.
    """
    with transaction.atomic():
        check = VerificationRequest.objects.select_for_update().filter(pk=request_id).first()
        if check is None or check.status != VerificationRequest.Status.REQUESTED:
            return check
        check.status = VerificationRequest.Status.IN_PROGRESS
        check.picked_up_at = timezone.now()
        check.save(update_fields=["status", "picked_up_at"])
        return check


@transaction.atomic
def verification_record_result(*, check: VerificationRequest, region: Region, by: User,
                               summary: str, has_warning: bool, warnings: str
                               ) -> VerificationRequest:
    """A district reviewer enters the verification report by hand (核对报告)."""
    if not user_can(by, "verify_economic_status", region):
        raise PermissionDenied("只有区民政局核对人员可以录入核对结果。")
    check = VerificationRequest.objects.select_for_update().get(pk=check.pk)
    if check.status == VerificationRequest.Status.COMPLETED:
        raise ServiceError("该核对请求已出具报告，如需更正请重新发起核对。")
    if not summary.strip():
        raise ServiceError("请填写核对结论。", field="summary")
    if has_warning and not warnings.strip():
        raise ServiceError("有预警时请写明预警事项（如车辆、多套住房、存款超标）。", field="warnings")
    check.status = VerificationRequest.Status.COMPLETED
    check.completed_at = timezone.now()
    check.result_source = VerificationRequest.Source.MANUAL
    check.result_by = by
    check.summary = summary.strip()
    check.has_warning = has_warning
    check.warnings = warnings.strip() if has_warning else ""
    check.save()
    return check


def home_investigation_record(*, application_id: int, region: Region, by: User,
                              data: dict) -> HomeInvestigation:
    if not user_can(by, "handle_cases", region):
        raise PermissionDenied("只有镇(街道)经办人可以录入入户调查。")
    names = set(split_names(data.get("investigators", "")))
    if len(names) < 2 and not data.get("third_party"):
        raise ServiceError("入户调查应至少有2名不同的工作人员，请填写全部调查人员的姓名。",
                           field="investigators")
    visited_on = data.get("visited_on")
    if visited_on and visited_on > timezone.localdate():
        raise ServiceError("入户日期不能晚于今天。", field="visited_on")
    if not data.get("signed_form"):
        raise ServiceError("请上传调查人员和在场家庭成员签字的调查表。", field="signed_form")
    try:
        data = {**data, "signed_form": cleaned(data["signed_form"])}  # no GPS in storage
    except UploadRefused as refused:
        raise ServiceError(str(refused), field="signed_form") from None
    return HomeInvestigation.objects.create(application_id=application_id,
                                            recorded_by=by, **data)


# --- automatic verification -----------------------------------------------------------


def _complete(check: VerificationRequest, outcome) -> None:
    report = outcome.report
    check.status = VerificationRequest.Status.COMPLETED
    check.completed_at = timezone.now()
    check.result_source = VerificationRequest.Source.AUTOMATIC
    check.summary = report.summary()
    check.has_warning = report.has_warning
    check.warnings = "；".join(report.warnings)
    check.report = report.as_dict()
    check.batch_ids = outcome.batch_ids
    check.lookup_ids = outcome.lookup_ids


def verification_run(*, request_id: int) -> VerificationRequest | None:
    """The worker's part: pick the check up and, when the district has data from at
    least one source, produce the report. Without any data the check waits for a
    result entered by hand. Idempotent."""
    check = verification_pick_up(request_id=request_id)
    if check is None or check.status == VerificationRequest.Status.COMPLETED:
        return check
    household_id = check.household_id or check.application.household_id
    district = engine.district_of(check.application.region.code if check.application_id
                                  else Household.objects.get(pk=household_id).region.code)
    if district is None or not engine.sources_available(district.pk):
        return check
    outcome = engine.verify([household_id])[household_id]
    with transaction.atomic():
        check = VerificationRequest.objects.select_for_update().get(pk=request_id)
        if check.status == VerificationRequest.Status.COMPLETED:
            return check
        _complete(check, outcome)
        check.save()
    return check


def verification_reproduce(*, check: VerificationRequest):
    """Run a stored report again on the batches, declared figures and rule values it
    recorded; returns the new Report (equal to the stored one unless data was lost)."""
    if not check.report:
        raise ServiceError("该核对结果为人工录入，没有可重算的比对报告。")
    household_id = check.household_id or check.application.household_id
    stored = check.report
    pinned = {}
    for batch in ImportBatch.objects.filter(pk__in=check.batch_ids):
        pinned[batch.source] = batch.pk
    declared = {household_id: Declared.from_dict(stored["declared"])}
    missing = {code: -1 for code, version in stored["sources"].items() if not version}
    outcome = engine.verify([household_id], pinned={**missing, **pinned}, declared=declared,
                            rules={household_id: stored["rules"]},
                            lookup_ids={household_id: check.lookup_ids})
    return outcome[household_id].report


# --- imports ---------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    batch: ImportBatch | None
    result: ReadResult


def source_import(*, district: Region, source: str, content: bytes, filename: str,
                  data_date, by: User) -> ImportOutcome:
    """Import one agency file as the next version of its source, whole or not at all."""
    if district.level != Level.DISTRICT or not user_can(by, "verify_economic_status",
                                                         district):
        raise PermissionDenied("只有区民政局核对人员可以导入比对数据。")
    spec = SOURCES.get(source)
    if spec is None:
        raise ServiceError("请选择数据来源。", field="source")
    data_date = data_date or timezone.localdate()
    if data_date > timezone.localdate():
        raise ServiceError("数据截至日期不能晚于今天。", field="data_date")
    result = read_rows(spec, content)
    if not result.ok:
        return ImportOutcome(None, result)
    with transaction.atomic():
        Region.objects.select_for_update().get(pk=district.pk)  # one version at a time
        last = (ImportBatch.objects.filter(district=district, source=source)
                .aggregate(models.Max("version"))["version__max"] or 0)
        batch = ImportBatch.objects.create(
            district=district, source=source, version=last + 1, data_date=data_date,
            filename=filename[:200], file_format=result.file_format,
            row_count=len(result.rows), imported_by=by)
        SourceRecord.objects.bulk_create(
            [SourceRecord(batch=batch, id_number=row["id_number"], name=row["name"],
                          label=row.get("label") or "", status=row.get("status") or "",
                          amount=row.get("amount"), amount2=row.get("amount2"))
             for row in result.rows], batch_size=5000)
    logger.info("imported %s rows as batch %s (%s v%s)", batch.row_count, batch.pk, source,
                batch.version)
    return ImportOutcome(batch, result)


# --- batch jobs --------------------------------------------------------------------------


def job_run_chunk(*, chunk_id: int) -> str:
    """Verify one chunk and record its reports, all in one transaction. Idempotent: a
    chunk already done is left alone; a failed attempt leaves nothing behind."""
    chunk = JobChunk.objects.filter(pk=chunk_id).select_related("job").first()
    if chunk is None or chunk.status == JobChunk.Status.DONE:
        return "skipped"
    outcomes = engine.verify(chunk.household_ids)
    now = timezone.now()
    with transaction.atomic():
        # Locks in one order everywhere (job, then chunk): resume takes the same.
        job = VerificationJob.objects.select_for_update().get(pk=chunk.job_id)
        chunk = JobChunk.objects.select_for_update().get(pk=chunk_id)
        if chunk.status == JobChunk.Status.DONE:
            return "skipped"
        checks = []
        for household_id, outcome in outcomes.items():
            check = VerificationRequest(household_id=household_id, job_id=chunk.job_id,
                                          requested_by_id=chunk.job.created_by_id,
                                          picked_up_at=now)
            _complete(check, outcome)
            checks.append(check)
        VerificationRequest.objects.bulk_create(checks, batch_size=1000)
        chunk.status, chunk.finished_at, chunk.error = JobChunk.Status.DONE, now, ""
        chunk.save(update_fields=["status", "finished_at", "error"])
        job.done += len(checks)
        job.warned += sum(1 for r in checks if r.has_warning)
        _settle(job)
    return "done"


def _settle(job: VerificationJob) -> None:
    statuses = set(job.chunks.values_list("status", flat=True))
    if JobChunk.Status.PENDING not in statuses:
        job.status = (VerificationJob.Status.FAILED if JobChunk.Status.FAILED in statuses
                      else VerificationJob.Status.COMPLETED)
        job.finished_at = timezone.now()
    job.save()


def job_chunk_failed(*, chunk_id: int, error: str, final: bool) -> None:
    """Record a failed attempt; after the last retry the chunk waits for a resume."""
    job_id = JobChunk.objects.filter(pk=chunk_id).values_list("job_id", flat=True).first()
    if job_id is None:
        return
    with transaction.atomic():
        job = VerificationJob.objects.select_for_update().get(pk=job_id)
        chunk = JobChunk.objects.select_for_update().get(pk=chunk_id)
        if chunk.status == JobChunk.Status.DONE:
            return
        chunk.attempts += 1
        chunk.error = error[:200]
        if final:
            chunk.status = JobChunk.Status.FAILED
        chunk.save(update_fields=["attempts", "error", "status"])
        if final:
            _settle(job)


