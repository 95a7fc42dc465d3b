"""Roles are groups with exactly the permissions in accounts.roles; the admin serves reference data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import ROLE_PERMISSIONS, Role, sync_roles

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_exactly_its_permissions():
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(names), role


def test_syncing_roles_again_restores_a_permission_removed_by_hand():
    agent = Group.objects.get(name=Role.AGENT)
    agent.permissions.clear()
    sync_roles()
    assert agent.permissions.count() == len(ROLE_PERMISSIONS[Role.AGENT])


ADMIN_PAGES = [
    "/admin/customers/customer/",
    "/admin/customers/customer/add/",
    "/admin/customers/contact/",
    "/admin/customers/contact/add/",
    "/admin/customers/module/",
    "/admin/accounts/user/",
    "/admin/auth/group/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_administrator_keeps_reference_data_in_the_admin(url, users):
    users["administrator"].is_staff = True
    users["administrator"].save()
    client = Client()
    client.force_login(users["administrator"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["agent", "dispatcher", "executor", "complaint_officer", "executive"])
def test_roles_without_admin_work_cannot_enter_the_admin(role, users):
    client = Client()
    client.force_login(users[role])
    assert client.get("/admin/customers/contact/").status_code == 302  # to the admin login


def test_tickets_and_their_events_are_not_editable_in_the_admin(users):
    from django.contrib import admin

    from tickets.models import Ticket, TicketEvent

    assert not admin.site.is_registered(Ticket)
    assert not admin.site.is_registered(TicketEvent)


def test_administrator_cannot_make_anyone_a_superuser(users):
    admin_user = users["administrator"]
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{admin_user.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    client.post(
        url,
        {
            "username": admin_user.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=Role.ADMINISTRATOR).pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_the_administrator_designates_a_deputy_by_the_roles_names(users):
    """The roles are offered by their names in the user's form, deputies and the decision body among them."""
    users["administrator"].is_staff = True
    users["administrator"].save()
    client = Client()
    client.force_login(users["administrator"])
    page = client.get(f"/admin/accounts/user/{users['agent'].pk}/change/").content.decode()
    for label in ("Panaszfelelős-helyettes", "Panaszügyi döntéshozó testület tagja", "Ügyfélszolgálati munkatárs"):
        assert label in page, label
    groups = client.get("/admin/auth/group/").content.decode()
    assert "Panaszfelelős-helyettes" in groups and "complaint_deputy" in groups
