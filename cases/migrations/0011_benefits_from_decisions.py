"""Benefits in force for the cases confirmed before benefits were kept on their own."""

from django.db import migrations

PAYING_STATES = ("confirmed", "filed", "rectifying")
ONE_OFF_TYPES = ("temporary", "edu_freshman", "heating")


def forwards(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    Benefit = apps.get_model("cases", "Benefit")
    BenefitPeriod = apps.get_model("cases", "BenefitPeriod")
    cases = (Application.objects.filter(state__in=PAYING_STATES, monthly_amount__isnull=False,
                                        start_month__isnull=False)
             .order_by("household_id", "assistance_type", "-start_month", "-id"))
    seen = set()
    for app in cases.iterator():
        key = (app.household_id, app.assistance_type)
        last_month = None
        if app.assistance_type in ONE_OFF_TYPES:
            last_month = app.start_month
        elif key in seen:  # an older duplicate (one family, two benefits): stopped at once
            last_month = app.start_month
        if app.assistance_type not in ONE_OFF_TYPES:
            seen.add(key)
        benefit = Benefit.objects.create(
            household_id=app.household_id, region_id=app.region_id,
            assistance_type=app.assistance_type, application_id=app.pk,
            state=("paid_once" if app.assistance_type in ONE_OFF_TYPES
                   else "stopped" if last_month else "paying"), monthly_amount=app.monthly_amount,
            start_month=app.start_month, last_month=last_month)
        BenefitPeriod.objects.create(benefit=benefit, first_month=app.start_month,
                                     last_month=last_month, amount=app.monthly_amount)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_benefits_in_force")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
