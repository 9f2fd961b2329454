"""The case audit refuses UPDATE and DELETE in PostgreSQL itself; and the materials
checklist per assistance type (for the one-time notification).

TRUNCATE is left to the table owner (maintenance, and Django's test flush uses it)."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION cases_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '流转记录只能追加，不能修改或删除 (cases_caseevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS cases_caseevent_no_update ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_event_append_only();
"""

def seed_materials(apps, schema_editor):
    from cases.materials import seed_materials as seed

    seed(apps.get_model("cases", "Material"))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(seed_materials, migrations.RunPython.noop),
    ]
