"""The ticket list's filter in Chromium: htmx swaps the results and pushes the filtered address; going back to
that address, whether the browser fetches it or htmx restores it from the server (it keeps no snapshots of
pages in the browser's storage), shows the whole page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from testkit.browser import page_as
from testkit.factories import ContactFactory
from testkit.workflow import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _filter(page: Any, words: str) -> None:
    """Search the list as the agent does: type in the filter form and leave the field (its change event is the
    form's one htmx request; Enter would add a second, the submit)."""
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        page.locator("#id_q").fill(words)
        page.locator("#id_q").press("Tab")
    page.wait_for_url(re.compile(re.escape("?" + urlencode({"q": words}) + "&")), wait_until="commit")


def _assert_whole_list(page: Any, shown: Any, hidden: Any, words: str) -> None:
    assert page.locator("header.topbar nav.mainnav").is_visible()
    assert page.locator("#id_q").input_value() == words
    rows = page.locator("#results table.tickets tbody")
    assert rows.get_by_role("link", name=shown.number, exact=True).is_visible()
    assert rows.get_by_role("link", name=hidden.number, exact=True).count() == 0
    assert page.locator("body > #results").count() == 0  # not the bare fragment in place of the page


def test_back_to_the_filtered_list_and_its_reload_show_the_whole_page(
    browser: Any, live_server: Any, users: dict[str, Any]
) -> None:
    printer = register(users, ContactFactory(), subject="Nyomtató nem nyomtat", description="Papír akad.")
    invoice = register(users, ContactFactory(), subject="Számla hibás összeggel", description="Rossz az összeg.")
    page = page_as(browser, live_server.url, users["agent"])
    page.goto(live_server.url + reverse("tickets:list"))
    _filter(page, "Nyomtató")
    filtered = page.url
    assert page.locator("#results").get_by_role("link", name=invoice.number, exact=True).count() == 0

    with page.expect_navigation():
        page.locator("#results").get_by_role("link", name=printer.number, exact=True).click()
    assert page.url.endswith(reverse("tickets:detail", args=[printer.year, printer.sequence]))

    page.go_back()
    assert page.url == filtered
    _assert_whole_list(page, printer, invoice, "Nyomtató")

    page.reload()
    _assert_whole_list(page, printer, invoice, "Nyomtató")


def test_back_after_two_filters_keeps_no_snapshot_in_the_browser_and_shows_the_whole_page(
    browser: Any, live_server: Any, users: dict[str, Any]
) -> None:
    printer = register(users, ContactFactory(), subject="Nyomtató nem nyomtat", description="Papír akad.")
    invoice = register(users, ContactFactory(), subject="Számla hibás összeggel", description="Rossz az összeg.")
    page = page_as(browser, live_server.url, users["agent"])
    page.goto(live_server.url + reverse("tickets:list"))
    _filter(page, "Nyomtató")
    filtered = page.url
    _filter(page, "Számla")
    # htmx keeps no snapshot of the pages (personal data) in the browser's storage, so going back makes it
    # ask the server for the page (HX-History-Restore-Request) and put the answer in place of the body.
    assert page.evaluate("() => localStorage.getItem('htmx-history-cache')") is None

    with page.expect_response(lambda response: response.request.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    page.wait_for_url(filtered)
    page.locator("form.filters").wait_for()
    _assert_whole_list(page, printer, invoice, "Nyomtató")
