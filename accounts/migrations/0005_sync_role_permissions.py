"""Give every existing grant the permissions its role has now (view_cases was added).

Later changes to ROLE_PERMISSIONS add a migration like this one."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import PERMISSIONS, ROLE_PERMISSIONS

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    RegionGrant = apps.get_model("accounts", "RegionGrant")
    RegionUserObjectPermission = apps.get_model("accounts", "RegionUserObjectPermission")
    region_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="region")
    permissions = {
        codename: Permission.objects.get_or_create(
            content_type=region_type, codename=codename, defaults={"name": label})[0]
        for codename, label in PERMISSIONS.items()
    }
    for grant in RegionGrant.objects.all():
        for codename in ROLE_PERMISSIONS[grant.role]:
            RegionUserObjectPermission.objects.get_or_create(
                user_id=grant.user_id, content_object_id=grant.region_id,
                permission=permissions[codename])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_alter_region_options"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
