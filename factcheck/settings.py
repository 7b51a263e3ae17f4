"""Settings for factcheck, all read from the environment.

Development defaults need nothing: DEBUG on, a SQLite file in the project folder and
Celery tasks run in-process. With ``DEBUG=0`` the production checks below are strict:
a real ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required and HTTPS settings are on.
Every variable is documented in the README's settings table.
"""

import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_float(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return float(default)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_int_list(name, default):
    value = env(name).strip() or default
    try:
        return [int(item) for item in value.split(",")]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, such as {default}; not {value!r}"
        ) from None


def env_networks(name):
    """The variable as it is (the fetcher parses it), once every network in it is valid: a
    typo would otherwise fail every fetch, long after startup."""
    value = env(name)
    for item in filter(None, (part.strip() for part in value.split(","))):
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be networks separated by commas, such as 127.0.0.0/8; "
                f"{item!r} is not one"
            ) from None
    return value


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_ports(name, default):
    value = env(name).strip() or default
    ports = [port.strip() for port in value.split(",")]
    if not all(port.isdigit() and 0 < int(port) < 65536 for port in ports):
        raise ImproperlyConfigured(
            f"{name} must be TCP ports separated by commas, such as 80,443; not {value!r}"
        )
    return frozenset(int(port) for port in ports)


DEBUG = env_bool("DEBUG", True)

# The development key is only ever used with DEBUG on; production must bring its own.
DEVELOPMENT_SECRET_KEY = "django-insecure-factcheck-development-only"  # noqa: S105
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with the newsroom's work queues on its index (claims/admin_site.py).
    "claims.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before CommonMiddleware and anything that may answer early, as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Kept public pages are served here: after the middleware that sets security headers,
    # before the work (sessions, locale, CSRF, users) a page kept for every reader does not
    # need. It keeps the headers the middleware below adds (claims/views/page_cache.py).
    "claims.views.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the claims', reviews' and sources' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins for an account or address locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.public",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DATABASE_JIT", False
):
    # PostgreSQL compiles a plan whose estimated cost passes jit_above_cost: a search at
    # 1,000,000 verdicts (its older tier, costed but seldom run) spent 20 ms of its 27 compiling,
    # for 7 ms of work (docs/benchmarks.md, "Search"). A web app's queries never repay it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if env("TEST_DATABASE_NAME"):
    # Two test runs on one machine (say, a browser suite beside the main one) need two databases.
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is both the Celery broker and the cache. Without it, tasks run in-process
# (eager) and the cache lives in local memory, so the demo needs no services.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "factcheck"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = env("TIME_ZONE", "Europe/Paris")
# CPU-bound extraction has its own queue so it scales apart from I/O-bound work.
# I/O-bound source checks have theirs too (threads, many in flight).
CELERY_TASK_ROUTES = {
    "claims.tasks.run_import": {"queue": "extraction"},
    "claims.tasks.check_source": {"queue": "checks"},
    "claims.tasks.deliver_webhook": {"queue": "checks"},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"
# A message not acknowledged within this time is delivered again: longer than any check.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # Fail fast when Redis is down: a web request must not hang on enqueueing (the sweeper
    # sends what could not be sent).
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    "schedule-due-rechecks": {"task": "claims.tasks.schedule_rechecks", "schedule": 15 * 60},
    "sweep-stale-checks": {"task": "claims.tasks.sweep_stale_checks_task", "schedule": 5 * 60},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}.")
