"""Middleware the whole site shares: tidy query strings, and no caching of personal pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from cspplan.forms import strip_control_characters

PRIVATE_CACHE_CONTROL = "private, no-store"


def query_control_characters_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Drop control characters from every query string before a view or filter reads it.

    A query string is not a form anyone reads back, so a NUL in a suggestion or filter
    parameter is ignored rather than reaching the database, which refuses it.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if query:
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(
                    strip_control_characters(key), [strip_control_characters(v) for v in values]
                )
            cleaned._mutable = False
            request.GET = cleaned
        return get_response(request)

    return middleware


def private_cache_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Tell browsers and proxies not to keep anything shown to a signed-in person.

    A shared computer's back button or a proxy must not replay a member's plan page or a draft
    PDF. Anonymous responses (public plans) keep whatever caching their views chose.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        # Without a session cookie nobody is signed in, and the session is not even loaded.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and getattr(
            getattr(request, "user", None), "is_authenticated", False
        )
        if signed_in:
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response

    return middleware
