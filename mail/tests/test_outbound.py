"""E-mail to the user through a real SMTP server: notify from the ticket, retry failures, thread replies,
acknowledge new e-mail tickets once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mail.choices import InboundStatus, OutboundKind, OutboundStatus
from mail.models import OutboundMessage
from mail.outbound import outbound_send
from mail.services import message_ingest
from testkit.workflow import advance, register
from tickets.choices import Action, State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def email_from_page(client: Client, ticket: Ticket, *, notify: bool, body: str = "A hibát javítottuk. Üdv.: Anna"):
    data = {
        "email_user-version": ticket.version,
        "email_user-to": ticket.contact.email,
        "email_user-subject": "Nyomtatási hiba javítva",
        "email_user-body": body,
    }
    if notify:
        data["email_user-as_notification"] = "on"
    return client.post(reverse("tickets:step", args=[ticket.year, ticket.sequence, "email_user"]), data)


def actions(ticket: Ticket) -> list[str]:
    return list(ticket.events.order_by("at", "id").values_list("action", flat=True))


def test_agent_notifies_by_email_and_the_ticket_is_notified_once_it_is_sent(
    users, contact, smtp_server, django_capture_on_commit_callbacks
):
    ticket = advance(register(users, contact), State.SOLVED, users)
    with django_capture_on_commit_callbacks(execute=True):
        response = email_from_page(client_for(users["agent"]), ticket, notify=True)
    assert response.status_code == 302
    [sent] = smtp_server.messages
    outbound = OutboundMessage.objects.get()
    assert sent["Subject"] == f"[{ticket.number}] Nyomtatási hiba javítva"
    assert sent["Message-ID"].strip() == f"<{outbound.message_id}>"
    assert sent["X-Envelope-To"] == contact.email
    assert sent.get_content().strip() == "A hibát javítottuk. Üdv.: Anna"
    ticket.refresh_from_db()
    assert ticket.state == State.NOTIFIED
    notification = ticket.notifications.get()
    assert (notification.channel, notification.recipient, notification.recorded_by) == (
        "email",
        contact.email,
        users["agent"],
    )
    # the mail server accepted it, then it counts as the notification (seed j)
    assert actions(ticket)[-3:] == [Action.EMAIL_QUEUED, Action.EMAIL_SENT, Action.RECORD_NOTIFICATION]


def test_a_message_that_is_not_the_notification_leaves_the_state_alone(
    users, contact, smtp_server, django_capture_on_commit_callbacks
):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    with django_capture_on_commit_callbacks(execute=True):
        email_from_page(client_for(users["agent"]), ticket, notify=False, body="Kérünk egy képernyőképet.")
    assert len(smtp_server.messages) == 1
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS and ticket.notifications.count() == 0


def test_a_failed_send_is_shown_and_retried_and_notifies_only_when_it_succeeds(
    users, contact, settings, django_capture_on_commit_callbacks
):
    ticket = advance(register(users, contact), State.SOLVED, users)
    client = client_for(users["agent"])
    with django_capture_on_commit_callbacks(execute=True):
        email_from_page(client, ticket, notify=True)  # nothing listens on the SMTP port
    outbound = OutboundMessage.objects.get()
    assert outbound.status == OutboundStatus.FAILED and outbound.attempts == 1 and outbound.last_error
    ticket.refresh_from_db()
    assert ticket.state == State.SOLVED
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert "outbound-failed" in page and outbound.last_error[:30] in page

    from conftest import SmtpSink

    sink = SmtpSink()
    sink.controller.start()
    try:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        outbound_send(outbound.pk)  # what the worker's retry does
        outbound_send(outbound.pk)  # and a second run changes nothing
    finally:
        sink.controller.stop()
    assert len(sink.messages) == 1
    outbound.refresh_from_db()
    ticket.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT and ticket.state == State.NOTIFIED


NOTIFYING_STEPS = ("record_notification", "prepare_letter", "fax_user")


def test_while_a_notification_is_on_its_way_the_page_says_so_and_offers_no_second_one(
    users, contact, settings, django_capture_on_commit_callbacks
):
    ticket = advance(register(users, contact), State.SOLVED, users)
    client = client_for(users["agent"])
    with django_capture_on_commit_callbacks(execute=True):
        email_from_page(client, ticket, notify=True)  # nothing listens on the SMTP port: it will be retried
    ticket.refresh_from_db()
    assert ticket.state == State.SOLVED and ticket.notification_sending_since is not None
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert 'id="notification-sending"' in page and "Az értesítés küldése folyamatban" in page
    assert "újra próbáljuk" in page  # the first try failed
    for step in NOTIFYING_STEPS:
        assert f'id="step-{step}"' not in page, step
    assert 'name="email_user-as_notification"' not in page  # a plain e-mail may still be written
    # A second notification sent anyway (an old tab, the API) is refused and changes nothing.
    response = email_from_page(client, Ticket.objects.get(pk=ticket.pk), notify=True)
    assert response.status_code == 409 and "már úton van" in response.content.decode()
    assert OutboundMessage.objects.count() == 1
    sending = reverse("tickets:sending", args=[ticket.year, ticket.sequence])
    assert "notification-sending" in client.get(sending).content.decode()

    from conftest import SmtpSink

    sink = SmtpSink()
    sink.controller.start()
    try:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        outbound_send(OutboundMessage.objects.get().pk)  # the worker's retry: the server accepts it
    finally:
        sink.controller.stop()
    ticket.refresh_from_db()
    assert ticket.state == State.NOTIFIED and ticket.notification_sending_since is None
    polled = client.get(sending)
    assert polled["HX-Refresh"] == "true"  # the page reloads itself with the new state and steps


def test_a_notification_given_up_frees_the_ticket_for_another_way_of_notifying(users, contact, settings):
    settings.PULT_EMAIL_SEND_ATTEMPTS = 1
    ticket = advance(register(users, contact), State.SOLVED, users)
    client = client_for(users["agent"])
    email_from_page(client, ticket, notify=True)
    with pytest.raises(OSError):
        outbound_send(OutboundMessage.objects.get().pk)
    ticket.refresh_from_db()
    assert ticket.notification_sending_since is None and ticket.state == State.SOLVED
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert 'id="notification-sending"' not in page and "outbound-given_up" in page
    for step in NOTIFYING_STEPS:
        assert f'id="step-{step}"' in page, step


def test_sending_is_given_up_after_the_configured_attempts_and_that_is_on_the_timeline(users, contact, settings):
    settings.PULT_EMAIL_SEND_ATTEMPTS = 2
    ticket = advance(register(users, contact), State.SOLVED, users)
    email_from_page(client_for(users["agent"]), ticket, notify=True)  # queued; callbacks not run
    outbound = OutboundMessage.objects.get()
    for _attempt in range(2):
        with pytest.raises(OSError):
            outbound_send(outbound.pk)
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.GIVEN_UP
    assert actions(ticket)[-1] == Action.EMAIL_FAILED
    assert Ticket.objects.get(pk=ticket.pk).state == State.SOLVED


def test_the_user_s_reply_threads_by_our_message_id_even_without_the_number(
    users, contact, smtp_server, django_capture_on_commit_callbacks
):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    with django_capture_on_commit_callbacks(execute=True):
        email_from_page(client_for(users["agent"]), ticket, notify=False, body="Melyik verziót használja?")
    ours = OutboundMessage.objects.get().message_id
    reply = (
        f"From: {contact.email}\r\nSubject: Re: verzio\r\nMessage-ID: <valasz@ugyfel.example>\r\n"
        f"In-Reply-To: <{ours}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA 4.2-es verziót."
    ).encode()
    message = message_ingest(raw=reply).message
    assert message.status == InboundStatus.REPLY and message.ticket == ticket


def _new_mail(number: int, sender: str = "uj.ugyfel@valahol.example", extra: str = "") -> bytes:
    return (
        f"From: Új Ügyfél <{sender}>\r\nSubject: Kérdés {number}\r\nMessage-ID: <n{number}@valahol.example>\r\n"
        f"{extra}Content-Type: text/plain; charset=utf-8\r\n\r\nSegítséget kérek."
    ).encode()


def test_a_new_email_ticket_gets_one_automatic_acknowledgement_with_its_number(
    db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_ingest(raw=_new_mail(1)).message.ticket
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["Auto-Submitted"] == "auto-replied"
    assert acknowledgement["In-Reply-To"] == "<n1@valahol.example>"
    assert f"[{ticket.number}]" in acknowledgement["Subject"]
    assert ticket.number in acknowledgement.get_content() and "rögzítettük" in acknowledgement.get_content()
    assert Action.EMAIL_SENT in actions(ticket)


def test_acknowledgements_are_limited_per_sender_and_never_answer_automatic_mail(
    db, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.PULT_ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR = 3
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            message_ingest(raw=_new_mail(number))
        message_ingest(raw=_new_mail(99, sender="robot@valahol.example", extra="Auto-Submitted: auto-replied\r\n"))
    assert Ticket.objects.count() == 5
    assert len(smtp_server.messages) == 3
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT).count() == 3


def test_a_fax_notification_is_a_pdf_mailed_to_the_gateway_and_notifies_once_sent(
    users, smtp_server, settings, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from pypdf import PdfReader

    from testkit.factories import ContactFactory

    settings.PULT_FAX_GATEWAY_ADDRESS = "{number}@fax.szolgaltato.example"
    contact = ContactFactory(name="Pék Gyula", fax="+36 76 555 125")
    ticket = advance(register(users, contact, subject="Bérjegyzék"), State.SOLVED, users)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["agent"]).post(
            reverse("tickets:step", args=[ticket.year, ticket.sequence, "fax_user"]),
            {
                "fax_user-version": ticket.version,
                "fax_user-fax_number": contact.fax,
                "fax_user-text": "Tisztelt Pék Gyula! A bérjegyzéket javítottuk: ő és ű.",
            },
        )
    assert response.status_code == 302
    [sent] = smtp_server.messages
    assert sent["X-Envelope-To"] == "3676555125@fax.szolgaltato.example"
    [pdf] = [part for part in sent.iter_attachments() if part.get_content_type() == "application/pdf"]
    text = PdfReader(BytesIO(pdf.get_content())).pages[0].extract_text()
    assert "A bérjegyzéket javítottuk: ő és ű." in text and ticket.number in text
    ticket.refresh_from_db()
    assert ticket.state == State.NOTIFIED
    notification = ticket.notifications.get()
    assert (notification.channel, notification.recipient) == ("fax", "+36 76 555 125")


def test_a_bounce_of_our_notification_marks_it_returned_on_the_ticket(
    users, contact, smtp_server, django_capture_on_commit_callbacks
):
    ticket = advance(register(users, contact), State.SOLVED, users)
    with django_capture_on_commit_callbacks(execute=True):
        email_from_page(client_for(users["agent"]), ticket, notify=True)
    ours = OutboundMessage.objects.get()
    report = (
        "From: MAILER-DAEMON@mx.ugyfel.example\r\nTo: ugyfelszolgalat@pult.localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.ugyfel.example>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        "--R\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.ugyfel.example\r\n\r\n"
        f"Final-Recipient: rfc822; {contact.email}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        f"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ours.message_id}>\r\nSubject: x\r\n"
        "--R--\r\n"
    ).encode()
    message = message_ingest(raw=report).message
    assert message.status == InboundStatus.SET_ASIDE and message.ticket == ticket
    assert "550 5.1.1 User unknown" in message.reason
    ours.refresh_from_db()
    assert ours.status == OutboundStatus.BOUNCED and "User unknown" in ours.last_error
    assert actions(ticket)[-1] == Action.EMAIL_FAILED
    page = client_for(users["agent"]).get(reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    assert "outbound-bounced" in page.content.decode()
    assert Ticket.objects.count() == 1  # the bounce made no ticket


def admin_client(users) -> Client:
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    return client_for(administrator)


def test_an_administrator_edits_the_acknowledgement_and_the_next_one_uses_it(
    users, smtp_server, django_capture_on_commit_callbacks
):
    from mail.models import MessageTemplate
    from mail.outbound import handling_note

    template = MessageTemplate.objects.get(key="acknowledgement", language="hu")
    response = admin_client(users).post(
        f"/admin/mail/messagetemplate/{template.pk}/change/",
        {
            "key": "acknowledgement",
            "language": "hu",
            "subject": "Köszönjük! ({{ number }})",
            "body": "Kedves {{ contact_name }}, a {{ number }} számú ügyét kezeljük.",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_ingest(raw=_new_mail(7)).message.ticket
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["Subject"] == f"[{ticket.number}] Köszönjük! ({ticket.number})"
    expected = f"Kedves Új Ügyfél, a {ticket.number} számú ügyét kezeljük."
    # Outside opening hours the administrator's text, which lacks {{ handling }}, still says when.
    closed_note = handling_note(ticket)
    lines = [line.strip() for line in acknowledgement.get_content().strip().splitlines()]
    assert lines == ([expected, "", closed_note] if closed_note else [expected])


def test_a_broken_template_is_refused_with_the_reason(users):
    from mail.models import MessageTemplate

    template = MessageTemplate.objects.get(key="acknowledgement", language="hu")
    response = admin_client(users).post(
        f"/admin/mail/messagetemplate/{template.pk}/change/",
        {"key": "acknowledgement", "language": "hu", "subject": "x", "body": "{% if %}"},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    template.refresh_from_db()
    assert "{{ number }}" in template.body


def test_the_notification_e_mail_starts_from_the_template(users, contact):
    ticket = advance(register(users, contact, subject="Nyomtató"), State.SOLVED, users)
    page = client_for(users["agent"]).get(reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    body = page.content.decode()
    assert f"Tisztelt {contact.name}!" in body and f"{ticket.number} számú bejelentését" in body


@pytest.mark.parametrize(
    ("date_header", "expected"),
    [
        # Saturday 21 November 2026: the desk opens on Monday at 7:30.
        ("Sat, 21 Nov 2026 10:00:00 +0100", "Kérését 2026. november 23-án, hétfőn 7:30-tól dolgozzuk fel."),
        # Friday after closing time (14:00).
        ("Fri, 20 Nov 2026 14:05:00 +0100", "Kérését 2026. november 23-án, hétfőn 7:30-tól dolgozzuk fel."),
        # Thursday evening before a Friday holiday (23 October 2026).
        ("Thu, 22 Oct 2026 19:00:00 +0200", "Kérését 2026. október 26-án, hétfőn 7:30-tól dolgozzuk fel."),
        # Thursday night: Friday opens at 8:00.
        ("Thu, 19 Nov 2026 21:00:00 +0100", "Kérését 2026. november 20-án, pénteken 8:00-tól dolgozzuk fel."),
    ],
)
def test_a_request_sent_while_the_desk_is_closed_is_told_when_it_will_be_handled(
    db, smtp_server, django_capture_on_commit_callbacks, date_header, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        message_ingest(raw=_new_mail(31, extra=f"Date: {date_header}\r\n"))
    [acknowledgement] = smtp_server.messages
    assert expected in acknowledgement.get_content()


def test_a_request_sent_during_opening_hours_gets_no_such_sentence(db, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_ingest(raw=_new_mail(32, extra="Date: Tue, 17 Nov 2026 10:00:00 +0100\r\n"))
    [acknowledgement] = smtp_server.messages
    assert "dolgozzuk fel" not in acknowledgement.get_content()
    assert "rögzítettük" in acknowledgement.get_content()
