"""Changes to households. Each function checks the user's right, writes in one
transaction and records the access (who, what, when) in the same transaction."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from core import idnumber
from core.errors import ServiceError
from households.fields import (
    tidy_person_name,
    tidy_phone,
    validate_person_name,
    validate_phone,
)
from households.models import Asset, Expenditure, Household, HouseholdAccess, Income, Member

# Where a head is changed, said the same way wherever a user runs into it.
HEAD_TAKEN = "该家庭已有户主。如需更换户主，请回到家庭页面，在“更换户主”中选择新户主并点“设为户主”。"
HEAD_FIXED = ("户主的“与户主关系”不能在这里修改。如需更换户主，请回到家庭页面，在“更换户主”中"
              "选择新户主并填写原户主的新关系，再点“设为户主”。")

HOUSEHOLD_FIELDS = ("region", "residence", "address", "phone")
# Declared records that may name a member, and how a message counts them.
RECORD_MODELS = (Income, Asset, Expenditure)
RECORD_LABELS = ("收入", "财产", "支出")
MEMBER_FIELDS = ("name", "id_number", "relation", "disability", "health", "health_note",
                 "self_care", "employment", "employment_group", "public_role")


def _require_change(user: User, region: Region) -> None:
    if not user_can(user, "change_households", region):
        raise PermissionDenied("您没有修改该家庭档案的权限。")


def _log(household: Household, user: User, action: str, detail: str = "") -> None:
    HouseholdAccess.objects.create(household_id_ref=household.pk, region_id=household.region_id,
                                   user=user, action=action, detail=detail[:200])


def record_view(*, household: Household, by: User, detail: str = "") -> None:
    """DESIGN §7: who viewed which household is recorded. `detail` names what was shown
    beyond the masked page (e.g. a member's full ID number), never the value."""
    _log(household, by, HouseholdAccess.Action.VIEW, detail)


def _ensure_community(region: Region) -> None:
    if region.level != Level.COMMUNITY:
        raise ServiceError("家庭应登记在社区或村一级，请选择具体的社区/村。", field="region")


def _ensure_person_free(id_number: str, *, member: Member | None = None) -> None:
    """A person belongs to one household in the whole system."""
    others = Member.objects.filter(id_number=idnumber.normalize(id_number))
    if member is not None and member.pk:
        others = others.exclude(pk=member.pk)
    holder = others.select_related("household__region__parent__parent").first()
    if holder is not None:
        township = holder.household.region.township()
        place = township.full_name if township else holder.household.region.full_name
        raise ServiceError(
            f"该身份证号已登记在{place}的家庭中，一人只能属于一个家庭。"
            "如需迁入，请先由该镇(街道)办理迁出。",
            field="id_number",
        )


def _ensure_single_head(household: Household, relation: str, *, member: Member | None = None
                        ) -> None:
    if relation != Member.Relation.HEAD:
        return
    heads = household.members.filter(relation=Member.Relation.HEAD)
    if member is not None and member.pk:
        heads = heads.exclude(pk=member.pk)
    if heads.exists():
        raise ServiceError(HEAD_TAKEN, field="relation")


def _checked(value: str, tidy, validate, field: str) -> str:
    """`value` tidied and validated (households.fields): forms check the same, but imports
    and other callers come here directly."""
    value = tidy(value)
    try:
        validate(value)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field=field) from None
    return value


def _fill_member(member: Member, data: dict) -> Member:
    for field in MEMBER_FIELDS:
        if field in data:
            setattr(member, field, data[field])
    # A name is a name whoever enters it (a form, an import, the demo): 2–30 characters of
    # Chinese, letters, · and spaces, never a formula (households.fields).
    member.name = _checked(member.name, tidy_person_name, validate_person_name, "name")
    member.id_number = idnumber.normalize(member.id_number)
    try:
        idnumber.validate_id_number(member.id_number)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0], field="id_number") from None
    facts = idnumber.facts(member.id_number)
    member.birth_date, member.sex = facts.birth_date, facts.sex
    return member


