from verification.models import HomeInvestigation, VerificationRequest


def latest_verification(*, application_id: int) -> VerificationRequest | None:
    return VerificationRequest.objects.filter(application_id=application_id).order_by(
        "-requested_at", "-id").first()


def has_home_investigation(*, application_id: int, since=None) -> bool:
    records = HomeInvestigation.objects.filter(application_id=application_id)
    if since is not None:
        records = records.filter(recorded_at__gte=since)
    return records.exists()
