"""Settings read from the environment: bad values stop the start with a clear message; secrets stay private."""

from __future__ import annotations

import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str, installation_secret


def test_bad_values_are_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("PULT_FLAG", "talán")
    with pytest.raises(ImproperlyConfigured, match="PULT_FLAG"):
        env_bool("PULT_FLAG", False)
    monkeypatch.setenv("PULT_NUMBER", "sok")
    with pytest.raises(ImproperlyConfigured, match="PULT_NUMBER"):
        env_int("PULT_NUMBER", 1)
    monkeypatch.setenv("PULT_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("PULT_NUMBER", 1, minimum=1)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("titkos\n")
    monkeypatch.delenv("PULT_SECRET", raising=False)
    monkeypatch.setenv("PULT_SECRET_FILE", str(tmp_path / "secret"))
    assert env_str("PULT_SECRET", "") == "titkos"


def test_the_installation_secret_is_made_once_and_readable_only_by_its_owner(tmp_path):
    path = tmp_path / "secret_key"
    first = installation_secret(path)
    assert installation_secret(path) == first and len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_pults_postgresql_connections_plan_no_parallel_scans():
    """PULT_DB_PARALLEL_WORKERS (default 0) reaches the server on every connection; SQLite has no such thing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
