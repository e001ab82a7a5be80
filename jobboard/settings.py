"""One settings module, driven by the environment (see the table in docs/design.md).

The defaults are the embedded setup of `make run`: SQLite, tasks run eagerly, e-mail written to files.
Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, SITE_URL and DJANGO_SECRET_KEY.
"""

from email.utils import parseaddr
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The embedded setup (no DATABASE_URL: SQLite in var/) is what `make run` serves; every manage.py command must
# work there as it is, whatever DJANGO_DEBUG says. A deployment names its database and must give its own key.
EMBEDDED = not env.str("DATABASE_URL", default="")

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off and DATABASE_URL names a database."
        )
    # A key of this checkout's own, kept in var/ across restarts so sessions survive `make run` reloads.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "jobboard.apps.JobboardAdminConfig",  # the admin, with the staff dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "axes",
    "programmes",
    "vacancies",
    "applications",
    "jobboard.apps.JobboardConfig",  # staff roles and what else spans the apps (the top layer)
]

MIDDLEWARE = [
    "jobboard.proxies.TrustedProxyMiddleware",  # first: everything after sees the client's own address
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for public pages, feeds and API answers; none for responses with a CSRF token or for staff (BREACH)
    "jobboard.middleware.CompressionMiddleware",
    "jobboard.metrics.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jobboard.sessions.StaffSessionLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Staff logins are protected against guessing (django-axes): after 5 failures for one username from one
# address, that pair is locked out for an hour. Attempts are kept in the database (shared by every
# process, and listed in the admin).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# Sign-in records (successes and failures) are deleted after this many days (jobboard/retention.py).
STAFF_LOGIN_LOG_DAYS = env.int("STAFF_LOGIN_LOG_DAYS", default=90)
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

ROOT_URLCONF = "jobboard.urls"
WSGI_APPLICATION = "jobboard.wsgi.application"

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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request after these, rather than holding it for ever.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),  # seconds
            "options": f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT', default=30) * 1000}",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            # A Redis that hangs costs a request one second, not the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What candidates read (whole pages, facet counts: vacancies/caching.py), apart from the rate limits'
# counters: the same server, its own key prefix.
CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}

# What identifies the running code in the page cache's keys (an image tag, a commit); empty: a digest of the
# sources and templates (vacancies/caching.py). A deploy never serves pages rendered by the code before it.
RELEASE = env.str("RELEASE", default="")

# Celery: without a broker every task runs in-process, at once (the embedded setup).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Brussels"
# A web request that queues a task must not hang on a broker that is down (the sweep catches up).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="jobboard <no-reply@jobboard.example>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "jobboard" / "locale"]
# django-countries names Nauru by its own name ("Naoero") in English: candidates look for "Nauru".
COUNTRIES_OVERRIDE = {"NR": _("Nauru")}
FORMAT_MODULE_PATH = ["jobboard.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production collects static files into a hashed manifest (STATIC_MANIFEST=1 in docker-compose.yml);
# elsewhere whitenoise serves them straight from the source folders.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=False)
STATIC_ROOT = BASE_DIR / "staticfiles" if STATIC_MANIFEST else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Security: strict by default; `manage.py check --deploy` is clean with production values.
# Content-Security-Policy (django-csp): scripts and styles from our own origin only, never inline;
# JSON-LD blocks are data, not scripts, so they need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff sign-ins end after 30 idle minutes and 10 hours at most (jobboard/sessions.py).
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=10)
SESSION_COOKIE_AGE = STAFF_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SITE_URL.startswith("https://")
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_HSTS_SECONDS", default=31536000 if SITE_URL.startswith("https://") else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or networks); from
# anyone else those headers are dropped (jobboard/proxies.py). Empty: gunicorn faces clients itself.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

