"""The access log is append-only: the model, its queries and the database itself refuse changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction

from privacy.choices import AccessAction
from privacy.models import AccessLogEntry
from privacy.services import record_access
from testkit.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(users: Any) -> AccessLogEntry:
    contact = ContactFactory(name="Szép Ilona")
    logged = record_access(users["agent"], action=AccessAction.VIEW, obj=contact)
    assert logged is not None
    return logged


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(entry: AccessLogEntry) -> None:
    entry.subject = "Valaki más"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(subject="Valaki más")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).subject == "Szép Ilona"


def test_the_database_refuses_an_update_by_hand(entry: AccessLogEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_accesslogentry SET subject = %s WHERE id = %s", ["Valaki más", entry.pk])
    assert AccessLogEntry.objects.get(pk=entry.pk).subject == "Szép Ilona"


def test_the_database_refuses_a_delete_by_hand_on_postgresql(entry: AccessLogEntry) -> None:
    """PostgreSQL refuses a hand-made DELETE; SQLite, whose test flush deletes rows, leaves it to the model."""
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM privacy_accesslogentry WHERE id = %s", [entry.pk])
        assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", ["privacy_accesslogentry"]
            )
            assert [row[0] for row in cursor.fetchall()] == ["accesslogentry_no_update"]


def test_the_admin_offers_no_way_to_edit_the_log() -> None:
    assert not admin.site.is_registered(AccessLogEntry)


def test_a_deleted_contact_leaves_its_entries_and_their_name(entry: AccessLogEntry) -> None:
    contact_id = entry.contact_id
    from customers.models import Contact

    Contact.objects.filter(pk=contact_id).delete()
    kept = AccessLogEntry.objects.get(pk=entry.pk)
    assert (kept.contact_id, kept.subject) == (contact_id, "Szép Ilona")
