"""Settings shared by every mode; values that differ by deployment come from the environment.

Two modes:
- embedded default (no variables): SQLite under var/, Celery on kombu's filesystem transport;
- services: DATABASE_URL (PostgreSQL) and REDIS_URL (Celery broker and cache).
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from congress.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CONGRESS_VAR_DIR") or BASE_DIR / "var")

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "congress",
    "deputies",
    "suggestions",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congress.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "congress.urls"
WSGI_APPLICATION = "congress.wsgi.application"
ASGI_APPLICATION = "congress.asgi.application"

# Django's form templates, with <select> written in Python (a filter form lists hundreds of options).
FORM_RENDERER = "congress.forms_renderer.PortalFormRenderer"

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
                "congress.context_processors.portal",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL in production, SQLite under var/ otherwise.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
if not env_str("DATABASE_URL"):
    # The embedded default keeps its database in the data folder, which a fresh CONGRESS_VAR_DIR lacks.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A WAL journal lets the web process and the Celery worker share the file without lock errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The statistics' covering index carries extra columns on PostgreSQL; SQLite just indexes the keys.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "congress.User"
AUTHENTICATION_BACKENDS = ["congress.backends.CongressBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Redis serves as Celery broker and Django cache when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "congress",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when configured, otherwise kombu's filesystem transport under var/broker,
# so the embedded default still runs a real worker and beat as separate processes.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu's default is a "control" folder relative to the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A web request that enqueues a task while the broker is down gives up after about two seconds.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The heartbeat proves beat, broker and worker work together; the system status page reads it.
CELERY_HEARTBEAT_SECONDS = env_int("CELERY_HEARTBEAT_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "congress.tasks.record_heartbeat", "schedule": float(CELERY_HEARTBEAT_SECONDS)},
    "purge-idempotency-records": {"task": "congress.tasks.purge_idempotency_records", "schedule": 3600.0},
    # The reminder sweep: what is due is computed from the database each time, so a missed run is harmless.
    "reminders-sweep": {
        "task": "congress.tasks.reminders_sweep",
        "schedule": 60.0 * env_int("REMINDERS_SWEEP_MINUTES", 15),
    },
    # Reads stay exact without it (they add the pending changes); it keeps them few, so reads stay short.
    "compact-suggestion-tallies": {"task": "suggestions.tasks.compact_suggestion_tallies", "schedule": 60.0},
    # A worker searches each submission's possible duplicates as it commits; this catches the ones it missed.
    "sweep-duplicates": {"task": "suggestions.tasks.sweep_duplicates", "schedule": 600.0},
    # A parallel answer rated unsatisfied beside one left unrated goes back to re-handling once the rating window
    # passes; the staff page tells the office this happens within the hour.
    "settle-lapsed-rounds": {"task": "suggestions.tasks.settle_lapsed_rounds", "schedule": 3600.0},
}

REST_FRAMEWORK = {
    # Token first: its authenticate_header makes a missing credential a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "congress.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["congress.api.permissions.ScopedAccess"],
    "DEFAULT_FILTER_BACKENDS": [
        "congress.api.filters.StrictFilterBackend",
        "congress.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "congress.api.schema.ApiAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "congress.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "congress.api.throttling.ClientKeyThrottle",
        "congress.api.throttling.PersonThrottle",
        "congress.api.throttling.AnonymousThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": env_str("API_THROTTLE_CLIENT", "600/min"),
        "user": env_str("API_THROTTLE_USER", "240/min"),
        "anon": env_str("API_THROTTLE_ANON", "30/min"),
        "auth_token": env_str("API_THROTTLE_AUTH_TOKEN", "10/min"),
    },
    "ORDERING_PARAM": "ordering",
    "SEARCH_PARAM": "search",
}
# Personal tokens from POST /api/v1/auth/token/ expire after this many days.
API_PERSONAL_TOKEN_DAYS = env_int("API_PERSONAL_TOKEN_DAYS", 30)
# Idempotency records older than this are purged (manage.py purge_idempotency).
API_IDEMPOTENCY_TTL_HOURS = env_int("API_IDEMPOTENCY_TTL_HOURS", 24)
SPECTACULAR_SETTINGS = {
    "TITLE": "Congress portal API",
    "DESCRIPTION": (
        "REST API of the county people's congress portal for other county systems and deputies' phones. "
        "Authenticate with `Authorization: Token <key>`. Errors share one shape: "
        '`{"error": {"code", "message", "fields"}}`, messages in the Accept-Language (zh-hans or en). '
        "Send an `Idempotency-Key` header on POSTs so a retry does not act twice."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from static/ (drf-spectacular-sidecar): county intranets have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
}

# Outgoing mail: Django's SMTP backend configured from the environment.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "congress@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS: the gateway the notifications engine sends through (logging backend unless configured).
SMS_BACKEND = env_str("SMS_BACKEND", "logging")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_USERNAME = env_str("SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PASSWORD = env_str("SMS_GATEWAY_PASSWORD", "")
# The JSON body posted to the gateway; {phone}, {text}, {username}, {password} and {message_id} are filled in.
SMS_GATEWAY_TEMPLATE = env_str(
    "SMS_GATEWAY_TEMPLATE",
    '{"username": "{username}", "password": "{password}", "mobile": "{phone}", "content": "{text}", '
    '"client_msgid": "{message_id}"}',
)
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 5)

# Reminders (congress/reminders/): when messages may go out, how failures are retried, how far a sweep catches up.
REMINDERS_WORKING_HOURS = env_str("REMINDERS_WORKING_HOURS", "08:30-17:30")
REMINDERS_RETRY_DELAYS = [float(value) for value in env_list("REMINDERS_RETRY_DELAYS", ["60", "300", "1800"])]
REMINDERS_BATCH_SIZE = env_int("REMINDERS_BATCH_SIZE", 50)
REMINDERS_CATCH_UP_DAYS = env_int("REMINDERS_CATCH_UP_DAYS", 30)
REMINDERS_MAX_OVERDUE_DAYS = env_int("REMINDERS_MAX_OVERDUE_DAYS", 366)
# A delivery still pending this many seconds after it was handed to the broker is handed again.
REMINDERS_REQUEUE_AFTER = env_int("REMINDERS_REQUEUE_AFTER", 600)
# The portal's address as people reach it, for links in e-mails and text messages (e.g. https://portal.example.gov.cn).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "").rstrip("/")

# The portal's name where no body is in view (sign-in page, /public/ list of bodies), e.g. "青山县人大常委会";
# a signed-in person's pages and a body's public pages show that body's name instead.
PORTAL_TITLE = env_str("PORTAL_TITLE", "") or None
PORTAL_TITLE_DEFAULT = _("County People's Congress Standing Committee")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
