from django.apps import AppConfig


class PublicityConfig(AppConfig):
    """公示、异议与评议: notices, objections, hearings, public pages (issue 5)."""

    name = "publicity"
    verbose_name = "公示与评议"
