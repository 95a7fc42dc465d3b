"""The web layer's defences: security headers on every kind of answer, CSRF on htmx writes, HTTPS settings from
the environment, and production mode refusing to start with unsafe settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.urls import reverse

from common.security import CONTENT_SECURITY_POLICY
from portal.tests.factories import client_for, portal_account
from testkit.factories import ContactFactory, UserFactory
from testkit.workflow import register

GOOD_KEY = "q7Vw3-ZpLx9kT2mN8bR4yJ6hF1sD5gC0aE-uIoPlKjHgFdSaQwErTyUiOp"


def assert_protective_headers(response: Any) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


# --- headers -------------------------------------------------------------------------------------------------


def test_a_staff_page_carries_the_content_security_policy_and_the_other_headers(client, users):
    client.force_login(users["agent"])
    response = client.get(reverse("tickets:list"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert_protective_headers(response)


def test_the_login_page_is_protected_before_anyone_logs_in(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_protective_headers(response)


def test_a_portal_page_carries_the_same_headers(users):
    contact = ContactFactory()
    response = client_for(portal_account(contact)).get(reverse("portal:home"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_protective_headers(response)


def test_an_api_json_answer_has_no_page_policy_but_the_other_headers(client, users):
    client.force_login(users["agent"])
    response = client.get("/api/v1/customers")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response
    assert_protective_headers(response)


def test_the_admin_and_the_api_docs_run_under_the_same_strict_policy(client, users):
    users["agent"].is_staff = True
    users["agent"].save()
    client.force_login(users["agent"])
    for url in (reverse("admin:index"), "/api/v1/docs"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert_protective_headers(response)


def test_a_ticket_pdf_has_no_page_policy(client, users):
    ticket = register(users, ContactFactory())
    client.force_login(users["agent"])
    response = client.get(reverse("tickets:pdf", args=[ticket.year, ticket.sequence]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


PAGE_TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\s(?:data-)?(?:hx-)?on[:a-z-]+\s*=|\sstyle\s*=", re.I
)


def test_no_page_template_has_inline_scripts_handlers_or_style_attributes():
    """The policy would block them in the browser: a button that silently does nothing. PDF templates are
    rendered by WeasyPrint on the server and may style inline."""
    offenders = []
    for directory in PAGE_TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            if "pdf" in template.relative_to(directory).parts or ".venv" in template.parts:
                continue
            for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
                if INLINE_CODE.search(line):
                    offenders.append(f"{template}:{number}: {line.strip()}")
    assert offenders == []


# --- CSRF ----------------------------------------------------------------------------------------------------


def test_an_htmx_post_without_the_csrf_token_is_refused_and_with_the_pages_token_accepted(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["agent"])
    page = client.get(reverse("tickets:list"))
    match = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page.content.decode())
    assert match, "the staff page must hand htmx the CSRF token"
    url = reverse("set_language")
    data = {"language": "en", "next": reverse("tickets:list")}

    refused = client.post(url, data, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    assert client.cookies.get(settings.LANGUAGE_COOKIE_NAME) is None

    accepted = client.post(url, data, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=match.group(1))
    assert accepted.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_every_template_with_htmx_attributes_is_a_staff_page_that_sends_the_token():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text(encoding="utf-8")
    assert """<body hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'>""" in base
    portal = Path(settings.BASE_DIR) / "portal" / "templates"
    with_htmx = [t for d in PAGE_TEMPLATE_DIRS for t in d.rglob("*.html") if re.search(r"\shx-[a-z]+=", t.read_text())]
    assert with_htmx and not [t for t in with_htmx if portal in t.parents]


