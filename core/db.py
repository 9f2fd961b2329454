"""Database pieces that several apps' migrations share."""

from django.db import migrations


def append_only(table: str, message: str, *, function: str = "") -> migrations.RunPython:
    """A migration operation: on PostgreSQL a trigger refuses UPDATE and DELETE on `table`
    with `message`, so an audit table cannot be rewritten even below the ORM. TRUNCATE
    is left to the table owner (maintenance, and Django's test flush uses it). On
    SQLite (the embedded demo) it does nothing."""
    function = function or f"{table}_append_only"
    trigger = f"{table}_no_update"
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message} ({table} is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {trigger} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop)

    return migrations.RunPython(forwards, backwards)
