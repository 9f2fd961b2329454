"""操作审计: grants and revocations each leave an entry with the old and the new role."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.audit import audit_record
from accounts.errors import ServiceError
from accounts.models import AuditEntry, RegionGrant, User
from accounts.roles import Role
from accounts.scope import user_can
from accounts.services import grant_role, revoke_grant


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no cached scope


def newcomer(username: str = "newcomer") -> User:
    return User.objects.create_user(username=username, password="pw-for-tests-1",
                                    full_name="新来的协办员")


def test_a_grant_records_who_gave_which_role_where(regions, staff):
    person = newcomer()
    grant = grant_role(user=person, region=regions["a1"], role=Role.COMMUNITY_ASSISTANT,
                       granted_by=staff["admin"])
    entry = AuditEntry.objects.get(target=f"RegionGrant:{grant.pk}")
    assert (entry.action, entry.actor, entry.region) == (
        "grant_role", staff["admin"], regions["a1"])
    assert entry.old == {"user": "newcomer", "role": None}
    assert entry.new == {"user": "newcomer", "role": "community_assistant"}


def test_granting_another_role_records_the_old_and_the_new_role(regions, staff):
    grant = RegionGrant.objects.get(user=staff["caseworker_a"])
    grant_role(user=staff["caseworker_a"], region=regions["a"], role=Role.TOWNSHIP_APPROVER,
               granted_by=staff["admin"])
    entry = AuditEntry.objects.filter(target=f"RegionGrant:{grant.pk}").latest("id")
    assert entry.actor == staff["admin"]
    assert (entry.old["role"], entry.new["role"]) == ("township_caseworker", "township_approver")
    # Granting the role already held changes nothing and records nothing.
    count = AuditEntry.objects.count()
    grant_role(user=staff["caseworker_a"], region=regions["a"], role=Role.TOWNSHIP_APPROVER,
               granted_by=staff["admin"])
    assert AuditEntry.objects.count() == count


def test_a_revocation_keeps_the_grant_as_history_and_takes_the_permissions(
        client, regions, staff):
    caseworker = staff["caseworker_b"]
    grant = RegionGrant.objects.get(user=caseworker)
    revoke_grant(grant=grant, revoked_by=staff["admin"], reason="调离岗位")

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
        revoke_grant(grant=grant, revoked_by=staff["admin"])

    # The same person on the same region again: a new grant beside the revoked one.
    again = grant_role(user=caseworker, region=regions["b"], role=Role.TOWNSHIP_APPROVER,
                       granted_by=staff["admin"])
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
