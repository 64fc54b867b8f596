"""Qiao settings: everything comes from the environment, with safe defaults for one office."""

import datetime
import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("QIAO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("QIAO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or os.environ.get("QIAO_SECRET_KEY")
if not SECRET_KEY:
    # A per-installation key kept under var/, so sessions survive restarts without configuration.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")


def refuse_debug_outside_development(debug: bool, https: bool, hosts: list[str]) -> None:
    """QIAO_DEBUG=1 shows stack traces and settings to whoever gets an error: only for development on
    this machine. Refuse to start with it behind HTTPS or for any host but the local ones."""
    from django.core.exceptions import ImproperlyConfigured

    local = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
    if debug and (https or not set(hosts) <= local):
        raise ImproperlyConfigured(
            "QIAO_DEBUG=1 is for development on this machine only: it cannot be combined with QIAO_HTTPS=1 "
            f"or with ALLOWED_HOSTS beyond {', '.join(sorted(local))} (given: {', '.join(hosts)})."
        )


refuse_debug_outside_development(DEBUG, env_bool("QIAO_HTTPS"), ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "qiao.core",
    "qiao.people",
    "qiao.orgs",
    "qiao.imports",
    "qiao.activities",
    "qiao.internships",
    "qiao.policies",
    "qiao.matching",
    "qiao.projects",
    "qiao.ledger",
    "qiao.notifications",
    "qiao.relations",
    "qiao.agreements",
    "qiao.carriers",
    "qiao.proposals",
    "qiao.reports",
    "qiao.security",
    "qiao.audit",
    "qiao.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qiao.core.outage.DatabaseOutageMiddleware",  # 503 page when the database cannot be reached
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qiao.core.middleware.UserTimeZoneMiddleware",
    "qiao.core.middleware.UserLanguageMiddleware",
    "qiao.core.middleware.RequestContextMiddleware",
    "qiao.core.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qiao.security.middleware.IdleTimeoutMiddleware",
    "qiao.security.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "qiao.core.database.StatementTimeoutMiddleware",
]

ROOT_URLCONF = "qiao.urls"
WSGI_APPLICATION = "qiao.wsgi.application"

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
                "qiao.core.context_processors.qiao",
                "qiao.core.context_processors.notifications",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'qiao.sqlite3'}",
        conn_max_age=int(os.environ.get("QIAO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends seconds compiling the large figure and linkage queries it then runs in
    # less (bench/RESULTS.md); Qiao's queries are index-driven, so it stays off.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A pool of connections per process (psycopg_pool through Django), on by default; Django refuses it
    # beside persistent connections, so setting QIAO_DB_CONN_MAX_AGE alone keeps those instead (e.g.
    # behind pgbouncer). docs/admin-guide.md, "Database".
    if env_bool("QIAO_DB_POOL", "QIAO_DB_CONN_MAX_AGE" not in os.environ):
        if DATABASES["default"]["CONN_MAX_AGE"] and "QIAO_DB_CONN_MAX_AGE" in os.environ:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                "QIAO_DB_POOL=1 cannot be combined with QIAO_DB_CONN_MAX_AGE (a pool replaces persistent "
                "connections): unset QIAO_DB_CONN_MAX_AGE, or set QIAO_DB_POOL=0."
            )
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": int(os.environ.get("QIAO_DB_POOL_MIN_SIZE", "1")),
            "max_size": int(os.environ.get("QIAO_DB_POOL_MAX_SIZE", "4")),
            "timeout": float(os.environ.get("QIAO_DB_POOL_TIMEOUT", "10")),
        }
