"""The one settings module. Every value that differs between a laptop and production comes from the
environment; the defaults run the whole application on a SQLite file with in-process tasks."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"

# "production" switches on the start-up refusals below; anything else is a development machine.
ENVIRONMENT = env.str("ENVIRONMENT", default="development")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("ENVIRONMENT=production needs its own SECRET_KEY (32+ characters).")
    if DEBUG:
        raise ImproperlyConfigured("ENVIRONMENT=production refuses DEBUG=on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ENVIRONMENT=production needs ALLOWED_HOSTS.")

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "districts",
    "complaints",
    "twitter_ingest",
    "dashboard",
]

MIDDLEWARE = [
    "seva.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seva.language.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "seva.urls"
WSGI_APPLICATION = "seva.wsgi.application"

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
                "dashboard.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is used by several processes at once (web, poller, outbox sender).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "seva"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The public tracking page ships its own Hindi catalogue; the project catalogue above wins where both have a string.
LOCALE_PATHS.append(BASE_DIR / "templates" / "track" / "locale")
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)

# Celery: without a broker URL the tasks run in-process, so the embedded default needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}

# X (Twitter). Empty credentials mean nothing is fetched or posted; X_API_BASE_URL points tweepy at
# another host (the simulated X API used by tests, the demo and training).
X_BEARER_TOKEN = env.str("X_BEARER_TOKEN", default="")
X_API_KEY = env.str("X_API_KEY", default="")
X_API_SECRET = env.str("X_API_SECRET", default="")
X_ACCESS_TOKEN = env.str("X_ACCESS_TOKEN", default="")
X_ACCESS_SECRET = env.str("X_ACCESS_SECRET", default="")
X_API_BASE_URL = env.str("X_API_BASE_URL", default="")
X_POST_ENABLED = env.bool("X_POST_ENABLED", default=False)
X_STATE_HANDLE = env.str("X_STATE_HANDLE", default="Uppolice")

# The public site's address, used in links that leave the application (tweets, exports).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# X ingest (twitter_ingest). Mentions are polled every X_POLL_INTERVAL seconds (300 requests / 15 min per
# user allows one every 3 s; 60 s leaves room for paging and the overlap poll), with an overlap poll over
# the last X_OVERLAP_WINDOW_MINUTES for late arrivals; the outbox sender runs every X_OUTBOX_INTERVAL s.
X_API_TIMEOUT = env.float("X_API_TIMEOUT", default=15.0)
X_POLL_INTERVAL = env.int("X_POLL_INTERVAL", default=60)
# Longer than the task's hard time limit, so a running poll never loses its lock; a dead holder's lock expires.
X_POLL_LOCK_SECONDS = env.int("X_POLL_LOCK_SECONDS", default=310)
X_POLL_RETRIES = env.int("X_POLL_RETRIES", default=2)
X_POLL_BACKOFF_SECONDS = env.float("X_POLL_BACKOFF_SECONDS", default=1.0)
X_OVERLAP_INTERVAL = env.int("X_OVERLAP_INTERVAL", default=600)
X_OVERLAP_WINDOW_MINUTES = env.int("X_OVERLAP_WINDOW_MINUTES", default=30)
# Forward automatically when the suggested unit's confidence reaches this (0..1); unset = never.
X_AUTO_FORWARD_CONFIDENCE = env.float("X_AUTO_FORWARD_CONFIDENCE", default=None)
# A link costs ~13x a plain post under pay-per-use; the code alone lets the citizen track.
X_REPLY_INCLUDE_LINK = env.bool("X_REPLY_INCLUDE_LINK", default=False)
X_OUTBOX_INTERVAL = env.int("X_OUTBOX_INTERVAL", default=10)
X_OUTBOX_BATCH = env.int("X_OUTBOX_BATCH", default=20)
X_OUTBOX_MAX_ATTEMPTS = env.int("X_OUTBOX_MAX_ATTEMPTS", default=6)
X_OUTBOX_BACKOFF_SECONDS = env.float("X_OUTBOX_BACKOFF_SECONDS", default=30.0)
X_OUTBOX_CLAIM_SECONDS = env.int("X_OUTBOX_CLAIM_SECONDS", default=120)
X_POST_MAX_PER_15MIN = env.int("X_POST_MAX_PER_15MIN", default=90)
CELERY_BEAT_SCHEDULE["x-poll-mentions"] = {"task": "twitter_ingest.tasks.poll_all", "schedule": X_POLL_INTERVAL}
CELERY_BEAT_SCHEDULE["x-overlap-poll"] = {"task": "twitter_ingest.tasks.overlap_poll", "schedule": X_OVERLAP_INTERVAL}
CELERY_BEAT_SCHEDULE["x-send-outbox"] = {"task": "twitter_ingest.tasks.send_outbox", "schedule": X_OUTBOX_INTERVAL}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
# API throttles (issue 5): per user, per anonymous address, and the public code lookup (page and API),
# counted per client address. The client address is taken from TRUSTED_PROXY_HEADER (for example
# HTTP_X_FORWARDED_FOR) only when it is set, with TRUSTED_PROXY_COUNT proxies in front; else REMOTE_ADDR.
TRACK_THROTTLE = env.str("TRACK_THROTTLE", default="30/min")
OPEN311_THROTTLE = env.str("OPEN311_THROTTLE", default="60/min")
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
TRACK_MAX_AGE = env.int("TRACK_MAX_AGE", default=30)
TRACK_PAGE_CACHE_SECONDS = env.int("TRACK_PAGE_CACHE_SECONDS", default=60)
OPEN311_PUBLISH_TEXT = env.bool("OPEN311_PUBLISH_TEXT", default=False)
OPEN311_MAX_REQUESTS = env.int("OPEN311_MAX_REQUESTS", default=200)
SLA_NOTED_TARGET_MINUTES = env.int("SLA_NOTED_TARGET_MINUTES", default=120)
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)
REST_FRAMEWORK.update({
    "DEFAULT_THROTTLE_CLASSES": [
        "complaints.api.throttling.AnonThrottle",
        "complaints.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_THROTTLE", default="60/min"),
        "user": env.str("API_USER_THROTTLE", default="1200/min"),
    },
})
SPECTACULAR_SETTINGS = {
    "TITLE": "UP Police Twitter Seva API",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# JSON lines with the request id in production (LOG_FORMAT=json), readable text on a laptop.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "seva.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "seva.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Requests are logged once, by seva.request, with the request id.
        "django.server": {"level": "WARNING"},
        "seva.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO" if PRODUCTION else "WARNING")},
    },
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "districts.auth.RolePermissionBackend",
]

# Dashboard: SLA clocks. Units without a shift calendar row work these hours (IST, every day; shifts may
# overlap or run past midnight); the units listed work round the clock (Lucknow, seed 003).
SLA_DEFAULT_SHIFTS = [("08:00", "16:00"), ("14:00", "22:00")]
SLA_ROUND_THE_CLOCK_UNITS = env.list("SLA_ROUND_THE_CLOCK_UNITS", default=["lucknow-commissionerate"])
SLA_SWEEP_SECONDS = env.int("SLA_SWEEP_SECONDS", default=300)
# The league table and its charts are kept this long (seconds) per scope and period.
DASHBOARD_LEAGUE_CACHE_SECONDS = env.int("DASHBOARD_LEAGUE_CACHE_SECONDS", default=120)
# After logging out of the dashboard, back to its login page (not the admin's "logged out" page).
LOGOUT_REDIRECT_URL = LOGIN_URL
CELERY_BEAT_SCHEDULE["dashboard-sla-sweep"] = {
    "task": "dashboard.tasks.sla_sweep",
    "schedule": SLA_SWEEP_SECONDS,
    "kwargs": {"limit": 500},
}
# Keeps HQ's default league view (last 30 days) computed; a little more often than it expires.
CELERY_BEAT_SCHEDULE["dashboard-league-warm"] = {
    "task": "dashboard.tasks.warm_league",
    "schedule": max(30, DASHBOARD_LEAGUE_CACHE_SECONDS * 3 // 4),
}

# /healthz and /metrics (seva/health.py).
HEALTH_INGEST_STALE_SECONDS = env.int("HEALTH_INGEST_STALE_SECONDS", default=max(600, 10 * X_POLL_INTERVAL))
HEALTH_OUTBOX_BACKLOG = env.int("HEALTH_OUTBOX_BACKLOG", default=200)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_PREFIX = env.str("METRICS_PREFIX", default="seva")
METRICS_SLA_EVENT_ACTIONS = ["escalated", "escalate", "sla_breach"]
