"""All settings, each with a safe default read from the environment.

The `dev`, `ci` and `production` modules only override. See docs/configuration.md.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent  # src/dealmonitor
BASE_DIR = SRC_DIR.parent.parent  # repository root

env = environ.Env()

# Security
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Data
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# The measurements' covering index (impact.Measurement) carries non-key columns on PostgreSQL;
# SQLite, which has none, gets the same index on its key columns, which is what it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dealmonitor.sqlite3'}")
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
# With persistent connections (DB_CONN_MAX_AGE > 0), check a kept connection before a request
# uses it, so a database that restarted is reconnected to instead of failing the request
# (proven by utils/tests/test_faults.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
# SQLite (the default for a small installation) under concurrent requests: every write
# transaction takes the write lock when it begins (BEGIN IMMEDIATE), so a writer waits its turn
# for up to DB_SQLITE_TIMEOUT seconds instead of failing with "database is locked" when it
# upgrades from reading to writing; the write-ahead log lets readers go on while one request
# writes. A lock held longer than the timeout answers 503 (utils/database_busy.py).
# See docs/configuration.md#sqlite.
DB_SQLITE_TIMEOUT = env.float("DB_SQLITE_TIMEOUT", default=5.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": DB_SQLITE_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Whole-portfolio figures are cached until the data changes (utils/cache.py). The database
# cache is shared by every app server process; CACHE_URL=redis://… moves it to Redis.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://dealmonitor_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # the same table, each write of many keys in one statement (utils/dbcache.py)
    CACHES["default"]["BACKEND"] = "dealmonitor.utils.dbcache.DatabaseCache"
    # Django's default of 300 entries is less than one large deal's performance table keeps
    # (a row per indicator and its version: impact/performance_html.py); past the limit every
    # write culls. A URL's own ?max_entries=… wins.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 200_000)
DEMO_DATA_FILE = Path(
    env.str("DEMO_DATA_FILE", default=str(BASE_DIR / "data" / "demo" / "agenda-stad-deals.json"))
)
# The demo account's password (`dealmonitor createdemouser`); generated once when empty.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI for /api/v1/docs/, served from the package
    "csp",
    # Background work (Django's task framework; the backport until Django 6): see TASKS below.
    "django_tasks",
    "django_tasks_db",
    "dealmonitor.accounts",
    "dealmonitor.utils",
    "dealmonitor.ops",
    "dealmonitor.ui",
    "dealmonitor.organisations",
    "dealmonitor.deals",
    "dealmonitor.areas",
    "dealmonitor.impact",
    "dealmonitor.ecosystem",
    "dealmonitor.learning",
    "dealmonitor.connections",
    "dealmonitor.imports",
    "dealmonitor.workday",
    "dealmonitor.reports",
    "dealmonitor.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database that stays locked (SQLite) answers 503 with Retry-After, not 500.
    "dealmonitor.utils.database_busy.DatabaseBusyMiddleware",
    # A query parameter with a NUL character answers 400 (utils/params.py).
    "dealmonitor.utils.params.NulRejectingMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The deal gateway (deals/access.py): an anonymous user refused sees the sign-in page.
    "dealmonitor.deals.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The user's reason for a change (form fields or the X-Change-Reason header) goes into
    # every history entry the request writes (utils/change_reason.py).
    "dealmonitor.utils.change_reason.ChangeReasonMiddleware",
    # Last, as django-axes asks: turns a lockout into the page below.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in attempts for a locked-out username and address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # The programme administrator (staff) holds every permission, the admin's included.
    "dealmonitor.accounts.backends.ProgrammeAdminBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# After signing in: Mijn deals, the user's deals and what is due in them.
LOGIN_REDIRECT_URL = "workday:mine"
LOGOUT_REDIRECT_URL = "deals:portfolio"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (workday/notifications.py): an address like DATABASE_URL, e.g.
# smtp+tls://user:password@smtp.example.nl:587; the default writes mails to standard output.
# See docs/configuration.md#e-mail.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Dealmonitor <noreply@localhost>")
# The address of the site as users reach it, for the links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

ROOT_URLCONF = "dealmonitor.urls"
# A form sent back without a valid CSRF token: a page of the site saying why (ui/errors.py).
CSRF_FAILURE_VIEW = "dealmonitor.ui.errors.csrf_failure"
WSGI_APPLICATION = "dealmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dealmonitor.accounts.context_processors.sign_in",
            ],
        },
    }
]
FORM_RENDERER = "dealmonitor.ui.forms.NLDesignFormRenderer"

# Language: Dutch by default, English under /en/
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# conf/locale wins over the apps' catalogues; conf/third_party/locale holds the Dutch of other
# packages' texts (django-axes, django-tasks-db, the admin), which makemessages leaves alone.
LOCALE_PATHS = [SRC_DIR / "conf" / "locale", SRC_DIR / "conf" / "third_party" / "locale"]
# One date style per language (conf/formats/<language>/formats.py): "6 december 2026", "6 December 2026"
FORMAT_MODULE_PATH = ["dealmonitor.conf.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Static files: vendored, served by WhiteNoise (no Node at runtime or in CI)
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Cookies and headers
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp): only our own scripts, styles, images and fonts; no
# inline script anywhere. Inline style *attributes* are allowed for the bar lengths of the
# charts (a CSS variable per bar); user text never reaches an attribute unescaped.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# REST API (/api/v1/): session and token authentication, the same rules as the UI.
REST_FRAMEWORK = {
    # Token first: its challenge makes a write without credentials 401 (as the document
    # says) rather than the session's 403; either signs a request in.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Rows of a deal are also checked against the deal by the gateway (deals/access.py).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
        "dealmonitor.deals.access.DealRowPermission",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "dealmonitor.api.pagination.Pagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
}
# API tokens (django-rest-knox): only a hash is stored; a token is valid for API_TOKEN_TTL_DAYS
# days from when it was issued (not extended by use) and is revoked when the user's password
# changes or the account is deactivated (accounts/signals.py). The header stays
# `Authorization: Token <key>`. See docs/security.md#api-tokens.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dealmonitor API",
    "DESCRIPTION": "Deals, organisations and their data from Dealmonitor.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # the documentation page (/api/v1/docs/) loads Swagger UI from our own static files
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    # a required text field says minLength 1, so clients (and schemathesis) know "" is refused
    "ENFORCE_NON_BLANK_FIELDS": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dealmonitor.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DealKindEnum": "dealmonitor.deals.constants.DealKind",
        "AreaKindEnum": "dealmonitor.areas.constants.AreaKind",
        "ParticipationKindEnum": "dealmonitor.deals.constants.ParticipationKind",
        "PrecisionEnum": "dealmonitor.utils.partial_dates.Precision",
        "DealStatusEnum": "dealmonitor.deals.constants.DealStatus",
        "AssumptionStatusEnum": "dealmonitor.impact.constants.AssumptionStatus",
        "BottleneckStatusEnum": "dealmonitor.learning.constants.BottleneckStatus",
        "DecisionStatusEnum": "dealmonitor.connections.constants.DecisionStatus",
        "SourceConfidenceEnum": "dealmonitor.deals.constants.Confidence",
        "MeasurementConfidenceEnum": "dealmonitor.impact.constants.Confidence",
        # needs and offers: names of their own, and the older enums keep theirs
        "DirectionEnum": "dealmonitor.impact.constants.Direction",
        "VisibilityEnum": "dealmonitor.learning.constants.Visibility",
        "PostDirectionEnum": "dealmonitor.ecosystem.constants.Direction",
        "PostKindEnum": "dealmonitor.ecosystem.constants.Kind",
        "PostVisibilityEnum": "dealmonitor.ecosystem.constants.Visibility",
        "MatchMarkStatusEnum": "dealmonitor.ecosystem.constants.MarkStatus",
    },
}

# Background work runs as tasks of Django's task framework (docs/decisions/0007): imports,
# the related-deal update after a change, the portfolio PDF. The default backend keeps the
# queue in the database (django-tasks-db) and `dealmonitor db_worker` runs it (`make run`
# starts one beside the server). TASKS_BACKEND names another backend, e.g.
# django_tasks.backends.immediate.ImmediateBackend (run at once, inside the request: the test
# suite) or a Celery backend (docs/deployment.md#moving-the-same-tasks-to-celery-with-redis).
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# Only with TASKS_BACKEND=dealmonitor.utils.celery_backend.CeleryBackend: Celery's broker and
# result store (Redis), and the worker: `celery -A dealmonitor.utils.celery_backend worker`.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_RESULT_EXTENDED = True  # the task's name and arguments beside its result: get_result()
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A change to a deal's data queues one update of its related deals this many seconds later;
# more changes to the same deal within that time join it (connections/signals.py).
RELATED_UPDATE_DELAY = env.float("RELATED_UPDATE_DELAY", default=10.0)

# A create form's one-time token (ui/concurrency.py) is kept this many days: within them a
# second post of the same form stores nothing.
FORM_TOKEN_DAYS = env.int("FORM_TOKEN_DAYS", default=7)

# After a change to a deal, its related deals are recomputed (connections/signals.py); off,
# they wait for `dealmonitor related --rebuild` (docs/connections.md).
CONNECTIONS_AUTO_UPDATE = env.bool("CONNECTIONS_AUTO_UPDATE", default=True)
# Limits on an imported spreadsheet (web upload and `dealmonitor import` alike), checked before
# the file is parsed, so that a small hostile file cannot take the memory or time of the
# server (docs/security.md#uploads-and-imports). The defaults pass a real file of 100,000
# measurement rows (`dealmonitor bench_import`) with room to spare.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)  # the file as uploaded
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=300 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)  # per sheet
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)  # per sheet
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=3_000_000)  # rows x columns, whole file
# Uploads whose import was never finished are removed after this many hours (on every new
# upload, and by `dealmonitor clean_imports`).
IMPORT_ORPHAN_HOURS = env.int("IMPORT_ORPHAN_HOURS", default=48)
# A portfolio PDF made in the background (reports/pdf_jobs.py) is kept in the media storage
# this many hours, or until its owner makes the next one.
REPORT_PDF_KEEP_HOURS = env.int("REPORT_PDF_KEEP_HOURS", default=24)

# The open data (/rapporten/open-data/deals.json): who publishes it, under which licence.
OPEN_DATA_PUBLISHER = env.str("OPEN_DATA_PUBLISHER", default="Programma Agenda Stad")
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC-BY-4.0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}


# Sign-in attempts are limited (django-axes): after AXES_FAILURE_LIMIT failures for the same
# username from the same address, that pair is locked out for AXES_COOLOFF_MINUTES. A
# successful sign-in resets the count. `dealmonitor axes_reset` lifts every lockout.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dealmonitor.accounts.views.locked_out"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)


# Single sign-on with OpenID Connect (mozilla-django-oidc): off unless OIDC_RP_CLIENT_ID is set.
# Then the client secret and the provider's endpoints are required too; see
# docs/configuration.md#single-sign-on. Everything comes from the environment.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
# Where a failed single sign-on lands (a path: mozilla-django-oidc does not resolve names).
LOGIN_REDIRECT_URL_FAILURE = "/account/inloggen/?sso=mislukt"
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=True)
    OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("dealmonitor.accounts.oidc.SubjectOIDCBackend")
