"""Forms a partnership administrator fills in for the partnership's organisations and areas."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms

from cspplan.forms import RefuseControlCharacters
from plans.limits import too_long
from plans.models import District, Organisation, Partnership, PartnershipOrganisation
from plans.partnership_organisations import existing_organisation

ROLE_ERRORS = {"required": "Choose the organisation’s role in the partnership"}


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role in the partnership",
        choices=PartnershipOrganisation.Role.choices,
        widget=forms.RadioSelect,
        error_messages=ROLE_ERRORS,
    )


class PartnershipOrganisationAddForm(RefuseControlCharacters, forms.Form):
    """Choose an organisation already known to the site, or name a new one right here."""

    organisation = forms.ModelChoiceField(
        label="Choose an organisation",
        help_text="Organisations already known to the site that are not yet in the partnership.",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None chosen: I type a new one below",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    new_name = forms.CharField(
        label="Or type a new organisation’s name",
        help_text="If the site already knows an organisation of that name, we use it.",
        max_length=200,
        required=False,
        error_messages={"max_length": too_long("The organisation’s name", 200)},
    )
    new_short_name = forms.CharField(
        label="Its short name (optional)",
        help_text="How plans print it, e.g. “Cumbria Police”.",
        max_length=100,
        required=False,
        error_messages={"max_length": too_long("The short name", 100)},
    )
    new_kind = forms.ChoiceField(
        label="Its kind",
        choices=[("", "Choose the kind"), *Organisation.Kind.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a kind from the list"},
    )
    role = _role_field()

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.helper = _helper()
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            participations__partnership=partnership
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        new_name = (cleaned.get("new_name") or "").strip()
        if "organisation" in self.errors or "new_name" in self.errors:
            return cleaned
        if organisation is None and not new_name:
            self.add_error(
                "organisation", "Choose an organisation, or type a new organisation’s name below"
            )
        elif organisation is not None and new_name:
            self.add_error(
                "new_name",
                "Either choose an organisation above or type a new one’s name, not both. Empty "
                "one of them",
            )
        elif new_name:
            found = existing_organisation(new_name)
            if (
                found is not None
                and found.participations.filter(partnership=self.partnership).exists()
            ):
                self.add_error("new_name", f"{found.name} is already in the partnership")
            elif found is None and not cleaned.get("new_kind") and "new_kind" not in self.errors:
                self.add_error("new_kind", "Choose the kind of the new organisation")
        return cleaned


class PartnershipOrganisationRoleForm(RefuseControlCharacters, forms.Form):
    role = _role_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class DistrictForm(RefuseControlCharacters, forms.Form):
    name = forms.CharField(
        label="Name of the area",
        help_text="A district or other area the partnership serves, e.g. “Eden”.",
        max_length=100,
        error_messages={
            "required": "Enter the area’s name",
            "max_length": too_long("The area’s name", 100),
        },
    )

    def __init__(
        self, *args, partnership: Partnership, district: District | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.district = district
        self.helper = _helper()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = District.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.district is not None:
            others = others.exclude(pk=self.district.pk)
        if others.exists():
            raise forms.ValidationError("This partnership already has an area of that name")
        return name
