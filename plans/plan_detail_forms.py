"""The forms a partnership administrator fills in for a draft plan's details and its cover."""

from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cspplan.forms import RealDateField, RefuseControlCharacters
from plans.cover import LOGO_TOO_BIG, LogoRefused, is_colour, logo_content_type, normalise_colour
from plans.limits import LONG_TEXT_MAX, too_long
from plans.models import Plan
from plans.models.partnership import COLOUR_MESSAGE, LOGO_MAX_BYTES
from plans.models.plan import ACTION_COLUMN_HEADING_MAX

# The plan's own checks (plans.models.plan), shown beside the field they are about.
_CONSTRAINT_MESSAGES = {
    constraint.name: constraint.violation_error_message for constraint in Plan._meta.constraints
}
EARLIEST_START_YEAR, LATEST_START_YEAR = 1998, 2200


def _gds_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = "s"
    helper.legend_size = "s"
    return helper


class PlanDetailsForm(RefuseControlCharacters, forms.ModelForm):
    """Title, subtitle, years and summary. The slug is left out: it is the public address."""

    first_published_on = RealDateField(
        label="First published (optional)",
        required=False,
        require_all_fields=False,
        help_text="For a historical plan: the date it was first published, for example "
        "17 3 2008. The cover then says “First published March 2008”.",
    )

    class Meta:
        model = Plan
        fields = [
            "title",
            "subtitle",
            "start_year",
            "end_year",
            "strategy_start_year",
            "strategy_end_year",
            "first_published_on",
            "summary",
        ]
        labels = {
            "title": "Title",
            "subtitle": "Subtitle (optional)",
            "start_year": "Start year",
            "end_year": "End year",
            "strategy_start_year": "Strategy's first year (optional)",
            "strategy_end_year": "Strategy's last year (optional)",
            "summary": "Summary (optional)",
        }
        help_texts = {
            "subtitle": "Printed under the title on the cover.",
            "strategy_end_year": "For a yearly refresh of a longer strategy: its last year.",
            "summary": "Printed on the cover, under the period.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "title": {
                "required": "Enter the plan's title",
                "max_length": too_long("The title", 300),
            },
            "subtitle": {"max_length": too_long("The subtitle", 300)},
            "start_year": {
                "required": "Enter the start year",
                "invalid": "Enter the start year as a number, for example 2010",
            },
            "end_year": {
                "required": "Enter the end year",
                "invalid": "Enter the end year as a number, for example 2011",
            },
            "strategy_start_year": {"invalid": "Enter the year as a number, for example 2008"},
            "strategy_end_year": {"invalid": "Enter the year as a number, for example 2011"},
            "summary": {"max_length": too_long("The summary", LONG_TEXT_MAX)},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._add_action_column_fields()
        self.fields["first_published_on"].error_messages.update(
            {
                "incomplete": "Enter the date it was first published as a day, month and year",
                "invalid": "Enter the date it was first published as a real date",
            }
        )
        for name in ("start_year", "end_year", "strategy_start_year", "strategy_end_year"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "govuk-input--width-4"}
            )
        self.helper = _gds_helper()
        self.helper.layout = Layout(
            *self.Meta.fields,
            Fieldset(
                *[
                    name
                    for key in Plan.ActionColumn.values
                    for name in (f"position_{key}", f"heading_{key}")
                ],
                legend="Action table columns",
                legend_size="m",
            ),
        )

    def _add_action_column_fields(self) -> None:
        """For each column the action tables may print, its place (or not printed) and its
        heading as the plan prints it, filled in from the plan's table."""
        current = dict(self.instance.action_table_columns and self.instance.action_columns or [])
        places = [key for key, _heading in self.instance.action_columns]
        custom = bool(self.instance.action_table_columns)
        count = len(Plan.ActionColumn.values)
        limit = ACTION_COLUMN_HEADING_MAX
        for key, label in Plan.ActionColumn.choices:
            self.fields[f"position_{key}"] = forms.TypedChoiceField(
                label=f"{label}: place in the table",
                choices=[("", "Not printed"), *[(n, str(n)) for n in range(1, count + 1)]],
                coerce=int,
                empty_value=None,
                required=False,
                initial=places.index(key) + 1 if key in places else "",
                help_text="Leave every column “Not printed” for the usual table: Action, "
                "Lead partner(s), Linked indicators, Review date."
                if key == Plan.ActionColumn.values[0]
                else "",
            )
            self.fields[f"heading_{key}"] = forms.CharField(
                label=f"{label}: heading as printed (optional)",
                required=False,
                max_length=limit,
                initial=current.get(key, "") if custom else "",
                error_messages={"max_length": too_long(f"The {label.lower()} heading", limit)},
            )

    def clean_action_columns(self) -> list | None:
        """The columns in their chosen places, or None (the usual table) when none has one."""
        data = self.cleaned_data
        placed = {
            key: data.get(f"position_{key}")
            for key in Plan.ActionColumn.values
            if data.get(f"position_{key}") is not None
        }
        if not placed:
            return None
        by_place: dict[int, list[str]] = {}
        for key, place in placed.items():
            by_place.setdefault(place, []).append(key)
        labels = dict(Plan.ActionColumn.choices)
        for place, keys in by_place.items():
            if len(keys) > 1:
                for key in keys[1:]:
                    self.add_error(
                        f"position_{key}",
                        f"{labels[key]} has the same place ({place}) as {labels[keys[0]]}: "
                        "give each column its own place",
                    )
        if Plan.ActionColumn.ACTION not in placed:
            self.add_error(
                f"position_{Plan.ActionColumn.ACTION}",
                "Give the action column a place: every action table prints it",
            )
        return [
            {"column": key, "heading": data.get(f"heading_{key}", "").strip()}
            for key in sorted(placed, key=placed.get)
        ]

    def details(self) -> dict:
        """What plan_details_update takes: the plan's fields and its action table."""
        return {
            **{name: self.cleaned_data[name] for name in self.Meta.fields},
            "action_table_columns": self.cleaned_data["action_table_columns"],
        }

    def clean_first_published_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("first_published_on")
        if value and value > timezone.localdate():
            raise ValidationError("The date it was first published cannot be in the future")
        return value

    def clean_start_year(self) -> int | None:
        value = self.cleaned_data.get("start_year")
        if value is not None and not EARLIEST_START_YEAR <= value <= LATEST_START_YEAR:
            raise ValidationError(_CONSTRAINT_MESSAGES["plan_start_year_plausible"])
        return value

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _CONSTRAINT_MESSAGES["plan_end_year_not_before_start_year"])
        strategy_start, strategy_end = (
            data.get("strategy_start_year"),
            data.get("strategy_end_year"),
        )
        if (
            strategy_start is not None
            and strategy_end is not None
            and strategy_end < strategy_start
        ):
            self.add_error(
                "strategy_end_year", _CONSTRAINT_MESSAGES["plan_strategy_end_not_before_start"]
            )
        data["action_table_columns"] = self.clean_action_columns()
        return data


