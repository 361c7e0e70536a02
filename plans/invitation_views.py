"""The page an invitation's link opens: join, signed in or with a new account, or decline.

Holding the link is what shows the invitation is yours, as with a password reset link, so these
pages need no sign-in; a wrong link is told nothing (404). The pages are never cached, because
their address carries the secret.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from plans import invitations
from plans.models import Invitation
from plans.partnership_forms import NewAccountForm
from plans.people import PeopleRefused

# The new account was made here, so there is no password to check: say which backend vouches.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def get_invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.for_token(token)
        .select_related("partnership", "invited_by")
        .prefetch_related("task_groups")
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_invitation_for_token(token)
    refusal = invitation.refusal(timezone.now())
    if refusal:
        return _closed(request, invitation, refusal)
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation, token)
    return _accept_with_new_account(request, invitation, token)


def _accept_signed_in(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    refusal = ""
    if request.method == "POST":
        try:
            invitations.invitation_accept(invitation=invitation, user=request.user)
        except PeopleRefused as refused:
            refusal = refused.reason
        else:
            return _joined(request, invitation)
    return render(
        request,
        "plans/partnership/invitation.html",
        {"invitation": invitation, "token": token, "refusal": refusal, "form": None},
    )


def _accept_with_new_account(
    request: HttpRequest, invitation: Invitation, token: str
) -> HttpResponse:
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept_with_new_account(
                invitation=invitation,
                username=form.cleaned_data["username"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except invitations.UsernameTaken as refused:
            form.add_error("username", refused.reason)
        except PeopleRefused as refused:
            form.add_error(None, refused.reason)
        else:
            login(request, user, backend=MODEL_BACKEND)
            return _joined(request, invitation)
    return render(
        request,
        "plans/partnership/invitation.html",
        {"invitation": invitation, "token": token, "refusal": "", "form": form},
    )


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(
        request,
        f"You have joined {invitation.partnership.name} as "
        f"{invitation.get_role_display().lower()}.",
    )
    return redirect("home")


@never_cache
@require_POST
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_invitation_for_token(token)
    try:
        invitations.invitation_decline(invitation=invitation)
    except PeopleRefused as refused:
        return _closed(request, invitation, refused.reason)
    messages.success(request, f"You have declined the invitation to {invitation.partnership.name}.")
    return redirect("home")


def _closed(request: HttpRequest, invitation: Invitation, refusal: str) -> HttpResponse:
    # 410 Gone: the link was real, but it will not work again.
    return render(
        request,
        "plans/partnership/invitation_closed.html",
        {"invitation": invitation, "refusal": refusal},
        status=410,
    )
