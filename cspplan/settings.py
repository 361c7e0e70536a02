"""Settings for cspplan, read from the environment with safe development defaults.

Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; with DEBUG off a
missing SECRET_KEY stops the server rather than falling back to the development key.
"""

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
            ],
        },
    },
]

WSGI_APPLICATION = "cspplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

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

# Sign-in attempts are rate limited per address, so a deployment with several workers sets
# REDIS_URL to share the counts; one process is served well by the local memory cache.
_REDIS_URL = env_str("REDIS_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
    if _REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
