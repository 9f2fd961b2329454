"""Tests run on a real PostgreSQL and a real Redis that bin/test starts; never on SQLite."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "测试必须在 PostgreSQL 上运行：请用 bin/test 启动（它会自行启动 PostgreSQL 和 Redis）。"
    )
if not REDIS_URL:
    raise ImproperlyConfigured("测试需要 Redis：请用 bin/test 启动。")

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks go through the real broker to a real worker in the tests that need one.
CELERY_TASK_ALWAYS_EAGER = False
# Serve static files straight from static/ (tests do not run collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
