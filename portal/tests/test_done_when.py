"""The portal issue's "Done when", end to end in a real browser (Debian's Chromium driven by Playwright):

A contact invited by e-mail logs in, files a request with an attachment, follows it to the end, rates it, and
cannot see another customer's data through any page or endpoint.

The administrator invites the contact from the Django admin's contact page; the invitation travels through a
real SMTP server; the contact sets a password from the e-mailed link on a phone-sized screen, files a request
with a file from disk, and the staff walk it to closed through `tickets.workflow`. The contact then sees the
closed state and the result told to them, but none of the staff's internal texts or names, downloads the file,
and rates the handling; the manager's period report counts the rating. A second customer's contact, in a browser
of their own, gets 404 from every portal URL of the request and 403 from every API endpoint (enumerated from the
served OpenAPI document, so a new endpoint cannot be forgotten).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from accounts.models import TwoFactorDevice, User
from accounts.roles import Role
from customers.choices import NotificationChannel
from portal import services as portal
from portal.tests.factories import PASSWORD, portal_account
from portal.urls import urlpatterns as portal_urlpatterns
from testkit.factories import ContactFactory, ModuleFactory, user_with_role
from tickets import workflow
from tickets.choices import RouteDecision, State
from tickets.models import Consultation, SatisfactionRating

# One Chromium at a time on the small machine: the browser tests share an xdist group, and the rest of the
# suite runs beside them on the other worker.
pytestmark = [pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
NEW_PASSWORD = "Tavaszi-Szel-2026"

SUBJECT = "Nem nyomtatható a februári számla"
ATTACHMENT_NAME = "hibaüzenet.txt"
ATTACHMENT_CONTENT = "Hiba: a nyomtató nem érhető el (E-4711).\nIdőpont: 2026. 02. 03. 9:15\n".encode()
# Texts the staff write for themselves: the contact must never see them.
INTERNAL_TEXTS = {
    "verify": "BELSŐ-ELLENŐRZÉS: a ügyfél szerződése rendben.",
    "work_log": "BELSŐ-MUNKANAPLÓ: a nyomtatási sor adatbázis-zárolását oldottam fel.",
    "question": "BELSŐ-KÉRDÉS: szabad újraindítani az éles nyomtatószervert?",
    "answer": "BELSŐ-VÁLASZ: igen, este hat után.",
    "complete": "BELSŐ-KÉSZ: a sor ürítve, a szolgáltatás újraindítva.",
    "test": "BELSŐ-TESZT: próbaszámla kinyomtatva a tesztkörnyezetben.",
    "close": "BELSŐ-LEZÁRÁS: számlázva nem lesz.",
}
# What the agent told the contact: the contact sees it.
NOTIFICATION = "Kedves Kiss Anna! A számlák nyomtatása ismét működik, kérjük, próbálja újra."
RATING_COMMENT = "Gyors és érthető segítség, köszönöm."


def hu(text: str) -> str:
    """A message as the pages show it: Hungarian is the default language."""
    with translation.override("hu"):
        return gettext(text)


@pytest.fixture
def staff(db: Any) -> dict[str, User]:
    """Staff with names that are easy to look for on the customer's pages."""
    administrator = user_with_role(
        Role.ADMINISTRATOR, username="gazda.rendszer", first_name="Rendszer", last_name="Gazdag", is_staff=True
    )
    agent = user_with_role(Role.AGENT, username="ugyeletes.zs", first_name="Zsigmond", last_name="Ügyeletes")
    manager = user_with_role(Role.MANAGER, username="vezeto.k", first_name="Kunigunda", last_name="Vezetőfi")
    return {"administrator": administrator, "agent": agent, "manager": manager}


def staff_words(staff: dict[str, User]) -> list[str]:
    return [word for user in staff.values() for word in (user.username, user.first_name, user.last_name)]


def assert_fits_the_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def csrf_token(page: Any) -> str:
    """The token of a form on the current page (every portal page has one: the language switch)."""
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()


def portal_log_in(browser: Any, base: str, email: str, password: str) -> Any:
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{base}/portal/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url == f"{base}/portal/", page.url
    return page


