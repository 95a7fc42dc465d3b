"""The officer's list of requests and start-page box: deadlines, overdue marks, filters, constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from privacy import services
from privacy.choices import RequestKind
from privacy.tests.factories import subject_request
from privacy.tests.helpers import client_for
from testkit.factories import ContactFactory

pytestmark = pytest.mark.django_db

START_QUERIES = 5  # session, user, permissions and roles (one statement), the open requests, their count


def _many(users: Any, count: int) -> None:
    for index in range(count):
        contact = ContactFactory()
        request = subject_request(users, contact, kind=RequestKind.ACCESS)
        if index % 2:
            services.request_assign(
                request=request, actor=users["data_protection_officer"], handler=users["data_protection_officer"]
            )


@pytest.mark.parametrize("count", [2, 9])
def test_the_list_runs_a_constant_number_of_queries(users, django_assert_num_queries, count) -> None:
    _many(users, count)
    client = client_for(users["data_protection_officer"])
    client.get("/privacy/requests/")  # warm the session and permission caches
    with django_assert_num_queries(5):  # session, user, permissions and roles, the page, the count
        response = client.get("/privacy/requests/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [2, 9])
def test_the_start_page_box_runs_a_constant_number_of_queries(users, django_assert_num_queries, count) -> None:
    _many(users, count)
    client = client_for(users["data_protection_officer"])
    client.get("/")
    with django_assert_num_queries(START_QUERIES):
        response = client.get("/")
    assert f"{count} nyitott érintetti kérelem" in response.content.decode()


def test_overdue_requests_are_marked_and_filterable(users) -> None:
    late = subject_request(users, requester_name="Késő Kelemen", received_at=timezone.now() - dt.timedelta(days=40))
    fresh = subject_request(users, requester_name="Friss Frida")
    client = client_for(users["data_protection_officer"])
    html = client.get("/privacy/requests/").content.decode()
    assert html.index(late.number) < html.index(fresh.number)  # nearest deadline first
    assert html.count('class="overdue-mark"') == 1
    overdue = client.get("/privacy/requests/", {"overdue": "on"}).content.decode()
    assert late.number in overdue and fresh.number not in overdue
    start = client.get("/").content.decode()
    assert late.number in start and fresh.number in start and "overdue-mark" in start


def test_the_list_filters_by_state_kind_and_person(users) -> None:
    anna = subject_request(users, ContactFactory(name="Kiss Anna"), kind=RequestKind.ERASURE)
    bela = subject_request(users, requester_name="Nagy Béla", kind=RequestKind.ACCESS)
    services.request_complete(request=bela, actor=users["data_protection_officer"], answer="Kész")
    client = client_for(users["data_protection_officer"])

    def numbers(**query: str) -> set[str]:
        response = client.get("/privacy/requests/", query)
        assert response.status_code == 200
        return {request.number for request in response.context["page"].object_list}

    assert numbers() == {anna.number}  # open ones by default
    assert numbers(state="all") == {anna.number, bela.number}
    assert numbers(state="completed") == {bela.number}
    assert numbers(state="all", kind="access") == {bela.number}
    assert numbers(state="all", person="kiss") == {anna.number}
    assert numbers(state="nonsense") == {anna.number}  # invalid filter: the default list, no error
