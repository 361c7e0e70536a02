"""The admin's pages for a partnership itself: its districts, organisations and their roles,
its glossary and its groups. Imported by plans/admin.py, which registers the plan's pages."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.functional import cached_property

from cspplan.admin_history import HistoryAdmin
from cspplan.forms import RefuseControlCharacters, SafeInputAdmin
from plans.admin_deletion import RefusesDeletionInUse, group_deletion_refusal
from plans.models import (
    District,
    GlossaryTerm,
    Group,
    Organisation,
    Partnership,
    PartnershipOrganisation,
)
from priorities.admin_widgets import LabelledTabularInline

COMPACT_TEXTAREA = forms.Textarea(attrs={"rows": 2, "cols": 60})


class DistrictInline(SafeInputAdmin, LabelledTabularInline):
    model = District
    extra = 0
    fields = ["order", "name"]


class PartnershipOrganisationInlineFormSet(BaseInlineFormSet):
    """A partnership has a dozen or more partners: one list of organisations serves every row."""

    @cached_property
    def organisation_choices(self) -> list[tuple[int | str, str]]:
        return [("", "---------"), *Organisation.objects.values_list("pk", "name")]

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["organisation"].choices = self.organisation_choices


class PartnershipOrganisationInline(SafeInputAdmin, LabelledTabularInline):
    model = PartnershipOrganisation
    formset = PartnershipOrganisationInlineFormSet
    extra = 0
    fields = ["organisation", "role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnershipOrganisation]:
        return super().get_queryset(request).select_related("organisation", "partnership")


class GlossaryTermInline(SafeInputAdmin, LabelledTabularInline):
    model = GlossaryTerm
    extra = 0
    fields = ["term", "meaning"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXTAREA}}


@admin.register(Partnership)
class PartnershipAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "area"]
    search_fields = ["name", "short_name", "area"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "area", "website"]}),
        (
            "Contact",
            {
                "fields": [
                    "contact_name",
                    "contact_role",
                    "contact_address",
                    "contact_phone",
                    "contact_email",
                ]
            },
        ),
        (
            "Cover",
            {
                "fields": ["colour"],
                "description": "The logo is kept on the plan's cover page in the app.",
            },
        ),
    ]
    inlines = [DistrictInline, PartnershipOrganisationInline, GlossaryTermInline]


@admin.register(District)
class DistrictAdmin(HistoryAdmin):
    list_display = ["name", "partnership", "order"]
    list_filter = ["partnership"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]
    autocomplete_fields = ["partnership"]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(PartnershipOrganisation)
class PartnershipOrganisationAdmin(HistoryAdmin):
    list_display = ["organisation", "partnership", "role"]
    list_filter = ["partnership", "role"]
    list_select_related = ["organisation", "partnership"]
    search_fields = ["organisation__name", "organisation__short_name", "partnership__name"]
    autocomplete_fields = ["partnership", "organisation"]


class GroupAdminForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "partnership",
            "name",
            "short_name",
            "kind",
            "reports_to",
            "order",
            "chair_name",
            "chair_email",
            "chair_organisation",
            "member_organisations",
        ]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        partnership = cleaned_data.get("partnership")
        reports_to = cleaned_data.get("reports_to")
        if partnership and reports_to and reports_to.partnership_id != partnership.pk:
            self.add_error("reports_to", "Choose a group of the same partnership.")
        elif reports_to and self.instance.pk and self._reports_to_itself(reports_to):
            # Django skips the model's check here (it names the primary key, not on the form).
            self.add_error(
                "reports_to", "A group cannot report to itself, directly or through another group."
            )
        return cleaned_data

    def _reports_to_itself(self, reports_to: Group) -> bool:
        seen: set[int] = set()
        group: Group | None = reports_to
        while group is not None and group.pk not in seen:
            if group.pk == self.instance.pk:
                return True
            seen.add(group.pk)
            group = group.reports_to
        return False


@admin.register(Group)
class GroupAdmin(RefusesDeletionInUse, HistoryAdmin):
    form = GroupAdminForm
    list_display = ["name", "partnership", "kind", "reports_to", "chair_name"]
    list_filter = ["partnership", "kind"]
    list_select_related = ["partnership", "reports_to"]
    search_fields = ["name", "short_name", "chair_name", "partnership__name"]
    autocomplete_fields = [
        "partnership",
        "reports_to",
        "chair_organisation",
        "member_organisations",
    ]
    fieldsets = [
        (None, {"fields": ["partnership", "name", "short_name", "kind", "reports_to", "order"]}),
        ("Chair", {"fields": ["chair_name", "chair_email", "chair_organisation"]}),
        ("Members", {"fields": ["member_organisations"]}),
    ]

    def deletion_refusal(self, obj: Group) -> str | None:
        return group_deletion_refusal(obj)
