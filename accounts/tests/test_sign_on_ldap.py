"""Staff sign in with the company's LDAP directory on Pult's login form: a real slapd started by the test,
loaded with people and groups by ldapadd; groups become roles at every sign-in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import DirectoryLink, User
from accounts.roles import Role
from accounts.tests.directory_servers import Person
from privacy.choices import AccessAction
from privacy.models import AccessLogEntry
from testkit.factories import user_with_role

pytestmark = pytest.mark.django_db

ANNA = Person("anna", "Anna-directory-pw-1", "Anna", "Kovács", "anna.kovacs@pult.test")


def english() -> Client:
    """A browser that chose English (Pult is Hungarian otherwise, whatever the browser asks)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def log_in(client: Client, username: str, password: str, path: str = "/login/") -> object:
    return client.post(path, {"username": username, "password": password})


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def page_text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


def test_a_directory_person_signs_in_on_the_login_form_with_an_account_made_from_the_directory(ldap_server):
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")
    client = english()

    response = log_in(client, "anna", ANNA.password)

    assert response.status_code == 302 and response["Location"] == reverse("dashboard:home")
    user = User.objects.get(username="anna")
    assert (user.first_name, user.last_name, user.email) == ("Anna", "Kovács", "anna.kovacs@pult.test")
    assert roles(user) == {Role.AGENT.value}
    assert not user.has_usable_password()  # only the directory's password lets her in
    assert DirectoryLink.objects.get(user=user).source == "ldap"
    # She works as an agent: the intake page is hers.
    assert client.get(reverse("intake:oral")).status_code == 200
    # The role the directory gave is in her history in the admin, by the system user.
    entry = LogEntry.objects.get(object_id=str(user.pk))
    with translation.override("hu"):  # written in the language of the sign-in's page
        assert str(Role.AGENT.label) in entry.change_message and entry.user.username == "pult-rendszer"


def test_roles_follow_the_directory_groups_at_every_sign_in_and_local_roles_stay(ldap_server):
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")
    ldap_server.add_group("pult-managers")
    ldap_server.add_group("pult-executors", "anna")
    assert log_in(english(), "anna", ANNA.password).status_code == 302
    user = User.objects.get(username="anna")
    assert roles(user) == {Role.AGENT.value, Role.EXECUTOR.value}  # the group DN's spelling does not matter
    # An administrator gives her a role no group maps; the directory moves her from agents to managers.
    user.groups.add(*user_with_role(Role.DISPATCHER).groups.all())
    ldap_server.remove_member("pult-agents", "anna")
    ldap_server.add_member("pult-managers", "anna")

    assert log_in(english(), "anna", ANNA.password).status_code == 302

    assert roles(user) == {Role.MANAGER.value, Role.EXECUTOR.value, Role.DISPATCHER.value}
    assert LogEntry.objects.filter(object_id=str(user.pk)).count() == 2


def test_a_person_whose_groups_give_no_role_is_refused_and_loses_the_directory_roles(ldap_server):
    ldap_server.add_person(ANNA)
    ldap_server.add_person(Person("zoli", "Zoli-directory-pw-1", "Zoltán", "Nagy", "zoli@pult.test"))
    ldap_server.add_group("pult-agents", "anna")
    ldap_server.add_group("accounting", "zoli")
    assert log_in(english(), "anna", ANNA.password).status_code == 302
    ldap_server.remove_member("pult-agents", "anna")

    for username, password in (("zoli", "Zoli-directory-pw-1"), ("anna", ANNA.password)):
        response = log_in(english(), username, password)
        assert response.status_code == 200
        assert "not in any group that has a role in Pult" in page_text(response)

    assert not User.objects.filter(username="zoli").exists()
    assert roles(User.objects.get(username="anna")) == set()


def test_a_wrong_directory_password_is_refused_and_counted_by_the_login_throttling(ldap_server, settings):
    settings.PULT_LOGIN_FAILURES_PER_ACCOUNT = 3
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")
    client = english()
    for _attempt in range(3):
        response = log_in(client, "anna", "not-her-password")
        assert response.status_code in (200, 429)
        assert "Wrong user name or password" in page_text(response) or response.status_code == 429
    response = log_in(client, "anna", ANNA.password)
    assert response.status_code == 429  # locked: even the right directory password waits
    assert not User.objects.filter(username="anna").exists()


