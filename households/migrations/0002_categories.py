"""Income and rigid-expenditure categories, as data an administrator can extend."""

from django.db import migrations


def seed(apps, schema_editor):
    from households.categories import seed_categories

    seed_categories(apps.get_model("households", "IncomeCategory"),
                    apps.get_model("households", "ExpenditureCategory"))


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
