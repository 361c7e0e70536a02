"""Forms for a plan's priorities as an administrator sees them, and for a priority's aims."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from plans.limits import LONG_TEXT_MAX, too_long
from plans.models import Group, Partnership
from priorities.forms import PriorityForm, _GdsForm, initial_for_priority
from priorities.models import Aim, Priority
from priorities.services import PriorityOwnership

OWNERSHIP_FIELD_NAMES = ("label", "task_group", "lead_officer", "is_cross_cutting")


class PriorityAdminForm(PriorityForm):
    """The priority form with what only an administrator sets: label, owner and kind."""

    label = forms.CharField(
        label="Label (optional)",
        help_text="How the plan numbers or names the priority, for example “Priority 1”, "
        "“Theme A” or “Cross-cutting theme”.",
        required=False,
        max_length=100,
        error_messages={"max_length": too_long("The label", 100)},
    )
    task_group = forms.ModelChoiceField(
        label="Task group (optional)",
        help_text="The task group that owns this priority's action plan. Its editors can "
        "change the priority's words and actions.",
        queryset=Group.objects.none(),
        required=False,
        empty_label="No task group",
        error_messages={"invalid_choice": "Choose one of the partnership's task groups"},
    )
    lead_officer = forms.CharField(
        label="Lead officer (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": too_long("The lead officer", 200)},
    )
    is_cross_cutting = forms.BooleanField(
        label="This is a cross-cutting theme",
        help_text="A theme every action plan considers, rather than a priority of its own.",
        required=False,
    )

    field_order = ["title", "label", "task_group", "lead_officer", "is_cross_cutting"]

    def __init__(
        self, *args, partnership: Partnership, current_group_id: int | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        # The partnership's task groups, and whatever group the priority has now (the admin
        # may have given it another kind of group), so saving never drops it unasked.
        self.fields["task_group"].queryset = Group.objects.filter(
            Q(kind=Group.Kind.TASK) | Q(pk=current_group_id), partnership=partnership
        ).order_by("order", "name")

    def clean_label(self) -> str:
        return self.cleaned_data["label"].strip()

    def clean_lead_officer(self) -> str:
        return self.cleaned_data["lead_officer"].strip()

    def ownership(self) -> PriorityOwnership:
        data = self.cleaned_data
        return PriorityOwnership(**{name: data[name] for name in OWNERSHIP_FIELD_NAMES})

    def words(self) -> dict:
        """The cleaned values priority_update and priority_create take besides ownership."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in OWNERSHIP_FIELD_NAMES
        }


def initial_for_priority_admin(priority: Priority) -> dict:
    return {
        **initial_for_priority(priority),
        "label": priority.label,
        "task_group": priority.task_group_id,
        "lead_officer": priority.lead_officer,
        "is_cross_cutting": priority.is_cross_cutting,
    }


class AimForm(_GdsForm):
    title = forms.CharField(
        label="Aim",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX,
        error_messages={
            "required": "Enter the aim",
            "max_length": too_long("The aim", LONG_TEXT_MAX),
        },
    )
    baseline_data = forms.CharField(
        label="Baseline data (optional)",
        help_text="Where things stand now, for example “412 incidents in 2009/10”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("Baseline data", LONG_TEXT_MAX)},
    )

    agencies = forms.CharField(
        label="Agencies named without an action (optional)",
        help_text="Agencies the plan prints beside this aim with no action, one a line, as "
        "printed.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("The agencies", LONG_TEXT_MAX)},
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Enter the aim")
        return title

    def clean_baseline_data(self) -> str:
        return self.cleaned_data["baseline_data"].strip()

    def clean_agencies(self) -> str:
        lines = (line.strip() for line in self.cleaned_data["agencies"].splitlines())
        return "\n".join(line for line in lines if line)


def initial_for_aim(aim: Aim) -> dict:
    return {"title": aim.title, "baseline_data": aim.baseline_data, "agencies": aim.agencies}
