from django.db import migrations


def seed(apps, schema_editor):
    from accounts.rules import seed_national_rules

    seed_national_rules(apps.get_model("accounts", "Rule"))  # adds publicity_mask_given_name


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_seed_benefit_and_verification_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
