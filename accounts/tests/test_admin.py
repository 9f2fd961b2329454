from django.contrib.admin.models import LogEntry

from accounts.models import Region, RegionGrant
from accounts.roles import Level
from accounts.scope import user_can


def test_a_grant_added_in_the_admin_carries_its_permissions(client, regions, staff):
    client.force_login(staff["admin"])
    newcomer = staff["assistant_a2"]
    response = client.post("/admin/accounts/regiongrant/add/", {
        "user": newcomer.pk, "region": regions["a1"].pk, "role": "community_assistant"})
    assert response.status_code == 302
    grant = RegionGrant.objects.get(user=newcomer, region=regions["a1"])
    assert grant.granted_by == staff["admin"]
    fresh = type(newcomer).objects.get(pk=newcomer.pk)
    assert user_can(fresh, "change_households", regions["a1"])


def test_a_grant_at_the_wrong_level_is_refused_in_the_admin(client, regions, staff):
    client.force_login(staff["admin"])
    page = client.post("/admin/accounts/regiongrant/add/", {
        "user": staff["assistant_a2"].pk, "region": regions["a"].pk,
        "role": "community_assistant"}).content.decode()
    assert "只能授权在社区/村一级" in page
    assert not RegionGrant.objects.filter(region=regions["a"], user=staff["assistant_a2"]).exists()


def test_revoking_in_the_admin_removes_the_permissions(client, regions, staff):
    client.force_login(staff["admin"])
    grant = RegionGrant.objects.get(user=staff["caseworker_b"])
    response = client.post(f"/admin/accounts/regiongrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    fresh = type(staff["caseworker_b"]).objects.get(pk=staff["caseworker_b"].pk)
    assert not user_can(fresh, "view_households", regions["b1"])


def other_district():
    district = Region.objects.create(code="110116", name="怀柔区", level=Level.DISTRICT)
    township = Region.objects.create(code="110116001", name="泉河街道", level=Level.TOWNSHIP,
                                     parent=district)
    community = Region.objects.create(code="110116001001", name="富乐社区",
                                      level=Level.COMMUNITY, parent=township)
    return district, township, community


def test_a_grant_outside_ones_district_is_a_form_error_and_saves_nothing(client, regions, staff):
    _, _, community = other_district()
    client.force_login(staff["admin"])
    response = client.post("/admin/accounts/regiongrant/add/", {
        "user": staff["assistant_a2"].pk, "region": community.pk, "role": "community_assistant"},
        follow=True)
    page = response.content.decode()
    assert "您没有管理该区划工作人员授权的权限" in page
    assert "成功" not in page
    assert not RegionGrant.objects.filter(region=community).exists()
    assert not LogEntry.objects.exists()


def test_on_a_grant_only_the_role_can_change(client, regions, staff):
    client.force_login(staff["admin"])
    grant = RegionGrant.objects.get(user=staff["caseworker_b"])
    url = f"/admin/accounts/regiongrant/{grant.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="user"' not in page and 'name="region"' not in page
    response = client.post(url, {"user": staff["caseworker_a"].pk, "region": regions["a"].pk,
                                 "role": "township_approver"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.user, grant.region, grant.role) == (
        staff["caseworker_b"], regions["b"], "township_approver")
    fresh = type(staff["caseworker_b"]).objects.get(pk=staff["caseworker_b"].pk)
    assert user_can(fresh, "approve_cases", regions["b1"])
    assert not user_can(fresh, "handle_cases", regions["b1"])


def region_form(**data):
    return {"code": "", "name": "", "level": "", "parent": "", **data}


def test_a_district_administrator_cannot_recode_a_township(client, regions, staff):
    client.force_login(staff["admin"])
    url = f"/admin/accounts/region/{regions['a'].pk}/change/"
    assert 'name="code"' not in client.get(url).content.decode()
    response = client.post(url, region_form(code="110115009", name="兴丰街道（新）",
                                            level="community", parent=regions["b"].pk))
    assert response.status_code == 302
    regions["a"].refresh_from_db()
    assert (regions["a"].code, regions["a"].level, regions["a"].parent_id) == (
        "110115001", "township", regions["district"].pk)
    assert regions["a"].name == "兴丰街道（新）"


def test_a_district_administrator_cannot_create_a_district(client, regions, staff):
    client.force_login(staff["admin"])
    page = client.post("/admin/accounts/region/add/", region_form(
        code="110117", name="平谷区", level="district")).content.decode()
    assert "新增区/县请联系系统超级管理员" in page
    assert not Region.objects.filter(code="110117").exists()


def test_new_regions_go_only_under_regions_in_reach(client, regions, staff):
    _, foreign_township, _ = other_district()
    client.force_login(staff["admin"])
    page = client.get("/admin/accounts/region/add/").content.decode()
    assert "兴丰街道" in page and "泉河街道" not in page
    client.post("/admin/accounts/region/add/", region_form(
        code="110116001009", name="外区社区", level="community", parent=foreign_township.pk))
    assert not Region.objects.filter(code="110116001009").exists()
    response = client.post("/admin/accounts/region/add/", region_form(
        code="110115001009", name="新建社区", level="community", parent=regions["a"].pk))
    assert response.status_code == 302
    assert Region.objects.get(code="110115001009").parent == regions["a"]
