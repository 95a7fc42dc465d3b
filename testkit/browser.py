"""Pages in a real browser as a person sees them: logged in by session cookie, at a given width."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.test import Client

DESKTOP, PHONE = 1366, 390


def page_as(browser: Any, base_url: str, user: Any, *, width: int = DESKTOP, language: str = "hu") -> Any:
    """A new page of a new browser context whose session belongs to `user` (no login form, no second factor)."""
    client = Client()
    client.force_login(user)
    host = urlparse(base_url).hostname
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="hu-HU")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"},
        ]
    )
    return context.new_page()
