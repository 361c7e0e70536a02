"""A form posted when its change can no longer be made: the plan left draft, or the thing was
removed, while the form was open. Every editing page answers the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_refused(request: HttpRequest, template: str, context: dict, reason: str) -> HttpResponse:
    """The form again with everything typed and the reason above it (409), so nothing typed is
    lost and the person can keep it elsewhere."""
    context["form"].is_valid()
    context["form"].add_error(None, f"{reason} Your changes have not been saved.")
    return render(request, template, context, status=409)
