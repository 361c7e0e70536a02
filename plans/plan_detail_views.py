"""Pages where a partnership administrator keeps a draft plan's details and its cover, the
addresses of a partnership's logos (by hash) and the cover stylesheets (by colour).

The plan is fetched through plans.permissions (outsiders 404; other members and plans out of
draft 403), and every change goes through plans.plan_details, which checks the draft again
under a lock. A form posted after the plan left draft comes back with status 409 and
everything typed, as the section forms do.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from cspplan.refusals import form_refused
from plans import plan_details
from plans.cover import cover_css
from plans.document import plan_cover
from plans.models import Partnership, PartnershipLogo, Plan
from plans.permissions import ChangeRefused, access_for, get_plan_for_form
from plans.plan_detail_forms import CoverForm, PlanDetailsForm

DETAILS_TEMPLATE = "plans/details/details_form.html"
COVER_TEMPLATE = "plans/details/cover_form.html"
# A logo's address carries its hash and a stylesheet's its colour: a new one is a new address.
IMMUTABLE_MAX_AGE = 365 * 24 * 60 * 60


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_details_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    # The form's own copy: a refused form must not rename the plan in the page's headings.
    form = PlanDetailsForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    context = {"plan": plan, "form": form}
    if left_draft:
        return form_refused(request, DETAILS_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            plan_details.plan_details_update(plan=plan, user=request.user, **form.details())
        except ChangeRefused as refusal:
            return form_refused(request, DETAILS_TEMPLATE, context, refusal.reason)
        messages.success(request, "The plan's details have been saved.")
        return redirect("priorities:plan", plan.pk)
    return render(request, DETAILS_TEMPLATE, context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_cover_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    partnership = plan.partnership
    has_logo = bool(partnership.logo_sha256)
    form = CoverForm(
        request.POST or None,
        request.FILES or None,
        initial={"colour": partnership.colour},
        has_logo=has_logo,
    )
    context = {
        "plan": plan,
        "form": form,
        "partnership": partnership,
        "logo_url": plan_cover(plan).logo_url,
    }
    if left_draft:
        return form_refused(request, COVER_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            plan_details.partnership_cover_update(
                partnership=partnership,
                plan=plan,
                user=request.user,
                colour=form.cleaned_data["colour"],
                logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except ChangeRefused as refusal:
            return form_refused(request, COVER_TEMPLATE, context, refusal.reason)
        messages.success(request, f"The cover of {partnership.short_name}'s plans has been saved.")
        return redirect("priorities:plan", plan.pk)
    return render(request, COVER_TEMPLATE, context)


def _readable_partnership(request: HttpRequest, slug: str) -> Partnership:
    """A partnership whose cover anyone may see once it has a public plan; before that only
    its members (everyone else 404)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if Plan.objects.public().filter(partnership=partnership).exists():
        return partnership
    if access_for(request.user, partnership).can_read:
        return partnership
    raise Http404("No such partnership.")


def _immutable(response: HttpResponse, etag: str) -> HttpResponse:
    """What an address names never changes, so a browser or proxy may keep it for a year.
    (Signed-in people's responses are made private by cspplan.middleware.)"""
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=IMMUTABLE_MAX_AGE, immutable=True)
    return response


@require_safe
def partnership_logo(request: HttpRequest, partnership_slug: str, sha256: str) -> HttpResponse:
    """One logo the partnership has used, by its hash: the current one, or an older one a
    published page still shows."""
    partnership = _readable_partnership(request, partnership_slug)
    etag = f'"{sha256}"'
    logos = PartnershipLogo.objects.filter(partnership=partnership, sha256=sha256)
    if request.headers.get("If-None-Match") == etag and logos.exists():
        return _immutable(HttpResponseNotModified(), etag)
    logo = get_object_or_404(logos)
    response = HttpResponse(bytes(logo.content), content_type=logo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{partnership.slug}-logo"'
    return _immutable(response, etag)


@require_safe
def cover_stylesheet(request: HttpRequest, colour: str) -> HttpResponse:
    """The cover stylesheet of one colour (the address's six lower-case hex digits): the site's
    policy allows no inline style. It reveals nothing, so anyone may have it."""
    css = cover_css(f"#{colour}")
    if not css:
        raise Http404("Not a cover colour.")
    etag = f'"{colour}"'
    if request.headers.get("If-None-Match") == etag:
        return _immutable(HttpResponseNotModified(), etag)
    return _immutable(HttpResponse(css, content_type="text/css; charset=utf-8"), etag)
