"""TOTP secrets are encrypted at rest with PULT_FIELD_ENCRYPTION_KEYS (the first key encrypts, all decrypt),
a key derived from SECRET_KEY when none is set; old secrets stay readable through a key rotation; a malformed
key stops the start-up; the migration encrypts the secrets that were stored in clear, and back."""

from __future__ import annotations

import pyotp
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from accounts import two_factor
from accounts.models import TwoFactorDevice
from accounts.roles import Role
from accounts.tests.test_two_factor import PASSWORD, code_at, english_client, enrol_with_codes, password_step
from common.encryption import new_key
from testkit.factories import user_with_role
from testkit.processes import manage_environment, manage_py

KEY_A, KEY_B = new_key(), new_key()


def stored_secret(device_pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_twofactordevice WHERE id = %s", [device_pk])
        return str(cursor.fetchone()[0])


def code_step_logs_in(username: str, code: str) -> bool:
    client = english_client()
    assert password_step(client, username)["Location"] == "/account/login/code/"
    return client.post("/account/login/code/", {"code": code}).status_code == 302


@pytest.fixture
def agent(db):
    return user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)


def test_the_secret_column_does_not_hold_the_secret(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret, _codes = enrol_with_codes(client)

    device = TwoFactorDevice.objects.get(user=agent)
    raw = stored_secret(device.pk)
    assert raw != secret and secret not in raw and secret.lower() not in raw.lower()
    assert raw.startswith("gAAAAA")  # a Fernet token
    assert device.secret == secret
    client.post("/logout/")
    assert code_step_logs_in("kiss.anna", code_at(secret, 30))


def test_a_key_rotation_keeps_old_secrets_readable(agent):
    secret = pyotp.random_base32()
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_A]):
        device = TwoFactorDevice.objects.create(user=agent, secret=secret)
        written_with_a = stored_secret(device.pk)

    # A new key put first: the secret written with the old one is still read, and logins work.
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret
        assert code_step_logs_in("kiss.anna", code_at(secret))
        call_command("rotate_field_encryption", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert stored_secret(device.pk) != written_with_a

    # After the rotation the old key can go.
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret
        assert code_step_logs_in("kiss.anna", code_at(secret, 30))


def test_without_the_right_key_no_code_is_accepted_and_the_secret_is_kept(agent):
    secret = pyotp.random_base32()
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_A]):
        _device, codes = two_factor.two_factor_enable(user=agent, secret=secret, code=code_at(secret))
        device = TwoFactorDevice.objects.get(user=agent)
        written = stored_secret(device.pk)

    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_B]):
        unreadable = TwoFactorDevice.objects.get(pk=device.pk)
        assert unreadable.secret == ""
        assert not code_step_logs_in("kiss.anna", code_at(secret, 30))  # refused, not a server error
        # A save of the row does not lose the token, and a recovery code still logs in.
        unreadable.save()
        assert stored_secret(device.pk) == written
        client = english_client()
        password_step(client, "kiss.anna")
        assert client.post("/account/login/code/", {"recovery_code": codes[0]}).status_code == 302

    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_A]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret


def test_without_keys_the_key_comes_from_the_secret_key_and_keeps_working_once_keys_are_set(agent):
    secret = pyotp.random_base32()
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[], SECRET_KEY="s" * 50, SECRET_KEY_FALLBACKS=[]):
        device = TwoFactorDevice.objects.create(user=agent, secret=secret)
        assert secret not in stored_secret(device.pk)
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[], SECRET_KEY="t" * 50, SECRET_KEY_FALLBACKS=[]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == ""  # another SECRET_KEY: unreadable
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[], SECRET_KEY="t" * 50, SECRET_KEY_FALLBACKS=["s" * 50]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret  # Django's key rotation
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_A], SECRET_KEY="s" * 50, SECRET_KEY_FALLBACKS=[]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret  # own keys set later
        call_command("rotate_field_encryption", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with override_settings(PULT_FIELD_ENCRYPTION_KEYS=[KEY_A], SECRET_KEY="u" * 50, SECRET_KEY_FALLBACKS=[]):
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not-a-key", "PULT_FIELD_ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key"),
        (f"{KEY_A},{KEY_B[:-2]}", "PULT_FIELD_ENCRYPTION_KEYS: key 2 of 2 is not a Fernet key"),
        ("c2hvcnQ=", "PULT_FIELD_ENCRYPTION_KEYS: key 1 of 1 is not a Fernet key"),  # base64, but 5 bytes
    ],
    ids=["not-base64", "second-key-cut", "too-short"],  # fixed: the keys are new each run (xdist compares ids)
)
def test_a_malformed_key_stops_the_start_up_without_printing_it(value, message, tmp_path):
    env = manage_environment(tmp_path, PULT_FIELD_ENCRYPTION_KEYS=value)
    env.pop("PULT_FIELD_ENCRYPTION_KEYS_FILE", None)
    result = manage_py("check", env=env)
    assert result.returncode != 0
    output = result.stderr.decode()
    assert "ImproperlyConfigured" in output and message in output
    assert value.split(",")[-1] not in output


def test_a_key_from_the_command_is_accepted_at_start_up(tmp_path):
    env = manage_environment(tmp_path)
    made = manage_py("field_encryption_key", env=env)
    key = made.stdout.decode().strip()
    assert made.returncode == 0 and len(key) == 44
    checked = manage_py("check", env=env | {"PULT_FIELD_ENCRYPTION_KEYS": f"{key},{KEY_A}"})
    assert checked.returncode == 0, checked.stderr.decode()


BEFORE = [("accounts", "0005_away_and_timeline_order")]
AFTER = [("accounts", "0006_encrypted_totp_secrets_and_recovery_codes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_clear_secrets_and_decrypts_them_when_reversed():
    secret = pyotp.random_base32()
    try:
        old_apps = migrate(BEFORE)
        OldUser = old_apps.get_model("accounts", "User")
        OldDevice = old_apps.get_model("accounts", "TwoFactorDevice")
        device = OldDevice.objects.create(user=OldUser.objects.create(username="regi.admin"), secret=secret)
        assert stored_secret(device.pk) == secret

        migrate(AFTER)
        assert stored_secret(device.pk).startswith("gAAAAA") and secret not in stored_secret(device.pk)
        assert TwoFactorDevice.objects.get(pk=device.pk).secret == secret

        migrate(BEFORE)
        assert stored_secret(device.pk) == secret
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