# Alerts
# The consent ledger's keyed hash; keep it when rotating SECRET_KEY, or old events can no longer be matched.
CONSENT_HASH_KEY = env.str("CONSENT_HASH_KEY", default=SECRET_KEY)
# The ledger of an address no longer subscribed is deleted this long after its last event (retention.py).
CONSENT_LEDGER_YEARS = env.int("CONSENT_LEDGER_YEARS", default=5)
ALERTS_NOTICE_VERSION = "2026-12-controllers"  # tied to the notice's text: applications/notice.py
# Who runs this site's alert service: the notice and the privacy page name them, next to the controller each
# programme's source names (most name none), as the one to write to about the data this site holds.
SITE_OPERATOR_NAME = env.str("SITE_OPERATOR_NAME", default="jobboard")
SITE_OPERATOR_EMAIL = env.str("SITE_OPERATOR_EMAIL", default="privacy@jobboard.example")
# Confirmation links expire, and unconfirmed subscriptions are erased, after this many days.
ALERTS_CONFIRMATION_DAYS = 7
ALERTS_WITHDRAW_LINK_DAYS = 400  # a withdrawal link in an old alert must still work
# How many alerts (searches and programmes followed) one address may hold; a search alert lapses this many
# days after it was confirmed or renewed, and its renewal is offered ALERTS_RENEWAL_NOTICE_DAYS before.
ALERTS_PER_SUBSCRIBER = 10
ALERTS_LIFETIME_DAYS = 365
ALERTS_RENEWAL_NOTICE_DAYS = 30
# Digests go out at this hour, Brussels time (TIME_ZONE): daily ones every day, weekly ones on Mondays.
ALERTS_DIGEST_HOUR = env.int("ALERTS_DIGEST_HOUR", default=7)
ALERTS_BATCH_SIZE = env.int("ALERTS_BATCH_SIZE", default=200)
# A batch claimed by a worker that died is given to another after this long (a live worker renews its lease
# every third of it: applications/sweeper.py).
ALERTS_CLAIM_LEASE_SECONDS = env.int("ALERTS_CLAIM_LEASE_SECONDS", default=30)
# Deliveries still pending after this long (their task was lost) are dispatched again by the sweep.
ALERTS_PENDING_GRACE_SECONDS = env.int("ALERTS_PENDING_GRACE_SECONDS", default=60)
ALERTS_SWEEP_BATCHES = 20  # at most this many such batches a sweep
ALERTS_MAX_ATTEMPTS = 8
# Confirmation and withdrawal-link e-mails still pending after this long (their task was lost) are sent by
# a worker's sweep.
ALERTS_OUTBOX_GRACE_SECONDS = env.int("ALERTS_OUTBOX_GRACE_SECONDS", default=30)
ALERTS_SWEEP_SECONDS = env.float("ALERTS_SWEEP_SECONDS", default=15)
# Per hour and per purpose (subscribing, asking for a withdrawal link): requests for one mailbox (its address
# folded: applications/ratelimit.py), for one domain, and from one client.
ALERTS_RATE_PER_ADDRESS = env.int("ALERTS_RATE_PER_ADDRESS", default=5)
ALERTS_RATE_PER_DOMAIN = env.int("ALERTS_RATE_PER_DOMAIN", default=200)
ALERTS_RATE_PER_CLIENT = env.int("ALERTS_RATE_PER_CLIENT", default=30)
# The subscribe and withdrawal-request forms answer a POST after at least this long, known address or not.
ALERTS_ANSWER_SECONDS = env.float("ALERTS_ANSWER_SECONDS", default=0.1)

CELERY_BEAT_SCHEDULE = {
    "announce-opened-calls": {
        "task": "vacancies.tasks.announce_opened_calls",
        "schedule": ALERTS_SWEEP_SECONDS,
    },
    "sweep-alert-deliveries": {
        "task": "applications.tasks.sweep_deliveries",
        "schedule": ALERTS_SWEEP_SECONDS,
    },
    "erase-unconfirmed-subscribers": {"task": "applications.tasks.erase_unconfirmed", "schedule": 3600},
    "apply-retention": {"task": "jobboard.tasks.apply_retention", "schedule": 86400},
    "renew-or-lapse-alerts": {"task": "applications.tasks.renew_or_lapse_alerts", "schedule": 3600},
}

# Catalogue
VACANCIES_PAGE_SIZE = env.int("VACANCIES_PAGE_SIZE", default=20)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)

# --- operations: errors, metrics, logs --------------------------------------------------------------------

# Errors go to Sentry when SENTRY_DSN is set (no personal data: send_default_pii stays off); otherwise
# ADMINS ("Name <address>, ..." in the environment) get a mail for each server error.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
ADMINS = [tuple(reversed(parseaddr(entry))) for entry in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=RELEASE or None,
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# /metrics (Prometheus): "Authorization: Bearer <METRICS_TOKEN>", or signed-in staff (empty: staff only).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Logs: one JSON object a line in production (LOG_FORMAT=json, the default when DEBUG is off), plain text
# under `make run`. Either way addresses and personal-link tokens are masked (jobboard.logs).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "jobboard.logs.RedactingFilter"},  # tokens (RedactTokens) and addresses
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "jobboard.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact"]},
        # Without Sentry: a mail to ADMINS for each error (Django's, without the request's data in it).
        "mail_admins": {
            "class": "jobboard.logs.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact"],
            "include_html": False,
        },
    },
    # Errors of every logger (requests, alert workers) reach Sentry through its logging integration, or
    # ADMINS through mail_admins; "django" loses its own mail handler so that nothing is mailed twice.
    "root": {
        "handlers": ["console"] if SENTRY_DSN else ["console", "mail_admins"],
        "level": env.str("LOG_LEVEL", default="INFO"),
    },
    "loggers": {"django.db.backends": {"level": "INFO"}, "django": {"handlers": [], "level": "INFO"}},
}
