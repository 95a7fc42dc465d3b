"""The index follows every write, rolls back with it, and the rebuild command makes it whole again."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from mail.services import message_ingest
from search.indexing import rebuild_all
from search.models import SearchEntry
from search.selectors import search_tickets
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Priority, State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def finds(text: str) -> list[str]:
    return [ticket.number for ticket in search_tickets(Ticket.objects.all(), text)]


def test_a_new_ticket_is_found_by_its_subject_and_description(users, contact):
    ticket = register(users, contact, subject="Kalibrálás", description="A mérleg pontatlan.")
    assert finds("mérleg") == [ticket.number]


def test_work_log_test_log_and_consultations_are_found_when_written(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    executor, agent = users["executor"], users["agent"]
    workflow.log_work(ticket=ticket, actor=executor, minutes=30, note="Újratelepítettem a nyomtatóillesztőt.")
    assert finds("nyomtatóillesztő") == [ticket.number]
    workflow.ask_agent(ticket=ticket, actor=executor, question="Melyik raktárban van a leltárlista?")
    assert finds("leltárlista") == [ticket.number]
    question = ticket.consultations.get()
    workflow.answer_executor(ticket=ticket, actor=agent, consultation=question, answer="A hűtőkamrában.")
    assert finds("hűtőkamra") == [ticket.number]
    ticket = workflow.complete_work(ticket=ticket, actor=executor, note="Kész.")
    workflow.log_test(ticket=ticket, actor=agent, note="Próbanyomtatás a tesztkörnyezetben sikerült.")
    assert finds("tesztkörnyezet") == [ticket.number]
    workflow.consult_user(ticket=ticket, actor=agent, summary="Telefonon egyeztettünk a könyvelővel.")
    assert finds("könyvelő") == [ticket.number]


def test_a_corrected_subject_is_found_and_the_old_one_no_longer(users, contact):
    ticket = register(users, contact, subject="Rossz tárgysor")
    workflow.clarify_ticket(
        ticket=ticket, actor=users["agent"], subject="Javított címsor", module=None, priority=Priority.NORMAL,
        contact=contact,
    )  # fmt: skip
    assert finds("címsor") == [ticket.number]
    assert finds("tárgysor") == []


def test_an_e_mail_reply_on_a_ticket_is_found_by_its_text(users):
    ContactFactory(email="eva@ugyfel.example")
    first = (
        "From: eva@ugyfel.example\r\nTo: help@pult.example\r\nSubject: Nyomtatás\r\n"
        "Message-ID: <m1@ugyfel.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNem nyomtat."
    )
    message_ingest(raw=first.encode())
    ticket = Ticket.objects.get()
    reply = (
        f"From: eva@ugyfel.example\r\nTo: help@pult.example\r\nSubject: Re: [{ticket.number}] Nyomtatás\r\n"
        "Message-ID: <m2@ugyfel.example>\r\nIn-Reply-To: <m1@ugyfel.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nKözben a szkennelés is leállt."
    )
    message_ingest(raw=reply.encode())
    assert Ticket.objects.count() == 1
    assert finds("szkennelés") == [ticket.number]


def test_a_write_that_rolls_back_leaves_no_index_text(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        workflow.log_work(ticket=ticket, actor=users["executor"], minutes=5, note="Visszagörgetett bejegyzés.")
        assert finds("visszagörgetett") == [ticket.number]  # inside the transaction the index has it
        raise Abort
    assert finds("visszagörgetett") == []
    assert "Visszagörgetett" not in SearchEntry.objects.get(ticket=ticket).body


def test_a_refused_step_leaves_no_index_text(users, contact):
    ticket = register(users, contact)  # new: an executor may not log work on it
    with pytest.raises(workflow.WorkflowError):
        workflow.log_work(ticket=ticket, actor=users["executor"], minutes=5, note="Tiltott munkanapló.")
    assert finds("munkanapló") == []


def test_the_rebuild_command_restores_a_lost_index_and_reports_progress(users, contact):
    tickets = [register(users, contact, subject=f"Ütközőpont {index}") for index in range(5)]
    SearchEntry.objects.all().delete()
    assert finds("utkozopont") == []
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", "--batch-size", "2", stdout=stdout, stderr=stderr)
    assert sorted(finds("utkozopont")) == sorted(ticket.number for ticket in tickets)
    assert "tickets 2/5" in stderr.getvalue() and "tickets 5/5" in stderr.getvalue()
    assert "rows/s" in stderr.getvalue()
    assert "5 entries" in stdout.getvalue()


def test_rebuild_all_replaces_stale_text_and_returns_the_entries_written(users, contact):
    ticket = register(users, contact, subject="Friss szöveg")
    SearchEntry.objects.filter(ticket=ticket).update(title="Elavult", body="elavult")
    lines: list[Any] = []
    assert rebuild_all(batch_size=100, progress=lines.append) == 1
    entry = SearchEntry.objects.get(ticket=ticket)
    assert entry.title == "Friss szöveg" and lines
    assert finds("friss") == [ticket.number]
