import pytest

from accounts.models import RegionGrant, User
from accounts.roles import Role
from accounts.scope import regions_where, user_can
from accounts.services import grant_role, revoke_grant
from core.errors import ServiceError
from households.selectors import household_list


def names(queryset):
    return sorted(r.name for r in queryset)


def test_a_grant_on_a_township_covers_its_communities(regions, staff):
    reach = regions_where(staff["caseworker_a"], "view_households")
    assert names(reach) == ["三合南里社区", "兴丰街道", "兴华中里社区"]
    assert user_can(staff["caseworker_a"], "handle_cases", regions["a2"])
    assert not user_can(staff["caseworker_a"], "handle_cases", regions["b1"])


def test_a_community_assistant_reaches_only_their_community(regions, staff):
    assert names(regions_where(staff["assistant_a1"], "view_households")) == ["三合南里社区"]
    assert not user_can(staff["assistant_a1"], "view_households", regions["a"])


def test_a_district_reviewer_reads_the_whole_district_but_edits_nothing(regions, staff):
    assert regions_where(staff["reviewer"], "view_households").count() == 6
    assert not user_can(staff["reviewer"], "change_households", regions["a1"])


def test_the_district_administrator_reads_no_family_file(regions, staff):
    assert not regions_where(staff["admin"], "view_households").exists()
    assert user_can(staff["admin"], "manage_staff", regions["b1"])


def test_household_lists_follow_the_grants(regions, staff, make_household):
    make_household(regions["a1"], head_name="钱甲")
    make_household(regions["a2"], head_name="钱乙")
    make_household(regions["b1"], head_name="钱丙")

    def heads(user):
        return sorted(h.head.name for h in household_list(fetched_by=user))

    assert heads(staff["caseworker_a"]) == ["钱乙", "钱甲"]
    assert heads(staff["caseworker_b"]) == ["钱丙"]
    assert heads(staff["assistant_a1"]) == ["钱甲"]
    assert heads(staff["reviewer"]) == ["钱丙", "钱乙", "钱甲"]
    assert heads(staff["admin"]) == []


def test_a_role_is_granted_only_at_its_level(regions, make_user, staff):
    with pytest.raises(ServiceError, match="镇/街道一级"):
        grant_role(user=staff["assistant_a1"], region=regions["a1"],
                   role=Role.TOWNSHIP_CASEWORKER, by=None)


def test_only_a_staff_manager_grants_roles(regions, staff):
    with pytest.raises(ServiceError, match="没有管理"):
        grant_role(user=staff["assistant_a2"], region=regions["a1"],
                   role=Role.COMMUNITY_ASSISTANT, by=staff["caseworker_a"])
    grant_role(user=staff["assistant_a2"], region=regions["a1"],
               role=Role.COMMUNITY_ASSISTANT, by=staff["admin"])


def test_revoking_a_grant_removes_the_reach(regions, staff):
    grant = RegionGrant.objects.get(user=staff["caseworker_b"])
    revoke_grant(grant=grant, by=staff["admin"])
    staff["caseworker_b"].__dict__.pop("_region_scope_cache", None)
    assert not regions_where(staff["caseworker_b"], "view_households").exists()


def test_changing_a_role_drops_the_old_permissions(regions, staff):
    grant_role(user=staff["caseworker_a"], region=regions["a"], role=Role.TOWNSHIP_APPROVER,
               by=staff["admin"])
    user = type(staff["caseworker_a"]).objects.get(pk=staff["caseworker_a"].pk)
    assert user_can(user, "approve_cases", regions["a1"])
    assert not user_can(user, "handle_cases", regions["a1"])
    assert RegionGrant.objects.filter(user=user).count() == 1


def test_a_superuser_administers_everywhere_but_reads_no_family_file_without_a_grant(
        client, regions, staff, make_household):
    make_household(regions["a1"], head_name="钱甲")
    root = User.objects.create_superuser("root", password="pw-for-tests-1")
    assert user_can(root, "manage_staff", regions["b1"])
    assert regions_where(root, "manage_rules").count() == 6
    assert not user_can(root, "view_households", regions["a1"])
    assert list(household_list(fetched_by=root)) == []
    client.force_login(root)
    assert client.get("/households/").status_code == 403
    grant_role(user=root, region=regions["a"], role=Role.TOWNSHIP_APPROVER, by=root)
    root = User.objects.get(pk=root.pk)
    assert [h.head.name for h in household_list(fetched_by=root)] == ["钱甲"]