def _save_member(member: Member) -> Member:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Someone registered the same person, or a head for the same household, a moment
        # ago (their row was not visible to the checks above): say so, as above.
        _ensure_person_free(member.id_number, member=member)
        _ensure_single_head(member.household, member.relation, member=member)
        raise
    return member


def _stored_member(member: Member) -> Member:
    """The member as stored, locked: a bound model form has already copied its input onto
    `member`, so its attributes may not be what the database holds."""
    try:
        return Member.objects.select_for_update().select_related("household__region").get(
            pk=member.pk)
    except Member.DoesNotExist:
        raise ServiceError("该成员已被他人删除，请刷新家庭页面。") from None


def _checked_phone(data: dict) -> dict:
    if not data.get("phone"):
        return data
    return {**data, "phone": _checked(data["phone"], tidy_phone, validate_phone, "phone")}


@transaction.atomic
def household_create(*, by: User, household: dict, head: dict) -> Household:
    """Register a household together with its head (户主)."""
    region = household["region"]
    _ensure_community(region)
    _require_change(by, region)
    _ensure_person_free(head["id_number"])
    household = _checked_phone(household)
    new = Household.objects.create(created_by=by,
                                   **{f: household[f] for f in HOUSEHOLD_FIELDS if f in household})
    _save_member(_fill_member(Member(household=new), {**head, "relation": Member.Relation.HEAD}))
    _log(new, by, HouseholdAccess.Action.CREATE)
    return new


@transaction.atomic
def household_update(*, household: Household, by: User, data: dict) -> Household:
    # Compare with the row as stored: a bound model form has already changed `household`.
    household = Household.objects.select_for_update().select_related("region").get(
        pk=household.pk)
    _require_change(by, household.region)
    if "region" in data and data["region"] != household.region:
        _ensure_community(data["region"])
        _require_change(by, data["region"])
    data = _checked_phone(data)
    changed = [f for f in HOUSEHOLD_FIELDS if f in data and getattr(household, f) != data[f]]
    for field in changed:
        setattr(household, field, data[field])
    household.save()
    _log(household, by, HouseholdAccess.Action.UPDATE, "户信息：" + "、".join(
        str(Household._meta.get_field(f).verbose_name) for f in changed))
    return household


@transaction.atomic
def household_delete(*, household: Household, by: User) -> None:
    _require_change(by, household.region)
    _log(household, by, HouseholdAccess.Action.DELETE)
    try:
        with transaction.atomic():
            # The declared records go first: a member's records protect the member.
            for model in RECORD_MODELS:
                model.objects.filter(household=household).delete()
            household.delete()
    except models.ProtectedError:
        raise ServiceError("该家庭已有救助申请等业务记录，不能删除。") from None


@transaction.atomic
def member_add(*, household: Household, by: User, data: dict) -> Member:
    _require_change(by, household.region)
    _ensure_person_free(data["id_number"])
    _ensure_single_head(household, data.get("relation", ""))
    member = _save_member(_fill_member(Member(household=household), data))
    _log(household, by, HouseholdAccess.Action.UPDATE, f"新增成员 #{member.pk}")
    return member


@transaction.atomic
def member_update(*, member: Member, by: User, data: dict) -> Member:
    member = _stored_member(member)
    household = member.household
    _require_change(by, household.region)
    if member.relation == Member.Relation.HEAD and data.get("relation", member.relation) != (
        Member.Relation.HEAD
    ):
        raise ServiceError(HEAD_FIXED, field="relation")
    _ensure_person_free(data.get("id_number", member.id_number), member=member)
    _ensure_single_head(household, data.get("relation", member.relation), member=member)
    _save_member(_fill_member(member, data))
    _log(household, by, HouseholdAccess.Action.UPDATE, f"修改成员 #{member.pk}")
    return member


