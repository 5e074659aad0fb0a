"""The one settings file. Every value that differs between machines comes from the environment.

Development (the default) starts with nothing set: SQLite in WAL mode under ``var/``, DEBUG on,
mail printed to the console, the database task queue. Production (``SATUDATA_ENV=production``)
refuses to start without a secret key, allowed hosts and a database URL. README.md lists every
variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from satudata.core.logformat import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


ENVIRONMENT = env_str("SATUDATA_ENV", "development").lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("SATUDATA_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"
# pytest imports this module itself; tests get fast hashing and tasks run inline.
TESTING = "pytest" in sys.modules

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

if PRODUCTION:
    _missing = [n for n in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env_str(n)]
    if _missing:
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(_missing) + "."
        )
    if len(env_str("SECRET_KEY")) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")

SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-only-" + "x" * 40
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The site's public address, for links in e-mails (which are sent outside any request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "corsheaders",
    "satudata.core",
    "satudata.accounts",
    "satudata.regions",
    "satudata.sop",
    "satudata.catalog",
    "satudata.portal",
    "satudata.api",
    "satudata.releases",
    "satudata.reports",
    "satudata.products",
    "satudata.support",
    "satudata.promotion",
    "ninja",  # its Swagger UI files, so /api/v1/docs needs no CDN
]

MIDDLEWARE = [
    # First, so that it counts and times every answer, redirects and refusals included.
    "satudata.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "satudata.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "satudata.core.middleware.LanguageMiddleware",
    # Issue 16, no 500 on any input: API paths answer errors as JSON in their own shape, and a
    # NUL character (refused by PostgreSQL) is answered 400 before any view runs.
    "satudata.core.middleware.MachineErrorMiddleware",
    # Before anything reads a posted form: the views that take files read part headers up to
    # 64 KiB, so a very long file name is received and shortened (satudata/core/multipart.py).
    "satudata.core.multipart.LongFileNameMiddleware",
    "satudata.core.middleware.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "satudata.core.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "satudata.reports.usage.UsageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "satudata.core.middleware.SecurityHeadersMiddleware",
    # Setup (issue 16): a feature that needs setup_site's data answers 503 with the step, not 500.
    "satudata.core.setup.SetupIncompleteMiddleware",
    # Last, so that a lock-out answers before any view runs.
    "axes.middleware.AxesMiddleware",
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
                "satudata.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_db = "sqlite:///" + str(DATA_DIR / "satudata.sqlite3")
DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(env_str("DATABASE_URL") or _default_db, conn_max_age=0)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock
    # at BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
    # Tests use a file too, so that concurrent writers queue as they do in use (an in-memory
    # shared-cache database fails at once with "table is locked" instead).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-satudata.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lock-out after repeated failed log-ins (django-axes): per user name and address together,
# so a stranger cannot lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "satudata.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "satudata.core.middleware.client_ip_for_axes"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "satudata.core.views.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# --- Client address, CORS and rate limits (issue 16, points 6 and 9) ----------------------------
# X-Forwarded-For is read only when the request itself came from one of these proxies (addresses
# or CIDR ranges): a client reaching gunicorn directly cannot choose its address with a forged
# header, for the lock-out, the rate limits, usage events and the audit log alike.
if env_str("TRUSTED_PROXY_COUNT"):
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES: list the proxies' addresses."
    )
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if PRODUCTION else "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address.") from None
# Cross-origin reads of the public, read-only machine channels (django-cors-headers): REST v1,
# the CKAN API, DCAT, data.json, Data Packages and the release feeds. Never the site's forms.
PUBLIC_API_PATHS = (
    r"^/(api/v1/.*|api(/3)?|api(/3)?/action/[^/]+|catalog\.(jsonld|ttl|rdf)"
    r"|dataset/[-\w]+\.(jsonld|ttl|rdf)|data\.json|dataset/[-\w]+/datapackage\.json"
    r"|rilis\.(rss|atom)|jadwal-rilis\.(ics|json))$"
)
CORS_URLS_REGEX = PUBLIC_API_PATHS
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]  # CKAN reads may be POSTed as JSON
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "x-ckan-api-key"]
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Truncated"]
# Requests per client address and period ("300/m": s, m, h, d; "off" lifts one group's limit);
# see satudata/core/ratelimit.py for the groups. Off in tests, which turn them on themselves.
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", not TESTING)
RATE_LIMITS = {
    "api": env_str("RATE_LIMIT_API", "300/m"),
    "search": env_str("RATE_LIMIT_SEARCH", "120/m"),
    "forms": env_str("RATE_LIMIT_FORMS", "30/m"),
}
for _group, _rate in RATE_LIMITS.items():
    if _rate != "off" and not re.fullmatch(r"[1-9]\d*/\d*[smhd]", _rate):
        raise ImproperlyConfigured(f"RATE_LIMIT_{_group.upper()} must look like 300/m or be off.")
# Counts live in this cache: with several web processes it must be shared, e.g.
# redis://127.0.0.1:6379/1 (Django's RedisCache) or db://satudata_ratelimit (run
# `manage.py createcachetable`). Empty: each process counts alone (development).
RATELIMIT_CACHE_URL = env_str("RATELIMIT_CACHE_URL")
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True  # a cache that is down lets requests through instead of refusing all
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)

# Content-Security-Policy (django-csp): everything from this server, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The default cache stays in each process (kept pages); rate-limit counts go where configured.
if RATELIMIT_CACHE_URL.startswith(("redis://", "rediss://")):
    # Fails open: with Redis unreachable, limits let requests through (logged), never a 500.
    _ratelimit_cache: dict[str, str] = {
        "BACKEND": "satudata.core.failopen_cache.FailOpenRedisCache",
        "LOCATION": RATELIMIT_CACHE_URL,
    }
elif RATELIMIT_CACHE_URL.startswith("db://"):
    _ratelimit_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": RATELIMIT_CACHE_URL[5:] or "satudata_ratelimit",
    }
elif RATELIMIT_CACHE_URL:
    raise ImproperlyConfigured("RATELIMIT_CACHE_URL must start with redis://, rediss:// or db://.")
else:
    _ratelimit_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": _ratelimit_cache,
}

# --- Internationalisation and time -----------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times written as each language writes them ("10.00" in Indonesian, "10:00" in
# English); templates name these formats instead of spelling a pattern.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"  # WIB, UTC+7 all year: no daylight saving.
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
if TESTING:
    # Tests never write into the development data folder.
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="satudata-test-media-"))
MEDIA_URL = "/media/"

# Outside production WhiteNoise serves straight from the source folders: no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND not in {"filesystem", "s3"}:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'.")
_default_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # "path" for MinIO and most S3-compatible servers reached by a host name; empty:
            # botocore's choice (virtual-hosted for AWS, path for an IP address).
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,
        },
    }
    if not env_str("S3_BUCKET") and not TESTING:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET.")
STORAGES: dict[str, Any] = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Mail --------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Satu Data <satudata@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- E-mail off the request (issue 16, point 3) --------------------------------------------------
# Every message is recorded (OutgoingMail) and sent by a background task after commit
# (satudata.core.mail); the timeout bounds each wait on the mail server inside that task, and a
# failed attempt is retried with back-off until MAIL_MAX_ATTEMPTS, then shown as failed.
EMAIL_TIMEOUT = max(env_int("EMAIL_TIMEOUT", 20), 1)
MAIL_MAX_ATTEMPTS = max(env_int("MAIL_MAX_ATTEMPTS", 5), 1)

# --- Background work (Django Tasks API) ---------------------------------------------------------
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if TESTING else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("TASKS_BACKEND must be one of: " + ", ".join(_TASK_BACKENDS) + ".")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    # A Redis that cannot be reached within the connect timeout is down: an upload then answers
    # 503 at once instead of hanging (no read timeout: the worker's own reads block by design).
    _redis_url = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
    if "socket_connect_timeout" not in _redis_url:
        _redis_url += ("&" if "?" in _redis_url else "?") + "socket_connect_timeout=5"
    RQ_QUEUES = {
        "default": {
            "URL": _redis_url,
            # RQ stops a job after this long; its own default (3 minutes) cuts large checks.
            "DEFAULT_TIMEOUT": env_int("RQ_JOB_TIMEOUT_SECONDS", 3600),
        }
    }
    # django-tasks-rq's job class runs a Task; RQ's own calls it and fails every job with
    # "'Task' object is not callable". The documented command names it too (--job-class).
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

# Periodic jobs: name -> (task path, interval in minutes). The scheduler enqueues each once per
# interval, however many schedulers run (see satudata.core.scheduler).
PERIODIC_TASKS = {
    "sop-due-reminders": ("satudata.sop.tasks.send_due_reminders", 60),
    # Setup (issue 16): next year's holidays are loaded before due dates reach it.
    "sop-coming-holidays": ("satudata.sop.tasks.load_coming_holidays", 1440),
    "mail-retry": ("satudata.core.mail.retry_due", 1),  # issue 16, point 3
}

# --- Releases (SOP activity 3) ---------------------------------------------------------------
# The standard release time (WIB) a confirmed release date gets unless another is chosen: one
# time for every release, announced with the calendar (UK Code T3.6; BPS releases at 11.00).
RELEASE_TIME = env_str("RELEASE_TIME", "10:00")

# --- Data server -----------------------------------------------------------------------------
# Every datastore query stops after this many seconds and returns at most this many rows (with
# ``truncated``); a filtered download at most the export cap. Queries run in DuckDB in-process.
DATASTORE_TIME_LIMIT = env_float("DATASTORE_TIME_LIMIT", 5.0)
DATASTORE_MAX_ROWS = env_int("DATASTORE_MAX_ROWS", 32000)
DATASTORE_EXPORT_MAX_ROWS = env_int("DATASTORE_EXPORT_MAX_ROWS", 1_000_000)
DATASTORE_THREADS = env_int("DATASTORE_THREADS", 2)
# Memory DuckDB may hold per web process before it spills to disk (a sorted download of a whole
# large table sorts every row); spilled data goes to DATASTORE_CACHE_DIR/spill.
DATASTORE_MEMORY_MB = env_int("DATASTORE_MEMORY_MB", 1024)
# --- Statistical tables (issue 18, part B) ---------------------------------------------------
# Most cells one table may have: a table product, a builder view, an API call (PxWebApi's
# maxDataCells); a larger selection is refused with a 400 naming both numbers.
TABLE_MAX_CELLS = env_int("TABLE_MAX_CELLS", 100_000)
# Most cells a table is typeset with as PDF or PNG (a page image grows with the table; the data
# formats take up to TABLE_MAX_CELLS).
TABLE_MAX_PRINT_CELLS = env_int("TABLE_MAX_PRINT_CELLS", 5_000)
# organization_list/group_list with all_fields: CKAN stops at 25 by default, which would cut a
# regency's agency list short for clients that do not page.
CKAN_LIST_ALL_FIELDS_MAX = env_int("CKAN_LIST_ALL_FIELDS_MAX", 1000)
# Where versions kept on object storage are copied to be queried (they never change).
DATASTORE_CACHE_DIR = Path(env_str("DATASTORE_CACHE_DIR", str(DATA_DIR / "datastore")))
# Public pages kept rendered for visitors without cookies (core/pagecache.py); 0 turns it off.
# Keys hold what the gate lets the visitor see, so releases show at once; other edits within this.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
# Usage events (page views, downloads, API calls, searches): counted after the answer and written
# in batches of USAGE_BATCH or every USAGE_FLUSH_SECONDS, whichever comes first (0: at once).
USAGE_EVENTS = env_bool("USAGE_EVENTS", True)
# 1000 a batch: a flush's running totals (reports.counts) share one statement per dataset, so
# the buffer keeps above issue 21's 2,000 events/s (bench/bench_usage_record.py).
USAGE_BATCH = env_int("USAGE_BATCH", 1000)
USAGE_FLUSH_SECONDS = env_float("USAGE_FLUSH_SECONDS", 0.0 if TESTING else 5.0)
# --- Usage rollups (issue 21, SOP activity 6) -----------------------------------------------
# Robots by behaviour (reports/bots.py): a daily visitor hash with more requests than this in a
# day, or more than USAGE_BOT_BURST in one minute, is a robot for that day (rollups bot=True).
USAGE_BOT_DAILY_REQUESTS = env_int("USAGE_BOT_DAILY_REQUESTS", 1000)
USAGE_BOT_BURST = env_int("USAGE_BOT_BURST", 120)
# A day counts as over (its rollup "complete") this long after midnight WIB, once the usage
# buffer's last flush is in. Complete days of the last USAGE_ROLLUP_RECHECK_DAYS whose raw
# events grew since (late events) are rolled again.
USAGE_ROLLUP_MARGIN_MINUTES = env_int("USAGE_ROLLUP_MARGIN_MINUTES", 10)
USAGE_ROLLUP_RECHECK_DAYS = env_int("USAGE_ROLLUP_RECHECK_DAYS", 7)
# Raw usage events older than this many days are deleted, only for complete rolled-up days
# (0: kept for ever). The rollups stay.
USAGE_RAW_RETENTION_DAYS = env_int("USAGE_RAW_RETENTION_DAYS", 730)
# KPI 7 (error-free releases): a significant erratum within this many days after a release
# makes it not error-free (ABS "free of significant errors").
REPORTS_ERRATUM_WINDOW_DAYS = env_int("REPORTS_ERRATUM_WINDOW_DAYS", 30)
# KPI 13 (channel index): the base year = 100. Unset: the first calendar year whose every day is
# rolled up; without one the index is "not available".
REPORTS_CHANNEL_BASE_YEAR = env_int("REPORTS_CHANNEL_BASE_YEAR", 0) or None
PERIODIC_TASKS.update(
    {
        "usage-rollup": ("satudata.reports.tasks.rollup_usage", 15),
        "usage-retention": ("satudata.reports.tasks.delete_expired_usage", 1440),
    }
)

# --- Uploads ---------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 200) * 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20  # larger uploads stream to a temporary file
# The views that take a file: a part's headers may be up to 64 KiB there instead of Django's
# 1 KiB, so a file name of thousands of characters is received and shortened to 255 characters
# rather than failing the request (satudata/core/multipart.py).
LONG_FILE_NAME_VIEWS = (
    "catalog:item-upload",
    "catalog:datalist-import",
    "catalog:metadata-import",
    "api-v1:item-upload",
)
# The synchronisation check works in a private DuckDB database on disk (see
# catalog/sinkronisasi/engine.py): where (empty: the system's temporary folder), how much
# memory before it spills, how many threads.
SYNC_WORK_DIR = env_str("SYNC_WORK_DIR", "")
SYNC_MEMORY_MB = env_int("SYNC_MEMORY_MB", 512)
SYNC_THREADS = env_int("SYNC_THREADS", 2)
# CSV/TSV files above this size are read straight by DuckDB instead of row by row in Python.
SYNC_STREAM_BYTES = env_int("SYNC_STREAM_MB", 2) * 2**20
# Bounds on what one uploaded file may make the reader build
# (catalog/sinkronisasi/reading/limits.py), each checked before the file is expanded; a file
# past one is refused with a message saying which.
# Real XLSX tables unpack to 8-20 times their packed size; zip bombs to about 1,000 times.
READ_MAX_UNPACKED_BYTES = env_int("READ_MAX_UNPACKED_MB", 500) * 2**20
READ_MAX_ZIP_RATIO = env_int("READ_MAX_ZIP_RATIO", 100)
READ_MAX_ZIP_MEMBERS = env_int("READ_MAX_ZIP_MEMBERS", 2000)
# Cells one worksheet may span (every cell of the rectangle is held in memory while it is read).
READ_MAX_CELLS = env_int("READ_MAX_CELLS", 2_000_000)
READ_MAX_CELL_CHARS = env_int("READ_MAX_CELL_CHARS", 32_767)  # Excel's own limit
READ_MAX_COLUMNS = env_int("READ_MAX_COLUMNS", 1000)
READ_MAX_LINE_BYTES = env_int("READ_MAX_LINE_KB", 1024) * 1024

# --- Recovery of interrupted work (issue 16, point 4) ----------------------------------------
# A running check beats a heartbeat on its upload; one silent for SYNC_STALE_MINUTES lost its
# worker (killed, out of memory, machine restarted): it is checked once more, then marked failed
# with a message for the producer. Other tasks left RUNNING in the database queue longer than
# TASK_STALE_MINUTES are marked failed. The scheduler runs both every few minutes.
SYNC_HEARTBEAT_SECONDS = env_int("SYNC_HEARTBEAT_SECONDS", 30)
SYNC_STALE_MINUTES = env_int("SYNC_STALE_MINUTES", 10)
SYNC_MAX_ATTEMPTS = 2
TASK_STALE_MINUTES = env_int("TASK_STALE_MINUTES", 60)
# Tasks judged by a heartbeat of their own, not by TASK_STALE_MINUTES.
TASKS_WITH_HEARTBEAT = ["satudata.catalog.tasks.check_upload"]
# Uploads stream into this folder (Django's FILE_UPLOAD_TEMP_DIR) before storage; files a killed
# process left there, and check workspaces left in SYNC_WORK_DIR, are swept after this age.
UPLOAD_TEMP_DIR = Path(env_str("UPLOAD_TEMP_DIR", str(DATA_DIR / "tmp" / "uploads")))
if TESTING:
    UPLOAD_TEMP_DIR = Path(tempfile.mkdtemp(prefix="satudata-test-uploads-"))
UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_TEMP_DIR = str(UPLOAD_TEMP_DIR)
TEMP_MAX_AGE_HOURS = env_int("TEMP_MAX_AGE_HOURS", 6)
PERIODIC_TASKS.update(
    {
        "recover-interrupted-checks": ("satudata.catalog.tasks.recover_interrupted_checks", 5),
        "recover-interrupted-tasks": ("satudata.core.tasks.recover_interrupted_tasks", 15),
    }
)

# --- Letters (nota dinas) ------------------------------------------------------------------------
# {seq} is the year's running number, {year} the year; numbers are never reused.
LETTER_NUMBER_FORMAT = env_str("LETTER_NUMBER_FORMAT", "{seq:03d}/ND/Diskominfo/{year}")

# --- Publications (issue 18, part E) --------------------------------------------------------------
# The Typst file that gives a generated publication its look (cover, title page, running headers);
# a regency may point this at a copy in its house style. The body font, and extra folders Typst
# looks for fonts in besides the system's and its own (a font it cannot find fails the version
# with a clear message rather than printing in a fallback).
PUBLICATION_TEMPLATE = env_str(
    "PUBLICATION_TEMPLATE", str(BASE_DIR / "satudata" / "products" / "typst" / "publication.typ")
)
PUBLICATION_FONT = env_str("PUBLICATION_FONT", "Libertinus Serif")
PUBLICATION_FONT_PATHS = [p for p in env_str("PUBLICATION_FONT_PATHS", "").split(":") if p]
# A publication whose data have a newer released version is made again (a new version with a note).
PERIODIC_TASKS["regenerate-publications"] = (
    "satudata.products.publication_tasks.regenerate_stale_publications",
    15,
)

# --- User support (SOP activity 5, issue 19) -------------------------------------------------
# Working days to answer, per ticket category (consultation 3 as at BPS's PST; a KIP request 10,
# UU 14/2008 Pasal 22 ayat 7), and the one extension with a written reason (KIP +7, ayat 8).
SUPPORT_ANSWER_DAYS = {
    "konsultasi": 3,
    "permintaan_data": 10,
    "kip": 10,
    "pengaduan": 5,
    "koreksi_data": 5,
    "masukan": 5,
}
SUPPORT_EXTENSION_DAYS = {"kip": 7, "permintaan_data": 7}
# {seq} is the year's running number, {year} the year: the registration number (KIP Pasal 22).
SUPPORT_NUMBER_FORMAT = env_str("SUPPORT_NUMBER_FORMAT", "LYN-{year}-{seq:05d}")
# The domain of the Message-IDs that thread a ticket's e-mails, and the address replies go to.
SUPPORT_MAIL_DOMAIN = env_str("SUPPORT_MAIL_DOMAIN", "satudata.localhost")
SUPPORT_REPLY_TO = env_str("SUPPORT_REPLY_TO", "")
# Attachments on tickets: size limit per file and files per message.
SUPPORT_ATTACHMENT_MAX_BYTES = env_int("SUPPORT_ATTACHMENT_MAX_MB", 10) * 2**20
SUPPORT_ATTACHMENTS_PER_MESSAGE = env_int("SUPPORT_ATTACHMENTS_PER_MESSAGE", 5)
# Public forms: tickets per address per hour, and the proof-of-work difficulty (leading zero
# bits of sha256(challenge + nonce)); 0 switches the challenge off.
SUPPORT_TICKETS_PER_HOUR = env_int("SUPPORT_TICKETS_PER_HOUR", 5)
SUPPORT_POW_BITS = env_int("SUPPORT_POW_BITS", 18)
# Days after closing when a ticket's personal data (name, contact) is erased; 0 keeps it.
SUPPORT_RETENTION_DAYS = env_int("SUPPORT_RETENTION_DAYS", 730)
# Replies by e-mail: the Maildir into which the mail server delivers SUPPORT_REPLY_TO's mail;
# read every 5 minutes (support-inbound). Empty: replies are made on the follow page only.
SUPPORT_INBOUND_MAILDIR = env_str("SUPPORT_INBOUND_MAILDIR", "")
# Reminders: this many hours before a deadline the handler is reminded.
SUPPORT_REMINDER_HOURS = env_int("SUPPORT_REMINDER_HOURS", 24)
PERIODIC_TASKS.update(
    {
        "support-deadlines": ("satudata.support.tasks.remind_and_escalate", 30),
        "support-retention": ("satudata.support.tasks.erase_expired_personal_data", 1440),
        "support-inbound": ("satudata.support.tasks.read_inbound_mail", 5),
    }
)

# --- Promotion (SOP activity 4, issue 20) -----------------------------------------------------
# Days a subscription's confirmation link stays valid (double opt-in).
PROMOTION_CONFIRM_DAYS = env_int("PROMOTION_CONFIRM_DAYS", 7)
# Release e-mails: messages handed to the mail server per batch (one SMTP connection each) and
# at most this many per second by each worker (0: as fast as the server takes them).
PROMOTION_BATCH = env_int("PROMOTION_BATCH", 200)
PROMOTION_SEND_RATE = env_float("PROMOTION_SEND_RATE", 100.0)
# A subscriber whose deliveries failed this many times in a row is suspended.
PROMOTION_MAX_FAILURES = env_int("PROMOTION_MAX_FAILURES", 3)
# Release e-mails tell only what came out (or changed on the calendar) in the last this many
# days: the first deployment does not mail the whole back catalogue, and a worker stopped for
# a day catches up on its return.
PROMOTION_RECENT_DAYS = env_int("PROMOTION_RECENT_DAYS", 2)
# A delivery "being sent" for longer than this belongs to a worker that died: it is sent again
# (the one window for a double send; the copy has the same Message-ID).
PROMOTION_STALE_MINUTES = env_int("PROMOTION_STALE_MINUTES", 10)
# The weekly digest goes out on this weekday (0 Monday) from this time (WIB).
PROMOTION_DIGEST_WEEKDAY = env_int("PROMOTION_DIGEST_WEEKDAY", 0)
PROMOTION_DIGEST_TIME = env_str("PROMOTION_DIGEST_TIME", "08:00")
# Subscription requests per client address per hour on the public form.
PROMOTION_SUBSCRIBE_PER_HOUR = env_int("PROMOTION_SUBSCRIBE_PER_HOUR", 5)
# At most one subscription mail (confirmation, or "already subscribed") per address in this many
# seconds, whatever the number of clients asking: nobody's mailbox is filled through the form.
PROMOTION_SUBSCRIBE_MAIL_INTERVAL = env_int("PROMOTION_SUBSCRIBE_MAIL_INTERVAL", 300)
# Reserved domains (example.com/.net/.org, *.test, *.example, *.invalid, *.localhost) can never
# receive mail: the public form refuses them unless this is on (a developer trying the form).
PROMOTION_ALLOW_RESERVED_DOMAINS = env_bool("PROMOTION_ALLOW_RESERVED_DOMAINS", DEBUG)
# The query parameter of campaign links (?k=<tag>): counted with the usage events, no cookie.
PROMOTION_CAMPAIGN_PARAMETER = "k"
# Most upcoming releases a widget lists (?n= is capped), most releases on "what's new", and how
# long a release's computed facts (key figures) are kept for those pages and feeds.
PROMOTION_WIDGET_MAX_ITEMS = env_int("PROMOTION_WIDGET_MAX_ITEMS", 10)
PROMOTION_NEWS_MAX_ITEMS = env_int("PROMOTION_NEWS_MAX_ITEMS", 30)
PROMOTION_FACTS_CACHE_SECONDS = env_int("PROMOTION_FACTS_CACHE_SECONDS", 600)
# Where social cards and press releases are kept (under their sha256), like product files.
PROMOTION_SHARE_DIR = "promotion/share"
# The largest evidence file (screenshot, photo, PDF) of a done promotion action, in bytes.
PROMOTION_EVIDENCE_MAX_BYTES = env_int("PROMOTION_EVIDENCE_MAX_BYTES", 10 * 2**20)
# The languages the worker makes each release's share kit in when it is scheduled (others are
# made on request); tests make kits themselves rather than at every scheduling.
PROMOTION_SHARE_LANGUAGES = ("id", "en")
PROMOTION_SHARE_ON_SCHEDULE = env_bool("PROMOTION_SHARE_ON_SCHEDULE", not TESTING)
# Bounces that come back after the mail server accepted a release e-mail: the envelope sender
# of release e-mails, and the Maildir the mail server delivers that address into (read every 10
# minutes). Empty: only refusals at sending time are counted.
PROMOTION_BOUNCE_ADDRESS = env_str("PROMOTION_BOUNCE_ADDRESS", "")
PROMOTION_BOUNCE_MAILDIR = env_str("PROMOTION_BOUNCE_MAILDIR", "")
PERIODIC_TASKS.update(
    {
        "promotion-bounces": ("satudata.promotion.bounces.read_bounces", 10),
        "promotion-dispatch": ("satudata.promotion.dispatch.dispatch_due", 1),
        "promotion-digest": ("satudata.promotion.dispatch.send_digests", 60),
    }
)

# --- SOP -----------------------------------------------------------------------------------------
# Working days given to a step whose SOP row prints no time standard (activity 1 in the 2024
# Pringsewu SOP); the Walidata can set it per step on the SOP revision page.
SOP_DEFAULT_WORKING_DAYS = env_int("SOP_DEFAULT_WORKING_DAYS", 5)

# --- Health, logs and metrics (issue 16, point 5) --------------------------------------------
# /healthz fails the queue when the oldest waiting task has waited longer than this, and the
# scheduler when its last tick is older than this (it ticks every 30 seconds).
HEALTH_QUEUE_MAX_WAIT_SECONDS = env_int("HEALTH_QUEUE_MAX_WAIT_SECONDS", 300)
HEALTH_SCHEDULER_MAX_AGE_SECONDS = env_int("HEALTH_SCHEDULER_MAX_AGE_SECONDS", 300)
# /metrics (Prometheus) answers these client addresses or networks, and anyone sending
# "Authorization: Bearer <METRICS_TOKEN>" when a token is set; everyone else gets 403.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Every process (web, gunicorn, worker, scheduler) logs one line per record, stamped in WIB
# with its offset; LOG_FORMAT=json writes one JSON object per line instead.
for _entry in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS: {_entry!r} is not an address or network."
        ) from None
# Gauges read from the database at each scrape (each a function yielding metric families).
METRICS_SCRAPE_GAUGES = [
    "satudata.core.metrics.queue_gauges",
    "satudata.core.metrics.scheduler_gauges",
    "satudata.core.metrics.mail_failure_gauges",
    "satudata.catalog.metrics.upload_gauges",
]
LOG_FORMAT = env_str("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"), zone=TIME_ZONE)
