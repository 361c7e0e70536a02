"""List filters for the actions admin."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from indicators.models import Indicator
from priorities.models import REVIEW_DUE_SOON_DAYS, Action


class ReviewDateFilter(admin.SimpleListFilter):
    """The questions a support officer asks before a task group meets."""

    title = "review date"
    parameter_name = "review"

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            (self.OVERDUE, "Overdue"),
            (self.DUE_SOON, f"Due within {REVIEW_DUE_SOON_DAYS} days"),
            (self.NONE, "No review date"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Action]) -> QuerySet[Action]:
        today = timezone.localdate()
        match self.value():
            case self.OVERDUE:
                return queryset.review_overdue(today)
            case self.DUE_SOON:
                return queryset.review_due_within(today, REVIEW_DUE_SOON_DAYS)
            case self.NONE:
                return queryset.current().filter(review_date__isnull=True)
        return queryset


class IndicatorFilter(admin.SimpleListFilter):
    """The actions linked to one indicator. Only indicators some action links to are offered,
    from one query, so the list stays as long as the plans' own use of indicators."""

    title = "linked indicator"
    parameter_name = "indicator"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        linked = Indicator.objects.filter(
            pk__in=Action.indicators.through.objects.values("indicator_id")
        )
        return [(str(pk), code) for pk, code in linked.values_list("pk", "code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Action]) -> QuerySet[Action]:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(
            pk__in=Action.indicators.through.objects.filter(indicator_id=int(value)).values(
                "action_id"
            )
        )


class WithinChosenPartnershipFilter(admin.RelatedFieldListFilter):
    """A plan or task group filter offered once a partnership is chosen, listing only that
    partnership's: with every partnership's 3,000 plans the list would be unusable, and
    building it was most of the changelist's time."""

    partnership_parameter = "priority__plan__partnership__id__exact"

    def field_choices(self, field, request: HttpRequest, model_admin: admin.ModelAdmin):
        partnership = request.GET.get(self.partnership_parameter, "")
        if not partnership.isdigit():
            return []
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to={"partnership_id": int(partnership)},
        )
