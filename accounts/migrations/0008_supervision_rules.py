from django.db import migrations


def seed(apps, schema_editor):
    from accounts.rules import seed_national_rules

    # adds spot_check_ratio_<type>, rectification_days and roster_due_day
    seed_national_rules(apps.get_model("accounts", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_mask_rule")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
