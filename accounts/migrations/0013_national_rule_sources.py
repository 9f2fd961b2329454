from django.db import migrations

# The national rows cited one city's or one street's plan (吉安, 三堤口, 青民, 高陵); the
# specs now cite the national documents, or say that no national rule exists.
OLD_PLACES = ("吉安", "三堤口", "青民", "高陵", "seed 001")


def national_sources(apps, schema_editor):
    from accounts.rules import NATIONAL_FROM, RULES

    Rule = apps.get_model("accounts", "Rule")
    for row in Rule.objects.filter(region__isnull=True, key__in=list(RULES)):
        spec = RULES[row.key]
        # The seeded rows, and any national row still citing another place's plan.
        if row.source != spec.source and (row.valid_from == NATIONAL_FROM
                                          or any(p in row.source for p in OLD_PLACES)):
            row.source = spec.source
            row.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0012_integrity_rules")]
    operations = [migrations.RunPython(national_sources, migrations.RunPython.noop)]
