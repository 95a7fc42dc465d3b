"""Staff sign in with the company's OpenID Connect provider: a real provider (node oidc-provider) started by the
test; the person signs in on its page (over HTTP, as a browser would) and comes back to Pult's callback."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import DirectoryLink, TwoFactorDevice, User
from accounts.roles import Role
from accounts.tests.directory_servers import oidc_person
from testkit.factories import user_with_role

pytestmark = pytest.mark.django_db

PULT = "http://testserver"
ERIKA_PASSWORD = "Erika-company-pw-1"


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def at_provider(location: str, login: str, password: str) -> str:
    """What the person's browser does at the provider: follow it to its sign-in page, give the company user name
    and password, follow it back. The address it sends the browser back to Pult with."""
    browser = requests.Session()
    url, signed_in = location, False
    for _step in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and not signed_in:
            action = re.search(r'action="([^"]+)"', response.text)
            assert action, response.text
            response = browser.post(
                urljoin(url, action.group(1)), data={"login": login, "password": password}, allow_redirects=False
            )
            signed_in = True
        assert response.status_code in (302, 303), response.text
        url = urljoin(url, response.headers["Location"])
        if url.startswith(PULT):
            return url.removeprefix(PULT)
    raise AssertionError("the provider never sent the browser back")


def sign_in(client: Client, login: str = "erika", password: str = ERIKA_PASSWORD, next_url: str = "") -> Any:
    start = client.get(reverse("accounts:oidc_start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302 and start["Location"].startswith("http://127.0.0.1:")
    return client.get(at_provider(start["Location"], login, password))


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def messages_of(client: Client) -> str:
    return client.get(reverse("login")).content.decode()


def test_the_login_page_offers_the_company_sign_in_only_when_it_is_configured(settings, oidc_provider):
    settings.PULT_OIDC_BUTTON_LABEL = "Belépés a Példa Kft. fiókjával"
    page = Client().get(reverse("login")).content.decode()
    assert "Belépés a Példa Kft. fiókjával" in page and reverse("accounts:oidc_start") in page

    settings.PULT_OIDC_CLIENT_ID = ""
    page = Client().get(reverse("login")).content.decode()
    assert reverse("accounts:oidc_start") not in page
    assert Client().get(reverse("accounts:oidc_start")).status_code == 404
    assert Client().get(reverse("accounts:oidc_callback")).status_code == 404


def test_a_first_sign_in_creates_the_account_from_the_claims_with_the_mapped_roles(oidc_provider):
    client = english()

    response = sign_in(client, next_url=reverse("intake:oral"))

    assert response.status_code == 302 and response["Location"] == reverse("intake:oral")
    user = User.objects.get(username="erika.szabo")
    assert (user.first_name, user.last_name, user.email) == ("Erika", "Szabó", "erika.szabo@pult.test")
    assert roles(user) == {Role.AGENT.value}
    assert not user.has_usable_password()
    link = DirectoryLink.objects.get(user=user)
    assert (link.source, link.subject, link.groups) == ("oidc", "erika", ["pult-agents"])
    assert client.get(reverse("intake:oral")).status_code == 200  # she works as an agent
    assert LogEntry.objects.filter(object_id=str(user.pk)).count() == 1


def test_roles_and_names_follow_the_provider_at_every_sign_in(oidc_provider):
    assert sign_in(english()).status_code == 302
    user = User.objects.get(username="erika.szabo")
    user.groups.add(*user_with_role(Role.DISPATCHER).groups.all())  # given in Pult; no group maps it
    oidc_provider.set_user(
        "erika",
        password=ERIKA_PASSWORD,
        **oidc_person(given_name="Erika", family_name="Kiss", username="erika.szabo", groups=["pult-managers", "x"]),
    )

    assert sign_in(english()).status_code == 302

    user.refresh_from_db()
    assert user.last_name == "Kiss"
    assert roles(user) == {Role.MANAGER.value, Role.DISPATCHER.value}
    assert User.objects.filter(username__startswith="erika").count() == 1


def test_an_administrator_from_the_provider_relies_on_the_companys_multi_factor_sign_in(oidc_provider):
    oidc_provider.set_user(
        "ildiko",
        password="Ildiko-company-pw-1",
        **oidc_person(given_name="Ildikó", family_name="Tóth", username="ildiko", groups=["pult-admins"]),
    )
    client = english()

    response = sign_in(client, "ildiko", "Ildiko-company-pw-1")

    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("admin:index")).status_code == 200  # no authenticator asked for, none required
    assert not TwoFactorDevice.objects.exists()


def test_a_person_without_a_mapped_group_is_refused_and_gets_no_account(oidc_provider):
    oidc_provider.set_user(
        "gabor",
        password="Gabor-company-pw-1",
        **oidc_person(given_name="Gábor", family_name="Fehér", username="gabor", groups=["accounting"]),
    )
    client = english()

    response = sign_in(client, "gabor", "Gabor-company-pw-1")

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "not in any group that has a role in Pult" in messages_of(client)
    assert not User.objects.filter(username="gabor").exists()


def test_a_local_account_is_taken_over_only_by_the_configured_match(settings, oidc_provider):
    local = user_with_role(Role.EXECUTOR, username="erika.szabo", email="erika.szabo@pult.test")
    local.set_password("Local-password-of-erika-1")
    local.save()

    client = english()
    assert sign_in(client)["Location"] == reverse("login")
    assert "not linked to the company directory" in messages_of(client)
    local.refresh_from_db()
    assert local.has_usable_password() and not DirectoryLink.objects.exists()

    settings.PULT_OIDC_LINK_LOCAL_ACCOUNTS = "email"
    assert sign_in(english())["Location"] == reverse("dashboard:home")
    local.refresh_from_db()
    assert not local.has_usable_password()
    assert roles(local) == {Role.EXECUTOR.value, Role.AGENT.value}
    assert DirectoryLink.objects.get(user=local).subject == "erika"


def test_a_callback_without_the_sign_in_it_answers_is_refused(oidc_provider):
    client = english()
    client.get(reverse("accounts:oidc_start"))  # a sign-in started in this browser, with its own state
    response = client.get(reverse("accounts:oidc_callback") + "?code=forged&state=forged")
    assert response.status_code == 400
    assert not User.objects.filter(username="erika.szabo").exists()


def test_the_provider_being_down_is_said_on_the_login_page(settings, oidc_provider):
    oidc_provider.stop()
    settings.PULT_OIDC_ISSUER = settings.PULT_OIDC_ISSUER.replace("127.0.0.1", "127.0.0.2")  # nothing cached
    client = english()

    response = client.get(reverse("accounts:oidc_start"))

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "The company sign-in service cannot be reached" in messages_of(client)