@transaction.atomic
def member_make_head(*, member: Member, by: User, former_head_relation: str) -> Member:
    """Make `member` the head (户主); the former head takes `former_head_relation`."""
    household = member.household
    _require_change(by, household.region)
    if former_head_relation not in Member.Relation.values or (
        former_head_relation == Member.Relation.HEAD
    ):
        raise ServiceError("请选择原户主与新户主的关系。", field="former_head_relation")
    # Lock every member of the household: two changes of head at once run one after the other.
    members = {m.pk: m for m in Member.objects.select_for_update().filter(household=household)}
    new_head = members.get(member.pk)
    if new_head is None:
        raise ServiceError("该成员已被他人删除，请刷新家庭页面。", field="member")
    if new_head.relation == Member.Relation.HEAD:
        raise ServiceError(f"{new_head.name}已是户主。", field="member")
    former = next((m for m in members.values() if m.relation == Member.Relation.HEAD), None)
    if former is not None:
        # The former head steps down first: the database allows one head per household.
        former.relation = former_head_relation
        former.save(update_fields=["relation"])
    new_head.relation = Member.Relation.HEAD
    new_head.save(update_fields=["relation"])
    detail = f"更换户主：成员 #{new_head.pk}"
    if former is not None:
        detail += f"（原户主 #{former.pk}）"
    _log(household, by, HouseholdAccess.Action.UPDATE, detail)
    return new_head


def _records_of(member: Member) -> str:
    """"收入2条、支出1条" for the declared records tied to `member`, or ""."""
    counts = [(label, model.objects.filter(member=member).count())
              for model, label in zip(RECORD_MODELS, RECORD_LABELS, strict=True)]
    return "、".join(f"{label}{n}条" for label, n in counts if n)


@transaction.atomic
def member_remove(*, member: Member, by: User) -> None:
    member = _stored_member(member)
    household = member.household
    _require_change(by, household.region)
    if member.relation == Member.Relation.HEAD:
        raise ServiceError("不能删除户主：请先在“更换户主”中把另一名成员设为户主，或删除整个家庭。")
    records = _records_of(member)
    if records:
        raise ServiceError(f"{member.name}名下还有{records}，请先删除这些记录"
                           "（如属全家共有，删除后按“全家共有”重新添加），再删除该成员。")
    _log(household, by, HouseholdAccess.Action.UPDATE, f"删除成员 #{member.pk}")
    try:
        with transaction.atomic():
            member.delete()
    except models.ProtectedError:
        # A record was added for this member a moment ago.
        raise ServiceError(f"{member.name}名下刚刚新增了申报记录，请刷新家庭页面后再试。") from None


@transaction.atomic
def record_add(*, household: Household, by: User, model, data: dict):
    """Add a declared income, asset or rigid expenditure row."""
    _require_change(by, household.region)
    member = data.get("member")
    if member is not None and member.household_id != household.pk:
        raise ServiceError("所选成员不属于该家庭。", field="member")
    incurred_on = data.get("incurred_on")
    if isinstance(incurred_on, str):
        incurred_on = parse_date(incurred_on)
    if incurred_on is not None and incurred_on > timezone.localdate():
        raise ServiceError("发生日期不能晚于今天，请填写实际发生的日期。", field="incurred_on")
    record = model(household=household, **data)
    try:
        # The model's own rules (e.g. what part of a tuition or pension payment may be
        # deducted) hold for every caller, not only for the form.
        record.clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ServiceError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from None
    record.save(force_insert=True)
    _log(household, by, HouseholdAccess.Action.UPDATE,
         f"新增{model._meta.verbose_name} #{record.pk}")
    return record


@transaction.atomic
def record_remove(*, record, by: User) -> None:
    household = record.household
    _require_change(by, household.region)
    _log(household, by, HouseholdAccess.Action.UPDATE,
         f"删除{record._meta.verbose_name} #{record.pk}")
    record.delete()
