"""The partnership's audit log page, for its administrators."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cspplan.forms import RefuseControlCharacters
from plans.audit import KIND_CHOICES, audit_page, partnership_imports
from plans.models import Partnership, PlanImport
from plans.partnership_views import get_partnership_for_user


class AuditFilterForm(RefuseControlCharacters, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of thing",
        choices=[("", "Everything"), *KIND_CHOICES],
        required=False,
        error_messages={"invalid_choice": "Choose a kind of thing from the list"},
    )
    imported = forms.ModelChoiceField(
        label="Changes made by one import",
        queryset=PlanImport.objects.none(),
        required=False,
        empty_label="Any change",
        error_messages={"invalid_choice": "Choose an import from the list"},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["imported"].queryset = PlanImport.objects.filter(
            plan__partnership=partnership
        ).select_related("plan", "plan__partnership")


@require_safe
@login_required
def partnership_audit(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    form = AuditFilterForm(request.GET or None, partnership=partnership)
    valid = form.is_valid()
    kind = form.cleaned_data["kind"] if valid else ""
    imported = form.cleaned_data["imported"] if valid else None
    page = audit_page(partnership, kind=kind, imported=imported, page=request.GET.get("page", 1))
    query = (f"kind={kind}&" if kind else "") + (f"imported={imported.pk}&" if imported else "")
    return render(
        request,
        "plans/partnership/audit.html",
        {
            "partnership": partnership,
            "form": form,
            "page": page,
            "query": query,
            "imports": partnership_imports(partnership),
        },
    )
