"""The partnership's audit log page, for its administrators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cspplan.forms import RefuseControlCharacters
from plans.audit import KIND_CHOICES, audit_page
from plans.partnership_views import get_partnership_for_user


class AuditFilterForm(RefuseControlCharacters, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of thing",
        choices=[("", "Everything"), *KIND_CHOICES],
        required=False,
        error_messages={"invalid_choice": "Choose a kind of thing from the list"},
    )


@require_safe
@login_required
def partnership_audit(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    form = AuditFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = audit_page(partnership, kind=kind, page=request.GET.get("page", 1))
    query = f"kind={kind}&" if kind else ""
    return render(
        request,
        "plans/partnership/audit.html",
        {"partnership": partnership, "form": form, "page": page, "query": query},
    )
