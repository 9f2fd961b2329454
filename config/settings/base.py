"""Settings shared by every environment.

Environments differ only by environment variables and a small override file
(local.py, production.py, test.py), as in cookiecutter-django.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Writable state of a checkout: the embedded database, uploads, the local secret key.
VAR_DIR = Path(os.environ.get("JIUZHU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "django_fsm",
    # Our apps in layering order, lowest first (STYLE.md): an app imports only from apps
    # listed before it here. verification and publicity share a layer: neither imports the other.
    "accounts",
    "households",
    "verification",
    "publicity",
    "cases",
    "filing",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required (public pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Embedded SQLite by default; PostgreSQL (production, tests) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions let the demo's web workers write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous guardian user: the public pages need no object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day at the window
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded case files hold personal data: they live outside any web root and are
# served only by views that check the case's region (no MEDIA_URL route is mounted).
MEDIA_ROOT = Path(os.environ.get("JIUZHU_MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Redis carries the cache and the Celery broker. Without it (the embedded demo) the cache
# is in-process and tasks run in-process, right after the transaction commits.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jiuzhu",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # in-process: never look for a broker
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Log lines never carry resident ID numbers or other personal data: we log ids, not values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the request (with POST data in DEBUG tracebacks) on errors; keep it terse.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Staff sign-in: failed attempts per account and address before a pause (stored in the cache).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
# Public objection form: submissions per client address per hour (publicity.services).
PUBLIC_OBJECTION_LIMIT = int(os.environ.get("PUBLIC_OBJECTION_LIMIT", "5"))
# ...and objections through the form per notice per day (every one must be handled).
# Public progress queries (办理进度查询) per address per hour; twice that per case number a day.
PROGRESS_QUERY_LIMIT = int(os.environ.get("PROGRESS_QUERY_LIMIT", "10"))
PUBLIC_OBJECTIONS_PER_NOTICE = int(os.environ.get("PUBLIC_OBJECTIONS_PER_NOTICE", "30"))
# The address residents reach the public pages at, for the QR code on printed notices
# (e.g. https://jiuzhu.example.gov.cn); empty: the address of the request.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
# Whether the client address comes from X-Forwarded-For (its last hop). Turn on only when a
# reverse proxy of ours sits in front and sets that header; otherwise clients could forge it.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR")

CELERY_BEAT_SCHEDULE = {
    # A request whose queueing failed (broker down at the time) is not lost.
    "requeue-waiting-verifications": {
        "task": "verification.tasks.requeue_waiting_requests",
        "schedule": 300.0,
    },
    "requeue-stalled-verification-chunks": {
        "task": "verification.tasks.requeue_stalled_chunks",
        "schedule": 900.0,
    },
    # The statistics page reads stored aggregates (filing.MonthStat); refresh them often.
    "refresh-statistics": {
        "task": "filing.tasks.refresh_statistics",
        "schedule": 600.0,
    },
    # Benefits in force (DB §31, §33): periodic reviews fall due, gradual exits run out.
    "open-due-reviews": {
        "task": "cases.tasks.open_due_reviews",
        "schedule": crontab(hour=1, minute=10),
    },
    "end-gradual-exits": {
        "task": "cases.tasks.end_gradual_exits",
        "schedule": crontab(hour=1, minute=20),
    },
    "requeue-unchecked-reviews": {
        "task": "cases.tasks.requeue_unchecked_reviews",
        "schedule": 1800.0,
    },
}
# Economic-status data sources (verification.adapters): source code → adapter class.
# Sources not named here read the files the district imports (FileImportAdapter).
VERIFICATION_ADAPTERS: dict[str, str] = {}
