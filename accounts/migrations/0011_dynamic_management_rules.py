from django.db import migrations


def seed(apps, schema_editor):
    from accounts.rules import seed_national_rules

    # adds the review cycles, gradual exit, change effect and work-refusal rules
    seed_national_rules(apps.get_model("accounts", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_audit_and_revocations")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
