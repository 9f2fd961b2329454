from accounts.models import RegionGrant
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
