"""The staff pages in Chromium, as the desk uses them: what a reload does after a form error, and a
notification on its way that the page follows by itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mail.models import OutboundMessage
from mail.outbound import outbound_send
from testkit.browser import page_as
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets.choices import State
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reload_after_a_form_error_shows_the_page_again_without_sending_the_form(
    browser: Any, live_server: Any, users: dict[str, Any]
) -> None:
    ticket = register(users, ContactFactory())
    page = page_as(browser, live_server.url, users["agent"])
    url = live_server.url + reverse("tickets:detail", args=[ticket.year, ticket.sequence])
    page.goto(url)
    box = page.locator("#step-clarify")
    box.locator("summary").click()
    box.locator("[name='clarify-subject']").fill("")
    box.locator("form").evaluate("form => { form.noValidate = true; }")  # the server's own check, not the browser's
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert page.locator("#step-clarify .errorlist, #step-clarify .error").count() >= 1
    assert page.url == url  # the address bar shows the ticket, not /steps/clarify/

    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method) if request.is_navigation_request() else None)
    page.reload()
    assert methods == ["GET"]
    assert page.locator("#step-clarify .errorlist").count() == 0
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version  # nothing was sent twice


def test_the_ticket_page_follows_a_notification_until_the_mail_server_accepts_it(
    browser: Any, live_server: Any, users: dict[str, Any], settings: Any
) -> None:
    from conftest import SmtpSink

    ticket = advance(register(users, ContactFactory()), State.SOLVED, users)
    page = page_as(browser, live_server.url, users["agent"])
    page.goto(live_server.url + reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    box = page.locator("#step-email_user")
    box.locator("summary").click()
    assert box.locator("[name='email_user-as_notification']").is_checked()
    with page.expect_navigation():
        box.locator("button[type=submit]").click()  # nothing listens on the SMTP port yet
    badge = page.locator("#notification-sending")
    assert badge.is_visible() and "folyamatban" in badge.inner_text()
    assert page.locator("#step-record_notification, #step-prepare_letter, #step-fax_user").count() == 0

    sink = SmtpSink()
    sink.controller.start()
    try:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        outbound_send(OutboundMessage.objects.get(ticket=ticket).pk)  # the worker's retry
    finally:
        sink.controller.stop()
    # The page polls and reloads itself: the new state and the closing step, without the badge.
    page.locator(".ticket-head .state-notified").wait_for(timeout=10_000)
    assert page.locator("#notification-sending").count() == 0
    assert page.locator("#step-close").count() == 1
