"""Forms a partnership administrator fills in to set up the partnership's groups and people."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils import timezone

from cspplan.forms import RefuseControlCharacters
from plans.limits import too_long
from plans.models import (
    Group,
    Invitation,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
)
from plans.partnership_organisations import existing_organisation


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class GroupForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "name",
            "short_name",
            "kind",
            "reports_to",
            "chair_name",
            "chair_email",
            "chair_organisation",
            "member_organisations",
        ]
        labels = {
            "name": "Name",
            "short_name": "Short name (optional)",
            "kind": "Kind of group",
            "reports_to": "Reports to (optional)",
            "chair_name": "Chair’s name (optional)",
            "chair_email": "Chair’s email (optional)",
            "chair_organisation": "Chair’s organisation (optional)",
            "member_organisations": "Member organisations (optional)",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "member_organisations": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "name": {"required": "Enter the group’s name"},
            "kind": {"required": "Choose the kind of group"},
            "chair_email": {"invalid": "Enter the chair’s email like name@example.org"},
            "reports_to": {"invalid_choice": "Choose a group of this partnership"},
            "chair_organisation": {
                "invalid_choice": "Choose an organisation taking part in this partnership"
            },
            "member_organisations": {
                "invalid_choice": "Choose organisations taking part in this partnership"
            },
        }

    # An organisation not yet in the partnership can be typed in here rather than added on the
    # organisations page first; it joins the partnership as the group is saved.
    new_organisation = forms.CharField(
        label="Or type an organisation not yet in the partnership (optional)",
        help_text="If the site already knows an organisation of that name, we use it.",
        max_length=200,
        required=False,
        error_messages={"max_length": too_long("The organisation’s name", 200)},
    )
    new_organisation_kind = forms.ChoiceField(
        label="Its kind",
        choices=[("", "Choose the kind"), *Organisation.Kind.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a kind from the list"},
    )
    new_organisation_role = forms.ChoiceField(
        label="Its role in the partnership",
        choices=[("", "Choose the role"), *PartnershipOrganisation.Role.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a role from the list"},
    )
    new_organisation_place = forms.ChoiceField(
        label="In this group it",
        choices=[("chair", "Chairs the group"), ("member", "Is a member")],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose whether it chairs the group or is a member"},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.helper = _helper()
        self.fields["kind"].choices = Group.Kind.choices
        groups = Group.objects.filter(partnership=partnership)
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = groups
        self.fields["reports_to"].empty_label = "Nobody: it reports to no other group"
        self.fields["chair_organisation"].queryset = Organisation.objects.filter(
            participations__partnership=partnership
        ).distinct()
        self.fields["chair_organisation"].empty_label = "Not recorded"
        self.fields["member_organisations"].queryset = self.fields["chair_organisation"].queryset

    def clean(self) -> dict:
        cleaned = super().clean()
        name = (cleaned.get("new_organisation") or "").strip()
        if not name or "new_organisation" in self.errors:
            return cleaned
        place = cleaned.get("new_organisation_place")
        if not place and "new_organisation_place" not in self.errors:
            self.add_error(
                "new_organisation_place", "Choose whether the new organisation chairs the group"
            )
        elif place == "chair" and cleaned.get("chair_organisation"):
            self.add_error(
                "new_organisation_place",
                "You chose the chair’s organisation above as well. Empty one of them",
            )
        found = existing_organisation(name)
        if found is not None and found.participations.filter(partnership=self.partnership).exists():
            return cleaned
        if (
            found is None
            and not cleaned.get("new_organisation_kind")
            and "new_organisation_kind" not in self.errors
        ):
            self.add_error("new_organisation_kind", "Choose the kind of the new organisation")
        if not cleaned.get("new_organisation_role") and "new_organisation_role" not in self.errors:
            self.add_error(
                "new_organisation_role", "Choose the organisation’s role in the partnership"
            )
        return cleaned

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        others = Group.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("This partnership already has a group of that name")
        return name

    def clean_reports_to(self) -> Group | None:
        reports_to = self.cleaned_data["reports_to"]
        if reports_to is None or self.instance.pk is None:
            return reports_to
        parents = dict(
            Group.objects.filter(partnership=self.partnership).values_list("pk", "reports_to_id")
        )
        seen: set[int] = set()
        current: int | None = reports_to.pk
        while current is not None and current not in seen:
            if current == self.instance.pk:
                raise forms.ValidationError(
                    f"{reports_to.name} already reports, directly or through other groups, to "
                    f"{self.instance.name}. Choose a group above it, or none"
                )
            seen.add(current)
            current = parents.get(current)
        return reports_to


class MembershipForm(RefuseControlCharacters, forms.Form):
    """A person's role and, for editors, the task groups whose action plans they keep."""

    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person’s role"},
    )
    task_groups = forms.ModelMultipleChoiceField(
        label="Task groups (editors only)",
        help_text="An editor changes the priorities and actions of these task groups.",
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose task groups of this partnership"},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.helper = _helper()
        self.fields["task_groups"].queryset = Group.objects.filter(
            partnership=partnership, kind=Group.Kind.TASK
        )


class InvitationForm(MembershipForm):
    """Invite an email address; nothing here looks for, or tells of, accounts on the site."""

    email = forms.EmailField(
        label="Email address",
        help_text="We email a link to this address. Whoever follows it chooses whether to join.",
        max_length=254,
        error_messages={
            "required": "Enter the email address to invite",
            "invalid": "Enter an email address like name@example.org",
        },
    )

    field_order = ["email", "role", "task_groups"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        # Only this partnership's own people and invitations are looked at: the administrator
        # sees both on the people page already, so the answer tells them nothing new.
        if Membership.objects.filter(
            partnership=self.partnership, user__email__iexact=email
        ).exists():
            raise forms.ValidationError(
                "Someone in this partnership already uses that email. Change their role from "
                "the people page"
            )
        if (
            Invitation.objects.pending(timezone.now())
            .filter(partnership=self.partnership, email=email)
            .exists()
        ):
            raise forms.ValidationError(
                f"An invitation to {email} is already waiting. Send it again from the people "
                "page if it has gone astray"
            )
        return email


class NewAccountForm(RefuseControlCharacters, UserCreationForm):
    """The account someone makes as they accept an invitation; its email is the invited one."""

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name", "last_name")
        labels = {"first_name": "First name", "last_name": "Last name"}

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The password validators compare the password with the account's details, email too.
        self.instance.email = email
        self.helper = _helper()
        self.fields[
            "username"
        ].help_text = "You sign in with it. Letters, numbers and @ . + - _ only."
        self.fields["username"].error_messages["required"] = "Choose a username"
        self.fields["first_name"].required = True
        self.fields["first_name"].error_messages["required"] = "Enter your first name"
        self.fields["last_name"].required = True
        self.fields["last_name"].error_messages["required"] = "Enter your last name"
        self.fields["password1"].label = "Choose a password"
        self.fields["password1"].help_text = (
            "At least 8 characters, not a common password, not only numbers, and not like your "
            "username, name or email."
        )
        self.fields["password1"].error_messages["required"] = "Choose a password"
        self.fields["password2"].label = "Type the password again"
        self.fields["password2"].help_text = ""
        self.fields["password2"].error_messages["required"] = "Type the password again"
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "The two passwords are not the same. Type them again",
        }

    def validate_password_for_user(self, user: User, field: str = "password1") -> None:
        # The weakness is in the password chosen, so say so beside it, not beside the repeat
        # (Django's default).
        super().validate_password_for_user(user, field)

    def clean_username(self) -> str | None:
        username = self.cleaned_data.get("username")
        if username and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Choose another")
        return username
