"""Indicator sets, indicators and local targets in the admin.

Officers type indicator codes as they like ("NI17", "ni 17", "17"), so the indicator search
and the duplicate check both go through the normalised code, not the code as written.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html

from cspplan.admin_history import HistoryAdmin
from cspplan.forms import RefuseControlCharacters, SafeInputAdmin
from indicators.models import (
    Indicator,
    IndicatorSet,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
    nfkc,
)
from plans.admin_workflow import DraftPlanContentOnly, DraftPlanContentOnlyInline
from priorities.admin_widgets import LabelledTabularInline


@admin.register(IndicatorSet)
class IndicatorSetAdmin(SafeInputAdmin, admin.ModelAdmin):
    list_display = ["name", "is_national", "valid_from_year", "valid_to_year", "indicator_count"]
    list_filter = ["is_national"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[IndicatorSet]:
        return super().get_queryset(request).annotate(indicator_count=Count("indicators"))

    @admin.display(description="indicators", ordering="indicator_count")
    def indicator_count(self, indicator_set: IndicatorSet) -> str:
        url = reverse("admin:indicators_indicator_changelist")
        return format_html(
            '<a href="{}?indicator_set__id__exact={}">{}</a>',
            url,
            indicator_set.pk,
            indicator_set.indicator_count,
        )


class IndicatorAdminForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "indicator_set",
            "code",
            "title",
            "title_source",
            "psa",
            "polarity",
            "unit",
            "description",
        ]

    def clean_code(self) -> str:
        """A full-width "ＮＩ１" is stored as "NI1", so it is the same code as "NI 1"."""
        return nfkc(self.cleaned_data["code"]).strip()

    def clean(self) -> dict:
        """The unique key is generated from the code, which the form's own checks skip."""
        cleaned_data = super().clean()
        indicator_set = cleaned_data.get("indicator_set")
        code = cleaned_data.get("code")
        if indicator_set and code:
            same_code = Indicator.objects.filter(indicator_set=indicator_set).lookup(code)
            if self.instance.pk:
                same_code = same_code.exclude(pk=self.instance.pk)
            existing = same_code.first()
            if existing:
                self.add_error(
                    "code",
                    f"This set already has an indicator with that code: {existing.code}.",
                )
        return cleaned_data


@admin.register(Indicator)
class IndicatorAdmin(SafeInputAdmin, admin.ModelAdmin):
    form = IndicatorAdminForm
    list_display = ["code", "title", "indicator_set", "psa", "polarity", "title_is_confirmed"]
    list_filter = ["indicator_set", "polarity"]
    list_select_related = ["indicator_set"]
    search_fields = ["code", "title"]
    fieldsets = [
        (None, {"fields": ["indicator_set", "code", "title", "title_source"]}),
        ("Details", {"fields": ["psa", "polarity", "unit", "description"]}),
    ]

    @admin.display(description="title confirmed", boolean=True)
    def title_is_confirmed(self, indicator: Indicator) -> bool:
        return indicator.title_is_confirmed

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Indicator], search_term: str
    ) -> tuple[QuerySet[Indicator], bool]:
        """Typing NI17, ni 17, 17 or drunk finds NI 17, here and in every autocomplete."""
        if not search_term.strip():
            return queryset, False
        matches = Indicator.objects.search(search_term).values("pk")
        return queryset.filter(pk__in=matches), False


class LocalTargetInlineFormSet(BaseInlineFormSet):
    @cached_property
    def areas(self) -> QuerySet[TargetArea]:
        """The plan's partnership's target areas; empty for a total row, and until a plan is
        set."""
        if self.instance.plan_id is None:
            return TargetArea.objects.none()
        return TargetArea.objects.filter(partnership__plans=self.instance.plan_id)

    @cached_property
    def area_choices(self) -> list[tuple[int | str, str]]:
        total = self.instance.total_label if self.instance.pk else "Total"
        return [("", total or "Total"), *((area.pk, str(area)) for area in self.areas)]

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["area"].queryset = self.areas
        form.fields["area"].choices = self.area_choices

    def clean(self) -> None:
        """Two new total rows pass each form's own check; the database would refuse them."""
        super().clean()
        totals = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and form.cleaned_data.get("area") is None
        ]
        for form in totals[1:]:
            form.add_error("area", "This measure already has a total row.")


class LocalTargetInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    parent_plan_path = "plan"
    model = LocalTarget
    formset = LocalTargetInlineFormSet
    extra = 0
    fields = ["order", "area"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[LocalTarget]:
        return super().get_queryset(request).select_related("measure", "area")


@admin.register(LocalTargetMeasure)
class LocalTargetMeasureAdmin(DraftPlanContentOnly, HistoryAdmin):
    list_display = ["name", "plan", "order", "indicator", "unit", "lower_is_better"]
    list_filter = ["plan__partnership", "plan"]
    list_select_related = ["plan", "indicator"]
    search_fields = ["name", "plan__title", "indicator__code"]
    autocomplete_fields = ["plan", "indicator"]
    inlines = [LocalTargetInline]


class LocalTargetValueInlineFormSet(BaseInlineFormSet):
    def _construct_form(self, i: int, **kwargs) -> forms.ModelForm:
        """Only a percentage-change measure's figures may be negative."""
        form = super()._construct_form(i, **kwargs)
        if self.instance.measure_id:
            form.instance.may_be_negative = self.instance.measure.allows_negative
        return form

    def clean(self) -> None:
        """Two new baseline years pass each form's own check; the database would refuse them."""
        super().clean()
        baselines = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and form.cleaned_data.get("is_baseline")
        ]
        for form in baselines[1:]:
            form.add_error("is_baseline", "Only one year of a row can be the baseline.")


class LocalTargetValueInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    parent_plan_path = "measure.plan"
    model = LocalTargetValue
    formset = LocalTargetValueInlineFormSet
    extra = 0
    fields = ["year", "value", "is_baseline"]


@admin.register(LocalTarget)
class LocalTargetAdmin(DraftPlanContentOnly, HistoryAdmin):
    plan_path = "measure.plan"
    list_display = ["__str__", "measure", "area_name", "order"]
    list_filter = ["measure__plan__partnership", "measure__plan"]
    list_select_related = ["measure", "area"]
    search_fields = ["measure__name", "area__name"]
    autocomplete_fields = ["measure", "area"]
    inlines = [LocalTargetValueInline]

    @admin.display(description="area")
    def area_name(self, target: LocalTarget) -> str:
        return target.area_name


@admin.register(LocalTargetValue)
class LocalTargetValueAdmin(DraftPlanContentOnly, HistoryAdmin):
    plan_path = "target.measure.plan"
    list_display = ["__str__", "year", "value", "is_baseline"]
    list_filter = ["is_baseline", "target__measure__plan"]
    list_select_related = ["target__measure", "target__area"]
    search_fields = ["target__measure__name", "target__area__name"]
    autocomplete_fields = ["target"]


@admin.register(TargetArea)
class TargetAreaAdmin(HistoryAdmin):
    list_display = ["name", "kind", "partnership", "district"]
    list_filter = ["kind", "partnership"]
    list_select_related = ["partnership", "district"]
    search_fields = ["name"]
    autocomplete_fields = ["partnership", "district"]


@admin.register(TargetColumn)
class TargetColumnAdmin(DraftPlanContentOnly, HistoryAdmin):
    plan_path = "measure.plan"
    list_display = ["__str__", "year", "label", "is_baseline"]
    list_filter = ["measure__plan"]
    list_select_related = ["measure"]
    search_fields = ["measure__name", "label"]
    autocomplete_fields = ["measure"]
