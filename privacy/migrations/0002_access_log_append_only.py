"""The access log refuses UPDATE (and, on PostgreSQL, DELETE) at the database, whatever code runs.

As with the ticket event log (tickets 0002): on SQLite, DELETE is refused by the model layer only, because
Django's test flush empties tables there with DELETE; PostgreSQL's flush uses TRUNCATE, which row triggers
do not see. The periodic deletion after the retention period will need its own, explicit way past this.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION pult_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_accesslogentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accesslogentry_no_update BEFORE UPDATE ON privacy_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION pult_accesslogentry_append_only();
CREATE TRIGGER accesslogentry_no_delete BEFORE DELETE ON privacy_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION pult_accesslogentry_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS accesslogentry_no_update ON privacy_accesslogentry;
DROP TRIGGER IF EXISTS accesslogentry_no_delete ON privacy_accesslogentry;
DROP FUNCTION IF EXISTS pult_accesslogentry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accesslogentry_no_update BEFORE UPDATE ON privacy_accesslogentry
BEGIN
    SELECT RAISE(ABORT, 'privacy_accesslogentry is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS accesslogentry_no_update;"


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
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
