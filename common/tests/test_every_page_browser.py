"""Every page each role reaches from its start page, in Chromium, in both languages, 1366 px and 390 px wide.

On the demo data (`manage.py load_demo`: every role, tickets in every state, complaints, the library) each
demo user's pages are found by following the links from the start page, as a person clicking around
would (up to PAGES_PER_ROLE; downloads, log-outs and partial fragments aside). Each page is checked
(`testkit.page_checks`): not wider than the window, no text lying on other text (list bullets
included), nothing left in the other language. A screenshot of each lands in var/screenshots/ (CI keeps
it as an artefact).
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from demo.management.commands.load_demo import DEMO_USERS, PORTAL_LOGIN
from testkit.browser import DESKTOP, PHONE, page_as
from testkit.page_checks import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES_PER_ROLE = 16
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Not pages to look at: downloads, log-outs, fragments that htmx fetches, and the admin's deep corners.
SKIP = re.compile(
    r"/logout|/login|/i18n/|\.pdf|/pdf/|/csv|\.csv|\.eml|/raw/|/download|/export|/attachments/|/api/|/static/"
    r"|/media/|/sending/|/lookup/|/live/|/admin/.+/(delete|history)/|/admin/r/|/admin/jsi18n|/sessions/end"
)


@pytest.fixture
def demo(db: Any) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def shape(url: str) -> str:
    """One page of each kind: /tickets/2026/7/ and /tickets/2026/8/ are one, and so are a list's filters."""
    return re.sub(r"\d+", "N", url.split("?", 1)[0])


def pages_of(page: Any, base: str, start: str) -> list[str]:
    """The same-site pages reachable from `start` by links, breadth first (the navigation first), one of
    each kind."""
    seen, found = {shape(start)}, []
    queue = deque([start])
    while queue and len(found) < PAGES_PER_ROLE:
        url = queue.popleft()
        response = page.goto(base + url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        found.append(url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))"):
            path = urldefrag(href)[0]
            parsed = urlparse(path)
            if parsed.netloc or not parsed.path.startswith("/") or SKIP.search(path) or shape(path) in seen:
                continue
            seen.add(shape(path))
            queue.append(path)
    return found


def save_screenshot(page: Any, path: Path) -> None:
    """The artefact; Chromium can fail to capture on a busy machine, so it tries again (the checks run anyway)."""
    from playwright.sync_api import Error

    for attempt in range(3):
        try:
            page.screenshot(path=str(path))
            return
        except Error:
            page.wait_for_timeout(250 * (attempt + 1))


def slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "start"


@pytest.mark.parametrize("username", [row[0] for row in DEMO_USERS] + [PORTAL_LOGIN])
def test_every_page_a_role_reaches_fits_the_screen_and_speaks_one_language(
    browser: Any, live_server: Any, demo: None, username: str
) -> None:
    user = User.objects.get(username=username)
    start = "/portal/" if user.contact_id else "/"
    shutil.rmtree(SCREENSHOTS / slug(username), ignore_errors=True)  # the artefacts are this run's
    found: list[str] = []
    urls = pages_of(page_as(browser, live_server.url, user), live_server.url, start)
    assert urls, username
    for language in ("hu", "en"):
        for width in (DESKTOP, PHONE):
            page = page_as(browser, live_server.url, user, width=width, language=language)
            for url in urls:
                page.goto(live_server.url + url)
                folder = SCREENSHOTS / slug(username)
                folder.mkdir(parents=True, exist_ok=True)
                save_screenshot(page, folder / f"{language}-{width}-{slug(url)}.png")
                problems = check_page(page, language=language)
                found += [f"{url} ({language}, {width} px): {problem}" for problem in problems]
            page.context.close()
    (SCREENSHOTS / slug(username) / "problems.txt").write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found == [], "\n".join(found)
