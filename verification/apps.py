from django.apps import AppConfig


class VerificationConfig(AppConfig):
    """入户调查与家庭经济状况核对: data sources, reports, warnings (issue 4)."""

    name = "verification"
    verbose_name = "调查与核对"
