"""The event log refuses UPDATE (and, on PostgreSQL, DELETE) at the database, whatever code runs.

On SQLite, DELETE is refused by the model layer only: Django's test flush empties tables there with
DELETE in an unpredictable table order, which a delete trigger cannot tell from a real deletion.
PostgreSQL's flush uses TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION pult_ticketevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tickets_ticketevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ticketevent_no_update BEFORE UPDATE ON tickets_ticketevent
    FOR EACH ROW EXECUTE FUNCTION pult_ticketevent_append_only();
CREATE TRIGGER ticketevent_no_delete BEFORE DELETE ON tickets_ticketevent
    FOR EACH ROW EXECUTE FUNCTION pult_ticketevent_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ticketevent_no_update ON tickets_ticketevent;
DROP TRIGGER IF EXISTS ticketevent_no_delete ON tickets_ticketevent;
DROP FUNCTION IF EXISTS pult_ticketevent_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER ticketevent_no_update BEFORE UPDATE ON tickets_ticketevent
BEGIN
    SELECT RAISE(ABORT, 'tickets_ticketevent is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS ticketevent_no_update;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
