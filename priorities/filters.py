"""Filters on an action plan: the questions a task group asks of its own table."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from indicators.models import Indicator, normalise_code
from plans.models import Group, Organisation, Partnership
from priorities.models import REVIEW_DUE_SOON_DAYS, Action, ActionLeadPartner

OVERDUE = "overdue"
DUE_SOON = "due_soon"


def lead_partner_options(partnership: Partnership) -> list[tuple[str, str]]:
    """Values look like "organisation:5", so one select covers every kind of lead."""
    options = [("partnership", partnership.short_name)]
    for organisation in Organisation.objects.filter(participations__partnership=partnership):
        options.append((f"organisation:{organisation.pk}", organisation.display_name))
    for group in Group.objects.filter(partnership=partnership):
        options.append((f"group:{group.pk}", group.display_name))
    return options


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search action text", method="filter_text", widget=forms.TextInput
    )
    lead_partner = django_filters.ChoiceFilter(
        label="Lead partner", method="filter_lead_partner", empty_label="Any lead partner"
    )
    indicator = django_filters.CharFilter(
        label="Linked indicator", method="filter_indicator", help_text="For example NI17"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[c for c in Action.Status.choices if c[0] != Action.Status.REMOVED],
        empty_label="Any status",
    )
    rag = django_filters.ChoiceFilter(
        label="RAG rating", choices=Action.Rag.choices, empty_label="Any rating"
    )
    review = django_filters.ChoiceFilter(
        label="Review date",
        choices=[
            (OVERDUE, "Overdue"),
            (DUE_SOON, f"Due within {REVIEW_DUE_SOON_DAYS} days"),
        ],
        method="filter_review",
        empty_label="Any review date",
    )

    class Meta:
        model = Action
        fields = ["q", "lead_partner", "indicator", "status", "rag", "review"]

    def __init__(self, *args, partnership: Partnership, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["lead_partner"].extra["choices"] = lead_partner_options(partnership)
        for field in self.form.fields.values():
            css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            field.widget.attrs["class"] = css

    def filter_text(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet:
        return queryset.filter(text__icontains=value.strip())

    def filter_lead_partner(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet:
        kind, _, pk = value.partition(":")
        if kind == ActionLeadPartner.Kind.PARTNERSHIP:
            return queryset.filter(lead_partners__kind=kind).distinct()
        return queryset.filter(**{f"lead_partners__{kind}_id": pk}).distinct()

    def filter_indicator(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet:
        key = normalise_code(value)
        if not key:
            return queryset
        matching = Indicator.objects.lookup(value)
        if key.isdigit():
            matching = Indicator.objects.filter(
                Q(code_key=key) | Q(code_key__regex=rf"^[A-Z]*{key}$")
            )
        return queryset.filter(indicators__in=matching).distinct()

    def filter_review(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet:
        if value == OVERDUE:
            return queryset.review_overdue(self.today)
        return queryset.review_due_within(self.today, REVIEW_DUE_SOON_DAYS)
