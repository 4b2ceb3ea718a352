"""One settings file for every deployment, driven by environment variables.

Nothing set: the embedded default (SQLite in ./trienkhai-data, tasks run eagerly, e-mail to the
console). Production sets TRIENKHAI_ENV=production, DATABASE_URL, REDIS_URL and a secret key;
a bad or missing value there stops the process at start-up with a message naming the variable.
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


ENVIRONMENT = env_str("TRIENKHAI_ENV", "embedded")
if ENVIRONMENT not in {"embedded", "production", "test"}:
    raise ImproperlyConfigured("TRIENKHAI_ENV must be embedded, production or test")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env_str("TRIENKHAI_DATA_DIR", str(Path.cwd() / "trienkhai-data"))).resolve()


def _secret_key() -> str:
    key = env_str("TRIENKHAI_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("TRIENKHAI_SECRET_KEY must be set in production")
    # The embedded demo keeps a generated key beside its database so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret-key.txt"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("TRIENKHAI_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "TRIENKHAI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("TRIENKHAI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "treebeard",
    "axes",
    "trienkhai.audit",
    "trienkhai.accounts",
    "trienkhai.org",
    "trienkhai.notifications",
    "trienkhai.documents",
    "trienkhai.plans",
    "trienkhai.outreach",
    "trienkhai.surveys",
    "trienkhai.reading",
    "trienkhai.exchange",
    "trienkhai.public",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "trienkhai.api",
    "trienkhai.demo",
    "trienkhai.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "trienkhai.accounts.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trienkhai.accounts.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "trienkhai.accounts.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trienkhai.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "trienkhai.wsgi.application"

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
                "trienkhai.notifications.context_processors.notifications",
            ],
        },
    }
]

# --- Database: SQLite by default, any DATABASE_URL otherwise -------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # JIT compilation costs seconds on the aggregate queries of matrices and dashboards and
        # wins nothing on queries that take milliseconds: off for this application's sessions.
        # The whole-country counts group tens of thousands of rows whose groups PostgreSQL
        # cannot estimate; with the default 4 MB it sorts them on disk instead of hashing them.
        work_mem = env_str("TRIENKHAI_PG_WORK_MEM", "16MB")
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c jit=off -c work_mem={work_mem}"
        )
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must be set in production")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "trienkhai.sqlite3",
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "org:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins: 5 failures per username and address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env_int("TRIENKHAI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("TRIENKHAI_PROXY_COUNT", 0)

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("TRIENKHAI_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("TRIENKHAI_MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    # TRIENKHAI_STORAGE=s3 replaces it with a bucket (below).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024


def _s3_storage() -> dict:
    """Uploaded files in an S3-compatible bucket, for several web machines (docs/operations.md).
    Objects stay private: no ACL is set, and downloads go through the permission-checked views,
    never to a signed URL."""
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "TRIENKHAI_STORAGE=s3 needs django-storages and boto3: pip install 'trienkhai[s3]'"
        )
    bucket = env_str("TRIENKHAI_S3_BUCKET")
    if not bucket:
        raise ImproperlyConfigured("TRIENKHAI_S3_BUCKET must be set when TRIENKHAI_STORAGE=s3")
    addressing = env_str("TRIENKHAI_S3_ADDRESSING_STYLE", "path")
    if addressing not in {"path", "virtual", "auto"}:
        raise ImproperlyConfigured("TRIENKHAI_S3_ADDRESSING_STYLE must be path, virtual or auto")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env_str("TRIENKHAI_S3_PREFIX").strip("/"),
            "endpoint_url": env_str("TRIENKHAI_S3_ENDPOINT_URL") or None,
            "region_name": env_str("TRIENKHAI_S3_REGION") or None,
            # Unset: boto3's own chain (AWS_* variables, an instance role).
            "access_key": env_str("TRIENKHAI_S3_ACCESS_KEY") or None,
            "secret_key": env_str("TRIENKHAI_S3_SECRET_KEY") or None,
            "addressing_style": addressing,
            "default_acl": None,
            "querystring_auth": True,  # a URL, if one were ever made, would be signed
            # The same content uploaded twice gets two objects, as in the local folder.
            "file_overwrite": False,
            # A download larger than this is buffered on disk, not in memory.
            "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
        },
    }


STORAGE_KIND = env_str("TRIENKHAI_STORAGE", "local")
if STORAGE_KIND == "s3":
    STORAGES["default"] = _s3_storage()
elif STORAGE_KIND != "local":
    raise ImproperlyConfigured("TRIENKHAI_STORAGE must be local or s3")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
TRIENKHAI_MAX_IMPORT_BYTES = env_int("TRIENKHAI_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
TRIENKHAI_MAX_DOCUMENT_BYTES = env_int("TRIENKHAI_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)
# Evidence attached to a task or a measurement (photos, scans, spreadsheets).
TRIENKHAI_MAX_EVIDENCE_BYTES = env_int("TRIENKHAI_MAX_EVIDENCE_BYTES", 10 * 1024 * 1024)
# The largest body a request may declare: ten document files at once, and some room for the form.
TRIENKHAI_MAX_REQUEST_BYTES = env_int(
    "TRIENKHAI_MAX_REQUEST_BYTES", 10 * TRIENKHAI_MAX_DOCUMENT_BYTES + 1024 * 1024
)
# Said, not left to the default: cookies go with top-level navigation only.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Cache, Celery, e-mail --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A job whose worker died (SIGKILL, out of memory) goes back to the queue instead of being lost;
# every job is safe to run twice. Redis hands an unacknowledged job to another worker after
# this many seconds, so a job must finish within it or it may run twice at the same time.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("TRIENKHAI_JOB_REDELIVERY_SECONDS", 3600)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # One digest per person each morning: tasks due within 7 days, overdue ones, missing reports.
    "plans-daily-digests": {
        "task": "trienkhai.plans.jobs.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    # The task tallies of the whole-tree dashboard folded back to one row per key (plans.tallies).
    "plans-fold-task-tallies": {
        "task": "trienkhai.plans.jobs.fold_task_tallies",
        "schedule": crontab(hour=2, minute=15),
    },
    # Every compliance cell checked against the register, repaired if a write missed it.
    "plans-recheck-compliance": {
        "task": "trienkhai.plans.jobs.recheck_compliance",
        "schedule": crontab(hour=2, minute=45),
    },
    # Spent survey codes are rewritten so PostgreSQL keeps no trace of the order of their use.
    "surveys-reseal-codes": {
        "task": "trienkhai.surveys.jobs.reseal_codes",
        "schedule": crontab(minute="*/15"),
    },
}
# Wrong survey codes allowed per client address within the window, before a pause.
TRIENKHAI_RESPOND_FAILURE_LIMIT = env_int("TRIENKHAI_RESPOND_FAILURE_LIMIT", 10)
# Citizens' comments on a public site accepted per address within the window.
TRIENKHAI_COMMENT_LIMIT = env_int("TRIENKHAI_COMMENT_LIMIT", 5)
TRIENKHAI_COMMENT_WINDOW_SECONDS = env_int("TRIENKHAI_COMMENT_WINDOW_SECONDS", 600)
TRIENKHAI_RESPOND_FAILURE_SECONDS = env_int("TRIENKHAI_RESPOND_FAILURE_SECONDS", 600)
# A person is reminded of the same thing at most once in this many minutes.
TRIENKHAI_REMINDER_INTERVAL_MINUTES = env_int("TRIENKHAI_REMINDER_INTERVAL_MINUTES", 60)

EMAIL_BACKEND = env_str(
    "TRIENKHAI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "trienkhai@localhost")
# The address people reach the site at, for links in e-mails.
TRIENKHAI_SITE_URL = env_str("TRIENKHAI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security headers (production turns on the HTTPS-only parts) -----------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("TRIENKHAI_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("TRIENKHAI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TRIENKHAI_LOG_LEVEL", "WARNING")},
}

# --- The REST API (trienkhai/api, docs/api.md) ---------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "trienkhai.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the pages' htmx, with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["trienkhai.api.auth.IsAuthenticatedWithinToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "trienkhai.api.errors.handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["trienkhai.api.throttling.ApiRateThrottle"],
}
# API calls allowed per person (or per address without a login): "600/min"; empty switches off.
TRIENKHAI_API_RATE = env_str("TRIENKHAI_API_RATE", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Triển Khai API",
    "DESCRIPTION": "Triển Khai's data with the same rules as the pages. Authenticate with "
    "`Authorization: Bearer <token>` (a personal key: Tài khoản của tôi → Khóa API). docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",  # served from the installed package: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "trienkhai.plans.models.TaskStatus",
        "PositionRoleEnum": "trienkhai.org.models.PositionRole",
        "ReportStatusEnum": "trienkhai.api.serializers_programmes.REPORT_STATUSES",
        "DocumentStatusEnum": "trienkhai.documents.models.DocStatus",
        "UnitKindEnum": "trienkhai.org.models.UnitKind",
        "RelationKindEnum": "trienkhai.documents.models.RelationKind",
        "IssuedStatusEnum": "trienkhai.api.serializers_documents.ISSUED_CHOICES",
    },
}
