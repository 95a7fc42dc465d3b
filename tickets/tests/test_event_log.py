"""The event log is append-only: no code path, not even raw SQL, edits it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from testkit.workflow import register
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_saving_an_existing_event_again_is_refused(users, contact):
    event = register(users, contact).events.get()
    event.note = "átírva"
    with pytest.raises(PermissionError):
        event.save()
    assert TicketEvent.objects.get(pk=event.pk).note == ""


def test_deleting_events_is_refused_one_by_one_and_in_bulk(users, contact):
    ticket = register(users, contact)
    with pytest.raises(PermissionError):
        ticket.events.get().delete()
    with pytest.raises(PermissionError):
        TicketEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        TicketEvent.objects.update(note="x")
    assert ticket.events.count() == 1


def test_the_database_refuses_an_update_made_with_raw_sql(users, contact):
    event = register(users, contact).events.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_ticketevent SET note = 'hamis' WHERE id = %s", [event.pk])
    assert TicketEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only (CI's second pass): SQLite's test flush deletes in random table order, so SQLite "
    "guards DELETE in the model layer, tested above",
)
def test_postgresql_refuses_a_delete_made_with_raw_sql(users, contact):
    event = register(users, contact).events.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketevent WHERE id = %s", [event.pk])
    assert TicketEvent.objects.filter(pk=event.pk).exists()
