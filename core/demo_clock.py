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


@contextlib.contextmanager
def on(day: datetime.date, at: datetime.time = START):
    real_now = timezone.now
    if day >= real_now().astimezone(timezone.get_current_timezone()).date():
        yield  # today (or later: refused to keep the future empty): the real clock
        return
    base = timezone.make_aware(datetime.datetime.combine(day, at))
    if day in _last:  # a later block the same day goes on after the earlier one
        base = max(base, _last[day] + datetime.timedelta(seconds=1))
    began = time.monotonic()

    def now() -> datetime.datetime:
        _last[day] = base + datetime.timedelta(seconds=time.monotonic() - began)
        return _last[day]

    fields = [f for model in apps.get_models() for f in model._meta.concrete_fields
              if f.default is real_now]
    timezone.now = now
    for field in fields:
        field.default = now
        field.__dict__.pop("_get_default", None)
    try:
        yield
    finally:
        timezone.now = real_now
        for field in fields:
            field.default = real_now
            field.__dict__.pop("_get_default", None)
