"""The deployment choices the environment makes: database connection pooling and the file storage."""

from __future__ import annotations

from monitoring.tests.conftest import settings_process


def test_database_pool_is_selected_by_the_environment_and_serves_queries(tmp_path, postgres_running):
    code = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 41 + 1")
    answer = cursor.fetchone()[0]
settings = connection.settings_dict
print(type(connection.pool).__name__, settings["OPTIONS"]["pool"], settings["CONN_MAX_AGE"], answer)
"""
    result = settings_process(
        tmp_path, code, DATABASE_URL=postgres_running, PULT_DB_POOL="1", PULT_DB_POOL_MIN="1", PULT_DB_POOL_MAX="4"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ConnectionPool {'min_size': 1, 'max_size': 4, 'timeout': 30} 0 42"


def test_without_a_pool_postgresql_connections_persist_for_db_conn_max_age(tmp_path, postgres_running):
    code = "from django.db import connection; print(connection.settings_dict['CONN_MAX_AGE'], connection.pool)"
    result = settings_process(tmp_path, code, DATABASE_URL=postgres_running, DB_CONN_MAX_AGE="300")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "300 None"


def test_behind_pgbouncer_server_side_cursors_can_be_turned_off(tmp_path, postgres_running):
    code = "from django.db import connection; print(connection.settings_dict['DISABLE_SERVER_SIDE_CURSORS'])"
    default = settings_process(tmp_path, code, DATABASE_URL=postgres_running)
    turned_off = settings_process(tmp_path, code, DATABASE_URL=postgres_running, DB_DISABLE_SERVER_SIDE_CURSORS="1")
    assert (default.stdout.strip(), turned_off.stdout.strip()) == ("False", "True"), default.stderr + turned_off.stderr


def test_a_pool_without_postgresql_refuses_to_start(tmp_path):
    result = settings_process(tmp_path, "print('started')", PULT_DB_POOL="1")
    assert result.returncode != 0
    assert "PULT_DB_POOL=1 needs PostgreSQL" in result.stderr


def test_uploads_go_to_the_media_directory_by_default(tmp_path):
    code = "from django.core.files.storage import storages\nprint(type(storages['default']).__name__, end=' ')"
    code += "\nprint(storages['default'].location)"
    result = settings_process(tmp_path, code, MEDIA_ROOT=str(tmp_path / "shared-media"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"FileSystemStorage {tmp_path / 'shared-media'}"


def test_s3_storage_is_selected_with_its_bucket_endpoint_and_keys(tmp_path):
    # No S3 server here: this checks the backend Pult would talk to and how, without sending anything.
    code = """
from django.core.files.storage import storages; s = storages['default']
print(type(s).__module__, type(s).__name__)
print(s.bucket_name, s.location, s.endpoint_url, s.region_name, s.addressing_style, s.file_overwrite)
print(s.access_key, s.secret_key == "s3-secret")
"""
    result = settings_process(
        tmp_path,
        code,
        PULT_STORAGE="s3",
        PULT_S3_BUCKET="pult-files",
        PULT_S3_PREFIX="production",
        PULT_S3_ENDPOINT_URL="https://s3.example.internal",
        PULT_S3_REGION="eu-central-1",
        PULT_S3_ADDRESSING_STYLE="path",
        PULT_S3_ACCESS_KEY="pult-access",
        PULT_S3_SECRET_KEY="s3-secret",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "storages.backends.s3 S3Storage",
        "pult-files production https://s3.example.internal eu-central-1 path False",
        "pult-access True",
    ]


def test_s3_storage_without_a_bucket_or_an_unknown_storage_refuses_to_start(tmp_path):
    no_bucket = settings_process(tmp_path, "print('started')", PULT_STORAGE="s3")
    assert no_bucket.returncode != 0 and "PULT_STORAGE=s3 needs PULT_S3_BUCKET" in no_bucket.stderr
    unknown = settings_process(tmp_path, "print('started')", PULT_STORAGE="ftp")
    assert unknown.returncode != 0 and "PULT_STORAGE='ftp' is neither" in unknown.stderr
