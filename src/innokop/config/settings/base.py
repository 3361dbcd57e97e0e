"""Settings shared by every environment. Values come from the environment (see README)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from innokop.config.media_storage import media_storage
from innokop.config.private_files import (
    private_dir,
    private_sqlite_database,
    read_or_create_network_key,
    read_or_create_secret,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = private_dir(Path(os.environ.get("INNOKOP_VAR_DIR", Path.cwd() / "var")).resolve())


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = read_or_create_secret(VAR_DIR / "secret_key")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Innoköp's apps from the bottom layer up (docs/architecture.md): dashboard panels and demo loaders
# are found per app and taken in this order, so the demo's people exist before anything else.
INSTALLED_APPS = [
    "innokop.accounts",
    "innokop.core",
    "innokop.reference",
    "innokop.agreements",
    "innokop.catalogue",
    "innokop.calloffs",
    "innokop.prestudy",
    "innokop.followup",
    "innokop.opendata",
    "innokop.network",
    "innokop.webhooks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "innokop.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "innokop.accounts.middleware.ApiTokenMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "innokop.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "innokop.config.urls"
WSGI_APPLICATION = "innokop.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "innokop.core.context_processors.site",
            ],
        },
    },
]
# Every form's errors name their field ("Fill in “Title”."), in the error summary and next to the field.
FORM_RENDERER = "innokop.core.form_errors.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'innokop.sqlite3'}"),
        # Persistent connections: a new connection per request (and SQLite's PRAGMAs) cost more than the page
        # (docs/performance.md, throughput); the health check replaces one the server has closed.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    private_sqlite_database(str(DATABASES["default"]["NAME"]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:start"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "innokop_language"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = private_dir(Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checked views
# Uploads on local disk under MEDIA_ROOT, or in an S3-compatible bucket with INNOKOP_MEDIA_STORAGE=s3 (docs/scaling.md).
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "innokop.core.mail.OutboxEmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Innoköp <noreply@innokop.example>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache holds the rate-limit counts. Files under ./var/ are shared by every process on the host
# (web workers and task worker); with several hosts each counts for itself.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    # Rendered catalogue result pages, in each process's memory, under the search index's token
    # (catalogue/views/public.py): a change to the index makes every process render afresh.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "innokop-pages",
        "OPTIONS": {"MAX_ENTRIES": 200},  # about 50 KB each
    },
}
# How long a rendered catalogue page may be served from the cache; 0 renders every request.
CATALOGUE_PAGE_CACHE_SECONDS = int(os.environ.get("CATALOGUE_PAGE_CACHE_SECONDS", "60"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded and generated files are readable by the account running Innoköp only (docs/security.md).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A strict policy: no inline script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# How many reverse proxies of ours stand in front of the application: the client's address is the
# entry that many places from the right in X-Forwarded-For (core/client_ip.py); 0 = REMOTE_ADDR.
INNOKOP_TRUSTED_PROXIES = int(os.environ.get("INNOKOP_TRUSTED_PROXIES", "0"))

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# The pair is locked, never the account alone: a stranger's wrong passwords from another address
# cannot keep the owner out (docs/security.md).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "innokop.core.client_ip.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

OTP_TOTP_ISSUER = "Innoköp"

# Innoköp's own settings
INNOKOP_DEMO = env_bool("INNOKOP_DEMO", False)
INNOKOP_REQUIRE_2FA = env_bool("INNOKOP_REQUIRE_2FA", True)
INNOKOP_MAX_UPLOAD_BYTES = int(os.environ.get("INNOKOP_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))
INNOKOP_INVITATION_DAYS = 14
# Rule 12: a sales report is flagged when it gives a buyer less than this share of a running call-off
# contract's value for the days of the quarter it ran.
INNOKOP_SALES_UNDER_REPORTING_SHARE = os.environ.get("INNOKOP_SALES_UNDER_REPORTING_SHARE", "0.5")
# At most (count) per (seconds), per logged-in user or per visitor's address (core/ratelimit.py);
# password resets and registrations also per e-mail address asked for.
INNOKOP_RATE_LIMITS = {
    "question": (10, 15 * 60),
    "password_reset": (5, 60 * 60),
    "registration": (5, 60 * 60),
    "api_token": (10, 60 * 60),
    "document_request": (5, 60 * 60),
    "webhook_send": (20, 60 * 60),  # test pings and "send again", per person and per webhook
}
# A request for a public document is decided "skyndsamt" (TF 2:15): this many working days after it is registered.
INNOKOP_DOCUMENT_REQUEST_DAYS = int(os.environ.get("INNOKOP_DOCUMENT_REQUEST_DAYS", "3"))
# `innokop serve` runs every app's daily jobs (reminders, alerts, the OCDS bulk file) at start and then every
# this many hours, one node per period (core/daily.py); 0 leaves them to cron running `innokop daily`.
INNOKOP_DAILY_HOURS = int(os.environ.get("INNOKOP_DAILY_HOURS", "24"))
# A task RUNNING for longer than this many minutes is taken to have lost its worker (killed, out of memory, the
# machine gone) and is put back in the queue (core/taskqueue.py): longer than any task legitimately runs.
INNOKOP_TASK_STALLED_MINUTES = int(os.environ.get("INNOKOP_TASK_STALLED_MINUTES", "60"))
# Finished task results are deleted by a daily job after this many days (failed ones after the second): core/taskqueue.py
INNOKOP_TASK_RESULTS_DAYS = int(os.environ.get("INNOKOP_TASK_RESULTS_DAYS", "14"))
INNOKOP_FAILED_TASK_RESULTS_DAYS = int(os.environ.get("INNOKOP_FAILED_TASK_RESULTS_DAYS", "90"))
# The outbox keeps confidential e-mail with its links cut; the embedded demo prints it whole on the
# server's console instead, where only whoever runs the server reads it (core/mail.py).
INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE = env_bool("INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE", False)
# Open data (OCDS, docs/ocds.md): the ocid prefix registered with the Open Contracting Partnership
# ("ocds-" and six letters or digits; this placeholder until one is registered), and who publishes.
INNOKOP_OCDS_PREFIX = os.environ.get("INNOKOP_OCDS_PREFIX", "ocds-xxxxxx")
INNOKOP_OCDS_PUBLISHER = os.environ.get("INNOKOP_OCDS_PUBLISHER", "Innoköp")
INNOKOP_OCDS_LICENSE = os.environ.get("INNOKOP_OCDS_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/")
# The network of sister bodies (network app): this instance's Ed25519 signing key for its feed (base64 of the
# 32-byte private key), from the environment or generated once into VAR_DIR (0600); feeds are fetched over
# HTTPS only (plain HTTP to loopback when INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP, as in tests).
INNOKOP_NETWORK_SIGNING_KEY = read_or_create_network_key(VAR_DIR / "network_signing_key")
INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP = env_bool("INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP", False)
INNOKOP_NETWORK_NAME = os.environ.get("INNOKOP_NETWORK_NAME", INNOKOP_OCDS_PUBLISHER)
# Key rotation (docs/user-guide.md): keys generated by a rotation are kept in this directory (0600 files), and the
# previous key keeps signing the feed beside the new one for this many days.
INNOKOP_NETWORK_KEY_DIR = Path(os.environ.get("INNOKOP_NETWORK_KEY_DIR", VAR_DIR / "network_keys"))
INNOKOP_NETWORK_KEY_TRANSITION_DAYS = int(os.environ.get("INNOKOP_NETWORK_KEY_TRANSITION_DAYS", "30"))
# Webhook deliveries go to public HTTPS addresses only; loopback (and plain HTTP to it) only in tests and DEBUG.
INNOKOP_WEBHOOKS_ALLOW_LOOPBACK = DEBUG and env_bool("INNOKOP_WEBHOOKS_ALLOW_LOOPBACK", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