class CoverForm(RefuseControlCharacters, forms.Form):
    """The partnership's cover colour and logo, shared by all its plans."""

    colour = forms.CharField(
        label="Cover colour (optional)",
        required=False,
        max_length=20,
        help_text="A # and six hexadecimal digits, for example #1d70b8. The cover's text is "
        "printed in white or black, whichever reads better on it.",
        error_messages={"max_length": COLOUR_MESSAGE},
    )
    logo = forms.FileField(
        label="Logo (optional)",
        required=False,
        help_text="A PNG or JPEG image of 1 MB or less. Choose a file only to replace the logo.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    def __init__(self, *args, has_logo: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A plain file input: the clearable one's own checkbox is the remove_logo field here.
        self.fields["logo"].widget = forms.FileInput(attrs={"accept": "image/png,image/jpeg"})
        if not has_logo:
            del self.fields["remove_logo"]
        self.helper = _gds_helper()

    def clean_colour(self) -> str:
        colour = normalise_colour(self.cleaned_data.get("colour", ""))
        if colour and not is_colour(colour):
            raise ValidationError(COLOUR_MESSAGE)
        return colour

    def clean_logo(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError(LOGO_TOO_BIG)
        content = upload.read()
        try:
            logo_content_type(content)
        except LogoRefused as refused:
            raise ValidationError(str(refused)) from None
        return content

    def clean(self) -> dict:
        data = super().clean()
        if data.get("logo") and data.get("remove_logo"):
            self.add_error("remove_logo", "Either choose a new logo or remove the logo, not both")
        data.setdefault("remove_logo", False)
        return data
