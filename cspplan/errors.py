"""Error pages. A refusal says why, so the person refused knows what to do next."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: PermissionDenied) -> HttpResponse:
    reason = getattr(exception, "reason", "") or "You do not have permission to do this."
    return render(request, "403.html", {"reason": reason}, status=403)
