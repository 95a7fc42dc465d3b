"""A user's permissions and roles come in one statement and say what Django's model backend says."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role, roles_of

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no per-request caches


def test_permissions_and_roles_are_read_in_one_statement_and_match_the_model_backend(users):
    agent = users[Role.AGENT.value]
    extra = Permission.objects.get(codename="view_reports")
    agent.user_permissions.add(extra)
    Group.objects.create(name="Extra csoport").user_set.add(agent)

    user = fresh(agent)
    with CaptureQueriesContext(connection) as queries:
        everything = user.get_all_permissions()
        own, groups = user.get_user_permissions(), user.get_group_permissions()
        roles = roles_of(user)
        assert user.has_perm("tickets.verify_ticket") and not user.has_perm("tickets.dispatch_ticket")
    assert len(queries) == 1

    django_says = ModelBackend()
    reference = fresh(agent)
    assert everything == django_says.get_all_permissions(reference)
    assert own == django_says.get_user_permissions(reference) == {"tickets.view_reports"}
    assert groups == django_says.get_group_permissions(reference)
    assert roles == frozenset({Role.AGENT.value, "Extra csoport"})


def test_a_permission_taken_away_counts_from_the_next_request(users):
    agent = users[Role.AGENT.value]
    assert fresh(agent).has_perm("tickets.verify_ticket")
    Group.objects.get(name=Role.AGENT.value).permissions.remove(Permission.objects.get(codename="verify_ticket"))
    assert not fresh(agent).has_perm("tickets.verify_ticket")


def test_inactive_users_have_no_permissions_and_superusers_all(users):
    agent = users[Role.AGENT.value]
    User.objects.filter(pk=agent.pk).update(is_active=False)
    assert fresh(agent).get_all_permissions() == set()
    boss = User.objects.create_superuser("fonok", "fonok@example.hu", "hosszu-jelszo-2026")
    assert fresh(boss).has_perm("complaints.view_complaints")
