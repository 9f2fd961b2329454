from verification.models import HomeInvestigation, VerificationRequest


def latest_verification(*, application_id: int) -> VerificationRequest | None:
    return VerificationRequest.objects.filter(application_id=application_id).order_by(
        "-requested_at", "-id").first()


def has_home_investigation(*, application_id: int) -> bool:
    return HomeInvestigation.objects.filter(application_id=application_id).exists()
