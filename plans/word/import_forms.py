"""The forms of a plan's import from Word: the upload (which draft, or a new one, and the
file) and the preview's mapping of the names the document prints that were not recognised."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from cspplan.forms import RefuseControlCharacters
from plans.limits import too_long
from plans.models import Partnership, Plan
from plans.plan_detail_forms import EARLIEST_START_YEAR, LATEST_START_YEAR
from plans.word.importing import UnmatchedName, mapping_choices

# The plan's own checks (plans.models.plan), shown beside the field they are about, in the
# same words as the plan details form.
_PLAN_CHECKS = {
    constraint.name: constraint.violation_error_message for constraint in Plan._meta.constraints
}
# A year is stored in a small integer; anything past this is a typing slip, not a plan.
_LATEST_END_YEAR = LATEST_START_YEAR + 100
NEW_PLAN, EXISTING_DRAFT = "new", "existing"
_KIND_LEGENDS = {
    "lead_partner": "Lead partners not recognised",
    "indicator": "Indicators not recognised",
}


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = "s"
    helper.legend_size = "s"
    return helper


class DraftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.title} {obj.period_label}"


class WordImportForm(RefuseControlCharacters, forms.Form):
    """Where the document goes (a new draft plan, or one of the partnership's drafts) and the
    file. A partnership with no draft can only import into a new one."""

    target = forms.ChoiceField(
        label="Import the document into",
        choices=[
            (NEW_PLAN, "A new draft plan"),
            (EXISTING_DRAFT, "A draft plan the partnership already has"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to make a new draft plan or use a draft"},
    )
    title = forms.CharField(
        label="New plan’s title",
        max_length=300,
        required=False,
        help_text="For example, Partnership Plan.",
        error_messages={"max_length": too_long("The title", 300)},
    )
    start_year = forms.IntegerField(
        label="Start year",
        required=False,
        help_text="The financial year the plan starts: 2010 for 2010/11.",
        error_messages={"invalid": "Enter the start year as a number, for example 2010"},
    )
    end_year = forms.IntegerField(
        label="End year",
        required=False,
        help_text="The year its last financial year ends: 2011 for 2010/11.",
        error_messages={"invalid": "Enter the end year as a number, for example 2011"},
    )
    plan = DraftChoiceField(
        label="Draft plan",
        queryset=Plan.objects.none(),
        required=False,
        empty_label="Choose a draft",
        help_text="What the document holds is added to the draft; nothing in it is removed.",
        error_messages={"invalid_choice": "Choose one of the partnership’s draft plans"},
    )
    file = forms.FileField(
        label="Word document",
        help_text="A .docx file, as saved by Word or LibreOffice.",
        widget=forms.FileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
        error_messages={"required": "Choose the Word document to import"},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        drafts: QuerySet[Plan] = partnership.plans.drafts().order_by("-start_year", "title")
        self.fields["plan"].queryset = drafts
        self.has_drafts = drafts.exists()
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "govuk-input--width-4"}
            )
        self.helper = _helper()
        new_plan = Fieldset(
            "title", "start_year", "end_year", legend="A new draft plan", legend_size="m"
        )
        if self.has_drafts:
            self.helper.layout = Layout(
                "target",
                new_plan,
                Fieldset("plan", legend="Or a draft plan", legend_size="m"),
                "file",
            )
        else:
            # Nothing to choose between: the document makes a new draft.
            del self.fields["target"], self.fields["plan"]
            self.helper.layout = Layout(new_plan, "file")

    @property
    def into_new_plan(self) -> bool:
        return not self.has_drafts or self.cleaned_data.get("target") == NEW_PLAN

    def clean_start_year(self) -> int | None:
        value = self.cleaned_data.get("start_year")
        if value is not None and not EARLIEST_START_YEAR <= value <= LATEST_START_YEAR:
            raise ValidationError(_PLAN_CHECKS["plan_start_year_plausible"])
        return value

    def clean_end_year(self) -> int | None:
        value = self.cleaned_data.get("end_year")
        if value is not None and not 0 < value <= _LATEST_END_YEAR:
            raise ValidationError(f"Give an end year no later than {_LATEST_END_YEAR}")
        return value

    def clean(self) -> dict:
        data = super().clean()
        if self.has_drafts and not data.get("target"):
            return data
        if self.into_new_plan:
            self._clean_new_plan(data)
        elif not data.get("plan") and "plan" not in self.errors:
            self.add_error("plan", "Choose the draft plan to import into")
        return data

    def _clean_new_plan(self, data: dict) -> None:
        if not data.get("title", "").strip() and "title" not in self.errors:
            self.add_error("title", "Enter the new plan’s title")
        start, end = data.get("start_year"), data.get("end_year")
        if start is None and "start_year" not in self.errors:
            self.add_error("start_year", "Enter the start year")
        if end is None and "end_year" not in self.errors:
            self.add_error("end_year", "Enter the end year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _PLAN_CHECKS["plan_end_year_not_before_start_year"])


class MappingForm(RefuseControlCharacters, forms.Form):
    """For each name the document prints that matched nothing, what it stands for: one of the
    partnership's organisations or groups, an indicator, or the name kept as printed. Each
    select is labelled with the name as printed; lead partners and indicators each have their
    own fieldset."""

    def __init__(
        self, *args, partnership: Partnership, unmatched: tuple[UnmatchedName, ...], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        choices_by_kind: dict[str, list[tuple[str, str]]] = {}
        fieldsets: dict[str, list[str]] = {}
        for name in unmatched:
            if name.kind not in choices_by_kind:
                choices_by_kind[name.kind] = mapping_choices(
                    partnership=partnership, kind=name.kind
                )
            self.fields[name.key] = forms.ChoiceField(
                label=name.printed_as,
                choices=choices_by_kind[name.kind],
                required=False,
                initial="",
                help_text=f"Printed in: {'; '.join(name.places)}." if name.places else "",
                error_messages={
                    "invalid_choice": f"Choose what “{name.printed_as}” stands for from the list"
                },
            )
            fieldsets.setdefault(name.kind, []).append(name.key)
        self.helper = _helper()
        self.helper.layout = Layout(
            *[
                Fieldset(*keys, legend=_KIND_LEGENDS.get(kind, kind), legend_size="m")
                for kind, keys in fieldsets.items()
            ]
        )

    def choices(self) -> dict[str, str]:
        """What word_import_confirm takes: each unmatched name's key and its mapping."""
        return {key: self.cleaned_data.get(key, "") for key in self.fields}
