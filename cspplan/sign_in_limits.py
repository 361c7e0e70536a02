"""Limits on failed sign-ins and on password reset requests, in storage every process shares.

django-axes records each failed sign-in in the database. Two limits apply within the cool-off
time (numbers in settings.py): a low one for one username from one address, so guessing one
account's password stops quickly without refusing its owner elsewhere, and a higher one for one
address across all usernames, so trying a common password on many accounts stops too.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


class SignInLimitsBackend(AxesStandaloneBackend):
    """Refuses a sign-in while its username and address are locked out.

    Sign-ins made without a request (the test client's login, management commands) come from
    no address, so there is nothing to count them against and they are left to the next
    backend.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class SignInLimitsHandler(AxesDatabaseHandler):
    """Axes compares one failure count with one limit (the per-account-and-address one).

    The count given here is the larger of the failures for this username from this address,
    and the failures from this address for any username less the gap between the two limits;
    so it reaches the per-account limit exactly when either count reaches its own limit.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        for_account_at_address, for_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        gap = (
            settings.SIGN_IN_FAILURES_PER_ADDRESS
            - settings.SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS
        )
        return max(for_account_at_address, for_address - gap)

    def user_logged_in(self, sender, request: HttpRequest, user, **kwargs) -> None:
        """Signing in forgives that person's own earlier typos at that address. Failures for
        other usernames from the address still count towards its limit."""
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(
            username=user.get_username(), ip_address=request.axes_ip_address
        ).delete()


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, seen through the configured number of proxies.

    Only the entries the trusted proxies appended are believed: a client can put anything at
    the left of X-Forwarded-For.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The sign-in page with a message saying why and for how long, for /sign-in/ and the
    admin's sign-in alike."""
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request),
            "locked_out": (
                "There have been too many attempts to sign in from your connection. Wait "
                f"{settings.SIGN_IN_COOL_OFF_MINUTES} minutes, then try again, or reset your "
                "password."
            ),
            "next": request.POST.get("next", "") or request.GET.get("next", ""),
        },
        status=429,
    )


def password_reset_refused(request: HttpRequest, email: str | None) -> bool:
    """Count this reset request against its address and, once it is a valid address, against
    the typed email; True when either has had too many in the period."""
    limited = is_ratelimited(
        request,
        group="password-reset-address",
        key=lambda group, request: client_address(request) or "",
        rate=settings.RESET_REQUESTS_PER_ADDRESS,
        increment=True,
    )
    if email is not None:
        limited = (
            is_ratelimited(
                request,
                group="password-reset-email",
                key=lambda group, request: email.strip().lower(),
                rate=settings.RESET_REQUESTS_PER_EMAIL,
                increment=True,
            )
            or limited
        )
    return limited
