"""A user's permissions and roles come in one statement and say what Django's model backend says."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import PermissionsAtOnceBackend
from accounts.models import User
from accounts.roles import Role, roles_of
from accounts.signals import bump_permission_revision

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


@pytest.fixture(autouse=True)
def _permission_cache(settings):
    settings.PULT_PERMISSION_CACHE_SECONDS = 600  # as in production (the other tests read on every request)


def next_request(user: User) -> User:
    """The user as the session middleware reads it on the next request (with the permission revision)."""
    found = PermissionsAtOnceBackend().get_user(user.pk)
    assert found is not None
    return found


def _reads_permissions(queries: CaptureQueriesContext) -> bool:
    return any("auth_permission" in q["sql"] for q in queries.captured_queries)


def test_the_next_request_takes_the_permissions_from_the_cache_until_they_change(users, client):
    agent = users[Role.AGENT.value]
    client.force_login(agent)
    assert client.get("/tickets/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tickets/").status_code == 200
    assert not _reads_permissions(queries)

    Group.objects.get(name=Role.AGENT.value).user_set.remove(agent)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tickets/").status_code == 403
    assert _reads_permissions(queries)


@pytest.mark.parametrize(
    "change",
    [
        "user leaves the group",
        "group loses the permission",
        "group cleared of users",
        "group deleted",
    ],
)
def test_every_kind_of_change_counts_from_the_next_request(users, change):
    agent = users[Role.AGENT.value]
    group = Group.objects.get(name=Role.AGENT.value)
    assert next_request(agent).has_perm("tickets.verify_ticket")
    assert next_request(agent).has_perm("tickets.verify_ticket")  # now from the cache
    if change == "user leaves the group":
        agent.groups.remove(group)
    elif change == "group loses the permission":
        group.permissions.remove(Permission.objects.get(codename="verify_ticket"))
    elif change == "group cleared of users":
        group.user_set.clear()
    else:
        group.delete()
    assert not next_request(agent).has_perm("tickets.verify_ticket")


def test_a_permission_given_and_a_group_renamed_count_from_the_next_request(users):
    executor = users[Role.EXECUTOR.value]
    assert not next_request(executor).has_perm("tickets.view_reports")
    executor.user_permissions.add(Permission.objects.get(codename="view_reports"))
    assert next_request(executor).has_perm("tickets.view_reports")

    assert Role.EXECUTOR.value in roles_of(next_request(executor))
    group = Group.objects.get(name=Role.EXECUTOR.value)
    group.name = "Volt fejlesztők"
    group.save()
    assert roles_of(next_request(executor)) == frozenset({"Volt fejlesztők"})


def test_a_change_another_process_committed_counts_through_the_revision(users):
    """What another process wrote reaches this one through the database: the cache is keyed by the
    revision the user's own query returns, not by anything this process remembers."""
    agent = users[Role.AGENT.value]
    assert next_request(agent).has_perm("tickets.verify_ticket")
    User.groups.through.objects.filter(user_id=agent.pk).delete()  # a write that sends no m2m signal
    assert next_request(agent).has_perm("tickets.verify_ticket")  # this process cannot know yet
    bump_permission_revision()  # what the other process's signal did in its transaction
    assert not next_request(agent).has_perm("tickets.verify_ticket")


def test_an_api_token_s_user_takes_the_permissions_from_the_cache(users, contact):
    from api.tests.helpers import api_client

    client = api_client(users[Role.AGENT.value])
    assert client.get("/api/v1/tickets").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/tickets").status_code == 200
    assert not _reads_permissions(queries)
    Group.objects.get(name=Role.AGENT.value).permissions.clear()
    assert client.get("/api/v1/tickets").status_code == 403


def test_the_intake_system_user_takes_its_permissions_from_the_cache_until_they_change(db):
    from accounts.services import system_user

    assert system_user().has_perm("tickets.register_ticket")  # created
    assert system_user().has_perm("tickets.register_ticket")  # read with the revision, and cached
    with CaptureQueriesContext(connection) as queries:
        assert system_user().has_perm("tickets.register_ticket")
    assert not _reads_permissions(queries)
    system_user().user_permissions.remove(Permission.objects.get(codename="register_ticket"))
    assert not system_user().has_perm("tickets.register_ticket")
