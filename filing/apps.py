from django.apps import AppConfig


class FilingConfig(AppConfig):
    """备案与监督: filings, mandatory reviews, spot checks, rectification (issue 6)."""

    name = "filing"
    verbose_name = "备案与监督"
