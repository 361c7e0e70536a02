"""The upload form, and the confirm form of the preview with a choice per unknown lead."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from cspplan.forms import RefuseControlCharacters
from plans.models import Group, Organisation, Partnership
from plans.uploads import Upload, read_upload
from priorities.forms import LeadPartnerChoice
from priorities.models import ActionLeadPartner
from priorities.spreadsheets.changes import UnknownPartner
from priorities.spreadsheets.reading import read_sheet

WHOLE_PLAN = "plan"
KEEP_AS_WRITTEN = "as_written"
Kind = ActionLeadPartner.Kind


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = "s"
    helper.legend_size = "s"
    return helper


class SpreadsheetUploadForm(RefuseControlCharacters, forms.Form):
    actions = forms.ChoiceField(
        label="Whose actions the file holds",
        help_text="Actions of the plan (or task group) missing from the file are removed.",
        error_messages={
            "required": "Choose whose actions the file holds",
            "invalid_choice": "Choose one of the task groups listed",
        },
    )
    file = forms.FileField(
        label="Spreadsheet",
        help_text="An Excel workbook (.xlsx) or a CSV file exported from here and edited.",
        error_messages={"required": "Choose the spreadsheet to import"},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, task_groups: list[Group], whole_plan: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(WHOLE_PLAN, "The whole plan")] if whole_plan else []
        choices += [(str(group.pk), group.name) for group in task_groups]
        self.fields["actions"].choices = choices
        self.task_groups = {str(group.pk): group for group in task_groups}
        self.helper = _helper()

    def clean_file(self) -> Upload:
        """The file once it is safe to open and its sheet has the columns an import needs."""
        upload = read_upload(self.cleaned_data["file"], kinds=("xlsx", "csv"))
        read_sheet(upload)
        return upload

    @property
    def task_group(self) -> Group | None:
        return self.task_groups.get(self.cleaned_data["actions"])


def partner_options(partnership: Partnership) -> list[tuple[str, str]]:
    """What an unknown lead can be mapped to: the partnership, its organisations, its groups."""
    options = [(KEEP_AS_WRITTEN, "Keep as written (not a listed organisation)")]
    options.append(("partnership", f"The partnership itself ({partnership.short_name})"))
    organisations = Organisation.objects.filter(participations__partnership=partnership)
    options += [(f"organisation-{o.pk}", o.name) for o in organisations.order_by("name")]
    groups = Group.objects.filter(partnership=partnership).order_by("name")
    options += [(f"group-{g.pk}", g.name) for g in groups]
    return options


class SpreadsheetConfirmForm(RefuseControlCharacters, forms.Form):
    """Confirms the preview that was shown (by its fingerprint), mapping each unknown lead."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        partnership: Partnership,
        unknown: dict[str, UnknownPartner],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.unknown = unknown
        options = partner_options(partnership) if unknown else []
        self.by_value = {value: label for value, label in options}
        self.names = {}
        for index, entry in enumerate(unknown.values(), start=1):
            name = f"lead_{index}"
            rows = ", ".join(str(row) for row in entry.rows)
            self.fields[name] = forms.ChoiceField(
                label=f"“{entry.name}”",
                help_text=f"Named on row{'s' if len(entry.rows) > 1 else ''} {rows}.",
                choices=options,
                initial=KEEP_AS_WRITTEN,
                error_messages={
                    "required": f"Choose what “{entry.name}” is, or keep it as written",
                    "invalid_choice": f"Choose what “{entry.name}” is from the list",
                },
            )
            self.names[name] = entry
        self.helper = _helper()

    def clean(self) -> dict:
        # Hidden, so its problem is the form's, shown at the top of the page.
        data = super().clean()
        if len(data.get("fingerprint", "")) != 64:
            raise ValidationError(
                "This confirmation did not come from the preview. Show the preview again and "
                "confirm it from there"
            )
        return data

    def mapped(self) -> dict[str, LeadPartnerChoice]:
        """The unknown leads mapped to a partner, by name key; each prints as written."""
        organisations = Organisation.objects.in_bulk(
            [
                int(value.split("-")[1])
                for name in self.names
                if (value := self.cleaned_data[name]).startswith("organisation-")
            ]
        )
        groups = Group.objects.filter(partnership=self.partnership).in_bulk(
            [
                int(value.split("-")[1])
                for name in self.names
                if (value := self.cleaned_data[name]).startswith("group-")
            ]
        )
        mapped = {}
        for name, entry in self.names.items():
            value = self.cleaned_data[name]
            kind, _, pk = value.partition("-")
            if kind == "partnership":
                mapped[entry.key] = LeadPartnerChoice(Kind.PARTNERSHIP, printed_as=entry.name)
            elif kind == "organisation":
                organisation = organisations[int(pk)]
                mapped[entry.key] = LeadPartnerChoice(
                    Kind.ORGANISATION, organisation=organisation, printed_as=entry.name
                )
            elif kind == "group":
                mapped[entry.key] = LeadPartnerChoice(
                    Kind.GROUP, group=groups[int(pk)], printed_as=entry.name
                )
        return mapped