# --- the steps of the story ---------------------------------------------------------------------------------


def invite_through_the_admin(browser: Any, base: str, administrator: User, contact: Any) -> None:
    """The administrator opens the contact's admin page and clicks "Save and invite to the customer portal"."""
    secret = pyotp.random_base32()
    TwoFactorDevice.objects.create(user=administrator, secret=secret)  # required for the role
    page = browser.new_context(viewport=DESKTOP).new_page()
    change_url = f"/admin/customers/contact/{contact.pk}/change/"
    page.goto(f"{base}{change_url}")
    assert page.url == f"{base}/login/?next={change_url}"  # staff log in on the staff login page
    page.fill("#id_username", administrator.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url == f"{base}/account/login/code/", page.url  # administrators give their authenticator's code
    page.fill("#id_code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url == f"{base}{change_url}", page.url
    button = page.locator("input[name=_invite_portal]")
    assert button.get_attribute("value") == hu("Save and invite to the customer portal")
    with page.expect_navigation():
        button.click()
    assert page.url == f"{base}{change_url}"
    assert page.locator(".messagelist .success").count() == 1, page.locator(".messagelist").inner_text()
    assert page.locator(".messagelist .error").count() == 0
    page.context.close()


def invitation_link(smtp_server: Any, email: str) -> str:
    [message] = [m for m in smtp_server.messages if m["X-Envelope-To"] == email]
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"https?://\S+/portal/invitation/\S+/", body)
    assert match, body
    return match.group(0)


def walk_to_closed(ticket: Any, staff: dict[str, User]) -> Any:
    """The service desk handles the request; the agent solves it personally, with internal notes on the way."""
    agent, manager = staff["agent"], staff["manager"]
    ticket = workflow.verify_ticket(ticket=ticket, actor=agent, note=INTERNAL_TEXTS["verify"])
    ticket = workflow.route_ticket(ticket=ticket, actor=agent, decision=RouteDecision.PERSONALLY)
    assert ticket.state == State.IN_PROGRESS and ticket.assignee == agent
    ticket = workflow.log_work(ticket=ticket, actor=agent, minutes=25, note=INTERNAL_TEXTS["work_log"])
    ticket = workflow.ask_agent(ticket=ticket, actor=agent, question=INTERNAL_TEXTS["question"])
    question = Consultation.objects.get(ticket=ticket, text=INTERNAL_TEXTS["question"])
    ticket = workflow.answer_executor(
        ticket=ticket, actor=manager, consultation=question, answer=INTERNAL_TEXTS["answer"]
    )
    ticket = workflow.complete_work(ticket=ticket, actor=agent, note=INTERNAL_TEXTS["complete"])
    ticket = workflow.log_test(ticket=ticket, actor=agent, note=INTERNAL_TEXTS["test"])
    ticket = workflow.accept_solved(ticket=ticket, actor=agent)
    ticket = workflow.record_notification(
        ticket=ticket,
        actor=agent,
        channel=NotificationChannel.PHONE,
        recipient=ticket.contact.phone,
        message=NOTIFICATION,
    )
    ticket = workflow.close_ticket(ticket=ticket, actor=agent, note=INTERNAL_TEXTS["close"])
    assert ticket.state == State.CLOSED
    return ticket


def manager_report(manager: User) -> str:
    """The manager logs in on the staff login page and opens the period report (the last days up to today)."""
    client = Client()
    login = client.post("/login/", {"username": manager.username, "password": PASSWORD})
    assert login.status_code == 302, login.content.decode()[:500]
    today = timezone.localdate()
    response = client.get("/report/", {"start": (today - dt.timedelta(days=1)).isoformat(), "end": today.isoformat()})
    assert response.status_code == 200
    return response.content.decode()


# --- what another customer's contact can reach ------------------------------------------------------------


def request_urls(ticket: Any, attachment: Any) -> dict[str, str]:
    """Every portal URL that names this request, read from portal/urls.py: a new one is checked too."""
    values = {"year": ticket.year, "sequence": ticket.sequence, "pk": attachment.pk}
    urls = {}
    for pattern in portal_urlpatterns:
        converters = set(pattern.pattern.converters)
        if {"year", "sequence"} <= converters:
            assert converters <= set(values), f"portal:{pattern.name} needs a value for {converters - set(values)}"
            urls[str(pattern.name)] = reverse(f"portal:{pattern.name}", kwargs={k: values[k] for k in converters})
    assert {"request", "attachment", "rate"} <= set(urls)
    return urls


def plain_portal_urls() -> list[str]:
    """The portal's pages that take no parameter (lists, forms …)."""
    return [
        reverse(f"portal:{pattern.name}")
        for pattern in portal_urlpatterns
        if isinstance(pattern, URLPattern) and not pattern.pattern.converters
    ]


def api_operations(openapi: dict[str, Any], values: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, URL) of every operation of the OpenAPI document, its path parameters filled from `values`."""
    operations = []
    for template, methods in openapi["paths"].items():
        names = re.findall(r"{(\w+)}", template)
        missing = [name for name in names if name not in values]
        assert not missing, f"{template}: give this test a value for {missing}"
        url = re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), template)
        operations += [
            (method.upper(), url) for method in methods if method in ("get", "post", "put", "patch", "delete")
        ]
    return operations


def staff_urls_of(ticket: Any, attachment: Any) -> list[str]:
    """Every staff page (outside the portal and the API) that names the request or its file, read from the URL
    configuration: the ticket's page, its PDF, its steps, the complaint and library links …"""
    from django.urls import get_resolver

    values = {"year": ticket.year, "sequence": ticket.sequence, "pk": attachment.pk, "step": "close"}
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif not route.startswith(("portal/", "api/")) and (
                "<int:year>/<int:sequence>" in route or "attachments/<int:pk>" in route
            ):
                names = re.findall(r"<(?:\w+:)?(\w+)>", route)
                assert set(names) <= set(values), f"{route}: give this test a value for {set(names) - set(values)}"
                urls.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route))

    walk(get_resolver().url_patterns, "")
    assert f"/tickets/{ticket.year}/{ticket.sequence}/" in urls and f"/tickets/attachments/{attachment.pk}/" in urls
    return urls


