"""What the intake shows agents: replies and feedback in their queues, the decision on feedback,
the raw message for download — each only to whom may see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mail.models import InboundMessage
from mail.services import message_ingest
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Action, FeedbackOutcome, State
from tickets.models import Ticket
from worker.leases import lease, this_process

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reply_to(ticket: Ticket, body: str, message_id: str = "r1@ugyfel.example", extra: str = "") -> InboundMessage:
    raw = (
        f"From: eva@ugyfel.example\r\nSubject: Re: [{ticket.number}] Nyomtató\r\nMessage-ID: <{message_id}>\r\n"
        f"{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()
    return message_ingest(raw=raw).message


def section(page: str, css_class: str) -> str:
    start = page.index(css_class)
    return page[start : page.index("</section>", start)]


def test_a_reply_waits_in_the_agent_queue_until_someone_acts_on_the_ticket(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    reply_to(ticket, "Még mindig nem nyomtat.")
    agent = client_for(users["agent"])
    assert ticket.number in section(agent.get("/").content.decode(), "queue-replies")
    page = agent.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert "Még mindig nem nyomtat." in page
    workflow.consult_user(ticket=ticket, actor=users["agent"], summary="Visszahívtam.")
    assert ticket.number not in section(agent.get("/").content.decode(), "queue-replies")


def test_a_reply_with_a_file_or_followed_by_a_deadline_warning_still_waits_for_the_agent(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    attachment = (
        'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
        "Csatolom a képet.\r\n--B\r\nContent-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="hiba.pdf"\r\n\r\n%PDF-1.4 hiba\r\n--B--\r\n'
    )
    raw = (
        f"From: eva@ugyfel.example\r\nSubject: Re: [{ticket.number}] Nyomtató\r\nMessage-ID: <f1@ugyfel.example>\r\n"
        f"MIME-Version: 1.0\r\n{attachment}"
    ).encode()
    message_ingest(raw=raw)  # the system attaches the file after recording the message: nobody acted yet
    workflow.note_event(ticket, Action.SLA_WARNING, note="80%")  # nor is a warning anyone acting
    agent = client_for(users["agent"])
    assert ticket.number in section(agent.get("/").content.decode(), "queue-replies")


@pytest.mark.parametrize(
    ("decision", "state", "outcome"),
    [
        ("reopen", State.NEW, FeedbackOutcome.REOPENED),
        ("record", State.CLOSED, FeedbackOutcome.RECORDED),
    ],
)
def test_agent_decides_on_feedback_that_arrived_by_mail(decision, state, outcome, users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    reply_to(ticket, "A hiba visszatért." if decision == "reopen" else "Köszönöm!")
    agent = client_for(users["agent"])
    assert ticket.number in section(agent.get("/").content.decode(), "queue-feedback")
    ticket.refresh_from_db()
    feedback = ticket.feedback.get()
    response = agent.post(
        reverse("tickets:feedback_review", args=[ticket.year, ticket.sequence, feedback.pk]),
        {"decision": decision, "version": ticket.version},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    feedback.refresh_from_db()
    assert (ticket.state, feedback.outcome) == (state, outcome)
    assert ticket.number not in section(agent.get("/").content.decode(), "queue-feedback")


def test_executor_cannot_review_feedback(users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    reply_to(ticket, "Köszönöm!")
    feedback = ticket.feedback.get()
    response = client_for(users["executor"]).post(
        reverse("tickets:feedback_review", args=[ticket.year, ticket.sequence, feedback.pk]),
        {"decision": "record", "version": Ticket.objects.get(pk=ticket.pk).version},
    )
    assert response.status_code == 403
    feedback.refresh_from_db()
    assert feedback.outcome == FeedbackOutcome.PENDING


def test_the_raw_message_downloads_byte_for_byte_for_who_may_see_its_ticket(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    message = reply_to(ticket, "Melléklet nélkül.")
    url = reverse("mail:raw", args=[message.pk])
    response = client_for(users["agent"]).get(url)
    assert response.status_code == 200 and response.content == bytes(message.raw)
    assert response["Content-Disposition"].startswith("attachment;")
    assert client_for(users["executor"]).get(url).status_code == 200  # the ticket is theirs
    assert client_for(users["other_executor"]).get(url).status_code == 404


def test_set_aside_mail_is_visible_to_administrators_only(users):
    raw = b"From: robot@x.example\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nx"
    message = message_ingest(raw=raw).message
    url = reverse("mail:raw", args=[message.pk])
    assert client_for(users["agent"]).get(url).status_code == 404
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    admin_client = client_for(administrator)
    assert admin_client.get(url).status_code == 200
    listing = admin_client.get("/admin/mail/inboundmessage/").content.decode()
    assert "Out of office" in listing


def test_the_administrator_sees_the_worker_state_and_others_do_not(users, contact, settings):
    from mail.models import Mailbox
    from mail.outbound import email_user, outbound_send

    settings.PULT_EMAIL_SEND_ATTEMPTS = 1
    Mailbox.objects.create(
        name="Fax", address="fax@pult.example", imap_host="127.0.0.1", last_fetch_error="Login failed"
    )
    ticket = advance(register(users, contact), State.SOLVED, users)
    outbound = email_user(
        ticket=ticket, actor=users["agent"], to=contact.email, subject="x", body="y", as_notification=True
    )
    with pytest.raises(OSError):
        outbound_send(outbound.pk)  # nothing listens on the SMTP port
    administrator = users["administrator"]
    with lease("fetch-mailbox-7"):  # a fetch running now is named with its worker process
        page = client_for(administrator).get(reverse("mail:worker")).content.decode()
    assert "Login failed" in page and ticket.number in page and "Connection refused" in page
    assert "fetch-mailbox-7" in page and this_process() in page
    assert client_for(users["agent"]).get(reverse("mail:worker")).status_code == 403
