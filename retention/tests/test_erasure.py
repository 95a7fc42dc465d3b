"""Erasing a person: nothing identifying is left anywhere, the registry and its statistics stay the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.services import ComplaintInput, complaint_record
from customers.choices import CustomerKind
from customers.selectors import contact_search
from dashboard.reports import period_report
from mail.models import InboundMessage
from mail.services import message_ingest
from portal import services as portal
from privacy.choices import AccessAction
from privacy.models import AccessLogEntry
from privacy.services import record_access
from retention.choices import DeletionKind, Record
from retention.erasure import ErasureRefused, erase_contact, erasure_refusal
from retention.models import DeletionLogEntry
from retention.tests.helpers import (
    EMAIL,
    NAME,
    PHONE,
    closed_phone_ticket,
    identifying_values,
    person,
    raw_mail,
)
from testkit.factories import ContactFactory, CustomerFactory
from testkit.workflow import advance, register
from tickets.choices import State
from tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _registry() -> list[tuple[Any, ...]]:
    tickets = Ticket.objects.order_by("number").values_list(
        "number", "state", "channel", "priority", "module_id", "customer_id", "contact_id", "received_at", "closed_at"
    )
    events = TicketEvent.objects.order_by("pk").values_list("ticket_id", "action", "actor_id", "at", "to_state")
    return [*tickets, *events, ("attachments", Attachment.objects.count())]


def _report() -> Any:
    today = timezone.localdate()
    return period_report(today - dt.timedelta(days=7), today + dt.timedelta(days=1))


@pytest.fixture
def history(users, smtp_server, django_capture_on_commit_callbacks) -> Any:
    """Bodnár Zsófia: a phone ticket with a file, an e-mailed one, a portal account and rating, an access-log line."""
    contact = person()
    bystander = ContactFactory(customer=contact.customer)
    with django_capture_on_commit_callbacks(execute=True):
        phoned = closed_phone_ticket(users, contact)
        message_ingest(
            raw=raw_mail(
                subject=f"Hibás számla – {NAME}",
                body=f"Jó napot! Rossz a számla. Üdvözlettel: {NAME}, tel. +36309876543, {EMAIL}",
                message_id="hibas-szamla@kekvilag.example",
            )
        )
        mailed = advance(Ticket.objects.get(channel="email"), State.CLOSED, users)
        account = portal.invite_contact(contact=contact, actor=users["administrator"])
        portal.rate(user=account, ticket=mailed, score=4, comment=f"Köszönöm! {NAME}")
        other = advance(register(users, bystander, subject="Lassú a rendszer"), State.CLOSED, users)
    record_access(users["data_protection_officer"], action=AccessAction.VIEW, obj=contact)
    return {"contact": contact, "phoned": phoned, "mailed": mailed, "account": account, "other": other}


def test_an_erased_person_is_found_nowhere_while_the_registry_and_report_stay(users, history):
    contact = history["contact"]
    assert identifying_values()  # the scan does see the person before
    registry, report = _registry(), _report()
    stored = Attachment.objects.get(ticket=history["phoned"]).file
    assert stored.storage.exists(stored.name)

    report_of_erasure = erase_contact(contact=contact, actor=users["data_protection_officer"], reason="GDPR 17.")

    assert identifying_values() == []
    assert _registry() == registry
    assert _report() == report
    assert report_of_erasure.counts[Record.TICKET] == 2
    assert report_of_erasure.tickets == sorted([history["phoned"].number, history["mailed"].number])
    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.is_active) == (f"Törölt személy #{contact.pk}", "", False)
    account = history["account"]
    account.refresh_from_db()
    assert account.username == f"erased-{contact.pk}" and not account.is_active
    assert not account.has_usable_password()
    assert bytes(InboundMessage.objects.get().raw).startswith("[Az eredeti üzenetet".encode())
    history["other"].refresh_from_db()
    assert history["other"].subject == "Lassú a rendszer"


def _found(client: Any, query: str) -> set[str]:
    page = client.get(reverse("tickets:list"), {"q": query}).content.decode()
    return {number for number in Ticket.objects.values_list("number", flat=True) if number in page}


def test_searches_for_the_erased_name_e_mail_or_phone_find_nothing(client, users, history):
    client.force_login(users["agent"])
    mailed, phoned = history["mailed"].number, history["phoned"].number
    assert _found(client, NAME) == {mailed, phoned}  # the e-mail's sender, and the phoned request's text
    assert contact_search(query=NAME).exists() and contact_search(query="06309876543").exists()
    erase_contact(contact=history["contact"], actor=users["data_protection_officer"], reason="kérésre")
    for query in (NAME, EMAIL, PHONE, "06309876543", "Bodnár"):
        assert _found(client, query) == set(), query
        assert not contact_search(query=query).exists(), query
    assert mailed in _found(client, mailed)


def test_the_erasure_is_logged_without_the_name(users, history):
    erase_contact(contact=history["contact"], actor=users["data_protection_officer"], reason="kérésre")
    entries = DeletionLogEntry.objects.filter(kind=DeletionKind.ERASURE)
    assert {entry.what for entry in entries} >= {Record.CONTACT, Record.TICKET, Record.INBOUND_EMAIL}
    assert all(entry.actor == users["data_protection_officer"] for entry in entries)
    assert all(f"contact #{history['contact'].pk}" in entry.reference for entry in entries)
    assert all(NAME not in entry.reference and entry.reason == "kérésre" for entry in entries)
    with pytest.raises(PermissionError):
        entries.first().save()  # type: ignore[union-attr]


def test_the_access_log_keeps_who_looked_but_not_the_name(users, history):
    erase_contact(contact=history["contact"], actor=users["data_protection_officer"], reason="kérésre")
    entry = AccessLogEntry.objects.get(contact_id=history["contact"].pk)
    assert entry.subject == "[törölve]"
    assert entry.user == users["data_protection_officer"]


def test_the_erased_file_is_deleted_and_its_row_kept(users, history, django_capture_on_commit_callbacks):
    attachment = Attachment.objects.get(ticket=history["phoned"])
    stored_name, size = attachment.file.name, attachment.size
    storage = attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(contact=history["contact"], actor=users["data_protection_officer"], reason="kérésre")
    attachment.refresh_from_db()
    assert not storage.exists(stored_name)
    assert (attachment.file.name, attachment.original_name, attachment.size) == ("", "[törölve]", size)


def test_ticket_events_are_still_append_only_after_an_erasure(users, history):
    erase_contact(contact=history["contact"], actor=users["data_protection_officer"], reason="kérésre")
    event = TicketEvent.objects.first()
    assert event is not None
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_ticketevent SET note = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_accesslogentry SET subject = 'x'")


def test_an_erasure_that_fails_half_way_leaves_the_triggers_in_place(users, history):
    from retention.redaction import triggers_suspended

    with (
        pytest.raises(RuntimeError),
        transaction.atomic(),
        triggers_suspended("tickets_ticketevent", ["ticketevent_no_update"]),
    ):
        raise RuntimeError("boom")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_ticketevent SET note = 'x'")


# Refusals ---------------------------------------------------------------------------------------------------


def test_erasure_is_refused_with_the_reason_while_a_ticket_is_open(users):
    contact = person()
    ticket = register(users, contact)
    refusal = erasure_refusal(contact)
    assert refusal is not None and ticket.number in refusal
    with pytest.raises(ErasureRefused) as refused:
        erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")
    assert ticket.number in refused.value.message
    contact.refresh_from_db()
    assert contact.name == NAME
    assert not DeletionLogEntry.objects.exists()


def test_erasure_is_refused_under_a_legal_hold(users):
    contact = person(legal_hold=True, legal_hold_reason="Folyamatban lévő per")
    with pytest.raises(ErasureRefused) as refused:
        erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")
    assert "Folyamatban lévő per" in refused.value.message
    contact.refresh_from_db()
    assert contact.email == EMAIL


def _complaint(users: Any, contact: Any) -> Complaint:
    return complaint_record(
        actor=users["complaint_officer"],
        data=ComplaintInput(
            channel="email",
            subject="Panasz a számlázásra",
            description=f"{NAME} panasza",
            complainant_name=NAME,
            complainant_email=EMAIL,
            contact=contact,
            customer=contact.customer,
        ),
    )


def test_erasure_is_refused_for_an_unanswered_complaint_and_one_within_its_retention(users):
    contact = person()
    complaint = _complaint(users, contact)
    refusal = erasure_refusal(contact)
    assert refusal is not None and complaint.number in refusal
    kept_until = timezone.now() + dt.timedelta(days=400)
    Complaint.objects.filter(pk=complaint.pk).update(retain_until=kept_until)
    refusal = erasure_refusal(contact)
    assert refusal is not None and complaint.number in refusal
    assert timezone.localtime(kept_until).strftime("%Y. %m. %d.") in refusal


def test_a_complaint_past_its_retention_is_anonymised_with_the_person(users):
    contact = person()
    complaint = _complaint(users, contact)
    Complaint.objects.filter(pk=complaint.pk).update(retain_until=timezone.now() - dt.timedelta(days=1))
    assert erasure_refusal(contact) is None
    report = erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")
    complaint.refresh_from_db()
    assert report.counts[Record.COMPLAINT] == 1
    assert complaint.purged_at is not None and complaint.complainant_name == "" and complaint.number
    assert identifying_values() == []


def test_a_private_person_s_customer_record_goes_with_them(users):
    customer = CustomerFactory(name=NAME, kind=CustomerKind.PRIVATE_PERSON, email=EMAIL, phone=PHONE)
    contact = person(customer=customer)
    erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")
    customer.refresh_from_db()
    assert customer.name.startswith("Törölt személy") and not customer.is_active
    assert identifying_values() == []


def test_a_second_erasure_is_refused_as_already_done(users):
    contact = person()
    erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")
    with pytest.raises(ErasureRefused):
        erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")


def test_the_data_protection_officer_may_read_the_deletion_log_but_nobody_may_change_it(users, admin_client):
    assert users["data_protection_officer"].has_perm("retention.view_deletionlogentry")
    assert not users["administrator"].has_perm("retention.view_deletionlogentry")
    erase_contact(contact=person(), actor=users["data_protection_officer"], reason="kérésre")
    entry = DeletionLogEntry.objects.first()
    assert entry is not None
    page = admin_client.get(reverse("admin:retention_deletionlogentry_changelist"))
    assert page.status_code == 200 and "contact #" in page.content.decode()
    assert admin_client.post(reverse("admin:retention_deletionlogentry_change", args=[entry.pk])).status_code == 403
