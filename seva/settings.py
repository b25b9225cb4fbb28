"""The one settings module. Every value that differs between a laptop and production comes from the
environment; the defaults run the whole application on a SQLite file with in-process tasks."""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"

# "production" switches on the start-up refusals below; anything else is a development machine.
ENVIRONMENT = env.str("ENVIRONMENT", default="development")
PRODUCTION = ENVIRONMENT == "production"

# Empty counts as unset (.env.example leaves it empty); production refuses the development key (seva.E001).
SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The SECRET_KEY's strength, X_API_BASE_URL and METRICS_TOKEN are checked by system checks (seva/checks.py),
# which `manage.py check --deploy`, `migrate` and the WSGI application run, so each refusal has a stable id.
if PRODUCTION:
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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "districts",
    "complaints",
    "twitter_ingest",
    "dashboard",
    "seva",  # its system checks (seva/checks.py)
]

MIDDLEWARE = [
    "seva.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "seva.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seva.language.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a login refused by the lockout into the lockout page (districts/lockouts.py).
    "axes.middleware.AxesMiddleware",
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
# Counts read in lakhs and crores in both languages (seva/formats); only where a template asks (|intcomma),
# so ids, years and form values stay as they are.
FORMAT_MODULE_PATH = ["seva.formats"]
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
    # Behind the TLS proxy (docker-compose.yml, deploy/Caddyfile), which sets X-Forwarded-Proto on every
    # request it passes on; gunicorn is reachable only through it.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The container's health check and Prometheus reach gunicorn directly, over the internal network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preload closes the first-visit gap (a citizen's first look-up on public Wi-Fi); includeSubDomains
    # already commits every subdomain to HTTPS, and entering the browsers' list is a separate, deliberate
    # submission at hstspreload.org. Turn off only for a domain whose subdomains cannot all do HTTPS.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

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
# Which token reads the state account's own mentions (twitter_ingest/credentials.py). "own": its user tokens
# (X_ACCESS_*) when set, which X bills as owned reads ($0.001 a post), else the bearer token; "app": the
# bearer token whenever it is set (post reads, $0.005). Other reads keep the bearer token either way.
X_READ_MENTIONS_WITH = env.str("X_READ_MENTIONS_WITH", default="own")
# Other watched accounts' own OAuth user tokens (twitter_ingest/credentials.py), never kept in the database:
# X_ACCOUNT_<HANDLE>_ACCESS_TOKEN and X_ACCOUNT_<HANDLE>_ACCESS_SECRET, the handle in capitals without @.
# Keyed here by the handle in lower case; an account without both is read and answered by the state account.
X_ACCOUNT_TOKENS = {
    match.group(1).lower(): (value, os.environ.get(f"X_ACCOUNT_{match.group(1)}_ACCESS_SECRET", ""))
    for name, value in sorted(os.environ.items())
    if (match := re.fullmatch(r"X_ACCOUNT_(\w{1,15})_ACCESS_TOKEN", name)) and value
}

# The public site's address, used in links that leave the application (tweets, exports).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# X ingest (twitter_ingest). Beat looks every X_POLL_TICK seconds for accounts due a poll (pacing.py):
# every X_POLL_MIN_INTERVAL s while mentions are flowing, backing off by X_POLL_BACKOFF_FACTOR per empty
# poll to X_POLL_INTERVAL s when quiet (an empty poll costs nothing; pricing is per post returned), and
# never faster than the x-rate-limit-remaining/-reset headers allow (300 requests / 15 min per user),
# keeping X_POLL_RESERVE requests per window for paging and the overlap poll over the last
# X_OVERLAP_WINDOW_MINUTES for late arrivals; the outbox sender runs every X_OUTBOX_INTERVAL s.
X_API_TIMEOUT = env.float("X_API_TIMEOUT", default=15.0)
X_POLL_INTERVAL = env.int("X_POLL_INTERVAL", default=6)
X_POLL_MIN_INTERVAL = env.float("X_POLL_MIN_INTERVAL", default=2.0)
X_POLL_BACKOFF_FACTOR = env.float("X_POLL_BACKOFF_FACTOR", default=1.5)
X_POLL_TICK = env.float("X_POLL_TICK", default=2.0)
X_POLL_RESERVE = env.int("X_POLL_RESERVE", default=10)
# Longer than the task's hard time limit, so a running poll never loses its lock; a dead holder's lock expires.
X_POLL_LOCK_SECONDS = env.int("X_POLL_LOCK_SECONDS", default=310)
X_POLL_RETRIES = env.int("X_POLL_RETRIES", default=2)
X_POLL_BACKOFF_SECONDS = env.float("X_POLL_BACKOFF_SECONDS", default=1.0)
X_OVERLAP_INTERVAL = env.int("X_OVERLAP_INTERVAL", default=600)
X_OVERLAP_WINDOW_MINUTES = env.int("X_OVERLAP_WINDOW_MINUTES", default=30)
# Ingest mode (twitter_ingest/stream.py). "poll" (the default): beat polls as above. "stream": the
# `stream_mentions` process files the state account's mentions from X's Activity API stream as they come,
# and the beat's regular poll of that account is only a safety poll every X_STREAM_SAFETY_POLL_SECONDS
# while the stream is alive; once it has been silent (no event, no keep-alive) for
# X_STREAM_FALLBACK_SECONDS, the poll paces itself as in poll mode again. Reconnects back off as X's
# streaming guide says: network errors linearly from X_STREAM_BACKOFF_SECONDS/20 to X_STREAM_BACKOFF_MAX_SECONDS/20,
# HTTP errors doubling from X_STREAM_BACKOFF_SECONDS to X_STREAM_BACKOFF_MAX_SECONDS, 429 doubling from
# X_STREAM_RATE_LIMIT_BACKOFF_SECONDS (same cap), each with jitter. X_ACTIVITY_USER_TOKEN: the state
# account's OAuth 2.0 user access token (tweet.read) to create the subscriptions; without it the state
# account's OAuth 1.0a tokens are used (the OpenAPI allows both; the introduction names OAuth 2.0).
X_INGEST_MODE = env.str("X_INGEST_MODE", default="poll")
X_ACTIVITY_USER_TOKEN = env.str("X_ACTIVITY_USER_TOKEN", default="")
X_STREAM_READ_TIMEOUT = env.float("X_STREAM_READ_TIMEOUT", default=30.0)
X_STREAM_FALLBACK_SECONDS = env.float("X_STREAM_FALLBACK_SECONDS", default=60.0)
X_STREAM_SAFETY_POLL_SECONDS = env.float("X_STREAM_SAFETY_POLL_SECONDS", default=60.0)
X_STREAM_BACKOFF_SECONDS = env.float("X_STREAM_BACKOFF_SECONDS", default=5.0)
X_STREAM_BACKOFF_MAX_SECONDS = env.float("X_STREAM_BACKOFF_MAX_SECONDS", default=320.0)
X_STREAM_RATE_LIMIT_BACKOFF_SECONDS = env.float("X_STREAM_RATE_LIMIT_BACKOFF_SECONDS", default=60.0)
# Deleted mentions: every X_DELETION_INTERVAL s the tweets of complaints posted within the last
# X_DELETION_WINDOW_HOURS are looked up, 100 ids a request, at most X_DELETION_MAX_LOOKUPS requests a run.
# Each tweet still there is a billed post read: a longer window or a shorter interval costs more.
X_DELETION_INTERVAL = env.int("X_DELETION_INTERVAL", default=3600)
X_DELETION_WINDOW_HOURS = env.int("X_DELETION_WINDOW_HOURS", default=24)
X_DELETION_MAX_LOOKUPS = env.int("X_DELETION_MAX_LOOKUPS", default=10)
# Only open complaints' tweets by citizens are looked up, and none read on X within the last
# X_DELETION_RECHECK_HOURS (it was there then): X bills a post once a UTC day, so checking more often than
# daily buys little, and a tweet polled an hour ago needs no lookup.
X_DELETION_RECHECK_HOURS = env.float("X_DELETION_RECHECK_HOURS", default=6)
# Mentions are polled without X's user expansions; an author's handle, name and bio are looked up once
# (100 ids a request) and kept this many days before they are looked up again (twitter_ingest.users).
X_USERS_REFRESH_DAYS = env.int("X_USERS_REFRESH_DAYS", default=7)
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
# Of those, kept for replies about urgent complaints during a burst (the rest wait for the next window).
X_POST_URGENT_RESERVE = env.int("X_POST_URGENT_RESERVE", default=15)
# A tick nobody ran within its own period is dropped: the next tick asks again.
CELERY_BEAT_SCHEDULE["x-poll-mentions"] = {"task": "twitter_ingest.tasks.poll_all", "schedule": X_POLL_TICK,
                                           "options": {"expires": X_POLL_TICK * 5}}
CELERY_BEAT_SCHEDULE["x-overlap-poll"] = {"task": "twitter_ingest.tasks.overlap_poll", "schedule": X_OVERLAP_INTERVAL}
CELERY_BEAT_SCHEDULE["x-send-outbox"] = {"task": "twitter_ingest.tasks.send_outbox", "schedule": X_OUTBOX_INTERVAL}
CELERY_BEAT_SCHEDULE["x-deletion-check"] = {"task": "twitter_ingest.tasks.check_deletions",
                                            "schedule": X_DELETION_INTERVAL}
# Watches (twitter_ingest.watches): recent search for incidents nobody tagged the police in. Every post X
# returns is a billed read (X_POST_READ_USD each); each watch stops at its monthly cap of posts read.
X_WATCH_INTERVAL = env.int("X_WATCH_INTERVAL", default=300)
X_WATCH_DEFAULT_MONTHLY_CAP = env.int("X_WATCH_DEFAULT_MONTHLY_CAP", default=3000)
X_WATCH_FIRST_LOOKBACK_MINUTES = env.int("X_WATCH_FIRST_LOOKBACK_MINUTES", default=60)
X_SEARCH_QUERY_MAX_CHARS = env.int("X_SEARCH_QUERY_MAX_CHARS", default=512)
X_POST_READ_USD = env.float("X_POST_READ_USD", default=0.005)
# The X bill (twitter_ingest.ledger): what pay-per-use charges per resource, each resource once per UTC day.
# X_POST_READ_USD above is the post read. A monthly budget (USD, empty = none) warns HQ at 80% and at 100%
# holds the optional spending (status replies); replies with codes are never held.
X_PRICE_OWNED_READ_USD = env.float("X_PRICE_OWNED_READ_USD", default=0.001)
X_PRICE_USER_READ_USD = env.float("X_PRICE_USER_READ_USD", default=0.010)
X_PRICE_POST_USD = env.float("X_PRICE_POST_USD", default=0.015)
X_PRICE_POST_WITH_URL_USD = env.float("X_PRICE_POST_WITH_URL_USD", default=0.20)
X_PRICE_SUMMONED_REPLY_USD = env.float("X_PRICE_SUMMONED_REPLY_USD", default=0.010)
X_MONTHLY_BUDGET_USD = env.float("X_MONTHLY_BUDGET_USD", default=None)
CELERY_BEAT_SCHEDULE["x-run-watches"] = {"task": "twitter_ingest.tasks.run_watches", "schedule": X_WATCH_INTERVAL}
# The account audit (twitter_ingest.account_audit): every unit account looked up on X once a week
# (100 a request, each a user read on the X bill), checked against the circular's rules. It is optional
# spending: it does not run once the month's budget is spent. Walking whom each account follows costs a
# user read per account listed (up to 1,000 a page, 15 pages per 15 minutes): off unless
# X_AUDIT_FOLLOWING is on, and at most X_AUDIT_FOLLOWING_MAX_PAGES pages per account.
X_AUDIT_REQUIRED_FOLLOWS = env.list("X_AUDIT_REQUIRED_FOLLOWS", default=[
    "CMOfficeUP", "UPGovt", "chiefsecyup", "homeDeptup", "Uppolice", "dgpup"])
X_AUDIT_FOLLOWING = env.bool("X_AUDIT_FOLLOWING", default=False)
X_AUDIT_FOLLOWING_MAX_PAGES = env.int("X_AUDIT_FOLLOWING_MAX_PAGES", default=1)
CELERY_BEAT_SCHEDULE["x-audit-accounts"] = {
    "task": "twitter_ingest.tasks.audit_accounts", "schedule": crontab(minute=0, hour=6, day_of_week="sun"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its scheme is what a refused call is told (401 with WWW-Authenticate: Token),
        # where the session's would leave a client a bare 403 it cannot tell from "not allowed".
        "complaints.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
# API throttles (issue 5): per user, per anonymous address, and the public code lookup (page and API),
# counted per client address (districts/client_address.py, which reads X-Forwarded-For only from TRUSTED_PROXIES).
TRACK_THROTTLE = env.str("TRACK_THROTTLE", default="30/min")
# Answers sent from the tracking page after resolution (satisfied / not satisfied), per client address and
# per tracking code; empty turns a limit off.
TRACK_FEEDBACK_PER_ADDRESS = env.str("TRACK_FEEDBACK_PER_ADDRESS", default="10/hour")
TRACK_FEEDBACK_PER_CODE = env.str("TRACK_FEEDBACK_PER_CODE", default="5/day")
OPEN311_THROTTLE = env.str("OPEN311_THROTTLE", default="60/min")
TRACK_MAX_AGE = env.int("TRACK_MAX_AGE", default=30)
TRACK_PAGE_CACHE_SECONDS = env.int("TRACK_PAGE_CACHE_SECONDS", default=60)
OPEN311_PUBLISH_TEXT = env.bool("OPEN311_PUBLISH_TEXT", default=False)
OPEN311_MAX_REQUESTS = env.int("OPEN311_MAX_REQUESTS", default=200)
SLA_NOTED_TARGET_MINUTES = env.int("SLA_NOTED_TARGET_MINUTES", default=120)
# A cell's contact list not confirmed for this many days is stale in HQ's directory of cells.
CELL_CONTACTS_STALE_DAYS = env.int("CELL_CONTACTS_STALE_DAYS", default=30)
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
    # OpenAPI links from a complaint's tracking_code to the operations on it (complaints/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "complaints.api.schema.add_links"],
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
    # First: refuses a login while its account or address is locked out (districts/lockouts.py).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "districts.auth.RolePermissionBackend",
]

# Dashboard: SLA clocks. Units without a shift calendar row work these hours (IST, every day; shifts may
# overlap or run past midnight); the units listed work round the clock (Lucknow, seed 003).
SLA_DEFAULT_SHIFTS = [("08:00", "16:00"), ("14:00", "22:00")]
SLA_ROUND_THE_CLOCK_UNITS = env.list("SLA_ROUND_THE_CLOCK_UNITS", default=["lucknow-commissionerate"])
# The league table and its charts are kept this long (seconds) per scope and period.
DASHBOARD_LEAGUE_CACHE_SECONDS = env.int("DASHBOARD_LEAGUE_CACHE_SECONDS", default=120)
# After logging out of the dashboard, back to its login page (not the admin's "logged out" page).
LOGOUT_REDIRECT_URL = LOGIN_URL
# Escalation and notifications (complaints/escalation.py, dashboard/notify.py): the ladder climbs every
# ESCALATION_SWEEP_SECONDS, and marks the complaints past their deadline that it does not carry (it is the
# one deadline watch: the old SLA sweep is gone); waiting deliveries (and retries) go out every
# NOTIFICATION_SEND_SECONDS; each cell's, each SP's and HQ's digest at 08:00 IST. E-mail goes through Django's
# mail, configured by one URL, e.g. smtp+tls://user:password@mail.example:587 (the default prints the
# mails on the console).
ESCALATION_SWEEP_SECONDS = env.int("ESCALATION_SWEEP_SECONDS", default=300)
NOTIFICATION_SEND_SECONDS = env.int("NOTIFICATION_SEND_SECONDS", default=60)
NOTIFICATION_BACKENDS = env.list("NOTIFICATION_BACKENDS", default=[
    "dashboard.notify_backends.EmailBackend", "dashboard.notify_backends.ConsoleBackend"])
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=3)
vars().update(env.email_url_config(env.str("EMAIL_URL", default="consolemail://")))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")
CELERY_BEAT_SCHEDULE["escalation-climb"] = {
    "task": "dashboard.tasks.escalation_climb", "schedule": ESCALATION_SWEEP_SECONDS, "kwargs": {"limit": 500},
}
CELERY_BEAT_SCHEDULE["notifications-send"] = {
    "task": "dashboard.tasks.deliver_notifications", "schedule": NOTIFICATION_SEND_SECONDS,
}
CELERY_BEAT_SCHEDULE["cell-morning-digest"] = {
    "task": "dashboard.tasks.morning_digest", "schedule": crontab(minute=0, hour=8),
}
# Keeps HQ's default league view (last 30 days) computed; a little more often than it expires.
CELERY_BEAT_SCHEDULE["dashboard-league-warm"] = {
    "task": "dashboard.tasks.warm_league",
    "schedule": max(30, DASHBOARD_LEAGUE_CACHE_SECONDS * 3 // 4),
}

# The DGP's weekly review (dashboard.review_report): filed every Monday 08:00 IST for the week just ended;
# the honour roll of the month just ended is decided on the 1st. Spikes: an hour with at least
# SPIKE_MIN_COUNT complaints for a unit and SPIKE_FACTOR times its average in the same hour of the four
# weeks before; HQ's home page reads the last day's from the cache, kept SPIKES_CACHE_SECONDS.
SPIKE_MIN_COUNT = env.int("SPIKE_MIN_COUNT", default=5)
SPIKE_FACTOR = env.float("SPIKE_FACTOR", default=3.0)
SPIKES_CACHE_SECONDS = env.int("SPIKES_CACHE_SECONDS", default=900)
CELERY_BEAT_SCHEDULE["dashboard-weekly-review"] = {
    "task": "dashboard.tasks.file_weekly_review", "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
}
CELERY_BEAT_SCHEDULE["dashboard-honour-roll"] = {
    "task": "dashboard.tasks.decide_honour_roll", "schedule": crontab(minute=30, hour=6, day_of_month=1),
}
CELERY_BEAT_SCHEDULE["dashboard-spikes-warm"] = {
    "task": "dashboard.tasks.warm_spikes", "schedule": max(60, SPIKES_CACHE_SECONDS // 3),
}

# /healthz and /metrics (seva/health.py). An account is late (degraded) when its last successful poll is
# older than two poll intervals, so one missed poll shows within two intervals.
HEALTH_INGEST_STALE_SECONDS = env.int("HEALTH_INGEST_STALE_SECONDS", default=max(120, 2 * X_POLL_INTERVAL))
HEALTH_OUTBOX_BACKLOG = env.int("HEALTH_OUTBOX_BACKLOG", default=200)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_PREFIX = env.str("METRICS_PREFIX", default="seva")
# Events counted as SLA breaches (seva_sla_breaches_total), besides the escalation ladder's first step for
# a deadline (an "escalation_step" with data.breach): "escalated" is the mark of a complaint the ladder does
# not carry, and of every breach before the ladder took over from the SLA sweep.
METRICS_SLA_EVENT_ACTIONS = ["escalated", "escalate", "sla_breach"]

# Evidence that the worker and beat are alive (seva/heartbeat.py): beat records each tick of its scheduler
# and sends a heartbeat task every HEALTH_HEARTBEAT_SECONDS, which the worker records when it runs it; each
# counts as alive while its record is younger than three heartbeats. A worker whose heartbeat is stale is
# asked with Celery's ping, waiting at most HEALTH_PING_TIMEOUT seconds.
HEALTH_HEARTBEAT_SECONDS = env.int("HEALTH_HEARTBEAT_SECONDS", default=15)
HEALTH_PING_TIMEOUT = env.float("HEALTH_PING_TIMEOUT", default=1.0)
CELERY_BEAT_SCHEDULER = "seva.heartbeat:BeatScheduler"
CELERY_BEAT_SCHEDULE["seva-heartbeat"] = {
    "task": "seva.heartbeat", "schedule": HEALTH_HEARTBEAT_SECONDS,
    "options": {"expires": HEALTH_HEARTBEAT_SECONDS},  # a dead worker's heartbeats are not run later
}
# The outbox's look-back before a retry posts again (twitter_ingest/outbox.py): it reads the account's
# timeline back to the row's first post attempt less this margin (X's clock may run behind ours), at most
# this many pages of 100 posts.
X_OUTBOX_LOOKBACK_MARGIN_SECONDS = env.int("X_OUTBOX_LOOKBACK_MARGIN_SECONDS", default=300)
X_OUTBOX_LOOKBACK_MAX_PAGES = env.int("X_OUTBOX_LOOKBACK_MAX_PAGES", default=32)

# Logins, API tokens, the content security policy and the proxy (README "Security", seva/checks.py).
# The client address (throttles, login lockout) is REMOTE_ADDR, or, when that is one of these proxies
# (addresses or CIDR blocks), the X-Forwarded-For hop just left of the trusted ones.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# A working shift: a login lasts 12 hours from when it was made, then asks for the password again.
SESSION_COOKIE_AGE = int(env.float("SESSION_HOURS", default=12) * 3600)
# Django's own checks, or ours (seva.E0xx), that this deployment knowingly turns off, e.g. seva.E002 for a
# production-like trial against the simulated X API.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
AXES_ENABLED = env.bool("LOGIN_LOCKOUT", default=True)
AXES_HANDLER = "districts.lockouts.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, with its own limit (districts.lockouts)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "districts.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Every page's Content-Security-Policy (django-csp): only the application's own scripts, styles, images
# and fonts; inline <script>/<style> only with the response's nonce (none of our templates has any).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    },
}
# The API docs, library pages we cannot give nonces (seva/csp.py): Swagger UI and ReDoc style with
# inline styles, and ReDoc searches in a worker made from a blob. Only styles and that worker are
# relaxed there, never scripts. (The admin needs no exception.)
CSP_INLINE_STYLES = [CSP_SELF, "'unsafe-inline'"]
CSP_PATH_DIRECTIVES = {
    "/api/docs/": {"style-src": CSP_INLINE_STYLES},
    "/api/redoc/": {"style-src": CSP_INLINE_STYLES, "worker-src": [CSP_SELF, "blob:"]},
}
# Failed logins are logged (WARNING); axes' INFO lines for every successful login are not.
LOGGING["loggers"]["axes"] = {"level": env.str("AXES_LOG_LEVEL", default="WARNING")}

# Triage (complaints.triage): how often (seconds) a process looks for lexicon terms and registry changes made
# in another process (a change made in this process is read at once).
TRIAGE_RECHECK_SECONDS = env.int("TRIAGE_RECHECK_SECONDS", default=10)

# The triage model (complaints/triage/model.py) is trained again every night on the seed set and HQ's
# decisions; the new one becomes active only if it scores better on the same held-back lines.
TRIAGE_TRAIN_HOUR_IST = env.int("TRIAGE_TRAIN_HOUR_IST", default=3)
CELERY_BEAT_SCHEDULE["triage-train"] = {
    "task": "complaints.tasks.train_triage",
    "schedule": crontab(minute=15, hour=TRIAGE_TRAIN_HOUR_IST),
}
