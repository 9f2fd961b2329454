from django.db import migrations


def seed(apps, schema_editor):
    from accounts.rules import seed_national_rules

    # adds prompt_repayment_days (seed 001 §(二) 2, reading note 3)
    seed_national_rules(apps.get_model("accounts", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_dynamic_management_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
