"""The case audit refuses UPDATE and DELETE in PostgreSQL itself; and the materials
checklist per assistance type (for the one-time notification).

TRUNCATE is left to the table owner (maintenance, and Django's test flush uses it)."""

from core.db import append_only
from django.db import migrations


def seed_materials(apps, schema_editor):
    from cases.materials import seed_materials as seed

    seed(apps.get_model("cases", "Material"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [
        append_only("cases_caseevent", "流转记录只能追加，不能修改或删除",
                    function="cases_event_append_only"),
        migrations.RunPython(seed_materials, migrations.RunPython.noop),
    ]
