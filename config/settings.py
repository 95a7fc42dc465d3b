"""Pult settings. Every value that differs between machines comes from the environment (config.env)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_fernet_keys,
    env_int,
    env_list,
    env_networks,
    env_pairs,
    env_str,
    installation_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PULT_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite database, Huey's queue and uploads live here by default

# Production mode refuses to start with unsafe settings (common.security: DEBUG, SECRET_KEY, ALLOWED_HOSTS, HTTPS).
PULT_ENV = env_str("PULT_ENV", "development")
DEBUG = env_bool("DEBUG", False)
# Outside production a missing key is made once and kept in var/secret_key; production must be given one.
SECRET_KEY = env_str("SECRET_KEY", "") or (
    "" if PULT_ENV == "production" else installation_secret(VAR_DIR / "secret_key")
)
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
    "worker",
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
    "privacy",
    "retention",
    "search",
    "demo",
    "monitoring",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request metrics (monitoring)
    "django.middleware.security.SecurityMiddleware",
    "common.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.NoStoreMiddleware",  # signed-in answers and downloads: Cache-Control: no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.session_security.SessionActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.PortalAccountsStayInPortalMiddleware",
    "accounts.session_security.TwoFactorEnrolmentMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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

# Forms: Django's widget templates, with the common widgets written in Python (common/form_rendering.py).
FORM_RENDERER = "common.form_rendering.FastTemplates"

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
# PULT_DB_POOL=1: a psycopg connection pool per process instead of persistent connections (docs/deployment.md).
if env_bool("PULT_DB_POOL", False):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("PULT_DB_POOL=1 needs PostgreSQL (a postgres:// DATABASE_URL).")
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses persistent connections together with a pool
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("PULT_DB_POOL_MIN", 2, minimum=0),
        "max_size": env_int("PULT_DB_POOL_MAX", 10, minimum=1),
        "timeout": env_int("PULT_DB_POOL_TIMEOUT", 30, minimum=1),
    }
# PostgreSQL plans a parallel scan whenever it expects many rows (a search word's matches, a capped count),
# and starting the workers costs more than a page's whole query; with every core busy serving requests they
# only take a core from another request. PULT_DB_PARALLEL_WORKERS sets max_parallel_workers_per_gather for
# Pult's connections (0: none); "keep" sends nothing and keeps the server's or the role's setting (behind
# PgBouncer, which refuses the startup option unless told to ignore it; docs/deployment.md).
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_str("PULT_DB_PARALLEL_WORKERS", "0") != "keep":
    parallel = env_int("PULT_DB_PARALLEL_WORKERS", 0, minimum=0)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c max_parallel_workers_per_gather={parallel}"
# Behind PgBouncer in transaction mode: no server-side cursors (QuerySet.iterator() on PostgreSQL uses them).
if env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's model backend, with a user's permissions and roles read in one statement per request.
AUTHENTICATION_BACKENDS = ["accounts.backends.PermissionsAtOnceBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (accounts.throttling): this many failed logins for one account name, or from one client
# address, within the window lock further attempts (even with the right password) for the lock period.
# Reverse proxies in front of Pult that append to X-Forwarded-For (common.clients): the client's address is
# taken from that header only then; 0 means Pult is reached directly and the header is ignored.
PULT_TRUSTED_PROXIES = env_int("PULT_TRUSTED_PROXIES", 0, minimum=0)
PULT_LOGIN_FAILURES_PER_ACCOUNT = env_int("PULT_LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
PULT_LOGIN_FAILURES_PER_ADDRESS = env_int("PULT_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
PULT_LOGIN_FAILURE_WINDOW_MINUTES = env_int("PULT_LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)
PULT_LOGIN_LOCK_MINUTES = env_int("PULT_LOGIN_LOCK_MINUTES", 15, minimum=1)
# The counters live in the database (accounts.ThrottleCounter), so every web process and machine shares them.
# Wrong API tokens from one address within the login window: then 429 for the login lock period.
PULT_API_TOKEN_FAILURES_PER_ADDRESS = env_int("PULT_API_TOKEN_FAILURES_PER_ADDRESS", 20, minimum=1)
# Password-reset mails (portal): at most this many to one address, and requests from one client, per window.
PULT_PASSWORD_RESETS_PER_ACCOUNT = env_int("PULT_PASSWORD_RESETS_PER_ACCOUNT", 3, minimum=1)
PULT_PASSWORD_RESETS_PER_ADDRESS = env_int("PULT_PASSWORD_RESETS_PER_ADDRESS", 10, minimum=1)
PULT_PASSWORD_RESET_WINDOW_MINUTES = env_int("PULT_PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1)
# A session unused for this many minutes ends (accounts.session_security); the cookie lives a little longer.
PULT_SESSION_IDLE_MINUTES = env_int("PULT_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = (PULT_SESSION_IDLE_MINUTES + 5) * 60
# The issuer name shown in authenticator apps next to the account (two-factor login).
PULT_TOTP_ISSUER = env_str("PULT_TOTP_ISSUER", "Pult")
# Secrets kept in the database (the TOTP secrets) are encrypted with these Fernet keys (common.encryption): the
# first encrypts, every one decrypts (rotation). Unset: a key derived from SECRET_KEY, which then must not change.
PULT_FIELD_ENCRYPTION_KEYS = env_fernet_keys("PULT_FIELD_ENCRYPTION_KEYS")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Company sign-on (accounts.directory): staff sign in with the company's directory, LDAP / Active Directory
# (accounts.ldap_backend) or OpenID Connect (accounts.oidc), each off while its first setting is empty. The
# *_ROLE_GROUPS settings map directory groups to Pult's roles ("role=group; role=group"), applied on every
# sign-in. Local passwords (ModelBackend) stay for the break-glass administrator.
PULT_LDAP_SERVER_URI = env_str("PULT_LDAP_SERVER_URI", "")
PULT_LDAP_BIND_DN = env_str("PULT_LDAP_BIND_DN", "")
PULT_LDAP_BIND_PASSWORD = env_str("PULT_LDAP_BIND_PASSWORD", "")
PULT_LDAP_START_TLS = env_bool("PULT_LDAP_START_TLS", False)
PULT_LDAP_CA_FILE = env_str("PULT_LDAP_CA_FILE", "")  # the CA that signed the server's certificate (ldaps, StartTLS)
PULT_LDAP_USER_SEARCH_BASE = env_str("PULT_LDAP_USER_SEARCH_BASE", "")
PULT_LDAP_USER_FILTER = env_str("PULT_LDAP_USER_FILTER", "(uid=%(user)s)")  # Active Directory: (sAMAccountName=…)
PULT_LDAP_GROUP_SEARCH_BASE = env_str("PULT_LDAP_GROUP_SEARCH_BASE", "")
PULT_LDAP_GROUP_TYPE = env_str("PULT_LDAP_GROUP_TYPE", "groupOfNames")
PULT_LDAP_ROLE_GROUPS = env_pairs("PULT_LDAP_ROLE_GROUPS")
# A local account whose user name equals the directory's is taken over only when this is on.
PULT_LDAP_LINK_LOCAL_ACCOUNTS = env_bool("PULT_LDAP_LINK_LOCAL_ACCOUNTS", False)
PULT_LDAP_TIMEOUT_SECONDS = env_int("PULT_LDAP_TIMEOUT_SECONDS", 5, minimum=1)
if PULT_LDAP_SERVER_URI and not (PULT_LDAP_USER_SEARCH_BASE and PULT_LDAP_GROUP_SEARCH_BASE):
    raise ImproperlyConfigured("PULT_LDAP_SERVER_URI needs PULT_LDAP_USER_SEARCH_BASE and PULT_LDAP_GROUP_SEARCH_BASE")

PULT_OIDC_CLIENT_ID = env_str("PULT_OIDC_CLIENT_ID", "")
PULT_OIDC_CLIENT_SECRET = env_str("PULT_OIDC_CLIENT_SECRET", "")
# The issuer's discovery document (<issuer>/.well-known/openid-configuration) gives the endpoints; any of them
# can be given instead (then no discovery is needed when all four are).
PULT_OIDC_ISSUER = env_str("PULT_OIDC_ISSUER", "").rstrip("/")
PULT_OIDC_AUTHORIZATION_ENDPOINT = env_str("PULT_OIDC_AUTHORIZATION_ENDPOINT", "")
PULT_OIDC_TOKEN_ENDPOINT = env_str("PULT_OIDC_TOKEN_ENDPOINT", "")
PULT_OIDC_USERINFO_ENDPOINT = env_str("PULT_OIDC_USERINFO_ENDPOINT", "")
PULT_OIDC_JWKS_URI = env_str("PULT_OIDC_JWKS_URI", "")
PULT_OIDC_SCOPES = env_str("PULT_OIDC_SCOPES", "openid email profile").replace(",", " ").split()
PULT_OIDC_SIGN_ALGORITHM = env_str("PULT_OIDC_SIGN_ALGORITHM", "RS256")
PULT_OIDC_GROUPS_CLAIM = env_str("PULT_OIDC_GROUPS_CLAIM", "groups")
PULT_OIDC_USERNAME_CLAIM = env_str("PULT_OIDC_USERNAME_CLAIM", "preferred_username")
PULT_OIDC_ROLE_GROUPS = env_pairs("PULT_OIDC_ROLE_GROUPS")
# "" (never), "username" or "email": which match takes over an existing local account at the first sign-in.
PULT_OIDC_LINK_LOCAL_ACCOUNTS = env_str("PULT_OIDC_LINK_LOCAL_ACCOUNTS", "")
PULT_OIDC_BUTTON_LABEL = env_str("PULT_OIDC_BUTTON_LABEL", "")  # empty: "Sign in with the company account"
PULT_OIDC_TIMEOUT_SECONDS = env_int("PULT_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
_OIDC_ENDPOINTS = (
    PULT_OIDC_AUTHORIZATION_ENDPOINT,
    PULT_OIDC_TOKEN_ENDPOINT,
    PULT_OIDC_USERINFO_ENDPOINT,
    PULT_OIDC_JWKS_URI,
)
if PULT_OIDC_CLIENT_ID and not (PULT_OIDC_ISSUER or all(_OIDC_ENDPOINTS)):
    raise ImproperlyConfigured("PULT_OIDC_CLIENT_ID needs PULT_OIDC_ISSUER (or all four PULT_OIDC_*_ENDPOINT/JWKS_URI)")
if PULT_OIDC_LINK_LOCAL_ACCOUNTS not in ("", "username", "email"):
    raise ImproperlyConfigured("PULT_OIDC_LINK_LOCAL_ACCOUNTS must be empty, 'username' or 'email'")
if PULT_LDAP_SERVER_URI:
    AUTHENTICATION_BACKENDS.append("accounts.ldap_backend.DirectoryLdapBackend")
if PULT_OIDC_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.DirectoryOidcBackend")

LANGUAGE_CODE = "hu"
LANGUAGES = [("hu", _("Hungarian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Budapest"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["common.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files live outside the web root and are only served through permission-checked views: in a directory
# (MEDIA_ROOT; with several machines one they all mount, e.g. NFS) or, with PULT_STORAGE=s3, in an S3-compatible
# object store through django-storages (docs/deployment.md).
PULT_STORAGE = env_str("PULT_STORAGE", "filesystem")
if PULT_STORAGE == "s3":
    _s3_options: dict[str, str | bool | None] = {
        "bucket_name": env_str("PULT_S3_BUCKET", ""),
        "location": env_str("PULT_S3_PREFIX", ""),
        "endpoint_url": env_str("PULT_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("PULT_S3_REGION", "") or None,
        # Empty: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, instance roles).
        "access_key": env_str("PULT_S3_ACCESS_KEY", "") or None,
        "secret_key": env_str("PULT_S3_SECRET_KEY", "") or None,
        "addressing_style": env_str("PULT_S3_ADDRESSING_STYLE", "") or None,  # "path" for most self-hosted stores
        "file_overwrite": False,  # like the directory: a second upload of the same name gets a new name
        "default_acl": None,
        "querystring_auth": True,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}  # type: ignore[dict-item]
    if not _s3_options["bucket_name"]:
        raise ImproperlyConfigured("PULT_STORAGE=s3 needs PULT_S3_BUCKET.")
elif PULT_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"PULT_STORAGE={PULT_STORAGE!r} is neither 'filesystem' nor 's3'.")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
# Lists count at most this many matching rows and then say "more than …" (counting a million rows is slow).
PULT_LIST_COUNT_CAP = env_int("PULT_LIST_COUNT_CAP", 10_000, minimum=100)
# The start page's overview (counts over every open ticket) is counted at most this often for those who see
# every ticket, and shared through the cache; 0 counts it on every request (dashboard.selectors.overview).
PULT_OVERVIEW_CACHE_SECONDS = env_int("PULT_OVERVIEW_CACHE_SECONDS", 20, minimum=0)
# A user's permissions and roles are kept in the cache under the permission revision (accounts.backends):
# a change counts from the next request; 0 reads them on every request.
PULT_PERMISSION_CACHE_SECONDS = env_int("PULT_PERMISSION_CACHE_SECONDS", 600, minimum=0)
PULT_MAX_ATTACHMENT_BYTES = env_int("PULT_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS (PULT_HTTPS=1): redirect plain HTTP, HSTS for a year (subdomains too), cookies only over HTTPS, and
# trust the reverse proxy's X-Forwarded-Proto (it must set or strip that header; PULT_PROXY_SSL_HEADER=0 if no
# proxy sits in front). Content-Security-Policy and Permissions-Policy: common.security.
PULT_HTTPS = env_bool("PULT_HTTPS", False)
SECURE_SSL_REDIRECT = PULT_HTTPS
# Load balancers and Prometheus reach each web process directly over plain HTTP (monitoring).
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PULT_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PULT_HTTPS
if env_bool("PULT_PROXY_SSL_HEADER", PULT_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PULT_HTTPS)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: htmx sends the token from the page (hx-headers on <body>), forms post it.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
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
# Retention periods shown in the privacy notice (the periodic deletion reads them too).
PULT_RETENTION_CLOSED_TICKET_YEARS = env_int("PULT_RETENTION_CLOSED_TICKET_YEARS", 5, minimum=1)
PULT_RETENTION_RAW_EMAIL_DAYS = env_int("PULT_RETENTION_RAW_EMAIL_DAYS", 365, minimum=1)
PULT_RETENTION_ACCESS_LOG_YEARS = env_int("PULT_RETENTION_ACCESS_LOG_YEARS", 5, minimum=1)
# Files attached to closed tickets are deleted this many years after the closing (default: as closed tickets).
PULT_RETENTION_ATTACHMENT_YEARS = env_int(
    "PULT_RETENTION_ATTACHMENT_YEARS", PULT_RETENTION_CLOSED_TICKET_YEARS, minimum=1
)
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
# Webhooks reach public addresses only (webhooks.targets); these let internal receivers through: every one, or
# those in the listed networks (e.g. "10.20.0.0/16, fd00:1::/64").
PULT_WEBHOOK_ALLOW_PRIVATE = env_bool("PULT_WEBHOOK_ALLOW_PRIVATE", False)
PULT_WEBHOOK_ALLOWED_NETWORKS = env_networks("PULT_WEBHOOK_ALLOWED_NETWORKS")

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
# The cache holds the API's per-minute counters, the public complaint form's and cached permissions: shared
# through Redis when REDIS_URL is set, per process otherwise. Login, password-reset and API-token throttling
# count in the database instead (accounts.throttling), shared by every process either way.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "connection": {"url": REDIS_URL}}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": env_str("HUEY_FILE", str(VAR_DIR / "huey.sqlite3"))}

# Monitoring (monitoring/): /metrics answers only requests with "Authorization: Bearer <PULT_METRICS_TOKEN>" when
# it is set, otherwise only requests from this machine (loopback) that no proxy forwarded.
PULT_METRICS_TOKEN = env_str("PULT_METRICS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
AUTH_USER_MODEL = "accounts.User"
