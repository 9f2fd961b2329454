"""The embedded demo: SQLite under var/, tasks in-process, a key kept under var/."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)

if not SECRET_KEY:  # noqa: F405
    key_file = VAR_DIR / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

# In-process tasks would log every run into the demo's console.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # noqa: F405
