"""gunicorn's settings, read from the environment (scripts/serve, scripts/two-servers, the
Dockerfile): gunicorn -c cspplan/gunicorn.conf.py

WEB_CONCURRENCY   worker processes (default 2 x CPUs + 1)
BIND              address:port to listen on (default 127.0.0.1:8000)
GUNICORN_TIMEOUT  seconds a request may take before its worker is restarted (default
                  PDF_RENDER_TIMEOUT + 15, at least 60): above the PDF limit, so a slow
                  render is stopped with a message rather than by killing the worker
"""

import multiprocessing
import os
import sys

from django.core.exceptions import ImproperlyConfigured

from cspplan.env import env_int, env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")

wsgi_app = "cspplan.wsgi:application"
bind = [env_str("BIND", default="127.0.0.1:8000")]
workers = env_int("WEB_CONCURRENCY", default=2 * multiprocessing.cpu_count() + 1)
_pdf_render_timeout = env_int("PDF_RENDER_TIMEOUT", default=60)
timeout = env_int("GUNICORN_TIMEOUT", default=max(60, _pdf_render_timeout + 15))
if timeout <= _pdf_render_timeout:
    raise ImproperlyConfigured(
        f"GUNICORN_TIMEOUT ({timeout}) must be above PDF_RENDER_TIMEOUT "
        f"({_pdf_render_timeout}), or a slow PDF kills its worker instead of being refused "
        "with a message."
    )
# Each request is a line on stdout; errors go to stderr like the app's own log.
accesslog = "-"
errorlog = "-"
# Django alone decides whether a request came over HTTPS (HTTPS, PROXY_SSL_HEADER): gunicorn
# would otherwise trust X-Forwarded-Proto from any local address.
secure_scheme_headers: dict[str, str] = {}
# gunicorn's runtime control socket is one path per user, so a second server on the same
# machine (scripts/two-servers) would take it over; nothing here uses it.
control_socket_disable = True


def on_starting(server) -> None:
    """Run Django's system checks once, in the master, before any worker starts: a missing
    shared cache (cspplan.E001) or any other error stops the server here, loudly."""
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connections

    django.setup()
    try:
        call_command("check")
    except SystemCheckError as refused:
        print(refused, file=sys.stderr)
        sys.exit(1)
    finally:
        # Workers are forked from this process: none may inherit its database connection.
        connections.close_all()
