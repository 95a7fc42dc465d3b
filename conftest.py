from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import Role
from testkit.factories import ContactFactory, ModuleFactory, user_with_role


@pytest.fixture(autouse=True)
def _real_smtp_backend(settings: Any) -> None:
    """Django's test set-up swaps in an in-memory mail backend; Pult's tests send to a real SMTP server
    (the smtp_server fixture), and a send without one fails loudly instead of vanishing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture(autouse=True)
def _desk_language() -> Any:
    """Each test starts in the desk's language: a request with another language's cookie activates that
    language for the rest of the thread (as Django's own middleware does), which must not reach the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The API's rate-limit counters and cached permissions live in the cache: each test starts with none and
    leaves none. (Failed logins, reset mails and wrong tokens are counted in the database, rolled back per test.)"""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    """One user per role, keyed by the role's value; plus a second executor."""
    result = {role.value: user_with_role(role, username=role.value) for role in Role}
    result["other_executor"] = user_with_role(Role.EXECUTOR, username="other_executor")
    return result


@pytest.fixture
def contact(db: Any) -> Any:
    return ContactFactory()


@pytest.fixture
def module(db: Any) -> Any:
    return ModuleFactory()


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives, for tests to read back."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    sink = SmtpSink()
    sink.controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    yield sink
    sink.controller.stop()


@pytest.fixture
def imap_server() -> Any:
    from testkit.imap import ImapServer

    server = ImapServer()
    yield server
    server.stop()


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser() -> Any:
    """Debian's Chromium, driven by Playwright, for the tests that use the pages as a person does."""
    import os

    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test only touches the database
    # between page actions, never concurrently with them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Database work done while Playwright's loop ran used connections of that context: close them,
        # or PostgreSQL refuses to drop the test database.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
