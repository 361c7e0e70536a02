"""The home page, signing in, and asking for a password reset link."""

from __future__ import annotations

import datetime

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import BooleanField, Case, Prefetch, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cspplan.sign_in_limits import password_reset_refused
from cspplan.tasks import send_password_reset
from plans.models import Group, Membership, Plan
from priorities.models import REVIEW_DUE_SOON_DAYS, Action

HOME_ACTIONS_SHOWN = 20
HOME_CHANGES_SHOWN = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        plans = Plan.objects.published().select_related("partnership")
        return render(request, "home.html", {"plans": plans})
    return render(request, "home.html", _member_home(request.user, timezone.localdate()))


def _member_home(user, today: datetime.date) -> dict:
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("partnership")
        .prefetch_related(Prefetch("task_groups", queryset=Group.objects.order_by("order", "name")))
    )
    for membership in memberships:
        membership.can_manage = (
            user.is_superuser or membership.role == Membership.Role.ADMINISTRATOR
        )
    partnership_ids = [m.partnership_id for m in memberships]
    own_group_ids = [group.pk for m in memberships for group in m.task_groups.all()]
    plans = (
        Plan.objects.filter(partnership_id__in=partnership_ids)
        .exclude(status=Plan.Status.SUPERSEDED)
        .select_related("partnership")
    )
    due = (
        Action.objects.current()
        .filter(
            priority__plan__partnership_id__in=partnership_ids,
            review_date__lte=today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS),
        )
        .exclude(status=Action.Status.COMPLETE)
        .exclude(priority__plan__status=Plan.Status.SUPERSEDED)
        .annotate(
            is_own=Case(
                When(priority__task_group_id__in=own_group_ids, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("priority__task_group", "priority__plan")
        .order_by("-is_own", "review_date", "priority__order", "order")[:HOME_ACTIONS_SHOWN]
    )
    due = list(due)
    for action in due:
        action.is_overdue = action.review_date < today
    changes = (
        Action.history.filter(priority__plan__partnership_id__in=partnership_ids)
        .select_related("history_user", "priority")
        .order_by("-history_date")[:HOME_CHANGES_SHOWN]
    )
    return {
        "memberships": memberships,
        "plans": plans,
        "due_actions": due,
        "changes": changes,
        "due_days": REVIEW_DUE_SOON_DAYS,
        "has_own_groups": bool(own_group_ids),
    }


def sign_in(request: HttpRequest) -> HttpResponse:
    """Django's sign-in; failures are counted and locked out by django-axes (see
    cspplan/sign_in_limits.py), which answers a locked-out attempt with its own page."""
    return auth_views.LoginView.as_view()(request)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The request only checks the typed address's form and limits and
    queues the email: it never looks the account up, so it takes the same time and gives the
    same answer whether or not the address has an account."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST":
        email = form.cleaned_data["email"] if form.is_valid() else None
        if password_reset_refused(request, email):
            return render(
                request,
                "registration/password_reset_form.html",
                {"form": form, "rate_limited": True},
                status=429,
            )
        if email is not None:
            send_password_reset.enqueue(
                email=email, domain=request.get_host(), use_https=request.is_secure()
            )
            return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})