def test_the_csrf_and_session_cookies_are_same_site_and_http_only(db):
    client = Client()
    client.get(reverse("login"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax" and csrf["httponly"]
    user = UserFactory()
    logged_in = client.post(reverse("login"), {"username": user.username, "password": "Jelszo-2026!"})
    assert logged_in.status_code == 302
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["samesite"] == "Lax" and session["httponly"]


# --- HTTPS ---------------------------------------------------------------------------------------------------


def fresh_environment(tmp_path: Path, **environment: str) -> dict[str, str]:
    """This process's environment without the settings under test, for a new Pult process (real settings)."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    inherited = {k: v for k, v in inherited.items() if not k.startswith(("PULT_", "SECURE_", "SESSION_", "CSRF_"))}
    return inherited | {"DJANGO_SETTINGS_MODULE": "config.settings", "PULT_VAR_DIR": str(tmp_path), **environment}


def settings_under(tmp_path: Path, **environment: str) -> dict[str, Any]:
    """The settings a fresh process computes from this environment."""
    env = fresh_environment(tmp_path, **environment)
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    values = json.loads(result.stdout)
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_pult_https_redirects_plain_http_sends_hsts_and_secures_the_cookies(tmp_path, users):
    https = settings_under(tmp_path, SECRET_KEY=GOOD_KEY, PULT_HTTPS="1")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    with override_settings(**https):
        client = Client()
        plain = client.get(reverse("login"))
        assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"

        # Behind the proxy: it terminates TLS and says so in X-Forwarded-Proto.
        secure = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]

        client.force_login(users["agent"])
        assert client.cookies[settings.SESSION_COOKIE_NAME]["secure"]


def test_without_pult_https_plain_http_is_served_and_no_hsts_is_sent(tmp_path, db):
    plain_settings = settings_under(tmp_path, SECRET_KEY=GOOD_KEY)
    assert not plain_settings["SESSION_COOKIE_SECURE"] and plain_settings["SECURE_PROXY_SSL_HEADER"] is None
    with override_settings(**plain_settings):
        response = Client().get(reverse("login"))
    assert response.status_code == 200 and "Strict-Transport-Security" not in response


def test_the_old_session_cookie_secure_variable_still_works(tmp_path):
    values = settings_under(tmp_path, SECRET_KEY=GOOD_KEY, SESSION_COOKIE_SECURE="1")
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and not values["SECURE_SSL_REDIRECT"]


# --- production mode -----------------------------------------------------------------------------------------

PRODUCTION = {
    "PULT_ENV": "production",
    "DEBUG": False,
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": ["pult.example.hu"],
    "PULT_HTTPS": True,
}


def production_check_ids(**overrides: Any) -> list[str]:
    with override_settings(**(PRODUCTION | overrides)):
        return sorted(m.id for m in run_checks(tags=["security"]) if m.id and m.id.startswith("pult."))


def test_a_well_configured_production_passes_the_checks():
    assert production_check_ids() == []


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"DEBUG": True}, "pult.E001"),
        ({"SECRET_KEY": ""}, "pult.E002"),
        ({"SECRET_KEY": "tests-only-not-secret"}, "pult.E002"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "pult.E002"),
        ({"SECRET_KEY": GOOD_KEY[:49]}, "pult.E002"),
        ({"SECRET_KEY": "a" * 60}, "pult.E002"),
        ({"ALLOWED_HOSTS": []}, "pult.E003"),
        ({"ALLOWED_HOSTS": ["pult.example.hu", "*"]}, "pult.E003"),
        ({"PULT_HTTPS": False}, "pult.E004"),
        ({"PULT_ENV": "prod"}, "pult.E000"),
    ],
)
def test_each_unsafe_production_setting_is_an_error(overrides, check_id):
    assert production_check_ids(**overrides) == [check_id]


def test_development_mode_tolerates_what_production_refuses():
    assert production_check_ids(PULT_ENV="development", DEBUG=True, SECRET_KEY="x", ALLOWED_HOSTS=["*"]) == []


def import_wsgi(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = fresh_environment(tmp_path, **environment)
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi; print('application ready')"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_gunicorn_gets_no_application_in_production_with_a_default_key(tmp_path):
    result = import_wsgi(
        tmp_path, PULT_ENV="production", PULT_HTTPS="1", ALLOWED_HOSTS="pult.example.hu", SECRET_KEY="benchmark"
    )
    assert result.returncode != 0
    assert "Pult refuses to start in production mode" in result.stderr
    assert "pult.E002: SECRET_KEY is a known default" in result.stderr
    assert "application ready" not in result.stdout


def test_production_makes_up_no_secret_key_and_refuses_to_start_without_one(tmp_path):
    result = import_wsgi(tmp_path, PULT_ENV="production", PULT_HTTPS="1", ALLOWED_HOSTS="pult.example.hu")
    assert result.returncode != 0
    assert "pult.E002: SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_starts_with_a_key_from_a_file_and_safe_settings(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(GOOD_KEY + "\n", encoding="utf-8")
    result = import_wsgi(
        tmp_path,
        PULT_ENV="production",
        PULT_HTTPS="1",
        ALLOWED_HOSTS="pult.example.hu",
        SECRET_KEY_FILE=str(key_file),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    assert "application ready" in result.stdout


def test_manage_py_check_refuses_an_open_allowed_hosts_in_production(tmp_path):
    env = fresh_environment(tmp_path, PULT_ENV="production", PULT_HTTPS="1", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="*")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "pult.E003" in result.stderr


def test_a_real_gunicorn_refuses_to_boot_in_production_with_a_default_key(tmp_path):
    env = fresh_environment(
        tmp_path,
        PULT_ENV="production",
        PULT_HTTPS="1",
        ALLOWED_HOSTS="pult.example.hu",
        SECRET_KEY="tests-only-not-secret",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "config.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"]
    result = subprocess.run(  # noqa: S603 - our own gunicorn with fixed arguments
        [*command, "--no-control-socket"], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "Pult refuses to start in production mode" in result.stderr
    assert "Worker failed to boot" in result.stderr
