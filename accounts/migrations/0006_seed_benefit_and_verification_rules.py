from django.db import migrations


def seed(apps, schema_editor):
    from accounts.rules import seed_national_rules

    # get_or_create: only the rules added since 0003 are new.
    seed_national_rules(apps.get_model("accounts", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_sync_role_permissions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