def api_routes() -> set[str]:
    """Every route Django serves under /api/v1/, written the OpenAPI way (`tickets/{year}/{sequence}`)."""
    from api.urls import urlpatterns

    routes: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                routes.add("/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(urlpatterns, "")
    return routes


def assert_api_refuses(page: Any, operations: list[tuple[str, str]], base: str) -> None:
    """Every API operation answers 403 "portal_account" to this portal session, even with a valid CSRF token."""
    token = csrf_token(page)
    for method, url in operations:
        response = page.request.fetch(
            f"{base}{url}",
            method=method,
            headers={"X-CSRFToken": token, "Content-Type": "application/json", "Accept": "application/json"},
            data="{}" if method != "GET" else None,
            max_redirects=0,
        )
        assert response.status == 403, f"{method} {url}: {response.status} {response.text()[:300]}"
        assert response.json()["code"] == "portal_account", f"{method} {url}: {response.text()[:300]}"


# --- the test ---------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # the live server's threads see what the test writes
def test_an_invited_contact_files_follows_and_rates_a_request_and_another_customer_sees_none_of_it(
    browser, live_server, smtp_server, settings, staff, tmp_path
):
    base = live_server.url
    settings.PULT_BASE_URL = base  # the e-mailed links point at this server
    contact = ContactFactory(name="Kiss Anna", email="anna@alfa.example", customer__name="Alfa Kft.")
    ModuleFactory(name="Számlázó")
    other = portal_account(ContactFactory(name="Nagy Béla", email="bela@beta.example", customer__name="Béta Bt."))
    other_request = portal.submit_request(
        user=other, module=None, subject="Béta saját kérése", description="A Béta Bt. ügye."
    )

    # 1. The administrator invites the contact from the admin; the invitation arrives by e-mail.
    invite_through_the_admin(browser, base, staff["administrator"], contact)
    link = invitation_link(smtp_server, "anna@alfa.example")
    assert link.startswith(f"{base}/portal/invitation/")

    # 2. On a phone, the contact opens the link, sets a password and lands in the portal.
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(link)
    assert "Kiss Anna" in page.locator("main").inner_text()
    assert_fits_the_phone(page)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit].primary")
    assert page.url == f"{base}/portal/"
    assert page.locator(".flash.success").count() == 1
    assert page.locator("html").get_attribute("lang") == "hu"
    assert hu("You have no requests yet.") in page.locator("main").inner_text()

    # ... and files a request with a module, a subject, a description and a file from disk.
    attachment_file = tmp_path / ATTACHMENT_NAME
    attachment_file.write_bytes(ATTACHMENT_CONTENT)
    page.click("#new-request")
    page.wait_for_url(f"{base}/portal/requests/new/")
    assert_fits_the_phone(page)
    page.select_option("#id_module", label="Számlázó")
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_description", "A februári számlát nem lehet kinyomtatni, a hibaüzenetet csatoltam.")
    page.set_input_files("#id_attachments", str(attachment_file))
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    ticket = contact.tickets.get()
    request_url = f"{base}/portal/requests/{ticket.year}/{ticket.sequence}/"
    assert page.url == request_url
    flash = page.locator(".flash.success").inner_text()
    assert flash == hu("Your request was registered with the number %(number)s.") % {"number": ticket.number}
    assert page.locator("h1 .number").inner_text() == ticket.number
    with translation.override("hu"):
        assert page.locator("#request-state").inner_text() == pgettext("request state", "Received")
    assert page.locator(".attachments a").inner_text() == ATTACHMENT_NAME
    assert_fits_the_phone(page)
    assert ticket.module.name == "Számlázó" and ticket.subject == SUBJECT

    # 3. The service desk walks the request to closed.
    ticket = walk_to_closed(ticket, staff)

    # 4. The contact reloads the page: closed, with what they were told, and nothing internal.
    page.reload()
    state = page.locator("#request-state")
    assert state.inner_text() == hu("Closed") == "Lezárva"
    assert state.get_attribute("class").split() == ["state", "state-closed"]
    timeline = page.locator("#timeline").inner_text()
    assert NOTIFICATION in timeline and hu("You were told the result") in timeline
    html = page.content()
    leaked = [text for text in INTERNAL_TEXTS.values() if text in html]
    assert not leaked, leaked
    assert "BELSŐ" not in html
    named = [word for word in staff_words(staff) if word in html]
    assert not named, named
    assert page.locator("#reply").count() == 0  # a closed request takes feedback, not messages
    assert_fits_the_phone(page)

    # The file downloads with its original name and content.
    with page.expect_download() as download:
        page.click(".attachments a")
    assert download.value.suggested_filename == ATTACHMENT_NAME
    assert Path(download.value.path()).read_bytes() == ATTACHMENT_CONTENT

    # The contact rates the handling 4 with a comment; the page thanks them and offers no second rating.
    rate_form = page.locator("#rate")
    assert rate_form.count() == 1
    page.check("#rate input[name=score][value='4']")
    page.fill("#id_comment", RATING_COMMENT)
    with page.expect_navigation():
        page.click("#rate button[type=submit]")
    assert page.url == request_url
    assert page.locator(".flash.success").inner_text() == hu("Thank you for your rating.")
    assert page.locator("#rate").count() == 0
    assert page.locator("#rating").inner_text().count("4/5") == 1
    assert RATING_COMMENT in page.locator("#rating").inner_text()
    assert_fits_the_phone(page)
    page.reload()
    assert page.locator("#rate").count() == 0 and page.locator("#rating").count() == 1
    # Posting a second rating by hand is refused and changes nothing.
    again = page.request.post(
        f"{request_url}rate/", form={"score": "1", "comment": "Mégis rossz."}, headers={"X-CSRFToken": csrf_token(page)}
    )
    assert again.status == 400
    assert list(SatisfactionRating.objects.filter(ticket=ticket).values_list("score", "comment")) == [
        (4, RATING_COMMENT)
    ]

    # 5. The manager's period report shows the one rating, average 4.
    report = manager_report(staff["manager"])
    assert re.search(r'class="count count-ratings"><span class="n">1</span>', report), report
    assert re.search(r'class="count count-rating-average"><span class="n">4</span>', report)
    assert re.search(r'<tr class="score-4"><td>4</td><td>1</td></tr>', report)

    # 6. Another customer's contact, in a browser of their own, reaches none of it.
    intruder = portal_log_in(browser, base, "bela@beta.example", PASSWORD)
    own_list = intruder.locator("main").inner_text()
    assert "Béta saját kérése" in own_list and other_request.number in own_list
    assert SUBJECT not in own_list and ticket.number not in own_list
    attachment = ticket.attachments.get()
    secrets = (SUBJECT, ticket.number, ATTACHMENT_NAME, "Kiss Anna", NOTIFICATION, RATING_COMMENT)
    token = csrf_token(intruder)
    for name, url in request_urls(ticket, attachment).items():
        shown = intruder.request.get(f"{base}{url}", max_redirects=0)
        posted = intruder.request.post(f"{base}{url}", form={"text": "x", "score": "5"}, headers={"X-CSRFToken": token})
        # A page answers 404; a form's address refuses GET (405) and answers POST with 404.
        statuses = (shown.status, posted.status)
        assert set(statuses) <= {404, 405} and 404 in statuses, f"portal:{name} {url}: {statuses}"
        for body in (shown.text(), posted.text()):
            assert not [secret for secret in secrets if secret in body], f"portal:{name} {url}"
    # In the browser itself the request's page is "not found", as if it did not exist.
    assert intruder.goto(request_url).status == 404
    assert SUBJECT not in intruder.content()
    for url in plain_portal_urls():
        response = intruder.request.get(f"{base}{url}")
        assert response.status in (200, 405), f"{url}: {response.status}"
        assert not [secret for secret in secrets if secret in response.text()], url
    # The staff's pages of the request send a portal account back to the portal, and refuse its posts.
    for url in staff_urls_of(ticket, attachment):
        shown = intruder.request.get(f"{base}{url}", max_redirects=0)
        assert (shown.status, shown.headers.get("location")) == (302, "/portal/"), f"{url}: {shown.status}"
        posted = intruder.request.post(f"{base}{url}", form={"note": "x"}, headers={"X-CSRFToken": token})
        assert posted.status == 403, f"POST {url}: {posted.status}"
    assert SatisfactionRating.objects.filter(ticket=ticket).count() == 1
    assert not ticket.feedback.exists() and ticket.events.filter(action="message_received").count() == 0

    # ... and, like every portal account, gets 403 from every endpoint of the API.
    openapi = staff_openapi(staff["manager"])
    values = {
        "year": ticket.year,
        "sequence": ticket.sequence,
        "attachment_id": attachment.pk,
        "customer_id": ticket.customer_id,
        "contact_id": ticket.contact_id,
        "document_id": 1,  # the refusal comes before any lookup: no document is needed
        "letter_id": 1,  # nor a letter
    }
    operations = api_operations(openapi, values)
    assert len(operations) >= 40 and ("GET", f"/api/v1/tickets/{ticket.year}/{ticket.sequence}") in operations
    undocumented = [("GET", route) for route in api_routes() - set(openapi["paths"]) if "{" not in route]
    assert_api_refuses(intruder, operations + undocumented, base)
    assert_api_refuses(page, operations, base)  # the request's own contact too
    assert SatisfactionRating.objects.filter(ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED


def staff_openapi(user: User) -> dict[str, Any]:
    """The API's OpenAPI document, as the staff's session is served it."""
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
def test_every_api_route_is_in_the_openapi_document_the_isolation_check_reads(staff):
    """The browser test tries the operations of the OpenAPI document: no API route may hide outside it."""
    documented = set(staff_openapi(staff["manager"])["paths"])
    undocumented = api_routes() - documented
    assert undocumented == {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"}, undocumented
