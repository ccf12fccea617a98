"""Settings for the TKPKD portal: one module, configured from the environment.

Every value has a safe development default, so ``make run`` works on a fresh
machine with nothing configured. A malformed value fails loudly with
``ImproperlyConfigured`` instead of being half-understood.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set it in the environment)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # API tokens stored hashed, with an expiry (replaces rest_framework.authtoken).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Login lockout (per username and per client IP); see the "Access" section.
    "axes",
    "core",
    "regions",
    "budgets",
    "programs",
    "roadmap",
    "audit",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so every answer gets the policy, error pages made by handler500 too.
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.i18n.PortalLocaleMiddleware",
    # Before anything reads the query string or a form: control characters out.
    "core.middleware.CleanInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # After AuditContextMiddleware: they log with its request id.
    "config.middleware.RequestLogMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout flag into the lockout page.
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
                "regions.context_processors.access",
            ],
            "builtins": ["budgets.templatetags.rupiah"],
        },
    }
]

# Database: DATABASE_URL, defaulting to a SQLite file inside the project.
_database_url = env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except Exception as exc:  # dj_database_url raises several types on bad input
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer is reported (503 page, /healthz) within
    # seconds instead of holding a gunicorn worker for minutes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 30}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and time: Bahasa Indonesia first, English available; Asia/Jakarta.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: SIPD exports are a few MB; the importer applies its own caps too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# JSON bodies of the API: larger or deeper ones get a 400 answer (core.parsers).
API_MAX_JSON_BYTES = env_int("API_MAX_JSON_BYTES", default=1024 * 1024)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", default=32)

# Celery: no broker configured means tasks run in-process (eagerly).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", default="")
REDIS_URL = env_str("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a message whose worker died unacknowledged after this many
# seconds (kombu's default is one hour); the sweeper below usually acts first.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# Celery beat: the import sweeper requeues batches whose message was lost
# (Redis restarted or flushed) or whose worker died; see budgets/imports/faults.py.
CELERY_BEAT_SCHEDULE = {
    "import-sweep": {"task": "budgets.tasks.import_sweep", "schedule": 60.0},
}

# Import faults. A batch is tried at most IMPORT_MAX_ATTEMPTS times (dead
# workers count); one stuck in pending/parsing/committing for longer than
# IMPORT_SWEEP_AFTER_SECONDS with no live worker is requeued by the sweeper.
# A database that cannot be reached makes the task retry IMPORT_DB_RETRIES
# times with exponential backoff (5 s, 10 s, 20 s ... at most 5 min).
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", default=3)
IMPORT_SWEEP_AFTER_SECONDS = env_int("IMPORT_SWEEP_AFTER_SECONDS", default=600)
# On PostgreSQL a worker's lease dies with its connection: a batch parsing or
# committing for longer than this with no lease is taken for a dead worker at the
# next sweep (beat runs every minute, so within about 90 s), not after the
# IMPORT_SWEEP_AFTER_SECONDS kept for other databases and for pending batches.
IMPORT_DEAD_WORKER_SECONDS = env_int("IMPORT_DEAD_WORKER_SECONDS", default=30)
IMPORT_DB_RETRIES = env_int("IMPORT_DB_RETRIES", default=5)
# Test hooks of the fault tests, OFF by default and never for production:
# IMPORT_TEST_PAUSE="commit:<seconds>[:<marker file>]" makes the worker sleep
# inside the commit transaction so a test can kill it there. Ignored unless
# IMPORT_TEST_HOOKS is on.
IMPORT_TEST_HOOKS = env_bool("IMPORT_TEST_HOOKS", default=False)
IMPORT_TEST_PAUSE = env_str("IMPORT_TEST_PAUSE", default="") if IMPORT_TEST_HOOKS else ""

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes DRF answer 401 (not 403)
    # to anonymous requests.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api_policy.PortalPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "config.api_policy.PortalOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api_policy.PortalPagination",
    "PAGE_SIZE": 50,
    # JSON in and out; lists and summaries add XLSX/CSV downloads themselves.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bounded size and nesting, control characters cleaned (core.parsers).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", default="60/minute"),
        "user": env_str("API_THROTTLE_USER", default="5000/hour"),
        # POST /api/v1/auth/token/ (on top of the login lockout).
        "token": env_str("API_THROTTLE_TOKEN", default="20/minute"),
    },
    "NUM_PROXIES": env_int("API_NUM_PROXIES", default=0) or None,
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (core.auth): "Authorization: Token <token>", stored as a SHA-512
# digest, valid API_TOKEN_DAYS days from when they were made.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Portal TKPKD",
    "DESCRIPTION": (
        "API portal koordinasi penanggulangan kemiskinan daerah (TKPKD): wilayah, "
        "anggaran SIPD, tag pilar dan strategi, intervensi, peta jalan, hambatan dan "
        "Rakor. Setiap pengguna membaca data dalam lingkup wilayahnya; koordinator "
        "menulis data wilayahnya. Masuk dengan sesi portal atau header "
        "`Authorization: Token <kunci>` (buat di halaman Profil atau lewat "
        "`POST /api/v1/auth/token/`). Wilayah dirujuk dengan kode Kemendagri "
        "(`\"36.02\"`); uang berupa teks desimal persis (`\"1700000000000.00\"`). "
        "Setiap daftar dapat diunduh lengkap dengan `?format=xlsx` atau `?format=csv`. "
        "Galat selalu berbentuk `{\"detail\", \"code\", \"errors\"}`.\n\n"
        "API of the regional poverty-reduction coordination portal: regions, SIPD "
        "budgets, pillar and strategy tags, interventions, roadmaps, obstacles and "
        "coordination meetings. Every user reads data within their region scope; "
        "coordinators write their region's data. Authenticate with the portal "
        "session or `Authorization: Token <key>` (create it on the profile page or "
        "with `POST /api/v1/auth/token/`). Regions are referenced by Kemendagri code; "
        "money is exact decimal strings. Every list downloads complete with "
        "`?format=xlsx` or `?format=csv`. Errors are always "
        "`{\"detail\", \"code\", \"errors\"}`; messages follow Accept-Language."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
}

# --- Logging -------------------------------------------------------------------
# LOG_FORMAT=json (the default when DEBUG is off) writes one JSON object per
# line with the request id of the request (or of the request that started a
# Celery task); LOG_FORMAT=plain is for people reading a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", default="plain" if DEBUG else "json").lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'plain', got {LOG_FORMAT!r}.")
LOG_LEVEL = env_str("LOG_LEVEL", default="INFO").upper()
# One line per request (method, path, status, duration) from RequestLogMiddleware.
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Celery installs its own handlers unless told not to (see config.celery);
        # these keep its records on the one JSON stream.
        "celery": {"level": LOG_LEVEL},
        # Axes logs every failed login at INFO; keep them, they are what a
        # security review reads.
        "axes": {"level": "INFO"},
    },
}

# --- Transport security ----------------------------------------------------------
# Behind the reverse proxy that terminates TLS (nginx, HAProxy, a load balancer):
# it must set X-Forwarded-Proto, and strip any X-Forwarded-Proto sent by clients.
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is polled by the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (config.middleware.ContentSecurityPolicyMiddleware):
# everything from our own origin, no inline script or style, images also as
# data: URIs (chart exports). A view that needs another policy sets the header
# itself and the middleware leaves it alone.
CSP_POLICY = env_str(
    "CSP_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
)
# Report-only first, if an operator wants to try a stricter policy.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", default=False)

# --- Sessions ------------------------------------------------------------------
# Absolute lifetime: SESSION_COOKIE_AGE from login, not extended by activity
# (SessionTimeoutMiddleware pins the expiry at login). Idle lifetime:
# SESSION_IDLE_TIMEOUT seconds without a request ends the session.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

# --- Access: login lockout (django-axes) ------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out try before the password is checked.
    "config.lockout.AxesRequestBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The rules are described in config/lockout.py and the README ("Login and sessions").
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# 1. A name at one address: AXES_FAILURE_LIMIT failures lock that pair for
#    AXES_COOLOFF_MINUTES; further tries during the lock do not renew it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# 2. A name from everywhere: progressive delays (2 ** (failures - limit) s, at
#    most LOGIN_DELAY_MAX_SECONDS), never for an address where the name logged
#    in successfully within LOGIN_KNOWN_ADDRESS_DAYS.
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", default=60)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", default=90)
# 3. One address, many names: AXES_IP_FAILURE_LIMIT failures within the
#    cool-off window lock the address (an office behind one NAT stays well
#    below it).
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", default=100)
# The client IP: X-Forwarded-For is believed only when the request comes from
# one of TRUSTED_PROXIES (addresses or CIDR networks), so a client cannot forge
# its address and the proxy's own address is never counted (core.net).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_IP_WHITELIST = env_list("AXES_IP_WHITELIST", default=[]) or None
AXES_NEVER_LOCKOUT_WHITELIST = bool(AXES_IP_WHITELIST)

# --- Health ----------------------------------------------------------------------
try:
    HEALTHZ_TIMEOUT = float(env_str("HEALTHZ_TIMEOUT", default="1.0") or "1.0")
except ValueError:
    raise ImproperlyConfigured("HEALTHZ_TIMEOUT must be a number of seconds.") from None
