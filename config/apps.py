from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The composition root: holds commands that span every app (demo data)."""

    name = "config"
    verbose_name = "系统配置"
