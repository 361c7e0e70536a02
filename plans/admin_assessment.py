"""The admin's pages for plans' scanning matrices: a matrix with its criteria and categories,
and a category with its marks. Imported by plans/admin.py. Plan administrators keep the
matrix on its own page (plans.assessment_views); these are for support officers."""

from __future__ import annotations

from django.contrib import admin

from cspplan.admin_history import HistoryAdmin
from cspplan.forms import SafeInputAdmin
from plans.models import ScanningCategory, ScanningCriterion, ScanningMark, ScanningMatrix
from priorities.admin_widgets import LabelledTabularInline


class ScanningCriterionInline(SafeInputAdmin, LabelledTabularInline):
    model = ScanningCriterion
    extra = 0
    fields = ["order", "name"]


class ScanningCategoryInline(SafeInputAdmin, LabelledTabularInline):
    model = ScanningCategory
    extra = 0
    fields = ["order", "name", "parent", "decision"]
    show_change_link = True


class ScanningMarkInline(SafeInputAdmin, LabelledTabularInline):
    model = ScanningMark
    extra = 0
    fields = ["criterion", "text"]


@admin.register(ScanningMatrix)
class ScanningMatrixAdmin(HistoryAdmin):
    list_display = ["__str__", "plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "plan__title"]
    raw_id_fields = ["plan"]
    inlines = [ScanningCriterionInline, ScanningCategoryInline]


@admin.register(ScanningCategory)
class ScanningCategoryAdmin(HistoryAdmin):
    list_display = ["name", "parent", "decision", "matrix"]
    list_select_related = ["parent", "matrix__plan"]
    list_filter = ["decision"]
    search_fields = ["name", "matrix__plan__title"]
    raw_id_fields = ["matrix", "parent"]
    inlines = [ScanningMarkInline]


@admin.register(ScanningCriterion)
class ScanningCriterionAdmin(HistoryAdmin):
    list_display = ["name", "order", "matrix"]
    list_select_related = ["matrix__plan"]
    search_fields = ["name", "matrix__plan__title"]
    raw_id_fields = ["matrix"]


@admin.register(ScanningMark)
class ScanningMarkAdmin(HistoryAdmin):
    list_display = ["__str__", "text"]
    list_select_related = ["category", "criterion"]
    search_fields = ["text", "category__name", "criterion__name"]
    raw_id_fields = ["category", "criterion"]
