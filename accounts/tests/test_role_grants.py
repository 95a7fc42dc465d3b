"""Separation of duties: an administrator cannot give themselves (or anyone) the data-protection officer's or the
complaint register's roles alone. Ticked in the admin, such a role waits until a second administrator, neither
the one who asked nor the one who gets it, approves it; every step is on the access log and the data-protection
officer is told by e-mail."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client, TestCase
from django.utils import translation
from django.utils.translation import gettext

from accounts.choices import RoleGrantState
from accounts.models import RoleGrant, User
from accounts.roles import Role
from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry
from testkit.factories import user_with_role

pytestmark = pytest.mark.django_db

GRANTS = "/admin/accounts/rolegrant/"


def admin_client(user: User) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def set_roles(client: Client, user: User, *roles: Role) -> Any:
    """Save the user's form in the admin with exactly these roles ticked."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mails go after the commit
        response = client.post(
            f"/admin/accounts/user/{user.pk}/change/",
            {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "is_active": "on",
                "is_staff": "on" if user.is_staff else "",
                "groups": [Group.objects.get(name=role.value).pk for role in roles],
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "08:00:00",
                "phone": "",
                "away_from": "",
                "away_until": "",
            },
            follow=True,
        )
    assert response.redirect_chain and response.redirect_chain[0][1] == 302, response.content.decode()[:3000]
    return response


