"""Start-up checks: `manage.py check` (and so scripts/serve) and gunicorn's start run them."""

from django.conf import settings
from django.core.checks import Error, Tags, register

_PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache"}


@register(Tags.caches)
def shared_cache(app_configs, **kwargs) -> list[Error]:
    """With DEBUG off the site runs as several processes, and each would keep its own copy of a
    per-process cache: a public page published or withdrawn in one worker would stay stale in
    the others. Development (DEBUG on, one runserver process) may keep its memory cache."""
    if settings.DEBUG:
        return []
    return [
        Error(
            f"The {alias!r} cache is kept in each process's memory, so the server's workers "
            "would each serve their own stale copy of public pages.",
            hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0) so every worker and "
            "server shares one cache.",
            id="cspplan.E001",
        )
        for alias, cache in settings.CACHES.items()
        if cache["BACKEND"] in _PER_PROCESS_CACHES
    ]
