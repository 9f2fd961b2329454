"""The step machinery: the one way a case changes.

Every change runs through `_step`: it locks the case row, checks the user's right on the
case's region, checks the state the user saw is still the state (two users at once:
exactly one succeeds, the other is told), checks separation of duties and the guards of
DESIGN §4, runs the django_fsm transition, lets the caller set its fields, saves and
writes the CaseEvent, all in one transaction. What it checks is declared on the
transition (cases.models, cases.steps). Work that leaves the database waits for the
commit.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import Region, User
from accounts.scope import user_can
from accounts.workdays import working_days_between
from cases import guards, steps
from cases.models import (
    Application,
    CaseDocument,
    NumberSequence,
)
from core.errors import ServiceError
from core.files import UploadRefused, cleaned
from households.models import Household, Member
from households.selectors import cadre_links
from publicity import services as publicity

PERMISSION_MESSAGES = {
    "refer_cases": "您没有在该社区代为申请的权限。",
    "handle_cases": "只有该镇(街道)的经办人可以办理这一步。",
    "approve_cases": "只有该镇(街道)的审批人可以审批确认。",
    "review_filings": "只有区民政局审核人可以办理备案监督事项。",
    "verify_economic_status": "只有区民政局核对人员可以录入核对结果。",
}


MAX_MONTHLY_AMOUNT = Decimal("100000")  # a typing guard, not a rule: no benefit is this large


class CaseChanged(ServiceError):
    """The case is no longer in the state the user saw: someone else just handled it."""


@dataclass
class Step:
    application: Application  # or the benefit, or the review, the step is taken on
    reason: str = ""
    data: dict = field(default_factory=dict)
    event: dict = field(default_factory=dict)  # further fields of the audit row


def _locked(application_id: int) -> Application:
    """The case row, locked; and its open notices, so that an objection arriving from the
    public form (which locks the notice) either lands before a decision's checks or is
    refused because the notice closed: never in between."""
    app = Application.objects.select_for_update().select_related("region", "household").get(
        pk=application_id)
    publicity.notices_lock_open(application_id=application_id)
    return app


def _locked_any(obj):
    """The row of whatever has steps (a case, a benefit, a review), locked."""
    if isinstance(obj, Application):
        return _locked(obj.pk)
    return type(obj).objects.select_for_update().select_related("region").get(pk=obj.pk)


def _require(user: User, perm: str, region: Region) -> None:
    if not user_can(user, perm, region):
        raise PermissionDenied(PERMISSION_MESSAGES[perm])


def _check_fresh(app: Application, expected_state: str | None) -> None:
    if expected_state is not None and app.state != expected_state:
        raise CaseChanged(f"该申请刚刚已被他人处理，现为「{app.get_state_display()}」。"
                          "请刷新页面查看最新情况。")


# What each participant (cases.guards.participants) did, by the kind of thing stepped on.
SEPARATION_ROLES = {
    "application": {"accepted_by": "受理该申请", "proposed_by": "审核该申请"},
    "review": {"proposed_by": "提出该核查意见"},
}


def _check_separation(app, by: User, not_by: tuple[str, ...]) -> None:
    if not not_by:  # most steps: no query for who took part
        return
    taken_part = guards.participants(app)
    roles = SEPARATION_ROLES[app._meta.model_name]
    for role_field in not_by:
        if by.pk in taken_part[role_field]:
            raise ServiceError(
                "受理、审核、审批须由三名不同人员办理："
                f"您已{roles[role_field]}，请由其他人员办理这一步。")


def _check(app, method, facts, *, by: User, expected_state: str | None,
           checked_regions: set | None = None) -> None:
    """Everything a step is checked against, as declared on its transition: the role on
    the region (the scheduled jobs act as the system user), the state the user saw, the
    states it may start from, the people who may not take it and the guards."""
    if not by.is_system and (checked_regions is None or app.region_id not in checked_regions):
        if not user_can(by, facts.perm, app.region):
            raise PermissionDenied(facts.denied or PERMISSION_MESSAGES[facts.perm])
        if checked_regions is not None:
            checked_regions.add(app.region_id)
    _check_fresh(app, expected_state)
    if not method._django_fsm.has_transition(app.state):
        raise ServiceError(facts.refused_in(app.get_state_display()))
    _check_separation(app, by, facts.not_by)
    problems = guards.refusals(app, method)
    if problems:
        raise ServiceError("；".join(problems))


@contextmanager
def _step(application, *, by: User, action: str, expected_state: str | None = None,
          reason: str = "", intent: dict | None = None):
    """Lock, check, transition; the with-body sets fields; then save and audit.

    Everything a step needs to be checked against is declared on its transition
    (cases.models, through cases.steps.step): the role, the states it may start from,
    the people who may not take it and the guards. A step without a target records on
    the file without changing the state. The same machinery runs the steps of a case,
    of a benefit in force, of a review and of a fraud finding: each model declares its
    steps with cases.steps.step and gives its audit row in `step_event`. `intent` is
    what the user asks for (a new amount), for the guards that depend on it.
    """
    with transaction.atomic():
        app = application if application._state.adding else _locked_any(application)
        app._intent = intent or {}
        method = getattr(app, steps.by_action(type(app), action))
        facts = steps.info(method)
        _check(app, method, facts, by=by, expected_state=expected_state)
        from_state = app.state
        method()
        step = Step(app, reason=reason)
        yield step
        if steps.target(method) is not None or app._state.adding:
            app.save()
        app.step_event(action=action, from_state=from_state, to_state=app.state, actor=by,
                       reason=step.reason, data=step.data, **step.event).save()


@contextmanager
def _steps(objects: list, *, by: User, action: str, fields: list[str], reason: str = ""):
    """The same step for many objects of one model (a review round's chunk), in one
    transaction: one locking query, the right checked once per region, each object
    checked and moved like `_step` does, then one update of `fields` (and the state)
    and one insert of the audit rows. All or nothing: one refusal refuses the lot.
    Yields the Steps; the with-body sets each one's fields and data."""
    if not objects:
        yield []
        return
    model = type(objects[0])
    name = steps.by_action(model, action)
    with transaction.atomic():
        locked = list(model.objects.select_for_update().select_related("region")
                      .filter(pk__in=[o.pk for o in objects]).order_by("pk"))
        regions: set = set()
        taken, starts = [], []
        for app in locked:
            app._intent = {}
            method = getattr(app, name)
            _check(app, method, steps.info(method), by=by, expected_state=None,
                   checked_regions=regions)
            starts.append(app.state)
            method()
            taken.append(Step(app, reason=reason))
        yield taken
        changed = [*fields, "state"] if steps.target(getattr(model, name)) else fields
        model.objects.bulk_update([s.application for s in taken], changed, batch_size=1000)
        events = [s.application.step_event(action=action, from_state=start,
                                           to_state=s.application.state, actor=by,
                                           reason=s.reason, data=s.data, **s.event)
                  for s, start in zip(taken, starts, strict=True)]
        type(events[0]).objects.bulk_create(events, batch_size=1000)


def _next_number(prefix: str) -> int:
    for _ in range(2):
        try:
            with transaction.atomic():
                sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
                    prefix=prefix)
                sequence.last += 1
                sequence.save(update_fields=["last"])
                return sequence.last
        except IntegrityError:  # two first numbers at once: the other row exists now
            continue
    raise ServiceError("编号生成冲突，请重试。")


