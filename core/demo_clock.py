"""The demo's clock: run a block of real service calls as if on an earlier day.

`on(day)` makes `django.utils.timezone.now()` (and with it `localtime()` and
`localdate()`, which call it) return `day` at 09:00 local time (or after the last time
given out that day) plus the real time elapsed since the block began, so that the rows
and audit events written inside follow one another in time. Django's auto_now_add/auto_now DateTimeFields call
`timezone.now()` at save time and follow it; model fields whose default is
`timezone.now` itself (bound when the class was defined) are switched for the block.
Only for loading demo data: nothing else may use it.
"""

import contextlib
import datetime
import time

from django.apps import apps
from django.utils import timezone

START = datetime.time(9, 0)
_last: dict[datetime.date, datetime.datetime] = {}  # the latest time given out per day


_REAL_NOW = timezone.now


@contextlib.contextmanager
def on(day: datetime.date, at: datetime.time = START):
    """Inside the block it is `day` (today or later: the real clock). Blocks may nest."""
    outer = timezone.now
    if day >= _REAL_NOW().astimezone(timezone.get_current_timezone()).date():
        now = _REAL_NOW  # today, or later (refused, to keep the future empty)
    else:
        base = timezone.make_aware(datetime.datetime.combine(day, at))
        if day in _last:  # a later block the same day goes on after the earlier one
            base = max(base, _last[day] + datetime.timedelta(seconds=1))
        began = time.monotonic()

        def now() -> datetime.datetime:
            _last[day] = base + datetime.timedelta(seconds=time.monotonic() - began)
            return _last[day]

    fields = [f for model in apps.get_models() for f in model._meta.concrete_fields
              if f.default is outer]
    _set(now, fields)
    try:
        yield
    finally:
        _set(outer, fields)


def _set(now, fields) -> None:
    timezone.now = now
    for field in fields:
        field.default = now
        field.__dict__.pop("_get_default", None)  # Field caches its default callable
