"""Pages where a partnership administrator sets up the partnership's groups and people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans import invitations, partnership_organisations, people
from plans.models import Group, Invitation, Membership, Partnership
from plans.partnership_forms import GroupForm, InvitationForm, MembershipForm
from plans.partnership_organisations import PartnershipChangeRefused
from plans.permissions import ChangeRefused, access_for


def get_partnership_for_user(request: HttpRequest, slug: str) -> Partnership:
    """The partnership, if this person administers it: outsiders 404, other members 403."""
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such partnership.")
    access = access_for(request.user, partnership)
    if not access.can_read:
        raise Http404("No such partnership.")
    if not access.is_administrator:
        raise ChangeRefused(
            "Only the partnership’s administrators can set up its groups and people. Ask one "
            "of them if something needs changing."
        )
    return partnership


def get_invitation_for_user(request: HttpRequest, slug: str, pk: int) -> Invitation:
    partnership = get_partnership_for_user(request, slug)
    return get_object_or_404(
        Invitation.objects.select_related("partnership"), pk=pk, partnership=partnership
    )


def get_membership_for_user(request: HttpRequest, slug: str, pk: int) -> Membership:
    partnership = get_partnership_for_user(request, slug)
    return get_object_or_404(
        Membership.objects.select_related("user", "partnership").prefetch_related("task_groups"),
        pk=pk,
        partnership=partnership,
    )


@require_safe
@login_required
def partnership_manage(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    groups = Group.objects.filter(partnership=partnership).select_related(
        "reports_to", "chair_organisation"
    )
    memberships = (
        Membership.objects.filter(partnership=partnership)
        .select_related("user")
        .prefetch_related(Prefetch("task_groups", queryset=Group.objects.order_by("name")))
    )
    pending = (
        Invitation.objects.open()
        .filter(partnership=partnership)
        .select_related("invited_by")
        .prefetch_related(Prefetch("task_groups", queryset=Group.objects.order_by("name")))
    )
    return render(
        request,
        "plans/partnership/manage.html",
        {
            "partnership": partnership,
            "groups": groups,
            "memberships": memberships,
            "invitations": pending,
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def group_add(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    return _group_form(request, partnership, Group())


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def group_edit(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    group = get_object_or_404(Group, pk=pk, partnership=partnership)
    return _group_form(request, partnership, group)


def _group_form(request: HttpRequest, partnership: Partnership, group: Group) -> HttpResponse:
    adding = group.pk is None
    form = GroupForm(request.POST or None, instance=group, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                _bring_in_new_organisation(form, partnership, request.user)
                group = form.save()
        except IntegrityError:
            # The form found the name free; another administrator took it a moment earlier.
            form.add_error("name", "This partnership already has a group of that name")
        except PartnershipChangeRefused as refusal:
            form.add_error("new_organisation", refusal.reason)
        else:
            messages.success(request, f"{group.name} {'added' if adding else 'saved'}.")
            return redirect("plans:partnership_manage", partnership_slug=partnership.slug)
    return render(
        request,
        "plans/partnership/group_form.html",
        {"partnership": partnership, "form": form, "group": None if adding else group},
    )


def _bring_in_new_organisation(form: GroupForm, partnership: Partnership, user: User) -> None:
    """An organisation typed on the group form joins the partnership, as chair or member."""
    data = form.cleaned_data
    if not data.get("new_organisation", "").strip():
        return
    organisation = partnership_organisations.organisation_named_in_partnership(
        partnership=partnership,
        user=user,
        name=data["new_organisation"],
        short_name="",
        kind=data["new_organisation_kind"],
        role=data["new_organisation_role"],
    )
    if data["new_organisation_place"] == "chair":
        form.instance.chair_organisation = organisation
    else:
        data["member_organisations"] = [*data["member_organisations"], organisation]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_add(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    """Invite an email address to join; the answer is the same whoever uses that address."""
    partnership = get_partnership_for_user(request, partnership_slug)
    form = InvitationForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invitation_create(
                partnership=partnership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                task_groups=form.cleaned_data["task_groups"],
                invited_by=request.user,
            )
        except people.PeopleRefused as refusal:
            form.add_error("email", refusal.reason)
        else:
            messages.success(request, f"We have sent an invitation to {invitation.email}.")
            return _to_invitations(partnership)
    return render(
        request, "plans/partnership/person_add.html", {"partnership": partnership, "form": form}
    )


@require_POST
@login_required
def invitation_resend(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request, partnership_slug, pk)
    try:
        invitations.invitation_resend(invitation=invitation)
    except people.PeopleRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"We have sent the invitation to {invitation.email} again.")
    return _to_invitations(invitation.partnership)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request, partnership_slug, pk)
    try:
        invitations.invitation_revoke(invitation=invitation)
    except people.PeopleRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(
            request, f"The invitation to {invitation.email} is withdrawn; its link no longer works."
        )
    return _to_invitations(invitation.partnership)


def _to_invitations(partnership: Partnership) -> HttpResponse:
    url = reverse("plans:partnership_manage", args=[partnership.slug])
    return redirect(f"{url}#invitations")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_edit(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request, partnership_slug, pk)
    initial = {"role": membership.role, "task_groups": list(membership.task_groups.all())}
    form = MembershipForm(request.POST or None, initial=initial, partnership=membership.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            people.membership_change(
                membership=membership,
                role=form.cleaned_data["role"],
                task_groups=form.cleaned_data["task_groups"],
            )
        except people.PeopleRefused as refusal:
            form.add_error("role", refusal.reason)
        else:
            messages.success(request, f"{_name(membership)}’s role saved.")
            return redirect("plans:partnership_manage", partnership_slug=partnership_slug)
    return render(
        request,
        "plans/partnership/person_edit.html",
        {"partnership": membership.partnership, "membership": membership, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_remove(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request, partnership_slug, pk)
    refusal = ""
    if request.method == "POST":
        try:
            people.membership_remove(membership=membership)
        except people.PeopleRefused as refused:
            refusal = refused.reason
        else:
            messages.success(
                request, f"{_name(membership)} removed from the partnership. Their account stays."
            )
            return redirect("plans:partnership_manage", partnership_slug=partnership_slug)
    return render(
        request,
        "plans/partnership/person_remove.html",
        {
            "partnership": membership.partnership,
            "membership": membership,
            "name": _name(membership),
            "refusal": refusal,
        },
    )


def _name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.username
