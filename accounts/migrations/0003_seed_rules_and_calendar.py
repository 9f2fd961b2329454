from django.db import migrations


def seed(apps, schema_editor):
    from accounts.calendar_import import available_years, load_years
    from accounts.rules import seed_national_rules

    seed_national_rules(apps.get_model("accounts", "Rule"))
    load_years(available_years(), day_model=apps.get_model("accounts", "CalendarDay"),
               year_model=apps.get_model("accounts", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_rules_and_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
