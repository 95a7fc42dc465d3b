"""The web layer's defences: response headers every page carries, and the start-up checks of production mode.

Headers: every HTML page gets a Content-Security-Policy that allows scripts, styles, fonts and images only from
Pult itself (no inline scripts, no inline `style="..."` attributes, no eval), may not be framed, and may only
submit forms to Pult. Behaviour lives in static/js/, looks in the CSS files. A view that needs something else
(none does today) sets its own Content-Security-Policy header, which this middleware leaves alone.

Production mode (PULT_ENV=production): Pult refuses to start with DEBUG on, a missing, known or short secret
key, an open ALLOWED_HOSTS, or without HTTPS. The same rules run as Django system checks (`manage.py check`,
`runserver`, `migrate`) and in config/wsgi.py before gunicorn gets an application.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
ENVIRONMENTS = ("development", "production")

# Secret keys that have been written down somewhere (tests, CI, benchmarks, examples): never good enough.
KNOWN_SECRET_KEYS = frozenset(
    {
        "tests-only-not-secret",
        "test-subprocess",
        "ci-check-only",
        "benchmark",
        "x",
        "secret",
        "changeme",
        "change-me",
        "insecure",
    }
)
MINIMUM_SECRET_KEY_LENGTH = 50


class SecurityHeadersMiddleware:
    """Content-Security-Policy on HTML answers; Permissions-Policy on every answer.

    Referrer-Policy, Cross-Origin-Opener-Policy, nosniff and HSTS come from Django's SecurityMiddleware
    (configured in settings), X-Frame-Options from XFrameOptionsMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def production_problems(config: Any = None) -> list[tuple[str, str]]:
    """(check id, message) for every setting that is unsafe in production; empty outside production mode."""
    config = config if config is not None else settings
    environment = getattr(config, "PULT_ENV", "development")
    if environment not in ENVIRONMENTS:
        # A typo ("prod") must not quietly mean development.
        return [("pult.E000", f"PULT_ENV={environment!r} is neither 'development' nor 'production'.")]
    if environment != "production":
        return []
    problems: list[tuple[str, str]] = []
    if config.DEBUG:
        problems.append(("pult.E001", "DEBUG is on: set DEBUG=0 in production."))
    secret_key = _secret_key(config)
    if not secret_key:
        problems.append(
            (
                "pult.E002",
                "SECRET_KEY is not set: give it in the environment (SECRET_KEY) or a file (SECRET_KEY_FILE); "
                "production mode does not make one up.",
            )
        )
    elif secret_key in KNOWN_SECRET_KEYS or secret_key.startswith("django-insecure"):
        problems.append(("pult.E002", "SECRET_KEY is a known default or test value: set a random one."))
    elif len(secret_key) < MINIMUM_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        problems.append(
            (
                "pult.E002",
                f"SECRET_KEY is too weak: use at least {MINIMUM_SECRET_KEY_LENGTH} random characters "
                '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").',
            )
        )
    hosts: Sequence[str] = config.ALLOWED_HOSTS
    if not hosts or "*" in hosts:
        problems.append(
            ("pult.E003", "ALLOWED_HOSTS is empty or contains '*': list the host names Pult is served under.")
        )
    if not getattr(config, "PULT_HTTPS", False):
        problems.append(("pult.E004", "PULT_HTTPS is off: production is served over HTTPS only (PULT_HTTPS=1)."))
    return problems


def _secret_key(config: Any) -> str:
    try:
        return str(config.SECRET_KEY or "")
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        return ""


@checks.register(checks.Tags.security, deploy=False)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(message, id=check_id) for check_id, message in production_problems()]


def refuse_unsafe_production() -> None:
    """Called by config/wsgi.py: gunicorn gets no application when production mode is unsafe."""
    problems = production_problems()
    if problems:
        lines = "\n".join(f"  {check_id}: {message}" for check_id, message in problems)
        raise ImproperlyConfigured(f"Pult refuses to start in production mode (PULT_ENV=production):\n{lines}")
