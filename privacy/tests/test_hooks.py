"""Every page, PDF, export and API answer that shows a person's data leaves exactly one access-log entry
naming who looked, at what and whose data; list pages leave none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from api.tests.helpers import api_client
from complaints.choices import ComplaintState
from complaints.models import Answer
from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry
from privacy.tests.helpers import client_for, only_entry
from testkit.complaints import phone_complaint, walk_to
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State

pytestmark = pytest.mark.django_db


def ticket_url(ticket: Any, rest: str = "") -> str:
    return f"/tickets/{ticket.year}/{ticket.sequence}/{rest}"


def complaint_url(complaint: Any, rest: str = "") -> str:
    return f"/complaints/{complaint.year}/{complaint.sequence}/{rest}"


def test_opening_a_ticket_page_logs_the_agent_the_ticket_and_its_contact(users: Any) -> None:
    contact = ContactFactory(name="Őri Ödön")
    ticket = register(users, contact)
    response = client_for(users["agent"]).get(ticket_url(ticket), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (users["agent"], AccessAction.VIEW, AccessKind.TICKET)
    assert (entry.object_id, entry.reference) == (ticket.pk, ticket.number)
    assert (entry.contact_id, entry.subject) == (contact.pk, "Őri Ödön")
    assert entry.ip_address == "192.0.2.7"
    assert entry.path == ticket_url(ticket)


def test_a_ticket_page_that_is_refused_logs_nothing(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    assert client_for(users["executor"]).get(ticket_url(ticket)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_printing_a_ticket_summary_logs_a_pdf(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    response = client_for(users["manager"]).get(reverse("tickets:pdf", args=[ticket.year, ticket.sequence]))
    assert response["Content-Type"] == "application/pdf"
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (users["manager"], AccessAction.PDF, AccessKind.TICKET)
    assert (entry.object_id, entry.contact_id) == (ticket.pk, contact.pk)


def test_printing_a_letter_logs_a_pdf_with_the_ticket_number(users: Any, contact: Any) -> None:
    ticket = advance(register(users, contact), State.SOLVED, users)
    letter = workflow.prepare_letter(ticket=ticket, actor=users["agent"], text="Tisztelt Ügyfelünk!")
    response = client_for(users["agent"]).get(
        reverse("tickets:letter_pdf", args=[ticket.year, ticket.sequence, letter.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    entry = only_entry()
    assert (entry.action, entry.kind, entry.object_id) == (AccessAction.PDF, AccessKind.LETTER, letter.pk)
    assert (entry.reference, entry.contact_id) == (ticket.number, contact.pk)


def test_the_api_ticket_detail_logs_the_token_owner(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    response = api_client(users["agent"]).get(f"/api/v1/tickets/{ticket.year}/{ticket.sequence}")
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (users["agent"], AccessAction.API_VIEW, AccessKind.TICKET)
    assert (entry.object_id, entry.contact_id, entry.reference) == (ticket.pk, contact.pk, ticket.number)


def test_the_api_contact_detail_logs_the_contact(users: Any) -> None:
    contact = ContactFactory(name="Árvíz Tűrő")
    response = api_client(users["manager"]).get(f"/api/v1/contacts/{contact.pk}")
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (users["manager"], AccessAction.API_VIEW, AccessKind.CONTACT)
    assert (entry.object_id, entry.contact_id, entry.subject) == (contact.pk, contact.pk, "Árvíz Tűrő")


def test_the_admins_contact_page_logs_a_view_but_saving_it_does_not(users: Any) -> None:
    admin_user = users["administrator"]
    admin_user.is_staff = True
    admin_user.save()
    contact = ContactFactory(name="Kis Ilona")
    client = client_for(admin_user)
    url = reverse("admin:customers_contact_change", args=[contact.pk])
    assert client.get(url).status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (admin_user, AccessAction.VIEW, AccessKind.CONTACT)
    assert (entry.object_id, entry.contact_id, entry.subject) == (contact.pk, contact.pk, "Kis Ilona")
    # Adding a contact and opening a missing one show nobody's data.
    assert client.get(reverse("admin:customers_contact_add")).status_code == 200
    assert client.get(reverse("admin:customers_contact_change", args=[contact.pk + 999])).status_code == 302
    assert AccessLogEntry.objects.count() == 1


def test_a_complaint_page_logs_the_complainant(users: Any) -> None:
    contact = ContactFactory()
    complaint = phone_complaint(users, contact=contact)
    response = client_for(users["complaint_officer"]).get(complaint_url(complaint))
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (
        users["complaint_officer"],
        AccessAction.VIEW,
        AccessKind.COMPLAINT,
    )
    assert (entry.object_id, entry.reference) == (complaint.pk, complaint.number)
    assert (entry.contact_id, entry.subject) == (contact.pk, "Kovács Éva")


def test_the_api_complaint_detail_logs_the_complainant(users: Any) -> None:
    contact = ContactFactory()
    complaint = phone_complaint(users, contact=contact)
    url = f"/api/v1/complaints/{complaint.year}/{complaint.sequence}"
    assert api_client(users["complaint_officer"]).get(url).status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (
        users["complaint_officer"],
        AccessAction.API_VIEW,
        AccessKind.COMPLAINT,
    )
    assert (entry.object_id, entry.contact_id, entry.subject) == (complaint.pk, contact.pk, "Kovács Éva")


def test_a_complaints_record_and_answer_pdfs_are_logged(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.ANSWERED, users)
    answer = Answer.objects.get(complaint=complaint)
    officer = client_for(users["complaint_officer"])
    assert officer.get(complaint_url(complaint, "record.pdf"))["Content-Type"] == "application/pdf"
    assert officer.get(complaint_url(complaint, f"answers/{answer.pk}/pdf/"))["Content-Type"] == "application/pdf"
    entries = list(AccessLogEntry.objects.order_by("id"))
    assert [(e.action, e.kind, e.object_id, e.subject) for e in entries] == [
        (AccessAction.PDF, AccessKind.COMPLAINT, complaint.pk, "Kovács Éva"),
        (AccessAction.PDF, AccessKind.COMPLAINT, complaint.pk, "Kovács Éva"),
    ]
    assert {e.contact_id for e in entries} == {None}  # this complainant is no contact of ours


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_exporting_the_complaint_register_is_one_entry(users: Any, kind: str) -> None:
    phone_complaint(users)
    phone_complaint(users, complainant_name="Szabó Zoltán")
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    response = client_for(users["executive"]).get(f"/complaints/inspection/{kind}/", {"start": start, "end": today})
    assert response.status_code == 200
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind) == (
        users["executive"],
        AccessAction.EXPORT,
        AccessKind.COMPLAINT_REGISTER,
    )
    assert entry.reference == f"{start} – {today}"


def test_list_pages_log_nothing(users: Any, contact: Any) -> None:
    register(users, contact)
    phone_complaint(users)
    manager = client_for(users["manager"])
    officer = client_for(users["complaint_officer"])
    assert manager.get("/tickets/").status_code == 200
    assert officer.get("/complaints/").status_code == 200
    assert api_client(users["manager"]).get("/api/v1/tickets").status_code == 200
    assert api_client(users["manager"]).get("/api/v1/contacts").status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_a_log_that_cannot_be_written_does_not_break_the_page(users: Any, contact: Any, caplog: Any) -> None:
    from privacy.services import record_access

    ticket = register(users, contact)
    assert record_access(users["agent"], action=AccessAction.VIEW, obj=ticket.events.first()) is None
    assert "access log entry could not be written" in caplog.text
    assert not AccessLogEntry.objects.exists()