def test_a_local_account_of_the_same_name_is_taken_over_only_when_allowed(ldap_server, settings):
    local = user_with_role(Role.DISPATCHER, username="anna")
    local.set_password("Local-password-of-anna-1")
    local.save()
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")

    response = log_in(english(), "anna", ANNA.password)

    assert response.status_code == 200
    assert "not linked to the company directory" in page_text(response)
    local.refresh_from_db()
    assert local.check_password("Local-password-of-anna-1") and roles(local) == {Role.DISPATCHER.value}

    settings.PULT_LDAP_LINK_LOCAL_ACCOUNTS = True
    assert log_in(english(), "anna", ANNA.password).status_code == 302
    local.refresh_from_db()
    assert not local.has_usable_password()  # from now on only the directory's password
    assert roles(local) == {Role.DISPATCHER.value, Role.AGENT.value}  # a role no group maps stays
    assert DirectoryLink.objects.get(user=local).subject == "anna"
    assert log_in(english(), "anna", "Local-password-of-anna-1").status_code == 200  # refused


def test_the_break_glass_administrator_logs_in_with_a_local_password_while_the_directory_is_down(ldap_server):
    admin = user_with_role(Role.ADMINISTRATOR, username="breakglass")
    admin.set_password("Break-glass-password-1")
    admin.save()
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")
    ldap_server.stop()

    response = log_in(english(), "anna", ANNA.password)
    assert response.status_code == 200
    assert "The company directory cannot be reached" in page_text(response)

    response = log_in(english(), "breakglass", "Break-glass-password-1")
    assert response.status_code == 302  # to the enrolment of the authenticator, which administrators need
    assert response["Location"] == reverse("accounts:two_factor")


def test_starttls_checks_the_servers_certificate_against_the_company_ca(ldap_server, settings):
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")
    settings.PULT_LDAP_START_TLS = True
    settings.PULT_LDAP_CA_FILE = "/etc/ssl/certs/ca-certificates.crt"  # public CAs: not the one that signed it

    response = log_in(english(), "anna", ANNA.password)
    assert response.status_code == 200 and "The company directory cannot be reached" in page_text(response)

    settings.PULT_LDAP_CA_FILE = ldap_server.ca_file
    assert log_in(english(), "anna", ANNA.password).status_code == 302


def test_a_directory_data_protection_officer_still_sets_up_two_factor_login(ldap_server):
    """An LDAP bind checks a password only: Pult's own two-factor rules apply to it."""
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-dpo", "anna")
    client = english()

    response = log_in(client, "anna", ANNA.password)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("privacy:access_log")).status_code == 302  # nothing else until enrolled


def test_the_portal_login_does_not_sign_in_directory_people(ldap_server):
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-agents", "anna")

    response = log_in(english(), "anna", ANNA.password, path=reverse("portal:login"))

    assert response.status_code in (200, 429)
    assert not User.objects.filter(username="anna").exists()


def test_a_sensitive_role_from_the_directory_is_on_the_access_log_and_the_data_protection_officers_are_told(
    ldap_server, smtp_server, django_capture_on_commit_callbacks
):
    user_with_role(Role.DATA_PROTECTION_OFFICER, username="dpo", email="dpo@pult.test")
    ldap_server.add_person(ANNA)
    ldap_server.add_group("pult-dpo", "anna")
    ldap_server.add_group("pult-agents")

    with django_capture_on_commit_callbacks(execute=True):
        assert log_in(english(), "anna", ANNA.password).status_code == 302

    entry = AccessLogEntry.objects.get(action=AccessAction.ROLE_FROM_DIRECTORY)
    assert (entry.kind, entry.subject, entry.user.username) == ("role_grant", "Kovács Anna", "pult-rendszer")
    with translation.override("hu"):
        assert entry.reference == str(Role.DATA_PROTECTION_OFFICER.label)
    [notice] = [message for message in smtp_server.messages if message["X-Envelope-To"] == "dpo@pult.test"]
    assert "Kovács Anna" in notice.get_content()

    ldap_server.remove_member("pult-dpo", "anna")
    ldap_server.add_member("pult-agents", "anna")
    with django_capture_on_commit_callbacks(execute=True):
        assert log_in(english(), "anna", ANNA.password).status_code == 302
    assert AccessLogEntry.objects.filter(action=AccessAction.ROLE_REMOVED_BY_DIRECTORY).count() == 1
    assert AccessLogEntry.objects.filter(action=AccessAction.ROLE_FROM_DIRECTORY).count() == 1  # agent: not sensitive
