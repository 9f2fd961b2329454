"""Changes to households. Each function checks the user's right, writes in one
transaction and records the access (who, what, when) in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from accounts.errors import ServiceError
from accounts.models import Region, User
from accounts.roles import Level
from accounts.scope import user_can
from households import idnumber
from households.models import Household, HouseholdAccess, Member

HOUSEHOLD_FIELDS = ("region", "residence", "address", "phone")
MEMBER_FIELDS = ("name", "id_number", "relation", "disability", "health", "health_note",
                 "self_care", "employment", "employment_group", "public_role")


def _require_change(user: User, region: Region) -> None:
    if not user_can(user, "change_households", region):
        raise PermissionDenied("您没有修改该家庭档案的权限。")


def _log(household: Household, user: User, action: str, detail: str = "") -> None:
    HouseholdAccess.objects.create(household_id_ref=household.pk, region_id=household.region_id,
                                   user=user, action=action, detail=detail[:200])


def record_view(*, household: Household, viewed_by: User) -> None:
    """DESIGN §7: who viewed which household is recorded."""
    _log(household, viewed_by, HouseholdAccess.Action.VIEW)


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
        raise ServiceError("该家庭已有户主；如需更换户主，请先修改原户主与户主的关系。",
                           field="relation")


def _fill_member(member: Member, data: dict) -> Member:
    for field in MEMBER_FIELDS:
        if field in data:
            setattr(member, field, data[field])
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
        # Someone registered the same person a moment ago: say where, as above.
        _ensure_person_free(member.id_number, member=member)
        raise
    return member


@transaction.atomic
def household_create(*, created_by: User, household: dict, head: dict) -> Household:
    """Register a household together with its head (户主)."""
    region = household["region"]
    _ensure_community(region)
    _require_change(created_by, region)
    _ensure_person_free(head["id_number"])
    new = Household.objects.create(created_by=created_by,
                                   **{f: household[f] for f in HOUSEHOLD_FIELDS if f in household})
    _save_member(_fill_member(Member(household=new), {**head, "relation": Member.Relation.HEAD}))
    _log(new, created_by, HouseholdAccess.Action.CREATE)
    return new


@transaction.atomic
def household_update(*, household: Household, updated_by: User, data: dict) -> Household:
    _require_change(updated_by, household.region)
    if "region" in data and data["region"] != household.region:
        _ensure_community(data["region"])
        _require_change(updated_by, data["region"])
    changed = [f for f in HOUSEHOLD_FIELDS if f in data and getattr(household, f) != data[f]]
    for field in changed:
        setattr(household, field, data[field])
    household.save()
    _log(household, updated_by, HouseholdAccess.Action.UPDATE, "户信息：" + "、".join(
        str(Household._meta.get_field(f).verbose_name) for f in changed))
    return household


@transaction.atomic
def household_delete(*, household: Household, deleted_by: User) -> None:
    _require_change(deleted_by, household.region)
    _log(household, deleted_by, HouseholdAccess.Action.DELETE)
    try:
        with transaction.atomic():
            household.delete()
    except models.ProtectedError:
        raise ServiceError("该家庭已有救助申请等业务记录，不能删除。") from None


@transaction.atomic
def member_add(*, household: Household, added_by: User, data: dict) -> Member:
    _require_change(added_by, household.region)
    _ensure_person_free(data["id_number"])
    _ensure_single_head(household, data.get("relation", ""))
    member = _save_member(_fill_member(Member(household=household), data))
    _log(household, added_by, HouseholdAccess.Action.UPDATE, f"新增成员 #{member.pk}")
    return member


@transaction.atomic
def member_update(*, member: Member, updated_by: User, data: dict) -> Member:
    household = member.household
    _require_change(updated_by, household.region)
    if member.relation == Member.Relation.HEAD and data.get("relation", member.relation) != (
        Member.Relation.HEAD
    ):
        raise ServiceError("户主的关系不能直接改掉：请先把另一名成员设为户主。", field="relation")
    _ensure_person_free(data.get("id_number", member.id_number), member=member)
    _ensure_single_head(household, data.get("relation", member.relation), member=member)
    _save_member(_fill_member(member, data))
    _log(household, updated_by, HouseholdAccess.Action.UPDATE, f"修改成员 #{member.pk}")
    return member


@transaction.atomic
def member_remove(*, member: Member, removed_by: User) -> None:
    household = member.household
    _require_change(removed_by, household.region)
    if member.relation == Member.Relation.HEAD:
        raise ServiceError("不能删除户主：请先把另一名成员设为户主，或删除整个家庭。")
    _log(household, removed_by, HouseholdAccess.Action.UPDATE, f"删除成员 #{member.pk}")
    member.delete()


@transaction.atomic
def record_add(*, household: Household, added_by: User, model, data: dict):
    """Add a declared income, asset or rigid expenditure row."""
    _require_change(added_by, household.region)
    member = data.get("member")
    if member is not None and member.household_id != household.pk:
        raise ServiceError("所选成员不属于该家庭。", field="member")
    record = model.objects.create(household=household, **data)
    _log(household, added_by, HouseholdAccess.Action.UPDATE,
         f"新增{model._meta.verbose_name} #{record.pk}")
    return record


@transaction.atomic
def record_remove(*, record, removed_by: User) -> None:
    household = record.household
    _require_change(removed_by, household.region)
    _log(household, removed_by, HouseholdAccess.Action.UPDATE,
         f"删除{record._meta.verbose_name} #{record.pk}")
    record.delete()
