"""操作审计: the one way to write an AuditEntry.

Every change a supervisor may ask about (a role granted or revoked, a rule's value
changed, money paid out) calls `audit_record` inside the transaction that makes the
change, with the old and the new value, so that the change and its record commit or
roll back together (Zulip's RealmAuditLog). No signal writes here.
"""

import re

from django.db import transaction

from accounts.models import AuditAction, AuditEntry, Region, User
from core.errors import ServiceError

# What may never be audited: the entry is read by administrators who may not read family
# files (roles.py: the district administrator reads no family's file).
_PERSONAL_KEYS = ("id_number", "health", "disability", "self_care", "bank")
# 15 or more digits in a row: an ID number (15/18) or a bank card (16–19). Region codes
# have at most 12.
_LONG_NUMBER = re.compile(r"\d{15,}")


def audit_record(*, action: str, by: User | None, region: Region | None, target: str,
                 old: dict | None = None, new: dict | None = None,
                 reason: str = "") -> AuditEntry:
    """Record one change: who (`by`, None for the system), what (`action`, a code of
    AuditAction, on `target`), where (`region`, which decides who may read it), the value
    before and after, and why.

    Must run inside the caller's transaction, the one that makes the change.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    action = AuditAction(action)  # ValueError for a code without a label: add it there
    old, new = old or {}, new or {}
    for data in (old, new, {"target": target}):
        _refuse_personal_data(data)
    if _LONG_NUMBER.search(reason or ""):
        raise ServiceError("理由中请勿填写身份证号或银行账号。", field="reason")
    return AuditEntry.objects.create(action=action, actor=by, region=region, target=target,
                                     old=old, new=new, reason=(reason or "").strip())


def _refuse_personal_data(data) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if any(word in str(key).lower() for word in _PERSONAL_KEYS):
                raise ValueError(f"personal data may not be audited: {key!r}")
            _refuse_personal_data(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            _refuse_personal_data(value)
    elif isinstance(data, str) and _LONG_NUMBER.search(data):
        raise ValueError("an ID or bank number may not be audited")