LOCALE_PATHS = [BASE_DIR / "claims" / "locale"]
# English dates in British order (26 November 2026, 14:05), as og:locale en_GB says.
FORMAT_MODULE_PATH = ["factcheck.formats"]
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    # Evidence snapshots; any Django storage backend can replace it (for example S3).
    "default": {"BACKEND": env("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Bare domains typed in forms are https://, as Django 6 will do.
FORMS_URLFIELD_ASSUME_HTTPS = True

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "claims.api.errors.exception_handler",
}

# Partner API (docs/api.md). Rows changed less than this many seconds ago are not served in
# the sync feed yet: it covers clock skew between web servers and the moment between a
# timestamp being taken and its transaction starting to write (claims/api/feed.py).
API_SYNC_SAFETY_LAG = env_float("API_SYNC_SAFETY_LAG", 2)
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
API_EXPORT_CHUNK_SIZE = 500
# DataFeed exports streamed at once across the site: each holds a sync worker for a minute or
# more. Past this, 429 with Retry-After. gunicorn's timeout (factcheck/gunicorn.py) bounds how
# long a slot can outlive a killed worker.
API_EXPORTS_IN_FLIGHT = env_int("API_EXPORTS_IN_FLIGHT", 1)
GUNICORN_TIMEOUT = env_int("GUNICORN_TIMEOUT", 300)
# Full API answers are kept this long under the public version stamp, as public pages are
# (claims/api/caching.py): served only to requests that passed the key check and the rate
# limit, and only where the same request with the answer's ETag would get a 304. 0 turns it off.
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 300)
# Bytes of answers each web process keeps in its own memory (least recently used out first);
# never in Redis, which a full sync's hundreds of megabytes of pages would fill.
API_CACHE_BYTES = env_int("API_CACHE_BYTES", 32 * 1024 * 1024)
# Requests per minute: anonymous clients per address (IPv6 per /64), and a new API key's
# default (each key has its own, set by staff in the admin). Counted in Redis.
API_ANON_RATE = env_int("API_ANON_RATE", 60)
API_KEY_RATE = env_int("API_KEY_RATE", 600)
API_RATE_KEY_PREFIX = f"{env('CACHE_KEY_PREFIX', 'factcheck')}:api-rate"
# CORS on the partner API only, read-only and without credentials, so partners' front-ends
# can read it; public pages and the admin send no CORS header at all.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "authorization",
    "if-modified-since",
    "if-none-match",
]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck partner API",
    "DESCRIPTION": "Published verdicts, for partners to mirror. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI and Redoc come from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.access_responses",
    ],
    # claims/converters.py: row ids of up to 18 digits, integers to partners.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "SpeakerKindEnum": "claims.models.Speaker.Kind",
        "SourceKindEnum": "claims.models.Source.Kind",
        "LinkStatusEnum": "claims.models.LinkStatus",
    },
}

# Public pages. The organisation signs every verdict (ClaimReview author, feeds).
ORGANISATION_NAME = env("ORGANISATION_NAME", "factcheck")
ORGANISATION_URL = env("ORGANISATION_URL", "")
# What the IFCN Code of Principles asks a fact-checker to publish besides its method: who owns
# and funds it and how it is organised (a page of the organisation's), and how to reach it.
# The methodology page links them when set.
ORGANISATION_TRANSPARENCY_URL = env("ORGANISATION_TRANSPARENCY_URL", "")
ORGANISATION_CONTACT_EMAIL = env("ORGANISATION_CONTACT_EMAIL", "")
_http_url = URLValidator(schemes=["http", "https"])
for _name, _validate in (
    ("ORGANISATION_URL", _http_url),
    ("ORGANISATION_TRANSPARENCY_URL", _http_url),
    ("ORGANISATION_CONTACT_EMAIL", validate_email),
):
    try:
        if globals()[_name]:
            _validate(globals()[_name])
    except ValidationError:  # readers follow these links: a typo must not reach them
        _kind = "email" if _validate is validate_email else "url"
        raise ImproperlyConfigured(
            f"{_name} is not a valid {_kind}: {globals()[_name]!r}"
        ) from None
# Absolute base of canonical links, feeds and sitemaps, e.g. https://verif.example.org;
# empty: taken from each request's host (validated by ALLOWED_HOSTS).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "").rstrip("/")
_base = urlsplit(PUBLIC_BASE_URL)
if PUBLIC_BASE_URL and (
    _base.scheme not in ("http", "https")
    or not _base.hostname
    or any((_base.path, _base.query, _base.fragment, _base.username))
):
    # Links are this origin + a path that already holds any script prefix: a path here
    # would be doubled in pages and dropped in sitemaps.
    raise ImproperlyConfigured(
        "PUBLIC_BASE_URL must be an origin such as https://verif.example.org, without a path; "
        f"not {PUBLIC_BASE_URL!r}. For a site under a path, set FORCE_SCRIPT_NAME."
    )
