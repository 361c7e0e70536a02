"""Pages of the review concern: moving a plan through the workflow, comment threads, the open
comments summary, and the changes since the last published version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans import review, workflow
from plans.changes import plan_changes
from plans.limits import COMMENT_MAX
from plans.models import Plan, PlanTransition
from plans.permissions import ChangeRefused, access_for
from plans.publication import publication_request
from plans.refresh import RefreshRefused, plan_start_next_year
from plans.workflow import MoveRefused, find_move, moves_for
from priorities.models import ReviewComment


def get_plan_for_member(request: HttpRequest, partnership_slug: str, plan_slug: str) -> Plan:
    """A plan whose working pages this person may read: outsiders are told nothing (404)."""
    plan = (
        Plan.objects.filter(partnership__slug=partnership_slug, slug=plan_slug)
        .select_related("partnership", "previous_plan")
        .first()
    )
    if plan is None:
        raise Http404("No such plan.")
    plan.access = access_for(request.user, plan.partnership)
    if not plan.access.can_read:
        raise Http404("No such plan.")
    return plan


def get_comment_for_member(request: HttpRequest, plan: Plan, pk: int) -> ReviewComment:
    return get_object_or_404(
        ReviewComment.objects.select_related(
            "action__priority", "priority", "parent", "author", "hiding__hidden_by"
        ),
        pk=pk,
        plan=plan,
    )


def _plan_page(plan: Plan, anchor: str = "") -> str:
    url = reverse(
        "plans:plan_detail",
        kwargs={"partnership_slug": plan.partnership.slug, "plan_slug": plan.slug},
    )
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_move(
    request: HttpRequest, partnership_slug: str, plan_slug: str, to_status: str
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    move = find_move(plan.status, to_status)
    if move is None and to_status in Plan.Status:
        raise ChangeRefused(workflow.no_move_message(plan, to_status))
    if move is None or move not in moves_for(request.user, plan):
        raise ChangeRefused(
            f"You cannot move “{plan.title}” from {plan.get_status_display().lower()} to "
            f"{Plan.Status(to_status).label.lower() if to_status in Plan.Status else to_status}."
        )
    open_comments = ReviewComment.objects.filter(plan=plan).open().count()
    asks_reason = move.to_status == Plan.Status.APPROVED and open_comments > 0
    typed_comment = request.POST.get("comment", "")
    typed_reason = request.POST.get("open_comments_reason", "")
    form = review.MoveForm(request.POST if request.method == "POST" else None)
    error = error_field = ""
    if request.method == "POST":
        if not form.is_valid():
            error_field, (error, *_) = next(iter(form.errors.items()))
        else:
            try:
                if to_status == Plan.Status.PUBLISHED:
                    job = publication_request(
                        plan=plan, user=request.user, comment=form.cleaned_data["comment"]
                    )
                    return redirect(
                        "plans:publication_progress", plan.partnership.slug, plan.slug, job.pk
                    )
                workflow.plan_move(
                    plan=plan,
                    to_status=to_status,
                    user=request.user,
                    comment=form.cleaned_data["comment"],
                    open_comments_reason=form.cleaned_data["open_comments_reason"],
                )
            except MoveRefused as refusal:
                error = refusal.message
                if asks_reason and not typed_reason.strip():
                    error_field = "open_comments_reason"
                elif move.needs_comment and not typed_comment.strip():
                    error_field = "comment"
            else:
                messages.success(
                    request, f"“{plan.title}” is now {plan.get_status_display().lower()}."
                )
                return redirect(_plan_page(plan))
    return render(
        request,
        "plans/review/move.html",
        {
            "plan": plan,
            "move": move,
            "open_comments": open_comments,
            "asks_reason": asks_reason,
            "form": form,
            "comment_limit": f"{COMMENT_MAX:,}",
            "error": error,
            "error_field": error_field,
            "typed_comment": typed_comment,
            "typed_reason": typed_reason,
        },
        status=400 if error or form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def comment_add(
    request: HttpRequest, partnership_slug: str, plan_slug: str, kind: str, pk: int
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    target = review.find_target(plan, kind, pk)
    if target is None:
        raise Http404("No such part of the plan.")
    refusal = review.comment_refusal(plan.access, plan)
    if refusal:
        raise ChangeRefused(refusal)
    form = review.CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment = review.comment_add(
            plan=plan, target=target, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Your comment has been added.")
        return redirect(_plan_page(plan, f"comment-{comment.pk}"))
    return render(
        request,
        "plans/review/comment_form.html",
        {"plan": plan, "target": target, "form": form, "heading": "Add a comment"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def comment_reply(
    request: HttpRequest, partnership_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    comment = get_comment_for_member(request, plan, pk)
    refusal = review.comment_refusal(plan.access, plan)
    if refusal:
        raise ChangeRefused(refusal)
    form = review.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply = review.comment_reply(
            comment=comment, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Your reply has been added.")
        return redirect(_plan_page(plan, f"comment-{reply.pk}"))
    return render(
        request,
        "plans/review/comment_form.html",
        {"plan": plan, "comment": comment, "form": form, "heading": "Reply to a comment"},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def comment_resolve(
    request: HttpRequest, partnership_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    comment = get_comment_for_member(request, plan, pk)
    comment.plan = plan
    refusal = review.resolve_refusal(plan.access, comment)
    if refusal:
        raise ChangeRefused(refusal)
    review.comment_resolve(comment=comment, user=request.user)
    messages.success(request, "The comment has been marked as resolved.")
    return redirect(_plan_page(plan, f"comment-{comment.pk}"))


def _hide(request: HttpRequest, plan: Plan, hidden: ReviewComment | PlanTransition) -> HttpResponse:
    """The confirmation page for hiding a comment, and the hiding once confirmed."""
    refusal = review.hide_refusal(plan.access)
    if refusal:
        raise ChangeRefused(refusal)
    form = review.HideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if isinstance(hidden, ReviewComment):
            review.comment_hide(comment=hidden, user=request.user, reason=reason)
            anchor = f"comment-{hidden.pk}"
        else:
            review.transition_comment_hide(transition=hidden, user=request.user, reason=reason)
            anchor = "workflow-heading"
        messages.success(request, "The comment has been hidden.")
        return redirect(_plan_page(plan, anchor))
    return render(
        request,
        "plans/review/hide.html",
        {"plan": plan, "hidden": hidden, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def comment_hide(
    request: HttpRequest, partnership_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    return _hide(request, plan, get_comment_for_member(request, plan, pk))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def transition_hide(
    request: HttpRequest, partnership_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    transition = get_object_or_404(
        review.transitions(plan).exclude(comment="", open_comments_reason=""), pk=pk
    )
    return _hide(request, plan, transition)


@require_safe
@login_required
def review_summary(request: HttpRequest, partnership_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    groups = review.open_comments_summary(plan)
    return render(
        request,
        "plans/review/summary.html",
        {
            "plan": plan,
            "groups": groups,
            "open_count": sum(len(group.threads) for group in groups),
            "transitions": review.transitions(plan),
            "can_hide": review.hide_refusal(plan.access) is None,
        },
    )


@require_safe
@login_required
def changes(request: HttpRequest, partnership_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    return render(
        request, "plans/review/changes.html", {"plan": plan, "changes": plan_changes(plan)}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_refresh(request: HttpRequest, partnership_slug: str, plan_slug: str) -> HttpResponse:
    """Start next year's plan from a published one: partnership administrators only."""
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    if not plan.access.is_administrator:
        raise ChangeRefused("Only a partnership administrator can start next year's plan.")
    error = ""
    if request.method == "POST":
        try:
            new_plan = plan_start_next_year(plan=plan, user=request.user)
        except RefreshRefused as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                f"“{new_plan.title}” {new_plan.period_label} has been started as a draft.",
            )
            return redirect(_plan_page(new_plan))
    return render(
        request,
        "plans/review/refresh.html",
        {"plan": plan, "error": error},
        status=400 if error else 200,
    )
