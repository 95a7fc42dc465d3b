"""Registering at the desk: the intake sheet, written requests with scans, feedback on the original ticket."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from customers.models import Contact, Customer
from intake.models import IntakeSheet
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets.choices import Channel, FeedbackOutcome, State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# A Tuesday morning: the desk is open (a time outside opening hours needs a confirmation, tested below).
IN_OPENING_HOURS = dt.datetime(2026, 11, 17, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def oral_data(**overrides):
    data = {
        "channel": Channel.PHONE,
        "received_at": local(IN_OPENING_HOURS),
        "caller_name": "Kovács Éva",
        "caller_phone": "06 30 123 4567",
        "caller_email": "",
        "priority": "normal",
        "subject": "Nem indul a bérszámfejtő",
        "content": "Reggel óta hibaüzenettel leáll: „adatbázis zárolva”.",
    }
    data.update(overrides)
    return data


def test_phone_request_for_a_known_contact_registers_the_ticket_and_keeps_the_sheet(users):
    contact = ContactFactory(name="Kovács Éva", phone="+36 30 123 4567")
    received = IN_OPENING_HOURS
    response = client_for(users["agent"]).post(
        reverse("intake:oral"), oral_data(contact=contact.pk, received_at=local(received))
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("tickets:detail", args=[ticket.year, ticket.sequence])
    assert (ticket.contact, ticket.customer, ticket.channel) == (contact, contact.customer, Channel.PHONE)
    assert ticket.received_at.replace(second=0, microsecond=0) == received.replace(second=0, microsecond=0)
    assert ticket.registered_at > ticket.received_at
    sheet = IntakeSheet.objects.get()
    assert sheet.ticket == ticket and sheet.caller_phone == "06 30 123 4567"
    assert sheet.content == "Reggel óta hibaüzenettel leáll: „adatbázis zárolva”."


def test_contact_is_found_by_name_phone_or_email(users):
    contact = ContactFactory(name="Szőke Ödön", phone="+36 20 987 6543", email="odon@raktar.example")
    client = client_for(users["agent"])
    for query in ("szőke", "06209876543", "987 6543", "odon@raktar"):
        page = client.get(reverse("intake:contact_search"), {"q": query}).content.decode()
        assert "Szőke Ödön" in page, query
        assert f'data-contact-id="{contact.pk}"' in page
    assert "Szőke Ödön" not in client.get(reverse("intake:contact_search"), {"q": "nincsilyen"}).content.decode()


def test_unknown_caller_is_registered_as_a_new_contact_on_the_spot(users):
    response = client_for(users["agent"]).post(
        reverse("intake:oral"),
        oral_data(
            channel=Channel.IN_PERSON,
            new_name="Új Ügyfél Ágnes",
            new_phone="+36 1 222 3333",
            new_customer_name="Zöldség Bt.",
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="Új Ügyfél Ágnes")
    assert contact.customer.name == "Zöldség Bt." and contact.phone == "+36 1 222 3333"
    assert Ticket.objects.get().contact == contact


def test_intake_sheet_with_missing_data_shows_errors_and_keeps_the_text(users):
    response = client_for(users["agent"]).post(reverse("intake:oral"), oral_data(subject=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Reggel óta hibaüzenettel leáll" in body
    assert body.count('class="error"') >= 2  # no subject, no contact
    assert Ticket.objects.count() == 0 and Customer.objects.count() == 0


def test_a_received_time_in_the_future_is_refused_and_nothing_is_created(users):
    contact = ContactFactory()
    response = client_for(users["agent"]).post(
        reverse("intake:oral"),
        oral_data(contact=contact.pk, received_at=local(timezone.now() + dt.timedelta(days=2))),
    )
    assert response.status_code == 400
    assert Ticket.objects.count() == 0 and IntakeSheet.objects.count() == 0


def test_written_request_keeps_its_scanned_attachments(users):
    contact = ContactFactory()
    scan = SimpleUploadedFile("levél-beolvasva.pdf", b"%PDF-1.4 scanned", content_type="application/pdf")
    fax = SimpleUploadedFile("fax.tiff", b"II*\x00fax", content_type="image/tiff")
    response = client_for(users["agent"]).post(
        reverse("intake:written"),
        {
            "channel": Channel.POST,
            "received_at": local(timezone.now() - dt.timedelta(days=1)),
            "contact": contact.pk,
            "priority": "normal",
            "subject": "Postán érkezett kérés",
            "content": "Tisztelt Ügyfélszolgálat! …",
            "attachments": [scan, fax],
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.POST
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == ["fax.tiff", "levél-beolvasva.pdf"]
    assert IntakeSheet.objects.count() == 0  # written requests go straight into the registry


def test_written_request_with_an_oversized_scan_is_refused_and_nothing_is_registered(users, settings):
    settings.PULT_MAX_ATTACHMENT_BYTES = 100
    response = client_for(users["agent"]).post(
        reverse("intake:written"),
        {
            "channel": Channel.FAX,
            "received_at": local(timezone.now()),
            "contact": ContactFactory().pk,
            "priority": "normal",
            "subject": "Fax",
            "content": "Faxtartalom",
            "attachments": [SimpleUploadedFile("nagy.tiff", b"x" * 500)],
        },
    )
    assert response.status_code == 400
    assert "nagy.tiff" in response.content.decode() and "Faxtartalom" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_feedback_search_finds_the_original_by_number_contact_phone_email_and_subject(users):
    contact = ContactFactory(name="Pék Gyula", phone="+36 76 555 124", email="gyula@pekseg.example")
    ticket = register(users, contact, subject="Kenyérsütő modul hibás összesítője")
    register(users, ContactFactory(), subject="Egészen más")
    client = client_for(users["agent"])
    for query in (
        ticket.number,
        str(ticket.sequence),
        "Pék Gyula",
        "0676555124",
        "gyula@pekseg.example",
        "összesítője kenyérsütő",
    ):
        page = client.get(reverse("intake:feedback_search"), {"q": query}).content.decode()
        assert ticket.subject in page, query
        assert "Egészen más" not in page or query == str(ticket.sequence), query


def test_feedback_reopens_a_closed_ticket_with_an_intake_sheet(users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    response = client_for(users["agent"]).post(
        reverse("intake:feedback", args=[ticket.year, ticket.sequence]),
        {
            "version": ticket.version,
            "channel": Channel.PHONE,
            "received_at": local(timezone.now()),
            "caller_name": contact.name,
            "caller_phone": contact.phone,
            "caller_email": "",
            "content": "A hiba újra jelentkezett a havi zárásnál.",
            "outcome": "reopen",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.NEW and ticket.reopen_count == 1
    feedback = ticket.feedback.get()
    assert feedback.outcome == FeedbackOutcome.REOPENED
    assert feedback.intake_sheet.content == "A hiba újra jelentkezett a havi zárásnál."


def test_feedback_on_an_open_ticket_can_only_be_recorded(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    client = client_for(users["agent"])
    form_page = client.get(reverse("intake:feedback", args=[ticket.year, ticket.sequence])).content.decode()
    assert 'value="reopen"' not in form_page and 'value="record"' in form_page
    response = client.post(
        reverse("intake:feedback", args=[ticket.year, ticket.sequence]),
        {
            "version": ticket.version,
            "channel": Channel.EMAIL,
            "received_at": local(timezone.now()),
            "content": "Köszönöm a gyors intézkedést!",
            "outcome": "reopen",
        },
    )
    assert response.status_code == 400
    assert "Köszönöm a gyors intézkedést!" in response.content.decode()
    assert ticket.feedback.count() == 0


def test_executor_cannot_register_feedback_or_print_sheets_of_other_tickets(users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    client_for(users["agent"]).post(reverse("intake:oral"), oral_data(contact=contact.pk))
    sheet = IntakeSheet.objects.get()
    executor = client_for(users["other_executor"])
    assert executor.get(reverse("intake:feedback", args=[ticket.year, ticket.sequence])).status_code == 403
    assert executor.get(reverse("intake:sheet_pdf", args=[sheet.pk])).status_code == 404


def test_intake_sheet_prints_as_a4_pdf_with_hungarian_letters(users):
    contact = ContactFactory(name="Őri Ödön", customer__name="Árvíztűrő Tükörfúrógép Kft.")
    client = client_for(users["agent"])
    client.post(
        reverse("intake:oral"),
        oral_data(contact=contact.pk, caller_name="Őri Ödön", content="Űrlap: á é í ó ö ő ú ü ű"),
    )
    sheet = IntakeSheet.objects.get()
    response = client.get(reverse("intake:sheet_pdf", args=[sheet.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    assert [round(float(v)) for v in (reader.pages[0].mediabox.width, reader.pages[0].mediabox.height)] == [595, 842]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Űrlap: á é í ó ö ő ú ü ű" in text
    assert "Árvíztűrő Tükörfúrógép Kft." in text and "Őri Ödön" in text
    assert sheet.ticket.number in text


def test_a_phone_request_outside_opening_hours_needs_a_confirmation(users):
    contact = ContactFactory()
    saturday = local(dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    client = client_for(users["agent"])
    refused = client.post(reverse("intake:oral"), oral_data(contact=contact.pk, received_at=saturday))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Az ügyfélszolgálat ekkor zárva van; legközelebb 2026. 11. 23. 7:30-kor nyit." in page
    assert 'name="outside_hours"' in page
    assert not Ticket.objects.exists()
    confirmed = client.post(
        reverse("intake:oral"), oral_data(contact=contact.pk, received_at=saturday, outside_hours="on")
    )
    assert confirmed.status_code == 302
    assert Ticket.objects.get().received_at.isoformat() == "2026-11-21T09:00:00+00:00"
