"""Pages where a partnership administrator keeps the partnership's organisations and areas.

They belong to the partnership, not to a plan (published plans keep a frozen copy), so they
can be changed at any time. The partnership is fetched through the same helper as its groups
and people (outsiders 404, other members 403); every change goes through
plans.partnership_organisations.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans import partnership_organisations as services
from plans.models import District, Partnership, PartnershipOrganisation
from plans.organisation_forms import (
    DistrictForm,
    PartnershipOrganisationAddForm,
    PartnershipOrganisationRoleForm,
)
from plans.partnership_organisations import PartnershipChangeRefused
from plans.partnership_views import get_partnership_for_user

TEMPLATES = "plans/partnership/"


def _participation(request: HttpRequest, slug: str, pk: int) -> PartnershipOrganisation:
    partnership = get_partnership_for_user(request, slug)
    return get_object_or_404(
        PartnershipOrganisation.objects.select_related("organisation", "partnership"),
        pk=pk,
        partnership=partnership,
    )


def _district(request: HttpRequest, slug: str, pk: int) -> District:
    partnership = get_partnership_for_user(request, slug)
    return get_object_or_404(
        District.objects.select_related("partnership"), pk=pk, partnership=partnership
    )


def _to_organisations(partnership: Partnership) -> HttpResponse:
    return redirect("plans:organisation_list", partnership_slug=partnership.slug)


def _districts_url(partnership: Partnership) -> str:
    return reverse("plans:district_list", args=[partnership.slug])


@require_safe
@login_required
def organisation_list(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    participations = PartnershipOrganisation.objects.filter(partnership=partnership).select_related(
        "organisation"
    )
    return render(
        request,
        f"{TEMPLATES}organisations.html",
        {"partnership": partnership, "participations": participations},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_add(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    form = PartnershipOrganisationAddForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.partnership_organisation_add(
                partnership=partnership, user=request.user, **form.cleaned_data
            )
        except PartnershipChangeRefused as refusal:
            form.add_error(
                "new_name" if form.cleaned_data["new_name"] else "organisation", refusal.reason
            )
        else:
            messages.success(
                request,
                f"{participation.organisation.name} added to the partnership as "
                f"{participation.get_role_display().lower()}.",
            )
            return _to_organisations(partnership)
    return render(
        request,
        f"{TEMPLATES}organisations_add.html",
        {"partnership": partnership, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_edit(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    participation = _participation(request, partnership_slug, pk)
    form = PartnershipOrganisationRoleForm(
        request.POST or None, initial={"role": participation.role}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_organisation_update(
                participation=participation, user=request.user, role=form.cleaned_data["role"]
            )
        except PartnershipChangeRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, f"{participation.organisation.name}’s role saved.")
            return _to_organisations(participation.partnership)
    return render(
        request,
        f"{TEMPLATES}organisations_edit.html",
        {"partnership": participation.partnership, "participation": participation, "form": form},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_remove(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    participation = _participation(request, partnership_slug, pk)
    refusal = ""
    if request.method == "POST":
        try:
            services.partnership_organisation_remove(participation=participation, user=request.user)
        except PartnershipChangeRefused as refused:
            refusal = refused.reason
        else:
            messages.success(
                request,
                f"{participation.organisation.name} taken out of the partnership. Other "
                "partnerships that work with it keep it.",
            )
            return _to_organisations(participation.partnership)
    return render(
        request,
        f"{TEMPLATES}organisations_remove.html",
        {
            "partnership": participation.partnership,
            "participation": participation,
            "refusal": refusal,
        },
        status=409 if refusal else 200,
    )


@require_safe
@login_required
def district_list(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    shown = list(partnership.districts.order_by("order", "name"))
    # After a move the same button keeps the focus, as on the sections page.
    for position, district in enumerate(shown):
        district.focus_move = None
        if request.GET.get("moved") == str(district.pk):
            direction = request.GET.get("direction")
            if direction == "up" and position == 0:
                direction = "down"
            elif direction == "down" and position == len(shown) - 1:
                direction = "up"
            district.focus_move = direction
    return render(
        request, f"{TEMPLATES}districts.html", {"partnership": partnership, "districts": shown}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def district_add(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    return _district_form(request, partnership, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def district_edit(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    district = _district(request, partnership_slug, pk)
    return _district_form(request, district.partnership, district)


def _district_form(
    request: HttpRequest, partnership: Partnership, district: District | None
) -> HttpResponse:
    initial = {"name": district.name} if district else None
    form = DistrictForm(
        request.POST or None, initial=initial, partnership=partnership, district=district
    )
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            if district is None:
                district = services.district_add(
                    partnership=partnership, user=request.user, name=name
                )
                message = f"{district.name} added."
            else:
                district = services.district_update(district=district, user=request.user, name=name)
                message = f"{district.name} saved."
        except PartnershipChangeRefused as refusal:
            form.add_error("name", refusal.reason)
        else:
            messages.success(request, message)
            return redirect(f"{_districts_url(partnership)}#district-{district.pk}")
    return render(
        request,
        f"{TEMPLATES}districts_form.html",
        {"partnership": partnership, "form": form, "district": district},
    )


@require_POST
@login_required
def district_move(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    district = _district(request, partnership_slug, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Choose to move the area up or down.", status=400)
    try:
        moved = services.district_move(district=district, user=request.user, direction=direction)
    except PartnershipChangeRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect(_districts_url(district.partnership))
    if not moved:
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"{district.name} is already {edge}.")
    # No #fragment: it would stop the browser honouring the moved button's autofocus.
    return redirect(
        f"{_districts_url(district.partnership)}?moved={district.pk}&direction={direction}"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def district_remove(request: HttpRequest, partnership_slug: str, pk: int) -> HttpResponse:
    district = _district(request, partnership_slug, pk)
    refusal = ""
    if request.method == "POST":
        try:
            services.district_remove(district=district, user=request.user)
        except PartnershipChangeRefused as refused:
            refusal = refused.reason
        else:
            messages.success(request, f"{district.name} removed.")
            return redirect(_districts_url(district.partnership))
    return render(
        request,
        f"{TEMPLATES}districts_remove.html",
        {"partnership": district.partnership, "district": district, "refusal": refusal},
        status=409 if refusal else 200,
    )
