"""A line break in a subject (typed, pasted, sent over the API or the portal) never leaves a message stuck in
the queue: it is cleaned where it enters, and a message that still cannot be sent ends as given up, on the
ticket's timeline and the worker page, instead of "waiting to be sent" for ever."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.tests.test_walk import Desk
from mail.choices import OutboundKind, OutboundStatus
from mail.models import OutboundMessage
from mail.tasks import requeue_stale_outbound_task, send_outbound_task
from portal.tests.factories import client_for, portal_account
from testkit.workflow import advance, register
from tickets.choices import Action, State

pytestmark = pytest.mark.django_db

INJECTED = "Javítva\r\nBcc: kem@tamado.example\r\n\r\nHamis szöveg"


def test_a_subject_with_line_breaks_from_the_api_is_sent_on_one_line_to_the_user_only(
    users: Any, contact: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = advance(register(users, contact), State.SOLVED, users)
    desk = Desk(users)
    desk.url, desk.version = f"/api/v1/tickets/{ticket.year}/{ticket.sequence}", ticket.version
    with django_capture_on_commit_callbacks(execute=True):
        desk.step("agent", "email_user", to=contact.email, subject=INJECTED, body="Kész.", as_notification=True)
    [sent] = smtp_server.messages
    assert sent["Subject"].strip() == f"[{ticket.number}] Javítva Bcc: kem@tamado.example Hamis szöveg"
    assert sent["Bcc"] is None and sent["X-Envelope-To"] == contact.email
    assert OutboundMessage.objects.get().status == OutboundStatus.SENT
    ticket.refresh_from_db()
    assert ticket.state == State.NOTIFIED


def test_a_portal_request_with_line_breaks_in_its_subject_is_registered_and_acknowledged(
    smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = portal_account(email="kovacs.eva@ugyfel.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(customer).post(
            "/portal/requests/new/", {"subject": "Nem indul\r\nBcc: kem@tamado.example", "description": "Hiba."}
        )
    assert response.status_code == 302
    ticket = customer.contact.tickets.get()
    assert ticket.subject == "Nem indul Bcc: kem@tamado.example"
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["X-Envelope-To"] == "kovacs.eva@ugyfel.example" and acknowledgement["Bcc"] is None
    assert OutboundMessage.objects.get().status == OutboundStatus.SENT


def test_a_ticket_subject_kept_with_a_line_break_is_still_sent_in_the_question_to_the_user(
    users: Any, contact: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = advance(register(users, contact), State.SOLVED, users)
    type(ticket).objects.filter(pk=ticket.pk).update(subject="Régi tárgy\nmásodik sor")  # stored before the fix
    ticket.refresh_from_db()
    client = Client()
    client.force_login(users["agent"])
    data = {
        "email_user-version": ticket.version,
        "email_user-to": contact.email,
        "email_user-subject": ticket.subject,
        "email_user-body": "Kérjük, írja meg a verziószámot.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/{ticket.year}/{ticket.sequence}/steps/email_user/", data)
    assert response.status_code == 302
    [sent] = smtp_server.messages
    assert sent["Subject"].strip() == f"[{ticket.number}] Régi tárgy második sor"


def test_a_message_that_can_never_be_sent_is_given_up_at_once_on_the_timeline_and_the_worker_page(
    users: Any, contact: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = advance(register(users, contact), State.SOLVED, users)
    type(ticket).objects.filter(pk=ticket.pk).update(notification_sending_since=timezone.now())
    outbound = OutboundMessage.objects.create(  # queued by an earlier version with an address it did not check
        ticket=ticket,
        kind=OutboundKind.NOTIFICATION,
        to=f"{contact.email}\r\nBcc: kem@tamado.example",
        subject=f"[{ticket.number}] Kész",
        body="A hibát javítottuk.",
        message_id=f"hostile-{ticket.pk}@pult.test",
        requested_by=users["agent"],
    )
    send_outbound_task(outbound.pk)  # the worker's task (run in the test's process)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundStatus.GIVEN_UP, 1)
    assert "Invalid address" in outbound.last_error
    assert smtp_server.messages == []
    ticket.refresh_from_db()
    assert ticket.notification_sending_since is None  # another way of notifying is offered again
    assert ticket.events.filter(action=Action.EMAIL_FAILED).count() == 1
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    page = Client()
    page.force_login(administrator)
    assert ticket.number in page.get("/mail/worker/").content.decode()


def test_a_message_whose_task_was_lost_is_sent_by_the_next_requeue(users: Any, contact: Any, smtp_server: Any) -> None:
    ticket = register(users, contact)

    def queued(subject: str, **extra: Any) -> OutboundMessage:
        return OutboundMessage.objects.create(
            ticket=ticket,
            kind=OutboundKind.MESSAGE,
            to=contact.email,
            subject=f"[{ticket.number}] {subject}",
            body="Melyik verziót használja?",
            message_id=f"{subject.split()[0].lower()}-{ticket.pk}@pult.test",
            requested_by=users["agent"],
            **extra,
        )

    stale = queued("Kérdés", created_at=timezone.now() - dt.timedelta(minutes=20))
    fresh = queued("Most került sorba")
    requeue_stale_outbound_task()
    requeue_stale_outbound_task()  # a second run finds nothing left to send
    assert [message["Subject"] for message in smtp_server.messages] == [f"[{ticket.number}] Kérdés"]
    assert OutboundMessage.objects.get(pk=stale.pk).status == OutboundStatus.SENT
    assert OutboundMessage.objects.get(pk=fresh.pk).status == OutboundStatus.QUEUED
