"""Settings for the test suite: the real settings, with test-only secrets, fast hashing and a temp media root."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, HUEY, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pult-test-media-"))
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: concurrency tests use several connections, which need WAL and a real file.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"pult-test-{os.getpid()}.sqlite3")}
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="pult-test-static-"))
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The live server answers each request in its own thread; persistent connections would outlive the test
# and keep PostgreSQL from dropping the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Tests look at the overview right after changing tickets; dashboard/tests say what the cache does.
PULT_OVERVIEW_CACHE_SECONDS = 0
# The pages' constant-query tests count the permissions' statement on every request; the cache has its own
# tests (accounts/tests/test_backends.py).
PULT_PERMISSION_CACHE_SECONDS = 0

# Tasks run in the test process as they are queued (on commit); one test runs a real worker process.
HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_PORT = 9  # nothing listens there: a test that sends mail starts its own SMTP server and says where
EMAIL_TIMEOUT = 5
