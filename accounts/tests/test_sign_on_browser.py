"""Company sign-on in a real browser (Debian's Chromium driven by Playwright): a staff member clicks "Sign in
with …", signs in on the company provider's own page (a real OpenID Connect provider started by the test) and
lands on Pult's desk with the role their groups give; another signs in with the directory password (a real
slapd) on Pult's login form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.directory_servers import OidcProvider, Person, configure_oidc, oidc_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def new_page(browser: Any) -> Any:
    return browser.new_context(viewport={"width": 1366, "height": 900}, locale="hu-HU").new_page()


def test_a_staff_member_signs_in_with_the_company_account_and_lands_on_the_desk(browser, live_server, settings):
    provider = OidcProvider(
        redirect_uris=[f"{live_server.url}/account/sign-on/oidc/callback/"],
        users={
            "erika": {
                "password": "Erika-company-pw-1",
                "claims": oidc_person(
                    given_name="Erika", family_name="Szabó", username="erika.szabo", groups=["pult-agents"]
                ),
            }
        },
    )
    try:
        configure_oidc(settings, provider, PULT_OIDC_BUTTON_LABEL="Belépés a Példa Kft. fiókjával")
        page = new_page(browser)
        page.goto(f"{live_server.url}/")
        assert "/login/" in page.url

        with page.expect_navigation():
            page.get_by_role("link", name="Belépés a Példa Kft. fiókjával").click()
        assert page.url.startswith(provider.issuer)  # the company's own sign-in page
        page.fill("#login", "erika")
        page.fill("#password", "Erika-company-pw-1")
        page.get_by_role("button", name="Sign in").click()

        page.wait_for_url(f"{live_server.url}/")
        assert "Szabó Erika" in page.locator(".usermenu").inner_text()
        user = User.objects.get(username="erika.szabo")
        assert set(user.groups.values_list("name", flat=True)) == {Role.AGENT.value}
        # As an agent she registers requests: the intake sheet opens for her.
        assert page.goto(f"{live_server.url}{reverse('intake:oral')}").status == 200
    finally:
        provider.stop()


def test_a_staff_member_signs_in_with_the_directory_password_on_the_login_form(browser, live_server, ldap_server):
    ldap_server.add_person(Person("anna", "Anna-directory-pw-1", "Anna", "Kovács", "anna.kovacs@pult.test"))
    ldap_server.add_group("pult-managers", "anna")
    page = new_page(browser)
    page.goto(f"{live_server.url}/login/")

    page.fill("#id_username", "anna")
    page.fill("#id_password", "Anna-directory-pw-1")
    with page.expect_navigation():
        page.click("button[type=submit].primary")

    assert page.url == f"{live_server.url}/"
    assert "Kovács Anna" in page.locator(".usermenu").inner_text()
    user = User.objects.get(username="anna")
    assert set(user.groups.values_list("name", flat=True)) == {Role.MANAGER.value}
    # A manager reads the period report and keeps the reference data in the admin.
    assert page.goto(f"{live_server.url}{reverse('dashboard:report')}").status == 200
    page.locator(".usermenu summary").click()
    assert page.get_by_role("link", name="Adminisztráció").is_visible()
