"""Pult settings. Every value that differs between machines comes from the environment (config.env)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, installation_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PULT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, Huey's queue and uploads live here by default

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "") or installation_secret(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "common",
    "accounts",
    "customers",
    "tickets",
    "intake",
    "dashboard",
    "mail",
    "worktime",
    "complaints",
    "api",
    "library",
    "portal",
    "webhooks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PortalAccountsStayInPortalMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.roles",
            ],
        },
    },
]

# SQLite (WAL, immediate transactions so writers queue instead of failing) unless DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "pult.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "hu"
LANGUAGES = [("hu", _("Hungarian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Budapest"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["common.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
PULT_MAX_ATTACHMENT_BYTES = env_int("PULT_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "sent-mail"))  # for the file backend (demo)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ugyfelszolgalat@pult.localhost")

# The company's letterhead on printed letters.
PULT_COMPANY_NAME = env_str("PULT_COMPANY_NAME", "Pult Szoftverház Kft.")
PULT_COMPANY_ADDRESS = env_str("PULT_COMPANY_ADDRESS", "1117 Budapest, Fehérvári út 1.")
PULT_COMPANY_CONTACT = env_str(
    "PULT_COMPANY_CONTACT", "Ügyfélszolgálat: +36 1 555 0100 · ugyfelszolgalat@pult.localhost"
)
# Faxes go out as e-mail to the fax gateway; {number} is the recipient's fax number, digits only.
PULT_FAX_GATEWAY_ADDRESS = env_str("PULT_FAX_GATEWAY_ADDRESS", "{number}@fax.pult.localhost")
# Certificates to trust for IMAP over TLS besides the system's (e.g. the company's internal CA).
PULT_IMAP_CA_FILE = env_str("PULT_IMAP_CA_FILE", "")
PULT_MAIL_DOMAIN = env_str("PULT_MAIL_DOMAIN", "pult.localhost")  # the right-hand side of our Message-IDs
PULT_ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR = env_int("PULT_ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR", 3, minimum=0)
PULT_EMAIL_SEND_ATTEMPTS = env_int("PULT_EMAIL_SEND_ATTEMPTS", 8, minimum=1)
# Where staff reach Pult: links in deadline warnings point here.
PULT_BASE_URL = env_str("PULT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Complaints (Act CLV of 1997 §17/A): the written answer is due this many calendar days after receipt (some
# sectors have shorter deadlines); the officer is warned this many days before; records and answers are kept
# this many years from the answer, then anonymised.
PULT_COMPLAINT_ANSWER_DAYS = env_int("PULT_COMPLAINT_ANSWER_DAYS", 30, minimum=1)
PULT_COMPLAINT_WARN_DAYS = env_int("PULT_COMPLAINT_WARN_DAYS", 5, minimum=0)
PULT_COMPLAINT_RETENTION_YEARS = env_int("PULT_COMPLAINT_RETENTION_YEARS", 3, minimum=1)
# The county of the company's seat (its conciliation body is named in refusals too), and whether the company
# has made a general declaration of submission to the conciliation bodies' decisions.
PULT_COMPANY_COUNTY = env_str("PULT_COMPANY_COUNTY", "budapest")
PULT_CONCILIATION_SUBMISSION_DECLARED = env_bool("PULT_CONCILIATION_SUBMISSION_DECLARED", False)
# The public complaint form accepts at most this many complaints per hour from one address.
PULT_PUBLIC_COMPLAINTS_PER_HOUR = env_int("PULT_PUBLIC_COMPLAINTS_PER_HOUR", 5, minimum=1)

# The customer portal: how long an invitation (set-your-password) link stays valid.
PULT_PORTAL_INVITATION_DAYS = env_int("PULT_PORTAL_INVITATION_DAYS", 7, minimum=1)
# The information library: the largest document file accepted.
PULT_LIBRARY_MAX_FILE_BYTES = env_int("PULT_LIBRARY_MAX_FILE_BYTES", 50 * 1024 * 1024, minimum=1)
# The JSON API: requests per minute allowed to one token (or one session), then 429 with Retry-After.
PULT_API_REQUESTS_PER_MINUTE = env_int("PULT_API_REQUESTS_PER_MINUTE", 120, minimum=1)
# Webhooks: delivery attempts (with growing back-off) and the receiver's time limit per attempt.
PULT_WEBHOOK_ATTEMPTS = env_int("PULT_WEBHOOK_ATTEMPTS", 8, minimum=1)
PULT_WEBHOOK_TIMEOUT_SECONDS = env_int("PULT_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)

# Background work: Huey with SQLite storage beside the database, or Redis when REDIS_URL is set, so
# several workers on several machines share one queue.
REDIS_URL = env_str("REDIS_URL", "")
HUEY = {
    "name": env_str("HUEY_NAME", "pult"),
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "results": False,
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
}
# The cache holds rate-limit counters (API, public forms): shared through Redis when REDIS_URL is set,
# per process otherwise.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "connection": {"url": REDIS_URL}}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": env_str("HUEY_FILE", str(VAR_DIR / "huey.sqlite3"))}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
AUTH_USER_MODEL = "accounts.User"
