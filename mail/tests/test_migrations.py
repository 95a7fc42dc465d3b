"""Migration 0012 takes the IMAP password out of the database and says where it must come from instead."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mail", "0011_mailbox_purpose_alter_inboundmessage_status")]
AFTER = [("mail", "0012_imap_password_from_environment")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_schema():
    """The later tests of this worker need every migration applied again (a column added since 0012)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_a_stored_password_becomes_a_variable_name_and_a_clear_error_and_leaves_the_database():
    old_apps = migrate(BEFORE)
    OldMailbox = old_apps.get_model("mail", "Mailbox")
    with_password = OldMailbox.objects.create(
        name="Régi", address="regi@pult.test", imap_host="imap.example.hu", imap_password="Regi-Titok-42"
    )
    pipe_only = OldMailbox.objects.create(name="Pipe", address="pipe@pult.test")

    new_apps = migrate(AFTER)
    Mailbox = new_apps.get_model("mail", "Mailbox")
    moved = Mailbox.objects.get(pk=with_password.pk)
    assert moved.imap_password_env == f"PULT_IMAP_PASSWORD_{with_password.pk}"
    assert f"PULT_IMAP_PASSWORD_{with_password.pk}" in moved.last_fetch_error
    assert f"PULT_IMAP_PASSWORD_{with_password.pk}_FILE" in moved.last_fetch_error
    untouched = Mailbox.objects.get(pk=pipe_only.pk)
    assert (untouched.imap_password_env, untouched.last_fetch_error) == ("", "")

    columns = [
        column.name for column in connection.introspection.get_table_description(connection.cursor(), "mail_mailbox")
    ]
    assert "imap_password" not in columns
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mail_mailbox")
        assert not any("Regi-Titok-42" in str(value) for row in cursor.fetchall() for value in row)
