"""Households already receiving aid, from the previous system (导入在保对象)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User
from accounts.scope import user_can
from cases.beneficiary_file import TYPES, read_legacy
from cases.models import (
    LONG_TERM_PUBLICITY,
    Application,
)
from cases.services.benefits import benefit_start
from cases.services.machinery import _household_facts, _next_number, _step, _township_of
from core.errors import ServiceError
from households import services as household_services
from households.models import Household
from publicity import services as publicity


@dataclass
class LegacyImport:
    households: int
    result: object  # core.tabular.ReadResult


def beneficiaries_import(*, township: Region, content: bytes, by: User) -> LegacyImport:
    """Bring in the previous system's beneficiaries of one township: each household with
    its members and a filed case carrying its type, amount and start month. All or nothing:
    with any faulty row nothing is written, and every row's problem is listed."""
    if township.level != "township" or not user_can(by, "handle_cases", township):
        raise PermissionDenied("只有该镇(街道)的经办人可以导入在保对象。")
    result, households = read_legacy(content, township=township)
    if not result.ok:
        return LegacyImport(0, result)
    try:
        with transaction.atomic():
            for legacy in households:
                head = legacy.head
                try:
                    household = household_services.household_create(
                        by=by,
                        household={"region": legacy.region, "address": head["address"],
                                   "phone": head.get("phone") or "",
                                   "residence": "rural" if head["residence"] == "农村" else "urban"},
                        head={"name": head["name"], "id_number": head["id_number"]})
                    for member in legacy.members:
                        household_services.member_add(
                            household=household, by=by,
                            data={"name": member["name"], "id_number": member["id_number"],
                                  "relation": member["relation"]})
                except (ServiceError, ValidationError) as error:
                    message = error.message if isinstance(error, ServiceError) else "；".join(
                        error.messages)
                    result.error(f"第{head['_row']}行所在家庭：{message}")
                    continue
                _import_case(household, by=by,
                             assistance_type=TYPES[head["assistance_type"]],
                             amount=head["amount"], start_month=legacy.start_month,
                             legacy_number=head.get("legacy_number") or "")
            if not result.ok:
                raise _Refused
    except _Refused:
        return LegacyImport(0, result)
    return LegacyImport(len(households), result)


class _Refused(Exception):
    """Rolls the whole import back when a household could not be written."""


def _import_case(household: Household, *, by: User, assistance_type: str, amount,
                 start_month: datetime.date, legacy_number: str) -> Application:
    township = _township_of(household.region)
    prefix = f"{township.code}-{timezone.localdate().year}"
    app = Application(
        number=f"{prefix}-{_next_number(prefix):05d}", household=household,
        region=household.region, assistance_type=assistance_type,
        reason="原系统在保对象导入", created_by=by)
    with _step(app, by=by, action="import_existing",
               reason="从原系统导入的在保对象") as step:
        app.monthly_amount, app.start_month = amount, start_month
        step.data = {"legacy_number": legacy_number[:50], "start_month": start_month.isoformat()}
    benefit_start(application=app, by=by)
    if assistance_type in LONG_TERM_PUBLICITY:
        # On the long-term board like a family confirmed here (DB §24).
        name, size = _household_facts(household)
        publicity.long_term_open(application_id=app.pk, region=app.region,
                                 assistance_type=assistance_type, name=name,
                                 household_size=size, monthly_amount=amount,
                                 on=timezone.localdate())
    return app
