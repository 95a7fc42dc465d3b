"""The Content-Security-Policy in a real browser (Debian's Chromium driven by Playwright): staff, an
administrator and a portal contact open the main pages and the browser reports no blocked script, style or
image; the language switch (once an inline onchange handler) still works from static JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.roles import Role
from portal.tests.factories import PASSWORD, portal_account
from testkit.factories import ContactFactory, ModuleFactory, user_with_role
from testkit.workflow import register

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


class WatchedPage:
    """A page whose console messages and page errors are kept, to look for policy violations."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        self.messages: list[str] = []
        self.page.on("console", lambda message: self.messages.append(f"{self.page.url}: {message.text}"))
        self.page.on("pageerror", lambda error: self.messages.append(f"{self.page.url}: {error}"))

    def open(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        assert response.headers.get("content-security-policy", "").startswith("default-src 'self'"), url
        self.page.wait_for_load_state("networkidle")

    def violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


def log_in(page: WatchedPage, login_url: str, username: str) -> None:
    page.open(login_url)
    page.page.fill("#id_username", username)
    page.page.fill("#id_password", PASSWORD)
    with page.page.expect_navigation():
        page.page.click("form [type=submit]")


def test_staff_pages_run_under_the_policy_without_violations(browser, live_server, users):
    contact = ContactFactory()
    ModuleFactory()
    ticket = register(users, contact)
    base = live_server.url
    page = WatchedPage(browser)
    log_in(page, f"{base}/login/", "agent")
    assert page.page.url == f"{base}/"

    for url in [
        reverse("dashboard:home"),
        reverse("tickets:list"),
        reverse("tickets:detail", args=[ticket.year, ticket.sequence]),
        reverse("intake:oral"),
        reverse("library:list"),
        reverse("api_pages:tokens"),
        "/api/v1/docs",
    ]:
        page.open(f"{base}{url}")
    # htmx still works: filtering the ticket list swaps the results in place (a GET through htmx).
    page.open(f"{base}{reverse('tickets:list')}")
    assert page.page.evaluate("typeof htmx") == "object"
    assert page.page.locator("style").count() == 0  # htmx injects no indicator <style>
    # The API docs page drew its operations (Swagger UI's scripts ran).
    page.open(f"{base}/api/v1/docs")
    page.page.wait_for_selector(".opblock", timeout=15000)

    assert page.violations() == [], page.violations()


def test_the_managers_report_and_the_public_pages_run_under_the_policy(browser, live_server, users):
    register(users, ContactFactory())
    base = live_server.url
    public = WatchedPage(browser)
    public.open(f"{base}{reverse('complaints:public_form')}")
    assert public.page.locator(".hp").bounding_box()["x"] < 0  # the honeypot field stays out of sight
    public.open(f"{base}{reverse('login')}")
    manager = WatchedPage(browser)
    log_in(manager, f"{base}/login/", "manager")
    manager.open(f"{base}{reverse('dashboard:report')}")
    assert manager.page.locator("svg.chart").count() >= 1
    assert manager.page.locator("svg.chart").first.bounding_box()["width"] <= 1280
    assert public.violations() == [] and manager.violations() == [], public.violations() + manager.violations()


def test_the_language_switch_submits_without_an_inline_handler(browser, live_server, users):
    base = live_server.url
    page = WatchedPage(browser)
    log_in(page, f"{base}/login/", "agent")
    page.open(f"{base}{reverse('tickets:list')}")
    assert page.page.locator("html").get_attribute("lang") == "hu"
    with page.page.expect_navigation():
        page.page.select_option(".userbox select[name=language]", "en")
    assert page.page.url == f"{base}{reverse('tickets:list')}"
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.violations() == [], page.violations()


def test_the_admin_runs_under_the_policy_without_violations(browser, live_server, db):
    # A staff agent (no superuser: those must enrol in two-factor login first) who may manage contacts.
    user_with_role(Role.AGENT, username="staffagent", is_staff=True)
    ContactFactory()
    base = live_server.url
    page = WatchedPage(browser)
    log_in(page, f"{base}/login/", "staffagent")
    page.open(f"{base}{reverse('admin:index')}")
    assert page.page.locator("#site-name").count() == 1
    page.open(f"{base}{reverse('admin:customers_contact_changelist')}")
    page.open(f"{base}{reverse('admin:customers_contact_add')}")
    assert page.page.locator("#contact_form").count() == 1
    assert page.violations() == [], page.violations()


def test_portal_pages_run_under_the_policy_and_the_language_switch_works(browser, live_server, users):
    contact = ContactFactory(email="anna@alfa.example")
    portal_account(contact)
    ModuleFactory()
    ticket = register(users, contact)
    base = live_server.url
    page = WatchedPage(browser)
    log_in(page, f"{base}/portal/login/", "anna@alfa.example")
    assert page.page.url == f"{base}/portal/"

    for url in [
        reverse("portal:home"),
        reverse("portal:new_request"),
        reverse("portal:request", args=[ticket.year, ticket.sequence]),
        reverse("portal:documents"),
    ]:
        page.open(f"{base}{url}")
    assert page.page.locator("html").get_attribute("lang") == "hu"
    with page.page.expect_navigation():
        page.page.select_option("#portal-language", "en")
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.violations() == [], page.violations()
