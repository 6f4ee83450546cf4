"""Settings for Baromètre, configured from environment variables.

Defaults make a fresh checkout run (SQLite, DEBUG on, console email). With DEBUG off, the values
that must not have an insecure default (SECRET_KEY, ALLOWED_HOSTS) are required.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env_str(name, default) or "").split(",") if item.strip()]


def env_networks(name: str, default: str = "") -> list[str]:
    """Comma-separated IP addresses or networks (10.0.0.0/8), checked at start-up."""
    values = env_list(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP addresses or networks, not {value!r}.") from None
    return values


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a random key kept beside the checkout (ignored by git) so that sessions
    # survive a restart of the development server.
    _dev_key_file = BASE_DIR / ".dev-secret-key"
    if not _dev_key_file.exists():
        _dev_key_file.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "barometre.apps.BarometreAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    # Before django_tasks_db: its `db_worker` command is jobs' own (a worker that also takes up the jobs
    # of workers killed in their middle, jobs/lifeline.py).
    "jobs",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "axes",
    "tools_registry",
    "tools_registry.links",
    "survey",
    "barometre",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "barometre.middleware.DatabaseUnavailableMiddleware",
    "barometre.middleware.NulCharacterMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "barometre.urls"

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
            ],
        },
    },
]

# Widget templates may live in templates/ too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "barometre.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles a statement it estimates large (a broad search over a million tools)
    # before running it, 50-60 ms each time, more than it saves on the site's short statements.
    # No parallel workers within a statement: the site serves many requests at once, one core each, and
    # a statement's workers would take the cores of the others; the parallel plans also misjudged the
    # facet counts of some filter combinations (0.6 s instead of 0.09 s at 100,000 tools).
    # Random reads priced as on an SSD or from memory, where a registry's tables are (PostgreSQL's
    # default assumes spinning disks): a page of fifty tools is then read by index instead of hashing
    # every collectivity, and the SQL of varied catalogue searches at 100,000 tools takes a third less.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `scripts/run.sh` runs the development server and the job worker on one SQLite file. By default a
    # transaction starts as a reader and asks for the write lock at its first write: if the other
    # process holds it, SQLite fails at once with "database is locked" (waiting would not help, the
    # reader's snapshot is stale). IMMEDIATE takes the write lock at BEGIN, where SQLite may wait
    # (`timeout`, seconds) for the other process to commit; WAL lets readers go on during a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

_cache_url = env_str("CACHE_URL")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "barometre.cache.RedisCache",
            "LOCATION": _cache_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # Refuses a sign-in while its account and address are locked out, then lets Django's backend check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Numbers as each language writes them: « 14 338 » and « 79,9 % » in French, "14,338" and "79.9%" in English.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries are installed from the npm registry at setup (package.json) and served
# from node_modules by their package name; nothing is copied into the repository by hand.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Baromètre <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where replies to the survey's emails go (their Reply-To): the survey pages tell contacts to reply.
SURVEY_REPLY_TO = env_str("SURVEY_REPLY_TO", "")
# The public address of the site, for links in emails.
SITE_URL = (env_str("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
# Who is told of new submissions to moderate.
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", "moderation@localhost")

# The job queue: jobs are rows of the site's database, enqueued in the transaction of the write that
# causes them and run by `manage.py db_worker`. A failed job is tried again JOB_MAX_ATTEMPTS times in
# all, the n-th retry JOB_RETRY_DELAY × 2^(n-1) seconds after the failure (see jobs/queue.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 8)
JOB_RETRY_DELAY = env_int("JOB_RETRY_DELAY", 60)
if JOB_MAX_ATTEMPTS < 1 or JOB_RETRY_DELAY < 0:
    raise ImproperlyConfigured("JOB_MAX_ATTEMPTS must be at least 1 and JOB_RETRY_DELAY at least 0.")

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_FAILURE_VIEW = "barometre.views.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)

LOGIN_URL = "admin:login"

# Background tiles of the maps: the only resource the site's pages load from elsewhere.
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# Content-Security-Policy: the site's own scripts, inline ones only with the request's nonce (the
# maps' folium scripts); images from the tile server; framing only for the embeddable map.
_tiles = urlsplit(MAP_TILES_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Leaflet and folium position map elements with inline styles.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The reverse proxies in front of the app servers (addresses or networks). A request coming from one
# of them is attributed to the address it forwarded (X-Forwarded-For); from anywhere else, the header
# is ignored. Every rate limit keys on this address (tools_registry.ratelimit.client_ip).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# Admin sign-in (django-axes): after this many wrong passwords for one account from one address, that
# account is locked out from that address for a quarter of an hour; the same account signing in from
# elsewhere, and other accounts, are not. Attempts are recorded in the database: every app server
# sees them, they survive a cache flush, and staff see and clear them in the admin (Axes).
ADMIN_LOGIN_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 10)
AXES_FAILURE_LIMIT = ADMIN_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tools_registry.ratelimit.client_ip"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "barometre.views.admin_locked_out"
# Failed attempts are kept (that is the lockout); successful sign-ins are not logged one by one.
AXES_DISABLE_ACCESS_LOG = True
# No banner on every start of every command; lockouts are still logged as warnings.
AXES_VERBOSE = False

# Public submissions: at most this many accepted per client IP address and hour (one refused for
# its errors does not count).
SUBMISSION_RATE_LIMIT = env_int("SUBMISSION_RATE_LIMIT", 5)

# Link checks (tools_registry/links): a failing address goes to the staff review queue after
# LINK_CHECK_FAILURES_BEFORE_REVIEW failed checks in a row spanning LINK_CHECK_DAYS_BEFORE_REVIEW days.
LINK_CHECK_FAILURES_BEFORE_REVIEW = env_int("LINK_CHECK_FAILURES_BEFORE_REVIEW", 3)
LINK_CHECK_DAYS_BEFORE_REVIEW = env_int("LINK_CHECK_DAYS_BEFORE_REVIEW", 7)
LINK_CHECK_CONCURRENCY = env_int("LINK_CHECK_CONCURRENCY", 8)
LINK_CHECK_HOST_DELAY = env_int("LINK_CHECK_HOST_DELAY", 2)
LINK_CHECK_CONNECT_TIMEOUT = env_int("LINK_CHECK_CONNECT_TIMEOUT", 5)
LINK_CHECK_READ_TIMEOUT = env_int("LINK_CHECK_READ_TIMEOUT", 10)
# Tests only: lets the checker fetch loopback and private addresses (never cloud metadata ones).
LINK_CHECK_ALLOW_PRIVATE = env_bool("LINK_CHECK_ALLOW_PRIVATE", False)
if (
    LINK_CHECK_FAILURES_BEFORE_REVIEW < 1
    or LINK_CHECK_DAYS_BEFORE_REVIEW < 0
    or LINK_CHECK_CONCURRENCY < 1
    or LINK_CHECK_HOST_DELAY < 0
    or LINK_CHECK_CONNECT_TIMEOUT < 1
    or LINK_CHECK_READ_TIMEOUT < 1
):
    raise ImproperlyConfigured(
        "LINK_CHECK_FAILURES_BEFORE_REVIEW, LINK_CHECK_CONCURRENCY and the LINK_CHECK_*_TIMEOUT settings "
        "must be at least 1; LINK_CHECK_DAYS_BEFORE_REVIEW and LINK_CHECK_HOST_DELAY at least 0."
    )

# Personal data (privacy/): who publishes the site and answers for the personal data it holds (the
# legal notice and the privacy notice show these), and how long each kind of personal data is kept.
# The retention job (`manage.py apply_retention`, run daily) erases what is due.
SITE_PUBLISHER = env_str("SITE_PUBLISHER", "Association Décider ensemble")
SITE_PUBLISHER_ADDRESS = env_str("SITE_PUBLISHER_ADDRESS", "")
SITE_PUBLICATION_DIRECTOR = env_str("SITE_PUBLICATION_DIRECTOR", "")
SITE_HOST = env_str("SITE_HOST", "")
SITE_HOST_ADDRESS = env_str("SITE_HOST_ADDRESS", "")
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "donnees-personnelles@localhost")
# Contributors' name and address, this many months after their proposal was moderated.
SUBMITTER_DATA_RETENTION_MONTHS = env_int("SUBMITTER_DATA_RETENTION_MONTHS", 12)
# Survey contacts' name, role and address (and the record of emails sent to them), this many months
# after their edition's results were published.
SURVEY_CONTACT_RETENTION_MONTHS = env_int("SURVEY_CONTACT_RETENTION_MONTHS", 24)
# Admin sign-in attempts (address, account name, browser), this many days after the attempt.
LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
# Finished jobs (their arguments and errors), this many days after they finished.
JOB_RESULT_RETENTION_DAYS = env_int("JOB_RESULT_RETENTION_DAYS", 30)
# Log lines: the site writes them to standard output and keeps none; the log collector must keep them
# no longer than this (the privacy notice says so).
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 30)
if (
    min(
        SUBMITTER_DATA_RETENTION_MONTHS,
        SURVEY_CONTACT_RETENTION_MONTHS,
        LOGIN_ATTEMPT_RETENTION_DAYS,
        JOB_RESULT_RETENTION_DAYS,
        LOG_RETENTION_DAYS,
    )
    < 1
):
    raise ImproperlyConfigured(
        "SUBMITTER_DATA_RETENTION_MONTHS, SURVEY_CONTACT_RETENTION_MONTHS, LOGIN_ATTEMPT_RETENTION_DAYS, "
        "JOB_RESULT_RETENTION_DAYS and LOG_RETENTION_DAYS must be at least 1."
    )

REST_FRAMEWORK = {
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tools_registry.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "tools_registry.api.throttling.AnonymousRateThrottle",
        "tools_registry.api.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "300/minute"),
        "user": env_str("API_USER_RATE", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "tools_registry.api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "HTML_SELECT_CUTOFF": 50,
}

SPECTACULAR_SETTINGS = {
    # Lazy: the documentation page and the schema are in the reader's language.
    "TITLE": _("API du Baromètre de la démocratie locale numérique"),
    "DESCRIPTION": _(
        "Le registre ouvert des outils numériques de démocratie locale des collectivités françaises : "
        "outils publiés (JSON, GeoJSON, CSV), collectivités, territoires, listes de référence, proposition "
        "d'un outil, et modération pour l'équipe (jeton)."
    ),  # then the licences of the data (tools_registry.api.schema.describe_licences)
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CollectivityKindEnum": "tools_registry.choices.CollectivityKind",
        "TerritoryKindEnum": "tools_registry.models.TerritoryKind",
        "ToolFamilyEnum": "tools_registry.choices.ToolFamily",
        "ObjectiveEnum": "tools_registry.choices.Objective",
        "HybridFormatEnum": "tools_registry.choices.HybridFormat",
        "ToolStatusEnum": "tools_registry.models.ToolStatus",
        "ToolSourceEnum": "tools_registry.models.ToolSource",
        # A receipt (of a proposed tool or correction) says "pending", and nothing else.
        "ReceiptStatusEnum": [("pending", "pending")],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tools_registry.api.errors.document_error_responses",
        "tools_registry.api.schema.describe_licences",
    ],
}

# Re-users' pages may read the public API and the open-data files (a web map loading outils.geojson) from
# any origin; only reads are opened.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/v1/.*|donnees/.+)$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

LOG_FORMAT = env_str("LOG_FORMAT", "text")  # "json" for one JSON object per line
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "barometre.logs.JSONFormatter"},
    },
    "filters": {"redact": {"()": "barometre.logs.Redact"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own loggers write through the same handler (instead of Django's default ones), so
        # that their lines are formatted and redacted like every other.
        "django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
