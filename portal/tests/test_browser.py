"""The portal in a real browser (Debian's Chromium driven by Playwright) at a phone's size: a contact logs in,
files a request with an attachment, an agent works on it, the contact replies and sees the reply."""

from __future__ import annotations

from typing import Any

import pytest

from portal.tests.factories import PASSWORD, portal_account
from testkit.factories import ContactFactory, ModuleFactory
from testkit.workflow import advance
from tickets.choices import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def assert_fits_the_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_a_contact_files_a_request_with_a_file_on_a_phone_and_replies_later(browser, live_server, users, smtp_server):
    contact = ContactFactory(name="Kiss Anna", email="anna@alfa.example", customer__name="Alfa Kft.")
    portal_account(contact)
    ModuleFactory(name="Számlázó")
    base = live_server.url

    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{base}/portal/")
    assert page.url.startswith(f"{base}/portal/login/")
    assert_fits_the_phone(page)
    page.fill("#id_username", "anna@alfa.example")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url == f"{base}/portal/"
    assert_fits_the_phone(page)

    page.click("#new-request")
    page.wait_for_url(f"{base}/portal/requests/new/")
    assert_fits_the_phone(page)
    page.select_option("#id_module", label="Számlázó")
    page.fill("#id_subject", "Nem nyomtatható a számla")
    page.fill("#id_description", "A nyomtatás gombra semmi sem történik.")
    page.set_input_files(
        "#id_attachments", files=[{"name": "hiba.png", "mimeType": "image/png", "buffer": b"\x89PNG kep"}]
    )
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    assert "/portal/requests/" in page.url
    assert page.locator(".flash.success").count() == 1
    assert "hiba.png" in page.locator(".attachments").inner_text()
    assert_fits_the_phone(page)

    ticket = contact.tickets.get()
    assert ticket.channel == "web" and ticket.attachments.get().original_name == "hiba.png"
    assert any(m["X-Envelope-To"] == "anna@alfa.example" for m in smtp_server.messages)

    # Meanwhile the service desk verifies it and the executor starts the work.
    advance(ticket, State.IN_PROGRESS, users)

    page.reload()
    assert page.locator("#request-state").get_attribute("class").endswith("state-in-progress")
    page.fill("#id_text", "A hiba csak a PDF nyomtatásnál jön elő.")
    with page.expect_navigation():
        page.click("#reply button[type=submit]")
    assert page.locator(".flash.success").count() == 1
    assert "A hiba csak a PDF nyomtatásnál jön elő." in page.locator("#timeline").inner_text()
    assert_fits_the_phone(page)
    assert ticket.events.filter(action="message_received").count() == 1
