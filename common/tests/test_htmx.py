"""Whole page or htmx fragment (common/htmx.py), through the ticket list as the desk uses it: the fragment only
for htmx swapping the results in place, the whole page for everything else, and every answer says it depends
on HX-Request so no cache gives one for the other."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from testkit.factories import ContactFactory
from testkit.workflow import register

pytestmark = pytest.mark.django_db

WHOLE_PAGE = "tickets/list.html"
FRAGMENT = "tickets/partials/_results.html"


@pytest.fixture
def agent_list(users: dict[str, Any]) -> Any:
    """GET the ticket list searched for the one ticket's subject, as the agent, with the given request headers."""
    ticket = register(users, ContactFactory(), subject="Nyomtató nem nyomtat")
    client = Client()
    client.force_login(users["agent"])

    def get(**headers: str) -> Any:
        response = client.get(reverse("tickets:list"), {"q": "Nyomtató"}, headers=headers)
        assert response.status_code == 200 and ticket.number in response.content.decode()
        return response

    return get


def _shown(response: Any) -> tuple[str, bool]:
    body = response.content.decode()
    whole = WHOLE_PAGE in [template.name for template in response.templates]
    assert whole == ("<html" in body and 'class="mainnav"' in body and 'class="filters card"' in body)
    return response["Vary"], whole


def test_a_plain_get_shows_the_whole_page_and_says_it_varies_by_htmx(agent_list: Any) -> None:
    vary, whole = _shown(agent_list())
    assert whole and "HX-Request" in vary


def test_htmx_swapping_the_results_gets_the_results_alone_and_says_it_varies_by_htmx(agent_list: Any) -> None:
    response = agent_list(**{"HX-Request": "true", "HX-Target": "results"})
    vary, whole = _shown(response)
    assert not whole and "HX-Request" in vary
    assert response.content.decode().lstrip().startswith('<div id="results">')


def test_htmx_aimed_at_another_element_or_at_none_gets_the_whole_page(agent_list: Any) -> None:
    assert _shown(agent_list(**{"HX-Request": "true", "HX-Target": "content"}))[1]
    assert _shown(agent_list(**{"HX-Request": "true"}))[1]


def test_a_boosted_link_gets_the_whole_page(agent_list: Any) -> None:
    vary, whole = _shown(agent_list(**{"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "results"}))
    assert whole and "HX-Request" in vary


def test_a_history_restore_after_a_cache_miss_gets_the_whole_page(agent_list: Any) -> None:
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "results"}
    vary, whole = _shown(agent_list(**restore))
    assert whole and "HX-Request" in vary


def test_a_fragment_only_answer_also_says_it_varies_by_htmx(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["agent"])
    response = client.get(reverse("tickets:lookup", kwargs={"field": "customer"}), {"q": "x"})
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
