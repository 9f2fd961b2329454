"""操作审计: grants, revocations and rule changes each leave an entry with the old and
the new value, which the district administrator reads in 系统管理 for their district."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.audit import audit_record
from accounts.models import AuditEntry, Region, RegionGrant, Rule, User
from accounts.roles import Level, Role
from accounts.scope import user_can
from accounts.services import RULE_REASON_REQUIRED, grant_role, revoke_grant
from core.errors import ServiceError

D = datetime.date
AUDIT_LIST = "/admin/accounts/auditentry/"


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no cached scope


def newcomer(username: str = "newcomer") -> User:
    return User.objects.create_user(username=username, password="pw-for-tests-1",
                                    full_name="新来的协办员")


def test_a_grant_records_who_gave_which_role_where(regions, staff):
    person = newcomer()
    grant = grant_role(user=person, region=regions["a1"], role=Role.COMMUNITY_ASSISTANT,
                       by=staff["admin"])
    entry = AuditEntry.objects.get(target=f"RegionGrant:{grant.pk}")
    assert (entry.action, entry.actor, entry.region) == (
        "grant_role", staff["admin"], regions["a1"])
    assert entry.old == {"user": "newcomer", "role": None}
    assert entry.new == {"user": "newcomer", "role": "community_assistant"}


def test_granting_another_role_records_the_old_and_the_new_role(regions, staff):
    grant = RegionGrant.objects.get(user=staff["caseworker_a"])
    grant_role(user=staff["caseworker_a"], region=regions["a"], role=Role.TOWNSHIP_APPROVER,
               by=staff["admin"])
    entry = AuditEntry.objects.filter(target=f"RegionGrant:{grant.pk}").latest("id")
    assert entry.actor == staff["admin"]
    assert (entry.old["role"], entry.new["role"]) == ("township_caseworker", "township_approver")
    # Granting the role already held changes nothing and records nothing.
    count = AuditEntry.objects.count()
    grant_role(user=staff["caseworker_a"], region=regions["a"], role=Role.TOWNSHIP_APPROVER,
               by=staff["admin"])
    assert AuditEntry.objects.count() == count


def test_a_revocation_keeps_the_grant_as_history_and_takes_the_permissions(
        client, regions, staff):
    caseworker = staff["caseworker_b"]
    grant = RegionGrant.objects.get(user=caseworker)
    revoke_grant(grant=grant, by=staff["admin"], reason="调离岗位")

    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == staff["admin"]
    assert not user_can(fresh(caseworker), "view_households", regions["b1"])
    history = AuditEntry.objects.filter(target=f"RegionGrant:{grant.pk}").order_by("id")
    assert [(e.action, e.old["role"], e.new["role"]) for e in history] == [
        ("grant_role", None, "township_caseworker"),
        ("revoke_grant", "township_caseworker", None)]
    assert history.last().reason == "调离岗位"
    client.force_login(caseworker)
    page = client.get("/").content.decode()
    assert "您还没有任何区划授权" in page and "林校路街道" not in page  # 我的岗位

    with pytest.raises(ServiceError, match="已于.*撤销"):
        revoke_grant(grant=grant, by=staff["admin"])

    # The same person on the same region again: a new grant beside the revoked one.
    again = grant_role(user=caseworker, region=regions["b"], role=Role.TOWNSHIP_APPROVER,
                       by=staff["admin"])
    assert again.pk != grant.pk
    assert RegionGrant.objects.filter(user=caseworker).count() == 2
    assert list(RegionGrant.objects.active().filter(user=caseworker)) == [again]
    assert user_can(fresh(caseworker), "approve_cases", regions["b1"])
    assert not user_can(fresh(caseworker), "handle_cases", regions["b1"])


def test_revoked_staff_can_be_granted_again_in_the_admin(client, regions, staff):
    caseworker = staff["caseworker_b"]
    old = RegionGrant.objects.get(user=caseworker)
    client.force_login(staff["admin"])
    url = f"/admin/accounts/regiongrant/{old.pk}/delete/"
    assert "确认撤销" in client.get(url).content.decode()
    page = client.post(url, {"post": "yes"}, follow=True).content.decode()
    assert "原记录保留在历史中" in page
    old.refresh_from_db()
    assert old.revoked_at is not None  # revoked, not deleted
    # The revoked grant reads as history: no longer changed or revoked again.
    page = client.get(f"/admin/accounts/regiongrant/{old.pk}/change/").content.decode()
    assert 'name="role"' not in page
    assert client.get(f"/admin/accounts/regiongrant/{old.pk}/delete/").status_code == 403
    assert caseworker.username in client.get("/admin/accounts/user/").content.decode()

    response = client.post("/admin/accounts/regiongrant/add/", {
        "user": caseworker.pk, "region": regions["b"].pk, "role": "township_caseworker"})
    assert response.status_code == 302
    assert user_can(fresh(caseworker), "handle_cases", regions["b1"])
    # A second grant in force on the same region is refused with a reason.
    page = client.post("/admin/accounts/regiongrant/add/", {
        "user": caseworker.pk, "region": regions["b"].pk, "role": "township_approver"},
    ).content.decode()
    assert "已有有效授权" in page
    assert RegionGrant.objects.active().filter(user=caseworker).count() == 1


def district_rule(regions):
    return Rule.objects.create(key="procedure_days", region=regions["district"],
                               valid_from=D(2026, 1, 1), value=25, source="区文件")


def rule_form(rule: Rule, **data):
    return {"key": rule.key, "region": rule.region_id or "",
            "valid_from": rule.valid_from.isoformat(), "valid_to": "",
            "value": str(rule.value), "source": rule.source, **data}


def test_a_rule_change_in_the_admin_needs_a_reason_and_records_old_and_new_value(
        client, regions, staff):
    rule = district_rule(regions)
    client.force_login(staff["admin"])
    url = f"/admin/accounts/rule/{rule.pk}/change/"

    page = client.post(url, rule_form(rule, value="18", reason="  ")).content.decode()
    assert RULE_REASON_REQUIRED in page
    rule.refresh_from_db()
    assert rule.value == 25
    assert not AuditEntry.objects.filter(action__startswith="rule_").exists()

    response = client.post(url, rule_form(rule, value="18", source="区民政局〔2026〕3号",
                                          reason="区政府常务会议决定缩短时限"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.value == 18
    entry = AuditEntry.objects.get(action="rule_change")
    assert (entry.actor, entry.region, entry.reason) == (
        staff["admin"], regions["district"], "区政府常务会议决定缩短时限")
    assert (entry.old["value"], entry.new["value"]) == (25, 18)
    assert (entry.old["source"], entry.new["source"]) == ("区文件", "区民政局〔2026〕3号")
    assert entry.new["valid_from"] == "2026-01-01" and entry.new["valid_to"] is None


def test_a_new_rule_in_the_admin_is_recorded_and_national_rows_stay_with_the_superuser(
        client, regions, staff):
    client.force_login(staff["admin"])
    form = {"key": "publicity_min_days", "valid_from": "2026-07-01", "valid_to": "",
            "value": "10", "source": "区试点", "reason": "试点延长公示"}
    page = client.post("/admin/accounts/rule/add/", {**form, "region": ""}).content.decode()
    assert "全国默认值只能由系统超级管理员修改" in page
    assert not Rule.objects.filter(key="publicity_min_days", valid_from=D(2026, 7, 1)).exists()

    response = client.post("/admin/accounts/rule/add/", {**form, "region": regions["a"].pk})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="rule_create")
    assert entry.old == {} and entry.new["value"] == 10 and entry.region == regions["a"]


def test_rules_are_ended_not_deleted_in_the_admin(client, regions, staff):
    rule = district_rule(regions)
    client.force_login(staff["admin"])
    assert client.post(f"/admin/accounts/rule/{rule.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists()


def another_district_with_its_admin(make_user):
    district = Region.objects.create(code="110116", name="怀柔区", level=Level.DISTRICT)
    township = Region.objects.create(code="110116001", name="泉河街道", level=Level.TOWNSHIP,
                                     parent=district)
    admin = make_user(Role.DISTRICT_ADMIN, district, "huairou_admin")
    return township, admin


def test_a_district_administrator_reads_only_their_districts_audit(
        client, regions, staff, make_user):
    township, huairou_admin = another_district_with_its_admin(make_user)
    ours = grant_role(user=newcomer("daxing_new"), region=regions["a"],
                      role=Role.TOWNSHIP_CASEWORKER, by=staff["admin"])
    theirs = grant_role(user=newcomer("huairou_new"), region=township,
                        role=Role.TOWNSHIP_CASEWORKER, by=huairou_admin)
    with transaction.atomic():  # a national rule, as a superuser changes it
        audit_record(action="rule_change", by=None, region=None,
                     target="Rule:1 procedure_days", old={"value": 20}, new={"value": 18},
                     reason="国家新规")

    client.force_login(staff["admin"])
    response = client.get(AUDIT_LIST)
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("时间", "操作人", "操作", "对象", "原值", "新值", "理由"):
        assert heading in page
    assert f"RegionGrant:{ours.pk}" in page and "镇(街道)经办人" in page
    assert f"RegionGrant:{theirs.pk}" not in page and "国家新规" not in page
    entry = AuditEntry.objects.get(target=f"RegionGrant:{theirs.pk}")
    assert client.get(f"{AUDIT_LIST}{entry.pk}/change/").status_code == 302  # not found
    filtered = client.get(AUDIT_LIST, {"action__exact": "revoke_grant"}).content.decode()
    assert f"RegionGrant:{ours.pk}" not in filtered

    root = User.objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(root)
    page = client.get(AUDIT_LIST).content.decode()
    assert f"RegionGrant:{theirs.pk}" in page and "国家新规" in page


def test_the_audit_cannot_be_written_or_changed_in_the_admin(client, regions, staff):
    grant = grant_role(user=newcomer(), region=regions["a1"], role=Role.COMMUNITY_ASSISTANT,
                       by=staff["admin"])
    entry = AuditEntry.objects.get(target=f"RegionGrant:{grant.pk}")
    client.force_login(staff["admin"])
    assert client.get(f"{AUDIT_LIST}add/").status_code == 403
    assert client.post(f"{AUDIT_LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{AUDIT_LIST}{entry.pk}/change/", {"reason": "改写", "target": "x"})
    entry.refresh_from_db()
    assert (entry.reason, entry.target) == ("", f"RegionGrant:{grant.pk}")


def test_audit_rows_refuse_update_and_delete_in_postgresql(regions, staff):
    assert connection.vendor == "postgresql"
    entry = AuditEntry.objects.filter(action="grant_role").first()
    for attempt in (lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="改写"),
                    lambda: AuditEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:  # below the ORM too
            cursor.execute("UPDATE accounts_auditentry SET reason = 'x'")
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_no_id_number_or_health_data_enters_the_audit(regions, staff):
    with transaction.atomic():
        with pytest.raises(ValueError):
            audit_record(action="urgent_aid_paid", by=staff["caseworker_a"],
                         region=regions["a1"], target="UrgentAid:1",
                         new={"id_number": "110115198005170011"})
        with pytest.raises(ValueError):
            audit_record(action="urgent_aid_paid", by=staff["caseworker_a"],
                         region=regions["a1"], target="UrgentAid:1",
                         new={"note": "户主 110115198005170011"})
        with pytest.raises(ValueError):
            audit_record(action="urgent_aid_paid", by=staff["caseworker_a"],
                         region=regions["a1"], target="UrgentAid:1",
                         old={"member": {"health": "serious_illness"}})
    assert not AuditEntry.objects.filter(action="urgent_aid_paid").exists()


def test_revoking_selected_grants_from_the_list_keeps_them_as_history(client, regions, staff):
    grants = RegionGrant.objects.filter(user__in=[staff["caseworker_b"], staff["assistant_a1"]])
    client.force_login(staff["admin"])
    page = client.post("/admin/accounts/regiongrant/", {
        "action": "revoke_selected", "_selected_action": [g.pk for g in grants]},
        follow=True).content.decode()
    assert "已撤销 2 项授权" in page
    assert grants.filter(revoked_at__isnull=False).count() == 2
    assert not user_can(fresh(staff["assistant_a1"]), "refer_cases", regions["a1"])
    assert AuditEntry.objects.filter(action="revoke_grant").count() == 2
