"""Forms a partnership administrator fills in to set up the partnership's groups and people."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Q

from cspplan.forms import RefuseControlCharacters
from plans.models import Group, Membership, Organisation, Partnership


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
        ]
        labels = {
            "name": "Name",
            "short_name": "Short name (optional)",
            "kind": "Kind of group",
            "reports_to": "Reports to (optional)",
            "chair_name": "Chair’s name (optional)",
            "chair_email": "Chair’s email (optional)",
            "chair_organisation": "Chair’s organisation (optional)",
        }
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter the group’s name"},
            "kind": {"required": "Choose the kind of group"},
            "chair_email": {"invalid": "Enter the chair’s email like name@example.org"},
            "reports_to": {"invalid_choice": "Choose a group of this partnership"},
            "chair_organisation": {
                "invalid_choice": "Choose an organisation taking part in this partnership"
            },
        }

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


class PersonAddForm(MembershipForm):
    """Add someone who already has an account, or make them one."""

    existing = forms.CharField(
        label="Username or email of an existing account",
        help_text="Leave empty to create a new account below.",
        required=False,
        max_length=254,
    )
    username = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={"invalid": "A username may use only letters, numbers and @ . + - _"},
    )
    first_name = forms.CharField(label="First name", required=False, max_length=150)
    last_name = forms.CharField(label="Last name", required=False, max_length=150)
    email = forms.EmailField(
        label="Email",
        help_text="We send a link to this address so they choose their own password.",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )

    field_order = ["existing", "username", "first_name", "last_name", "email", "role"]
    NEW_ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email")

    def clean(self) -> dict:
        data = super().clean()
        existing = data.get("existing", "").strip()
        typed_new = any(data.get(name) for name in self.NEW_ACCOUNT_FIELDS)
        if existing and typed_new:
            self.add_error(
                "existing",
                "Either type an existing account’s username or email, or fill in a new "
                "account, not both",
            )
        elif existing:
            data["user"] = self._existing_user(existing)
        elif typed_new:
            self._check_new_account(data)
        else:
            self.add_error(
                "existing",
                "Type an existing account’s username or email, or fill in a new account",
            )
        return data

    def _existing_user(self, typed: str) -> User | None:
        users = list(User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed))[:2])
        if not users:
            self.add_error(
                "existing",
                "No account has that username or email. Check it, or leave it empty and "
                "create a new account",
            )
            return None
        if len(users) > 1:
            self.add_error(
                "existing", "More than one account has that email. Type the username instead"
            )
            return None
        user = users[0]
        if Membership.objects.filter(user=user, partnership=self.partnership).exists():
            self.add_error("existing", f"{user.username} already has a role in this partnership")
            return None
        return user

    def _check_new_account(self, data: dict) -> None:
        username = data.get("username", "")
        email = data.get("email", "")
        if not username:
            self.add_error("username", "Enter a username for the new account")
        elif User.objects.filter(username__iexact=username).exists():
            self.add_error(
                "username",
                "An account already has that username. Type it in the existing account box "
                "to add that person",
            )
        if not email and "email" not in self.errors:
            self.add_error("email", "Enter the new account’s email, so they can set a password")
        elif email and User.objects.filter(email__iexact=email).exists():
            self.add_error(
                "email",
                "An account already has that email. Type it in the existing account box to "
                "add that person",
            )
