"""The mailbox admin names the password's environment variable, says whether it is set, never shows it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from mail.admin import PASSWORD_SOURCE_LABELS
from mail.choices import ImapSecurity
from mail.credentials import PasswordSource
from mail.models import Mailbox

SECRET = "Nagyon-Titkos-Jelszo-7319"
VARIABLE = "PULT_IMAP_PASSWORD_SUPPORT"


@pytest.fixture
def admin_client(users) -> Client:
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def mailbox(db) -> Mailbox:
    return Mailbox.objects.create(
        name="Support",
        address="support@pult.test",
        imap_host="127.0.0.1",
        imap_port=1143,
        imap_security=ImapSecurity.NONE,
        imap_username="support@pult.test",
        imap_password_env=VARIABLE,
    )


def shown(source: PasswordSource) -> str:
    """The status as the (Hungarian) admin page prints it."""
    with translation.override("hu"):
        return escape(str(PASSWORD_SOURCE_LABELS[source]))


def form_data(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Support",
        "address": "support@pult.test",
        "channel": "email",
        "purpose": "requests",
        "is_active": "on",
        "fax_number_pattern": r"(\+?\d[\d\s/()-]{5,}\d)",
        "fax_number_headers": "Subject, X-Fax-From, X-Remote-Station-Id",
        "imap_host": "127.0.0.1",
        "imap_port": "1143",
        "imap_security": "none",
        "imap_username": "support@pult.test",
        "imap_password_env": VARIABLE,
        "imap_folder": "INBOX",
    }
    return values | overrides


@pytest.mark.django_db
def test_the_admin_says_the_password_is_set_but_never_shows_it(admin_client, mailbox, monkeypatch):
    monkeypatch.setenv(VARIABLE, SECRET)
    for url in (f"/admin/mail/mailbox/{mailbox.pk}/change/", "/admin/mail/mailbox/"):
        page = admin_client.get(url).content.decode()
        assert shown(PasswordSource.ENVIRONMENT) in page
        assert SECRET not in page


@pytest.mark.django_db
def test_the_admin_says_when_the_password_comes_from_a_file_without_showing_it(
    admin_client, mailbox, monkeypatch, tmp_path
):
    secret_file = tmp_path / "imap"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.delenv(VARIABLE, raising=False)
    monkeypatch.setenv(f"{VARIABLE}_FILE", str(secret_file))
    page = admin_client.get(f"/admin/mail/mailbox/{mailbox.pk}/change/").content.decode()
    assert shown(PasswordSource.FILE) in page
    assert SECRET not in page


@pytest.mark.django_db
def test_the_admin_says_when_the_password_variable_is_not_set(admin_client, mailbox, monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    monkeypatch.delenv(f"{VARIABLE}_FILE", raising=False)
    page = admin_client.get(f"/admin/mail/mailbox/{mailbox.pk}/change/").content.decode()
    assert shown(PasswordSource.MISSING) in page
    assert shown(PasswordSource.ENVIRONMENT) not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "pult_imap_password",  # lower case
        "PULT IMAP PASSWORD",
        "PULT_IMAP_",  # nothing after the prefix
        "SECRET_KEY",  # not a mailbox password: it would be sent to the IMAP server
        "DATABASE_URL",
        "PULT_IMAP_" + "X" * 55,  # longer than 64
        "PULT_IMAP_JELSZÓ",
        "$(reboot)",
    ],
)
def test_the_admin_refuses_a_name_that_is_not_a_password_variable_and_saves_nothing(admin_client, mailbox, name):
    response = admin_client.post(f"/admin/mail/mailbox/{mailbox.pk}/change/", form_data(imap_password_env=name))
    assert response.status_code == 200
    assert "imap_password_env" in response.context["adminform"].form.errors
    mailbox.refresh_from_db()
    assert mailbox.imap_password_env == VARIABLE


@pytest.mark.django_db
def test_the_admin_saves_a_valid_variable_name(admin_client, mailbox):
    response = admin_client.post(
        f"/admin/mail/mailbox/{mailbox.pk}/change/", form_data(imap_password_env="PULT_IMAP_PASSWORD_FAX_2")
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_password_env == "PULT_IMAP_PASSWORD_FAX_2"


@pytest.mark.django_db
def test_the_admin_requires_a_variable_for_an_imap_mailbox(admin_client):
    response = admin_client.post("/admin/mail/mailbox/add/", form_data(imap_password_env=""))
    assert response.status_code == 200
    assert "imap_password_env" in response.context["adminform"].form.errors
    assert not Mailbox.objects.exists()
