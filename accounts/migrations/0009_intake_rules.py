from django.db import migrations


def seed(apps, schema_editor):
    from accounts.rules import seed_national_rules

    # adds intake_disposal_days, handover_feedback_days and urgent_paperwork_days
    seed_national_rules(apps.get_model("accounts", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_supervision_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
