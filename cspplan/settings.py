"""Settings for cspplan, read from the environment with safe development defaults.

Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; with DEBUG off a
missing SECRET_KEY stops the server rather than falling back to the development key.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from cspplan.env import (
    env_addresses,
    env_bool,
    env_choice,
    env_header,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

_DEVELOPMENT_SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY to a secret value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks_db",
    "django_prose_editor",
    "health_check",
    # After django_tasks_db: cspplan/admin.py takes its queued tasks out of the admin.
    "cspplan",
    "indicators",
    "plans",
    "priorities",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cspplan.middleware.query_control_characters_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the public cache, so pages it replays carry the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Anonymous repeat requests for public plans are answered here, as early as static files.
    "plans.public_cache.public_cache_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cspplan.middleware.private_cache_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it turns a sign-in refused for too many failures into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cspplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "cspplan.context_processors.service_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "cspplan.wsgi.application"

# A connection kept between requests (DATABASE_CONN_MAX_AGE) that the database ended
# meanwhile (a restart, a failover, pg_terminate_backend) is checked and replaced before use,
# rather than failing the next request and stopping `db_worker`.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Each gunicorn worker keeps its connection between requests: opening one costs the
        # database a new backend process and its catalogue lookups, several milliseconds of a
        # signed-in page's few dozen. Checked before reuse, so a restarted server is not an error.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out combination is refused before any password is checked.
    "cspplan.sign_in_limits.SignInLimitsBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development WhiteNoise serves straight from static/, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
# A PDF that takes longer is stopped and refused with a message (plans.pdf).
PDF_RENDER_TIMEOUT = env_int("PDF_RENDER_TIMEOUT", default=60)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Word and spreadsheet files brought into a plan (plans.uploads): larger files are refused with
# a message naming both sizes, and a file that unpacks to more is refused as a zip bomb.
IMPORT_MAX_MEGABYTES = env_int("IMPORT_MAX_MEGABYTES", default=10)
IMPORT_MAX_UNPACKED_MEGABYTES = env_int("IMPORT_MAX_UNPACKED_MEGABYTES", default=200)
# Uploads are read in memory up to the import limit; Django's own 2.5 MB default would spill
# them to temporary files first.
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_MEGABYTES * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_MAIL_BACKEND = env_str(
    "MAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP_BACKEND,
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("SMTP_HOST", default="localhost"),
            "port": env_int("SMTP_PORT", default=587),
            "username": env_str("SMTP_USERNAME", default=""),
            "password": env_str("SMTP_PASSWORD", default=""),
            "use_tls": env_bool("SMTP_USE_TLS", default=True),
        }
        if _MAIL_BACKEND == _SMTP_BACKEND
        else {},
    }
}
# Links in emails (review reminders, password resets sent by scripts) need the public address.
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="cspplan <no-reply@localhost>")

# HTTPS=true when the site is served over TLS: plain HTTP is redirected, browsers are told to
# use HTTPS only (HSTS), and cookies are never sent in clear. Behind a proxy that ends TLS,
# PROXY_SSL_HEADER names the header it sets (HTTP_X_FORWARDED_PROTO), so Django knows the
# request was secure and builds https:// links (password resets); only set it when the proxy
# always sets or strips that header.
# HSTS covers subdomains and asks for preloading, as check --deploy expects; HSTS_SECONDS=300
# tries HTTPS out before committing browsers for a year.
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
# A load balancer asks app servers for /health/ over plain HTTP on its own network; the page
# holds nothing secret and sets no cookie, so it is answered rather than redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", default=365 * 24 * 60 * 60) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
_PROXY_SSL_HEADER = env_header("PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None
SESSION_COOKIE_SECURE = HTTPS or not DEBUG
CSRF_COOKIE_SECURE = HTTPS or not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Everything the pages load comes from the site itself. The site's templates hold no inline
# script (the public cache replays pages, and a replayed nonce would not match the new
# response's policy); the nonce serves templates that mark their own inline scripts with
# {% csp_nonce_attr %}, as the admin's do. No inline style is needed: htmx's indicator styles
# are turned off in base.html.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Errors and warnings go to stderr as JSON lines (one record, traceback included, a line);
# server errors are also mailed to ADMINS when it is set.
ADMINS = env_addresses("ADMINS")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOG_LEVEL = env_choice(
    "LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], default="INFO"
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json_lines": {"()": "cspplan.log.JsonLinesFormatter"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json_lines",
        },
        # Sends nothing while ADMINS is empty.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        # Server errors with their tracebacks; 404s and other refusals are not worth a line.
        "django.request": {"level": "ERROR"},
        # Requests for another host name are scanners' noise: logged, never mailed.
        "django.security.DisallowedHost": {"handlers": ["stderr"], "propagate": False},
        # The PDF renderer reports every step and font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# A deployment with several workers sets REDIS_URL so they share cached public pages.
_REDIS_URL = env_str("REDIS_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
    if _REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Sign-in limits, password reset requests and background tasks --------------------------
# Failed sign-ins (on /sign-in/ and /admin/login/) are counted by django-axes in the database,
# so every worker and server sees the same counts. Policy (defaults), per 15-minute cool-off:
# - 5 failures for one username from one address lock that username at that address only:
#   the owner signing in from anywhere else is not refused;
# - 20 failures from one address across all usernames lock that address (password spraying).
# A lockout ends once no failure has been counted against it for the cool-off time, and signing
# in clears that username's own failures at that address. There is deliberately no limit per
# username across addresses: anyone could then lock the owner out; passwords are instead
# checked against common ones (AUTH_PASSWORD_VALIDATORS).
SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5)
SIGN_IN_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FAILURES_PER_ADDRESS", 20)
SIGN_IN_COOL_OFF_MINUTES = env_int("SIGN_IN_COOL_OFF_MINUTES", 15)
AXES_HANDLER = "cspplan.sign_in_limits.SignInLimitsHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SIGN_IN_COOL_OFF_MINUTES)
AXES_LOCKOUT_CALLABLE = "cspplan.sign_in_limits.locked_out"
AXES_CLIENT_IP_CALLABLE = "cspplan.sign_in_limits.client_address"
# Lockouts are lifted with `manage.py axes_reset_username NAME` (or axes_reset_ip ADDRESS),
# not in the admin, whose pages would show people's addresses and typed usernames.
AXES_ENABLE_ADMIN = False
# Only failures are kept, deleted once past the cool-off: no lasting record of who signed in where.
AXES_DISABLE_ACCESS_LOG = True
# Its start-up banner would be a log line on every command and worker start.
AXES_VERBOSE = False
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the Nth address
# from the right; with 0 (no proxy) the connection's own address is used.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Password reset requests are limited per address and per typed email address (the same
# answer whether or not an account exists), counted in the shared "limits" cache: Redis when
# REDIS_URL is set, otherwise a database table made by `manage.py createcachetable`.
RESET_REQUESTS_PER_ADDRESS = env_str("RESET_REQUESTS_PER_ADDRESS", "10/h")
RESET_REQUESTS_PER_EMAIL = env_str("RESET_REQUESTS_PER_EMAIL", "3/h")
# The table's size cap is high so that many addresses cannot push live counts out of it.
CACHES["limits"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _REDIS_URL,
        "KEY_PREFIX": "limits",
    }
    if _REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cspplan_limits_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)
RATELIMIT_USE_CACHE = "limits"

# With Redis, sessions live in it beside the cache: every server and worker reads them, no
# database query is spent on them per request, and nothing about who is signed in is kept in
# backups (a Redis restart signs everyone out). Without it, in the database.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cache" if _REDIS_URL else "db")

# Reset emails are sent by a background task so the request does the same work whether or
# not the address has an account. Tasks are stored in the database; `manage.py run_worker`
# runs them (scripts/start starts one beside the development server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /health/ reports the queue unhealthy when a task due to run has waited longer than this.
TASK_QUEUE_MAX_WAIT_MINUTES = env_int("TASK_QUEUE_MAX_WAIT_MINUTES", 10)
# Publishing, draft PDFs and emails are jobs (plans.jobs): a failed one is tried again after
# TASK_RETRY_SECONDS, doubling each time, up to TASK_MAX_ATTEMPTS tries in all; then it is
# shown to administrators as failed. A job still running after TASK_STALE_SECONDS (past every
# PDF's time limit) lost its worker and is run again.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 30)
TASK_STALE_SECONDS = env_int("TASK_STALE_SECONDS", 2 * PDF_RENDER_TIMEOUT + 60)
# A person waiting for a job that no worker has started after this long (the worker is down)
# has it done in their own request instead, behind a "being prepared" page.
TASK_WORKER_GRACE_SECONDS = env_int("TASK_WORKER_GRACE_SECONDS", 20)
# A draft's PDFs are prepared this long after the change a member's page view notices, so a
# burst of edits makes one preparation.
DRAFT_PDF_DELAY_SECONDS = env_int("DRAFT_PDF_DELAY_SECONDS", 30)

# Names of system checks to silence, comma-separated. Empty in production; the plain-HTTP
# trial set-ups on one machine (compose.yaml) silence only the HTTPS warnings (security.W004,
# security.W008), since they serve loopback addresses without TLS.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", default=[])
