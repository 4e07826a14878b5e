"""erpteam settings: one file, driven by environment variables (see docs/guide/configuration.md)."""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-erpteam-local-development-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "erpteam",
    "people",
    "projects",
    "modules",
    "team",
    "training",
    "issues",
    "acceptance",
    "notifications",
    "search",
    "readiness",
    "workspaces",
    "audit",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "people.middleware.UserPreferencesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "erpteam.middleware.RequestSizeLimitMiddleware",
    "erpteam.middleware.BadInputMiddleware",
]

ROOT_URLCONF = "erpteam.urls"
WSGI_APPLICATION = "erpteam.wsgi.application"

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
                "workspaces.context_processors.work_counts",
            ],
        },
    },
]

# Database: SQLite file by default (embedded mode), PostgreSQL through DATABASE_URL in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# The issue lists' covering indexes carry extra columns for PostgreSQL; SQLite builds them without.
SILENCED_SYSTEM_CHECKS = [] if postgresql else ["models.W040"]
# One request's time limit (gunicorn's `timeout` reads the same variable): waiting for a connection gets a
# third of it, so a request that cannot have one answers "the database is busy" (503) long before gunicorn
# kills the worker mid-request.
REQUEST_TIMEOUT = env.int("DJANGO_REQUEST_TIMEOUT", default=30)
DATABASE_WAIT = max(1, REQUEST_TIMEOUT // 3)
if postgresql:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_WAIT
if postgresql and env.bool("DJANGO_DB_POOL", default=False):
    # psycopg's connection pool, one per web process (instead of persistent connections).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DJANGO_DB_POOL_MIN", default=2),
        "max_size": env.int("DJANGO_DB_POOL_MAX", default=10),
        "timeout": DATABASE_WAIT,
    }
# A request runs short queries, many requests at once: PostgreSQL's JIT compiler (100-200 ms compiling
# aggregates that run in 10-20 ms) and parallel workers (their start-up made a 12 ms count take 40-300 ms)
# cost more than they give (measured with bench/). Behind PgBouncer, which refuses connection options,
# set DJANGO_DB_OPTIONS empty and `ALTER DATABASE … SET` both instead (docs/deployment.md).
db_options = env("DJANGO_DB_OPTIONS", default="-c jit=off -c max_parallel_workers_per_gather=0")
if postgresql and db_options:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = db_options
# Several test runs can share one PostgreSQL server when each names its own test database.
DATABASES["default"]["TEST"] = {"NAME": env("DJANGO_TEST_DATABASE_NAME", default=None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "erpteam.views.csrf_failure"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)

# Login throttling: after 5 failures for one username from one address, a 15-minute cool-off
# (never a permanent lock-out).
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy: only our own origin; inline scripts only with the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Redis: unset means tasks run eagerly in process and the cache is local memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Optional at run time (erpteam/cache.py); an unreachable Redis costs a request at most a second.
    CACHES = {
        "default": {
            "BACKEND": "erpteam.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport, made to survive a Redis restart while a task runs (erpteam/celery.py).
CELERY_BROKER_TRANSPORT = "erpteam.celery:BrokerTransport" if REDIS_URL else None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A broker (Redis) restart at any moment costs no task and no process. Messages are acknowledged after
# their task ends; a task still running when the connection drops cannot be acknowledged any more, so it
# is stopped (its transaction rolls back) and Redis hands its message out again once the visibility
# timeout has passed: the task runs again, once (every task is idempotent). A worker process that dies
# mid-task puts its message back too. The visibility timeout must exceed the longest task (a 20,000-row
# roster import: seconds) and the longest retry countdown (10 minutes). Redis keeps the queue across a
# crash only with persistence on (appendonly yes); without it the beat sweeps send again what was lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
celery_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=30 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": celery_visibility_timeout,
    # Look for such messages every tenth of the timeout (kombu's default looks every 100 s).
    "unacked_restore_interval": max(1, celery_visibility_timeout // 10),
    "unacked_restore_throttle": 1,
}
# Reconnect for ever, at start-up and after a loss, rather than exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = "UTC"
# Periodic work (Celery beat). Each app adds its own entry.
CELERY_BEAT_SCHEDULE = {
    "notifications-outbox-sweep": {"task": "notifications.tasks.notifications_outbox_sweep", "schedule": 300.0},
    "issues-sla-breaches": {"task": "issues.tasks.issues_sla_breaches_check", "schedule": 300.0},
    "training-reminders": {"task": "training.tasks.training_reminders_send", "schedule": 900.0},
    "people-roster-imports-sweep": {"task": "people.tasks.roster_imports_sweep", "schedule": 300.0},
    # Today's readiness snapshot, refreshed every hour (one row per project, module and day).
    "projects-readiness-snapshots": {"task": "readiness.tasks.readiness_snapshots_take", "schedule": 3600.0},
    "modules-deliverables-due": {"task": "modules.tasks.deliverables_due_notify", "schedule": 3600.0},
}

# Internationalisation: English and Simplified Chinese; the language follows the browser unless the
# user picked one (remembered on the account).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Shanghai")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Any request body above this is refused (413) before it is read; the largest upload is 50 MB.
REQUEST_MAX_BYTES = env.int("DJANGO_REQUEST_MAX_MB", default=60) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: console in the embedded mode, SMTP from the environment in production.
EMAIL_CONFIG = env.email("DJANGO_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")  # links in emails
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="erpteam <noreply@erpteam.local>")

# HTTPS: on in production behind a TLS-terminating proxy (DJANGO_HTTPS=true).
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "erpteam.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env.bool("DJANGO_LOG_JSON", default=False) else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