# Longest a query of a web request may run (PostgreSQL; 0: no limit); workers and commands have none
# (qiao/core/database.py). The request then gets a clear 503 page instead of holding a worker.
QIAO_DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("QIAO_DB_STATEMENT_TIMEOUT_MS", "30000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Lockout (django-axes) checks every password first: QIAO_LOGIN_FAILURE_LIMIT failures of one user name from one
# address lock that combination for QIAO_LOGIN_LOCKOUT_MINUTES (qiao/security/lockout.py; `qiao axes_reset_username`)
AUTHENTICATION_BACKENDS = ["qiao.security.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("QIAO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("QIAO_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "qiao.security.net.client_ip"  # QIAO_TRUST_X_FORWARDED_FOR, as everywhere
AXES_LOCKOUT_CALLABLE = "qiao.security.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends N minutes after the last real failure
AXES_DISABLE_ACCESS_LOG = True  # qiao.security.LoginEvent is the sign-in history
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_VERBOSE = False  # no "AXES: BEGIN" line before every command's output
# Two-factor authentication (django-otp, TOTP): required for users with one of these roles in any unit (superusers
# count as "admin"), optional for the others; QIAO_IDLE_MINUTES without a request end a session (0: never).
QIAO_2FA_REQUIRED_ROLES = env_list("QIAO_2FA_REQUIRED_ROLES", "manager,admin")
QIAO_IDLE_MINUTES = float(os.environ.get("QIAO_IDLE_MINUTES", "30"))
OTP_TOTP_ISSUER = os.environ.get("QIAO_2FA_ISSUER", "Qiao")
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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("QIAO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

SESSION_COOKIE_AGE = int(os.environ.get("QIAO_SESSION_SECONDS", str(8 * 3600)))
# Served over HTTPS (QIAO_HTTPS=1, behind a proxy that sets X-Forwarded-Proto): cookies only over HTTPS,
# HSTS for QIAO_HSTS_SECONDS (subdomains and the preload list only when asked), plain HTTP redirected
# (except /healthz, for the load balancer's checks).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("QIAO_HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if env_bool("QIAO_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("QIAO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("QIAO_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("QIAO_HSTS_PRELOAD")
    SECURE_SSL_REDIRECT = env_bool("QIAO_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): scripts and styles only from Qiao's own static files, no inline
# script, no eval, no inline style; nothing may frame Qiao. The API documentation page has its own policy
# (qiao/api_urls.py). QIAO_CSP_REPORT_URI: where browsers report violations (optional).
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
        **({"report-uri": [os.environ["QIAO_CSP_REPORT_URI"]]} if os.environ.get("QIAO_CSP_REPORT_URI") else {}),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qiao.core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # one bucket per token, per signed-in user, or per address (qiao/core/api/throttling.py)
    "DEFAULT_THROTTLE_CLASSES": ["qiao.core.api.throttling.ApiRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["qiao.core.api.permissions.ScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "qiao.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "qiao.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "qiao.core.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "qiao.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
# API rate limits, "<requests>/<second|minute|hour|day>": per token, per user signed in through the web
# (the API documentation page), per client address for anonymous calls and failed token attempts.
QIAO_API_RATE_TOKEN = os.environ.get("QIAO_API_RATE_TOKEN", "3000/hour")
QIAO_API_RATE_USER = os.environ.get("QIAO_API_RATE_USER", "3000/hour")
QIAO_API_RATE_ANON = os.environ.get("QIAO_API_RATE_ANON", "100/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Qiao API",
    "DESCRIPTION": "Registry, exchanges, matching and liaison for cross-border offices. "
    "Every endpoint applies the caller's unit scope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ImportKindEnum": "qiao.imports.models.ImportKind",
        "BatchStatusEnum": "qiao.imports.models.BatchStatus",
        "ParticipationRoleEnum": "qiao.activities.models.ParticipationRole",
        "ParticipationStatusEnum": "qiao.activities.models.ParticipationStatus",
        "ProjectStageEnum": "qiao.projects.models.Stage",
        "OrganizationRegionEnum": "qiao.core.choices.OrganizationRegion",
    },
}

# Background work (large imports, duplicate scans) runs in `qiao db_worker`, fed through the database.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("QIAO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Or on Redis (pip install -e '.[rq]'): QIAO_TASKS_BACKEND=django_tasks_rq.RQBackend, QIAO_REDIS_URL, and
# workers run as `qiao rqworker default` (django-rq).
QIAO_REDIS_URL = os.environ.get("QIAO_REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        name: {"URL": QIAO_REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("QIAO_RQ_TIMEOUT", "3600"))}
        for name in TASKS["default"]["QUEUES"]
    }
# Progress of background work: files under var/ are shared by the web workers and the task worker.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("QIAO_CACHE_DIR", str(VAR_DIR / "cache")),
    }
}
# More than one machine (app servers, RQ workers): a shared Redis cache instead, e.g. redis://host:6379/1.
if os.environ.get("QIAO_CACHE_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["QIAO_CACHE_REDIS_URL"],
    }

# Imports: the largest file accepted, the most rows read, and up to how many rows a file is checked
# and written while the user waits (larger ones go to the background worker).
QIAO_IMPORT_MAX_BYTES = int(os.environ.get("QIAO_IMPORT_MAX_MB", "20")) * 1024 * 1024
# people not touched for this many years are listed for the retention review (qiao privacy retention)
QIAO_RETENTION_YEARS = int(os.environ.get("QIAO_RETENTION_YEARS", "5"))
QIAO_IMPORT_MAX_ROWS = int(os.environ.get("QIAO_IMPORT_MAX_ROWS", "200000"))
QIAO_IMPORT_INLINE_ROWS = int(os.environ.get("QIAO_IMPORT_INLINE_ROWS", "1000"))
# A dry run of 2,000 rows or more links them in this many processes (PostgreSQL only; 1 turns it off).
QIAO_IMPORT_PROCESSES = int(os.environ.get("QIAO_IMPORT_PROCESSES", "2"))
# Photos and documents attached to activities, kept under MEDIA_ROOT and served only through Qiao.
QIAO_ATTACHMENT_MAX_MB = int(os.environ.get("QIAO_ATTACHMENT_MAX_MB", "20"))
# Request bodies: form fields (not files) up to QIAO_FORM_MAX_MB, at most this many fields and files; files
# kept in memory up to 2.5 MB, then in a temporary file; a whole upload no larger than the largest file
# limit plus 1 MB (qiao/core/uploads.py refuses more with 413 before writing it anywhere).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("QIAO_FORM_MAX_MB", "5")) * 2**20)
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("QIAO_FORM_MAX_FIELDS", "5000"))
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
QIAO_UPLOAD_MAX_BYTES = max(QIAO_IMPORT_MAX_BYTES, QIAO_ATTACHMENT_MAX_MB * 2**20) + 2**20
FILE_UPLOAD_HANDLERS = [
    "qiao.core.uploads.RequestSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Public registration for activities: forms sent back sooner than MIN or later than MAX seconds after
# they were shown are refused (robots; stale pages); at most MAX_SUBMISSIONS forms per WINDOW seconds
# from one address per activity. Behind a proxy that sets X-Forwarded-For itself (the nginx
# configuration of the admin guide), QIAO_TRUST_X_FORWARDED_FOR=1 reads the client's address there.
QIAO_REGISTRATION_MIN_SECONDS = float(os.environ.get("QIAO_REGISTRATION_MIN_SECONDS", "3"))
QIAO_REGISTRATION_MAX_SECONDS = float(os.environ.get("QIAO_REGISTRATION_MAX_SECONDS", str(2 * 3600)))
QIAO_REGISTRATION_MAX_SUBMISSIONS = int(os.environ.get("QIAO_REGISTRATION_MAX_SUBMISSIONS", "10"))
QIAO_REGISTRATION_WINDOW_SECONDS = int(os.environ.get("QIAO_REGISTRATION_WINDOW_SECONDS", "600"))
QIAO_TRUST_X_FORWARDED_FOR = env_bool("QIAO_TRUST_X_FORWARDED_FOR")


# E-mail (reminders): sent through SMTP when QIAO_EMAIL_HOST is set, otherwise not at all (reminders
# stay in-app). QIAO_SITE_URL is the address people open Qiao at, for the links in e-mails.
EMAIL_HOST = os.environ.get("QIAO_EMAIL_HOST", "")
QIAO_EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("QIAO_EMAIL_PORT", "465" if env_bool("QIAO_EMAIL_USE_SSL") else "587"))
EMAIL_HOST_USER = os.environ.get("QIAO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("QIAO_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = env_bool("QIAO_EMAIL_USE_SSL")
EMAIL_USE_TLS = env_bool("QIAO_EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = int(os.environ.get("QIAO_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("QIAO_EMAIL_FROM", EMAIL_HOST_USER or "qiao@localhost")
QIAO_SITE_URL = os.environ.get("QIAO_SITE_URL", "").rstrip("/")

# Reminders (qiao/notifications/scan.py): a case or task is "due soon" from the recipient's local today
# up to QIAO_REMINDER_SOON_DAYS days later; `qiao reminders --loop` (started by `make run`) scans every
# QIAO_REMINDER_EVERY_MINUTES minutes.
QIAO_REMINDER_SOON_DAYS = int(os.environ.get("QIAO_REMINDER_SOON_DAYS", "3"))
QIAO_REMINDER_EVERY_MINUTES = float(os.environ.get("QIAO_REMINDER_EVERY_MINUTES", "15"))


def env_numbers(name: str, defaults: dict) -> dict:
    """`defaults` updated from a JSON object of numbers in the environment; a clear error names the variable."""
    from django.core.exceptions import ImproperlyConfigured

    raw = os.environ.get(name) or "{}"
    try:
        given = json.loads(raw)
        if not isinstance(given, dict):
            raise ValueError("not an object")
        return {**defaults, **{str(key): float(value) for key, value in given.items()}}
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f'{name} must be a JSON object of numbers, e.g. {{"field": 50}} ({error})') from None


# Matching (docs/architecture.md, "Matching engine"): the points each part of the score can give (they add up to 100),
# how close a person's field is to a demand's, BM25's parameters, how often each process reads the people changed
# since its index was built, where the index is kept, and up to how many talent profiles the engine reads the
# database at each query instead of keeping an index.
MATCHING_WEIGHTS = env_numbers(
    "QIAO_MATCHING_WEIGHTS",
    {
        "field": 40.0,
        "text": 25.0,
        "degree": 8.0,
        "experience": 7.0,
        "language": 5.0,
        "work_mode": 3.0,
        "place": 3.0,
        "engagement": 3.0,
        "outcome": 3.0,
        "availability": 3.0,
        "declined": 10.0,
    },
)
MATCHING_CLOSENESS = env_numbers(
    "QIAO_MATCHING_CLOSENESS", {"exact": 1.0, "child": 0.8, "sibling": 0.6, "parent": 0.5, "branch": 0.3, "text": 0.85}
)
MATCHING_BM25 = env_numbers("QIAO_MATCHING_BM25", {"k1": 1.2, "b": 0.75, "saturation": 0.4, "max_df": 0.2})
MATCHING_REFRESH_SECONDS = float(os.environ.get("QIAO_MATCHING_REFRESH_SECONDS", "30"))
MATCHING_INDEX_DIR = Path(os.environ.get("QIAO_MATCHING_INDEX_DIR", VAR_DIR / "matching"))
MATCHING_LIVE_MAX = int(os.environ.get("QIAO_MATCHING_LIVE_MAX", "500"))

# Lists: rows counted at most (beyond, "more than N records"), and search keys ranked at most for a list's
# search box before it ranks only the first ones and asks for more letters (qiao.core.views, qiao.core.search)
QIAO_LIST_COUNT_LIMIT = int(os.environ.get("QIAO_LIST_COUNT_LIMIT", "10000"))
QIAO_SEARCH_KEY_LIMIT = int(os.environ.get("QIAO_SEARCH_KEY_LIMIT", "1500"))

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("QIAO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
