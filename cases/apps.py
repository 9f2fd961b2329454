from django.apps import AppConfig


class CasesConfig(AppConfig):
    """救助申请: intake, referrals, applications and their state machine (issue 3 onward)."""

    name = "cases"
    verbose_name = "救助申请"
