"""Repeat requests for a public plan's page and PDFs, answered as early as a static file.

A published plan's public page and PDFs are its stored copy, which never changes, so an
anonymous visitor's repeat request needs no session, no sign-in check and no query: the
middleware answers it from the cache straight after WhiteNoise. The views remember what they
served; the workflow forgets a plan's entries whenever its status changes (published,
superseded), so those changes show at once. A support officer's admin edit of a published
plan's title or address reaches the cached page within PUBLIC_CACHE_SECONDS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse

from plans.models import Plan

logger = logging.getLogger(__name__)

PUBLIC_CACHE_SECONDS = 10 * 60
_NOT_REPLAYED = {"set-cookie", "vary"}


def _key(path: str) -> str:
    return f"plans:public-response:{path}"


def impersonal(request: HttpRequest) -> bool:
    """No session and no messages: the visitor sees exactly what every other visitor sees."""
    return request.method in ("GET", "HEAD") and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def remember(request: HttpRequest, response: HttpResponse) -> None:
    """Keep a public response for the next anonymous visitor to the same address."""
    if response.status_code != 200 or not impersonal(request):
        return
    headers = {name: value for name, value in response.items() if name.lower() not in _NOT_REPLAYED}
    cache.set(_key(request.path), (response.content, headers), PUBLIC_CACHE_SECONDS)


def forget(plan: Plan) -> None:
    args = [plan.partnership.slug, plan.slug]
    cache.delete_many(
        [
            _key(reverse(name, args=args))
            for name in ("plans:plan_detail", "plans:plan_pdf", "plans:plan_large_print_pdf")
        ]
    )


def _cached(path: str) -> tuple[bytes, dict] | None:
    """The stored response, or None when there is none or the cache cannot be reached. This
    lookup runs before every anonymous request, so without the cache /health/ still answers
    (naming the cache) and pages that need no cache still work. Any error is caught: each cache
    backend raises its own (Redis's, the database's)."""
    try:
        return cache.get(_key(path))
    except Exception:
        logger.exception("The public page cache could not be read.")
        return None


def public_cache_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if impersonal(request) and (cached := _cached(request.path)) is not None:
            content, headers = cached
            etag = headers.get("ETag")
            if etag and request.headers.get("If-None-Match") == etag:
                return HttpResponseNotModified(headers={"ETag": etag})
            return HttpResponse(content, headers=headers)
        return get_response(request)

    return middleware