def _township_of(region: Region) -> Region:
    township = region.township()
    if township is None:
        raise ServiceError("该家庭未登记在具体的社区/村，请先修改家庭所在社区。")
    return township


def _household_facts(household: Household) -> tuple[str, int]:
    members = list(household.members.all())
    head = next((m for m in members if m.relation == Member.Relation.HEAD), None)
    return (head.name if head else "", len(members))


def _flag_mandatory_review(app: Application) -> None:
    """DB §11 / seed 001 §(六): a member who is a cadre, an official or a public-institution
    employee, or their direct relative on the district's register → a mandatory-review
    filing. Checked at acceptance and again at filing (the register may have changed);
    once flagged, a case stays flagged."""
    links = cadre_links(household=app.household)
    app.mandatory_review = app.mandatory_review or bool(links)
    if links:
        app.review_basis = links


def _workdays_taken(app: Application, today: datetime.date) -> int | None:
    return working_days_between(app.accepted_on, today) if app.accepted_on else None


def _attach(app: Application, *, by: User, kind: str, upload) -> CaseDocument:
    try:
        upload = cleaned(upload)  # typed by content, metadata (GPS) removed
    except UploadRefused as refused:
        raise ServiceError(str(refused), field="file") from None
    return CaseDocument.objects.create(application=app, kind=kind, file=upload, uploaded_by=by)


def _parse_amount(value, *, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError("请填写正确的金额（元，最多两位小数）。", field=field_name) from None
    if amount <= 0:
        raise ServiceError("月保障金额应大于0。", field=field_name)
    if amount >= MAX_MONTHLY_AMOUNT:
        raise ServiceError("月保障金额过大，请核对是否多输了位数。", field=field_name)
    return amount


def _require_text(value: str, message: str, field_name: str = "reason") -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, field=field_name)
    return value


def _amount_against(calc, amount, reasons: str, *, who: str) -> Decimal:
    """The amount chosen, defaulting to the calculation; departing from it needs a reason."""
    reference = calc.total_amount
    chosen = _parse_amount(reference if amount in (None, "") else amount)
    if calc.eligible is False and not reasons:
        raise ServiceError("测算结果为不符合条件，如仍同意请写明理由（如测算未反映的特殊情况）。",
                           field="reasons")
    if calc.total_amount is not None and chosen != calc.total_amount and not reasons:
        raise ServiceError(f"{who}（{chosen}元）与测算结果（{calc.total_amount}元）不同，"
                           "请写明调整理由。", field="reasons")
    return chosen


def next_number(prefix: str) -> int:
    """The next serial number under `prefix` (case, batch and spot-check numbers)."""
    return _next_number(prefix)
