from django.db import migrations


def seed(apps, schema_editor):
    from accounts.calendar_import import available_years, load_years
    from accounts.rules import NATIONAL_FROM, RULES

    Rule = apps.get_model("accounts", "Rule")
    for key, spec in RULES.items():
        if spec.national is not None:
            Rule.objects.get_or_create(key=key, region=None, valid_from=NATIONAL_FROM,
                                       defaults={"value": spec.national, "source": spec.source})
    load_years(available_years(), day_model=apps.get_model("accounts", "CalendarDay"),
               year_model=apps.get_model("accounts", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_rules_and_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