def decide(client: Client, grant: RoleGrant, action: str) -> list[str]:
    """Run the admin's approve or refuse action on one grant; the messages the page shows."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(GRANTS, {"action": action, "_selected_action": [grant.pk], "index": 0}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def subject_of(message: Any) -> str:
    return str(message["Subject"]).strip()  # a folded encoded subject is read back with a leading space


def holds(user: User, role: Role) -> bool:
    return user.groups.filter(name=role.value).exists()


def desk(text: str) -> str:
    with translation.override("hu"):
        return gettext(text)


def hungarian_label(role: Role) -> str:
    with translation.override("hu"):
        return str(role.label)


def log_of(kind_action: AccessAction) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(kind=AccessKind.ROLE_GRANT, action=kind_action).order_by("id"))


@pytest.fixture
def admins(users: dict[str, Any]) -> tuple[User, User]:
    return users["administrator"], user_with_role(Role.ADMINISTRATOR, username="admin2", email="admin2@pult.example")


def test_an_administrator_who_gives_themselves_the_dpo_role_does_not_get_it_and_cannot_approve_it(
    smtp_server, users, admins
):
    first, _second = admins
    client = admin_client(first)
    page = set_roles(client, first, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER)
    warning = [str(m) for m in page.context["messages"]]
    assert any("when another administrator approves it" in message for message in warning), warning

    first.refresh_from_db()
    assert holds(first, Role.ADMINISTRATOR) and not holds(first, Role.DATA_PROTECTION_OFFICER)
    assert client.get("/privacy/access-log/").status_code == 403
    grant = RoleGrant.objects.get(user=first, role=Role.DATA_PROTECTION_OFFICER)
    assert grant.state == RoleGrantState.PENDING and grant.requested_by == first
    assert "Data-protection officer" in client.get(f"/admin/accounts/user/{first.pk}/change/").content.decode()

    messages = decide(client, grant, "approve")
    assert any("Nobody approves or refuses a role given to themselves" in message for message in messages), messages
    grant.refresh_from_db()
    assert grant.state == RoleGrantState.PENDING and not holds(first, Role.DATA_PROTECTION_OFFICER)
    assert client.get("/privacy/access-log/").status_code == 403

    [asked] = log_of(AccessAction.ROLE_REQUESTED)
    assert asked.user == first and asked.object_id == grant.pk and asked.subject == first.display_name
    assert asked.reference == hungarian_label(Role.DATA_PROTECTION_OFFICER)
    assert asked.ip_address == "127.0.0.1" and asked.path.startswith(f"/admin/accounts/user/{first.pk}/")

    dpo = users["data_protection_officer"]
    told = {message["X-Envelope-To"]: message for message in smtp_server.messages}
    assert set(told) == {dpo.email, "admin2@pult.example"}  # the officer, and the one who may approve
    subject = desk("Role waiting for approval: %(role)s") % {"role": hungarian_label(Role.DATA_PROTECTION_OFFICER)}
    assert subject_of(told[dpo.email]) == subject
    assert first.display_name in told[dpo.email].get_body(("plain",)).get_content()


def test_a_second_administrator_approves_and_only_then_the_role_takes_effect(smtp_server, users, admins):
    first, second = admins
    set_roles(admin_client(first), first, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER)
    grant = RoleGrant.objects.get(user=first)
    smtp_server.messages.clear()

    messages = decide(admin_client(second), grant, "approve")
    assert any(message.startswith("Approved:") for message in messages), messages
    grant.refresh_from_db()
    assert grant.state == RoleGrantState.APPROVED and grant.decided_by == second
    assert holds(first, Role.DATA_PROTECTION_OFFICER)
    first_client = admin_client(first)
    assert first_client.get("/privacy/access-log/").status_code == 200

    [approved] = log_of(AccessAction.ROLE_APPROVED)
    assert approved.user == second and approved.object_id == grant.pk and approved.subject == first.display_name
    assert len(log_of(AccessAction.ROLE_REQUESTED)) == 1
    # The officer reads both on the access log page.
    page = first_client.get("/privacy/access-log/", {"reference": hungarian_label(Role.DATA_PROTECTION_OFFICER)})
    assert page.content.decode().count(first.display_name) >= 2

    recipients = {message["X-Envelope-To"] for message in smtp_server.messages}
    assert users["data_protection_officer"].email in recipients and first.email in recipients
    subject = desk("Role approved: %(role)s") % {"role": hungarian_label(Role.DATA_PROTECTION_OFFICER)}
    assert {subject_of(message) for message in smtp_server.messages} == {subject}

    # Decided once: a second approval (or refusal) changes nothing.
    messages = decide(admin_client(user_with_role(Role.ADMINISTRATOR, username="admin3")), grant, "refuse")
    assert any("decided on already" in message for message in messages), messages
    assert holds(first, Role.DATA_PROTECTION_OFFICER)


def test_the_one_who_asked_cannot_decide_and_a_refusal_gives_nothing(smtp_server, users, admins):
    first, second = admins
    agent = users["agent"]
    client = admin_client(first)
    set_roles(client, agent, Role.AGENT, Role.COMPLAINT_OFFICER)
    grant = RoleGrant.objects.get(user=agent, role=Role.COMPLAINT_OFFICER)
    assert holds(agent, Role.AGENT) and not holds(agent, Role.COMPLAINT_OFFICER)

    messages = decide(client, grant, "approve")
    assert any("The administrator who asked for a role does not decide on it" in m for m in messages), messages
    assert not holds(agent, Role.COMPLAINT_OFFICER)

    decide(admin_client(second), grant, "refuse")
    grant.refresh_from_db()
    assert grant.state == RoleGrantState.REFUSED and grant.decided_by == second
    assert not holds(agent, Role.COMPLAINT_OFFICER)
    agent_client = Client()
    agent_client.force_login(agent)
    assert agent_client.get("/complaints/statistics/").status_code == 403
    [refused] = log_of(AccessAction.ROLE_REFUSED)
    assert refused.user == second and refused.subject == agent.display_name
    assert refused.reference == hungarian_label(Role.COMPLAINT_OFFICER)
    refusal = desk("Role refused: %(role)s") % {"role": hungarian_label(Role.COMPLAINT_OFFICER)}
    assert {m["X-Envelope-To"] for m in smtp_server.messages if subject_of(m) == refusal} == {
        users["data_protection_officer"].email,
        first.email,
    }


def test_an_administrator_who_is_given_a_role_by_another_cannot_approve_it_a_third_can(smtp_server, users, admins):
    first, second = admins
    set_roles(admin_client(first), second, Role.ADMINISTRATOR, Role.COMPLAINT_BOARD)
    grant = RoleGrant.objects.get(user=second)
    decide(admin_client(second), grant, "approve")
    assert not holds(second, Role.COMPLAINT_BOARD)
    decide(admin_client(user_with_role(Role.ADMINISTRATOR, username="admin3")), grant, "approve")
    assert holds(second, Role.COMPLAINT_BOARD)


def test_other_roles_are_given_and_any_role_is_taken_away_at_once(smtp_server, users, admins):
    first, _second = admins
    officer = users["complaint_officer"]
    set_roles(admin_client(first), officer, Role.AGENT)
    assert holds(officer, Role.AGENT) and not holds(officer, Role.COMPLAINT_OFFICER)
    assert not RoleGrant.objects.exists()
    assert not AccessLogEntry.objects.filter(kind=AccessKind.ROLE_GRANT).exists()
    assert smtp_server.messages == []


def test_ticking_a_waiting_role_again_asks_only_once(smtp_server, users, admins):
    first, _second = admins
    client = admin_client(first)
    executive = users["executive"]
    set_roles(client, executive, Role.EXECUTIVE, Role.DATA_PROTECTION_OFFICER)
    set_roles(client, executive, Role.EXECUTIVE, Role.DATA_PROTECTION_OFFICER)
    assert RoleGrant.objects.filter(user=executive, state=RoleGrantState.PENDING).count() == 1
    assert len(log_of(AccessAction.ROLE_REQUESTED)) == 1


def test_the_database_refuses_a_decision_by_the_one_who_asked_or_the_one_who_gets_it(users, admins):
    first, second = admins
    grant = RoleGrant.objects.create(user=second, role=Role.DATA_PROTECTION_OFFICER, requested_by=first)
    for person in (first, second):
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleGrant.objects.filter(pk=grant.pk).update(state=RoleGrantState.APPROVED, decided_by=person)


def test_the_demo_data_gives_its_users_their_roles_directly():
    call_command("load_demo", stdout=io.StringIO())
    assert User.objects.get(username="adatvedelem").groups.filter(name=Role.DATA_PROTECTION_OFFICER).exists()
    assert User.objects.get(username="panaszfelelos").groups.filter(name=Role.COMPLAINT_OFFICER).exists()
    assert not RoleGrant.objects.exists()
