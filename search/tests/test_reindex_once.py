"""Writes that touch a ticket's text several times in one transaction reindex it once, at the end."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from search.indexing import reindex_once
from search.selectors import search_tickets
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def finds(text: str) -> list[str]:
    return list(search_tickets(Ticket.objects.all(), text).values_list("number", flat=True))


def index_writes(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith(("UPDATE", "INSERT")) and "search_searchentry" in query["sql"]
    )


def test_several_text_changes_in_one_block_are_indexed_once_when_it_ends(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), reindex_once():
        workflow.log_work(ticket=ticket, actor=users["executor"], minutes=5, note="Tükörfúrógép kalibrálása")
        ticket = workflow.log_work(ticket=ticket.pk, actor=users["executor"], minutes=5, note="Árvíztűrő teszt")
        assert finds("kalibralas") == []  # not yet: the block has not ended
    assert index_writes(queries) == 1
    assert finds("kalibralas") == [ticket.number] and finds("arvizturo") == [ticket.number]


def test_a_block_that_fails_indexes_nothing(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    with pytest.raises(RuntimeError), transaction.atomic(), reindex_once():
        workflow.log_work(ticket=ticket, actor=users["executor"], minutes=5, note="Tükörfúrógép kalibrálása")
        raise RuntimeError("the write fails")
    assert finds("kalibralas") == []