# The path the site is served under when the proxy does not pass it as SCRIPT_NAME
# (e.g. /verif); empty: at the root, or as the WSGI server says.
FORCE_SCRIPT_NAME = env("FORCE_SCRIPT_NAME", "").rstrip("/") or None
# How long a CDN may serve a public page before asking again (browsers always revalidate).
PUBLIC_PAGES_CDN_MAX_AGE = env_int("PUBLIC_PAGES_CDN_MAX_AGE", 60)
PUBLIC_PAGE_SIZE = 20
# Rendered public pages are kept this long in the cache, keyed by the pages' version stamp,
# so any change readers could see is served within PUBLIC_VERSION_MEMO_SECONDS. 0 turns the
# page cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300)
# Each web process also keeps up to this many bytes of those pages in its own memory, so a
# repeat request needs no round trip to Redis. 0 turns this layer off.
PUBLIC_PAGE_LOCAL_CACHE_BYTES = env_int("PUBLIC_PAGE_LOCAL_CACHE_BYTES", 16 * 1024 * 1024)
# Seconds a web process reuses the version stamp it last read before asking Redis again: a
# change made through another process reaches pages and 304s within this bound. 0: every
# request asks.
PUBLIC_VERSION_MEMO_SECONDS = env_float("PUBLIC_VERSION_MEMO_SECONDS", 1)
# What is deployed (a commit id, say), part of every public ETag and kept page's key so that a
# deploy serves new HTML at once; empty: a digest of the code, templates, catalogues and static
# files that render the pages (claims.publishing.freshness.release).
RELEASE = env("RELEASE", "")
# Reader submissions per client address; django-ratelimit counts in the shared cache.
SUBMISSIONS_RATE = env("SUBMISSIONS_RATE", "5/h")
# Behind a proxy, the header that carries the client address, e.g. HTTP_X_REAL_IP.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")

# Article import limits: a news article is a few kilobytes; anything past this is a mistake.
ARTICLE_MAX_BYTES = env_int("ARTICLE_MAX_BYTES", 2 * 1024 * 1024)
# Sentences scoring at least this become candidate claims.
EXTRACTION_THRESHOLD = env_float("EXTRACTION_THRESHOLD", 0.5)
# Source checks.
SOURCE_FETCH_MAX_BYTES = env_int("SOURCE_FETCH_MAX_BYTES", 5 * 1024 * 1024)
SOURCE_FETCH_TIMEOUT = env_float("SOURCE_FETCH_TIMEOUT", 10)
SOURCE_FETCH_DEADLINE = env_float("SOURCE_FETCH_DEADLINE", 30)
SOURCE_FETCH_PER_HOST = env_int("SOURCE_FETCH_PER_HOST", 2)
SOURCE_CHECK_MAX_DELIVERIES = env_int("SOURCE_CHECK_MAX_DELIVERIES", 5)
# Runs after which an import that stopped its worker each time ends failed.
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3)
SOURCE_CHECK_STALE_AFTER = env_int("SOURCE_CHECK_STALE_AFTER", 600)
# CIDRs the source fetcher may reach although they are private or loopback.
# Only for tests and local setups: in production this reopens server-side request forgery.
SOURCE_FETCH_ALLOWED_NETWORKS = env_networks("SOURCE_FETCH_ALLOWED_NETWORKS")
# Ports the fetcher may reach on a public address: web servers'. Any other (SMTP's 25, a
# database's) would let a typed URL speak HTTP to a service that is no web site, from our
# address. The networks above are exempt.
SOURCE_FETCH_ALLOWED_PORTS = env_ports("SOURCE_FETCH_ALLOWED_PORTS", "80,443,8080,8443")

# Partner webhooks (claims/publishing/webhooks.py): attempts per event, and the seconds
# before each retry (the last delay repeats).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_RETRY_DELAYS = env_int_list("WEBHOOK_RETRY_DELAYS", "30,120,600,3600,21600")
WEBHOOK_TIMEOUT = env_float("WEBHOOK_TIMEOUT", 10)

# Newsroom workflow (claims/workflow/). The four-eyes rule: the author of a review cannot be
# the editor who approves it. One-person teams can turn it off.
FOUR_EYES_PUBLISHING = env_bool("FOUR_EYES_PUBLISHING", True)

# Admin login protection (django-axes): this many failures for one account from one address
# lock that pair out for AXES_COOLOFF_MINUTES; a successful login clears the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours, as django-axes counts
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "claims.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
# State changes go through claims.workflow; reverting from the history page would bypass it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Staff sessions end after SESSION_COOKIE_AGE seconds (8 hours: a working day) and when the
# browser closes; the cookie is never readable by scripts.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused reader submission comes back with what they wrote, not as a bare 403.
CSRF_FAILURE_VIEW = "claims.views.submissions.csrf_failure"

# HTTPS and cookies. Off in development, on by default in production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Matched against the path without its leading slash, FORCE_SCRIPT_NAME's prefix included: the
# container's health check asks over plain HTTP.
SECURE_REDIRECT_EXEMPT = [
    "^" + (re.escape(FORCE_SCRIPT_NAME.lstrip("/") + "/") if FORCE_SCRIPT_NAME else "") + "healthz$"
]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Public pages run no inline script and load nothing from elsewhere. The admin keeps Django's
# own defaults; evidence files set a stricter policy of their own.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself; otherwise clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
