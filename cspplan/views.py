"""The home page, signing in, and asking for a password reset link."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cspplan.sign_in_limits import password_reset_refused
from cspplan.tasks import send_password_reset
from plans.models import Group, Membership, Partnership, Plan
from priorities.models import REVIEW_DUE_SOON_DAYS, Action, ProgressUpdate, ReviewComment

HOME_ACTIONS_SHOWN = 20
HOME_CHANGES_SHOWN = 10
# Enough history rows to fill the lines asked for when people save the same action often.
HISTORY_ROWS_PER_LINE = 10
# The changes page: the latest lines only; the audit log keeps everything.
CHANGES_PAGE_LINES = 100


@dataclass
class PlanLine:
    plan: Plan
    waiting: str


@dataclass
class ChangeLine:
    """Consecutive saves of one action by one person, shown as one line."""

    latest: Action
    saves: int
    # The history type ("+" added, "~" changed, "-" deleted) of the earliest save in the line.
    first_type: str

    @property
    def verb(self) -> str:
        """Saves that began by adding the action read as the adding, not the last change."""
        if self.first_type == "+" and self.latest.history_type != "-":
            return "Added"
        return self.latest.get_history_type_display()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        plans = Plan.objects.published().select_related("partnership")
        return render(request, "home.html", {"plans": plans})
    return render(request, "home.html", _member_home(request.user, timezone.localdate()))


def quarter_start(today: datetime.date) -> datetime.date:
    """The first day of the financial-year quarter (Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar)
    holding today; these fall on calendar quarters, only their numbering differs."""
    return datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def _waiting(plan: Plan) -> str:
    """What the plan waits for, in the words the partnership uses."""
    if plan.status == Plan.Status.DRAFT:
        return f"Draft: {plan.action_count} action{pluralize(plan.action_count)}"
    if plan.status == Plan.Status.IN_REVIEW:
        return f"In review: {plan.open_comments} open comment{pluralize(plan.open_comments)}"
    if plan.status == Plan.Status.APPROVED:
        return "Approved: ready to publish"
    return plan.get_status_display()


def _plan_lines(plans: QuerySet[Plan]) -> list[tuple[Partnership, list[PlanLine]]]:
    """The plans with what each waits for, counted in the same query, by partnership."""
    open_comments = (
        ReviewComment.objects.open()
        .filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    actions = (
        Action.objects.current()
        .filter(priority__plan=OuterRef("pk"))
        .order_by()
        .values("priority__plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    plans = (
        plans.exclude(status=Plan.Status.SUPERSEDED)
        .select_related("partnership")
        .annotate(
            open_comments=Coalesce(Subquery(open_comments), 0),
            action_count=Coalesce(Subquery(actions), 0),
        )
        .order_by("partnership__name", "-start_year", "title")
    )
    return [
        (partnership, [PlanLine(plan, _waiting(plan)) for plan in partnership_plans])
        for partnership, partnership_plans in groupby(plans, key=lambda plan: plan.partnership)
    ]


def _change_lines(partnership_ids: list[int] | None, shown: int) -> list[ChangeLine]:
    """The latest changes to actions, consecutive saves of one action by one person as one
    line. None means every partnership (the superuser)."""
    history = Action.history.select_related("history_user", "priority").order_by(
        "-history_date", "-history_id"
    )
    if partnership_ids is not None:
        history = history.filter(priority__plan__partnership_id__in=partnership_ids)
    lines: list[ChangeLine] = []
    for row in history[: shown * HISTORY_ROWS_PER_LINE]:
        if lines and (lines[-1].latest.id, lines[-1].latest.history_user_id) == (
            row.id,
            row.history_user_id,
        ):
            lines[-1].saves += 1
            lines[-1].first_type = row.history_type
            continue
        if len(lines) == shown:
            break
        lines.append(ChangeLine(latest=row, saves=1, first_type=row.history_type))
    return lines


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
    managed_ids = {m.partnership_id for m in memberships if m.can_manage}
    if user.is_superuser:
        plans = _plan_lines(Plan.objects.all())
        partnership_rows = list(
            Partnership.objects.order_by("name").annotate(plan_count=Count("plans"))
        )
    else:
        plans = _plan_lines(Plan.objects.filter(partnership_id__in=partnership_ids))
        partnership_rows = []
    current = Action.objects.current().exclude(status=Action.Status.COMPLETE)
    due = list(
        current.filter(
            priority__plan__partnership_id__in=partnership_ids,
            review_date__lte=today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS),
        )
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
    for action in due:
        action.is_overdue = action.review_date < today
        action.can_record = action.is_own or action.priority.plan.partnership_id in managed_ids
    since = quarter_start(today)
    without_progress = list(
        current.filter(priority__task_group_id__in=own_group_ids)
        .exclude(priority__plan__status=Plan.Status.SUPERSEDED)
        .exclude(
            Exists(ProgressUpdate.objects.filter(action=OuterRef("pk"), reported_on__gte=since))
        )
        .select_related("priority__task_group", "priority__plan")
        .order_by("priority__plan__start_year", "priority__order", "order")[:HOME_ACTIONS_SHOWN]
    )
    return {
        "memberships": memberships,
        "plans": plans,
        "partnerships": partnership_rows,
        "due_actions": due,
        "without_progress": without_progress,
        "quarter_start": since,
        "changes": _change_lines(
            None if user.is_superuser else partnership_ids, HOME_CHANGES_SHOWN
        ),
        "audit_partnerships": [m.partnership for m in memberships if m.can_manage],
        "due_days": REVIEW_DUE_SOON_DAYS,
        "has_own_groups": bool(own_group_ids),
    }


@require_safe
@login_required
def changes(request: HttpRequest) -> HttpResponse:
    """The latest changes to the actions of the person's partnerships, beyond the home page's
    short list; a superuser's cover every partnership."""
    user = request.user
    partnership_ids = None
    if not user.is_superuser:
        partnership_ids = list(
            Membership.objects.filter(user=user).values_list("partnership_id", flat=True)
        )
    return render(
        request,
        "changes.html",
        {
            "changes": _change_lines(partnership_ids, CHANGES_PAGE_LINES),
            "shown": CHANGES_PAGE_LINES,
        },
    )


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
