from django.db.models import Max, Prefetch, Q

from accounts.scope import get_scoped_or_404, scoped
from households.models import Member
from verification.models import HomeInvestigation, ImportBatch, VerificationJob, VerificationRequest
from verification.sources import SOURCES


def latest_verification(*, application_id: int) -> VerificationRequest | None:
    return VerificationRequest.objects.filter(application_id=application_id).order_by(
        "-requested_at", "-id").first()


def has_home_investigation(*, application_id: int, since=None) -> bool:
    records = HomeInvestigation.objects.filter(application_id=application_id)
    if since is not None:
        records = records.filter(recorded_at__gte=since)
    return records.exists()


# --- the district's pages (perm verify_economic_status) --------------------------------

PERM = "verify_economic_status"


def source_overview(*, district) -> list[dict]:
    """Per source: its spec and its newest batch (or None), in two queries."""

    latest = (ImportBatch.objects.filter(district=district).values("source")
              .annotate(top=Max("version")))
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(source=row["source"], version=row["top"])
    newest = {batch.source: batch for batch in
              ImportBatch.objects.filter(wanted, district=district).select_related("imported_by")}
    return [{"spec": spec, "batch": newest.get(code)} for code, spec in SOURCES.items()]


def import_history(*, district, size: int = 30):
    return ImportBatch.objects.filter(district=district).select_related("imported_by")[:size]


def jobs_for(*, fetched_by, size: int = 30):
    return scoped(VerificationJob.objects.select_related("township", "created_by"), user=fetched_by,
                  perm=PERM, region_field="township")[:size]


def job_get(*, fetched_by, pk: int):
    return get_scoped_or_404(VerificationJob.objects.select_related("township", "created_by"),
                             user=fetched_by, perm=PERM, region_field="township", pk=pk)


def job_warnings(*, job, size: int = 50):
    """The households of a job with a warning, with their head's name."""

    return (job.requests.filter(has_warning=True).order_by("id")
            .select_related("household")
            .prefetch_related(Prefetch("household__members",
                                       queryset=Member.objects.filter(relation="head")))[:size])


def report_view(check) -> dict | None:
    """A stored automatic report, ready for a page: lines with the sources' labels, and
    the versions read per source."""
    if check is None or not check.report:
        return None
    report = check.report
    lines = [{**line, "source_label": SOURCES[line["source"]].label} for line in report["lines"]]
    versions = [(SOURCES[code].label, version) for code, version in report["sources"].items()]
    return {"lines": lines, "versions": versions, "warnings": report["warnings"]}
