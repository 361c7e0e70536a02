"""Forms officers fill in: an action, a progress update, a priority and its aims.

Lead partners and indicators are typed, as the printed plans write them ("Cumbria Police /
Children's Services", "NI17, NI21"), so the forms work without JavaScript; the page only
adds suggestions on top.
"""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from cspplan.forms import RealDateField, RefuseControlCharacters
from indicators.models import Indicator
from plans.limits import ACTION_TEXT_MAX, BACKGROUND_MAX, LONG_TEXT_MAX, too_long
from plans.models import Group, Organisation, Partnership, Plan
from plans.written_dates import WrittenDate, WrittenDateField, years_between
from priorities.indicator_codes import indicators_text, resolve_indicators
from priorities.models import Action, ActionLeadPartner, Aim, Priority

LEAD_PARTNER_SEPARATOR = " / "
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def name_key(name: str) -> str:
    return " ".join(name.translate(_APOSTROPHES).casefold().split())


@dataclass(frozen=True)
class LeadPartnerChoice:
    """A lead partner resolved from what was typed, ready to be saved in order."""

    kind: str
    organisation: Organisation | None = None
    group: Group | None = None
    printed_as: str = ""


def partner_names(partnership: Partnership) -> list[tuple[str, LeadPartnerChoice]]:
    """Every name an officer may type for a lead partner, with what it stands for.

    The printed name comes first so suggestions offer what the plan prints.
    """
    names: list[tuple[str, LeadPartnerChoice]] = [
        (partnership.short_name, LeadPartnerChoice(ActionLeadPartner.Kind.PARTNERSHIP)),
        (
            partnership.name,
            LeadPartnerChoice(ActionLeadPartner.Kind.PARTNERSHIP, printed_as=partnership.name),
        ),
    ]
    organisations = Organisation.objects.filter(participations__partnership=partnership)
    for organisation in organisations:
        plain = LeadPartnerChoice(ActionLeadPartner.Kind.ORGANISATION, organisation=organisation)
        names.append((organisation.display_name, plain))
        if organisation.short_name:
            names.append(
                (
                    organisation.name,
                    LeadPartnerChoice(
                        ActionLeadPartner.Kind.ORGANISATION,
                        organisation=organisation,
                        printed_as=organisation.name,
                    ),
                )
            )
    for group in Group.objects.filter(partnership=partnership):
        plain = LeadPartnerChoice(ActionLeadPartner.Kind.GROUP, group=group)
        names.append((group.display_name, plain))
        if group.short_name:
            names.append(
                (
                    group.name,
                    LeadPartnerChoice(
                        ActionLeadPartner.Kind.GROUP, group=group, printed_as=group.name
                    ),
                )
            )
    return names


def split_lead_partners(text: str) -> list[str]:
    return [part.strip() for part in text.split("/") if part.strip()]


def resolve_lead_partners(
    text: str,
    partnership: Partnership,
    existing: list[ActionLeadPartner] | None = None,
    notices: list[str] | None = None,
) -> list[LeadPartnerChoice]:
    """Turn "Cumbria Police / CDRP" into lead partners.

    An action's existing leads keep their printed wording ("Children's Services" for the
    county council) even when it is not a name the partnership knows the body by. A name that
    is none of the partnership's (a named officer, a body not listed) is kept as written, and
    a notice saying so is added to `notices`: plans print such leads, so it is never refused.
    """
    known: dict[str, LeadPartnerChoice] = {}
    for name, choice in partner_names(partnership):
        known.setdefault(name_key(name), choice)
    for lead in existing or []:
        if lead.printed_as:
            known.setdefault(
                name_key(lead.printed_as),
                LeadPartnerChoice(lead.kind, lead.organisation, lead.group, lead.printed_as),
            )
    chosen: list[LeadPartnerChoice] = []
    errors: list[str] = []
    seen: set[str] = set()
    for typed in split_lead_partners(text):
        key = name_key(typed)
        choice = known.get(key)
        if choice is None:
            choice = LeadPartnerChoice(ActionLeadPartner.Kind.AS_WRITTEN, printed_as=typed)
            if notices is not None:
                notices.append(
                    f"“{typed}” is not one of the partnership's organisations; it is kept as "
                    "written"
                )
        if key in seen:
            errors.append(f"“{typed}” is listed more than once")
        else:
            seen.add(key)
            chosen.append(choice)
    if errors:
        raise ValidationError(errors)
    return chosen


def lead_partners_text(leads: list[ActionLeadPartner]) -> str:
    return LEAD_PARTNER_SEPARATOR.join(lead.name for lead in leads)


class _GdsForm(RefuseControlCharacters, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = "s"
        self.helper.legend_size = "s"


# A review date this far from the plan's period is most likely mistyped: the form asks.
REVIEW_DATE_CONFIRM_YEARS = 10


def review_date_notices(written: WrittenDate | None, plan: Plan) -> tuple[list[str], str]:
    """Warnings about a review date that saves anyway, and the question (if any) a person
    must confirm before a date more than ten years from the plan's period is saved."""
    if written is None:
        return [], ""
    period = plan.period_label
    if written.date < plan.starts_on:
        far = years_between(written.date, plan.starts_on) > REVIEW_DATE_CONFIRM_YEARS
        warning = f"The review date {written.label} falls before the plan's period ({period})"
    elif written.date > plan.ends_on:
        far = years_between(plan.ends_on, written.date) > REVIEW_DATE_CONFIRM_YEARS
        warning = ""
    else:
        return [], ""
    question = (
        f"{written.label} is more than ten years from the plan's period ({period}). Check "
        "the date, or tick the box to confirm it is right"
        if far
        else ""
    )
    return ([f"{warning}. It has been kept as written."] if warning else []), question


class ActionForm(_GdsForm):
    """Everything an officer keeps about an action; lead partners and indicators are typed."""

    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=ACTION_TEXT_MAX,
        error_messages={
            "required": "Enter the action: what the partners will do",
            "max_length": too_long("The action", ACTION_TEXT_MAX),
        },
    )
    lead_partners = forms.CharField(
        label="Lead partners",
        help_text="Type their names in order, separated by a slash, as the plan prints them: "
        "for example “Cumbria Police / Children's Services”.",
        max_length=500,
        error_messages={
            "required": "Enter at least one lead partner, for example the partnership itself",
            "max_length": too_long("Lead partners", 500),
        },
    )
    indicators = forms.CharField(
        label="Linked indicators (optional)",
        help_text="Type indicator codes separated by commas, for example “NI17, NI21”.",
        required=False,
        max_length=500,
        error_messages={"max_length": too_long("Linked indicators", 500)},
    )
    aim = forms.ModelChoiceField(
        label="Aim (optional)",
        queryset=Aim.objects.none(),
        required=False,
        empty_label="No particular aim",
        error_messages={"invalid_choice": "Choose one of this priority's aims"},
    )
    element = forms.ChoiceField(
        label="Delivery element (optional)",
        choices=[("", "Not set"), *Action.Element.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a delivery element from the list"},
    )
    baseline_data = forms.CharField(
        label="Baseline data (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("Baseline data", LONG_TEXT_MAX)},
    )
    review_date = WrittenDateField(
        label="Review date (optional)",
        required=False,
        error_messages={"max_length": too_long("The review date", 40)},
    )
    confirm_review_date = forms.BooleanField(
        label="Yes, this review date is right",
        required=False,
    )
    funding_stream = forms.CharField(
        label="Funding stream (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": too_long("The funding stream", 200)},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[c for c in Action.Status.choices if c[0] != Action.Status.REMOVED],
        initial=Action.Status.NOT_STARTED,
        error_messages={
            "required": "Choose the action's status",
            "invalid_choice": "Choose a status from the list",
        },
    )
    rag = forms.ChoiceField(
        label="RAG rating (optional)",
        choices=[("", "Not rated"), *Action.Rag.choices],
        required=False,
        error_messages={"invalid_choice": "Choose red, amber or green"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, priority: Priority, action: Action | None = None, **kwargs) -> None:
        self.priority = priority
        self.action = action
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for_action(action)
        super().__init__(*args, **kwargs)
        # Warnings that do not stop the save ("kept as written"); the view passes them on.
        self.notices: list[str] = []
        self.asks_to_confirm_review_date = False
        aims = priority.aims.all()
        self.fields["aim"].queryset = aims
        if not aims:
            del self.fields["aim"]
        suggestions = {
            "lead_partners": ("partner_suggestions", "lead-partner-suggestions"),
            "indicators": ("indicator_suggestions", "indicator-suggestions"),
        }
        for name, (url_name, target) in suggestions.items():
            self.fields[name].widget.attrs.update(
                {
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "aria-controls": target,
                    "hx-get": reverse(f"priorities:{url_name}", args=[priority.pk]),
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{target}",
                    "hx-sync": "this:replace",
                }
            )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Enter the action: what the partners will do")
        return text

    def clean_lead_partners(self) -> list[LeadPartnerChoice]:
        existing = list(self.action.lead_partners.all()) if self.action else []
        leads = resolve_lead_partners(
            self.cleaned_data["lead_partners"],
            self.priority.plan.partnership,
            existing,
            notices=self.notices,
        )
        if not leads:
            raise ValidationError(self.fields["lead_partners"].error_messages["required"])
        return leads

    def clean_indicators(self) -> list[Indicator]:
        return resolve_indicators(self.cleaned_data["indicators"])

    def clean_review_date(self) -> WrittenDate | None:
        """A date before the plan's period saves with a warning (real plans print them); one
        more than ten years away needs the box ticked, shown only then."""
        written = self.cleaned_data.get("review_date")
        warnings, question = review_date_notices(written, self.priority.plan)
        confirm = self.fields["confirm_review_date"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("confirm_review_date")
        )
        if question and not confirm:
            self.asks_to_confirm_review_date = True
            raise ValidationError(question, code="confirm")
        self.asks_to_confirm_review_date = bool(question)
        self.notices.extend(warnings)
        return written

    def action_fields(self) -> dict:
        """The cleaned values in the shape the services take."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "lead_partners": data["lead_partners"],
            "indicators": data["indicators"],
            "aim": data.get("aim"),
            "element": data["element"],
            "baseline_data": data["baseline_data"],
            "review_date": data["review_date"],
            "funding_stream": data["funding_stream"],
            "status": data["status"],
            "rag": data["rag"],
        }


def initial_for_action(action: Action) -> dict:
    return {
        "text": action.text,
        "lead_partners": lead_partners_text(list(action.lead_partners.all())),
        "indicators": indicators_text(list(action.indicators.all())),
        "aim": action.aim_id,
        "element": action.element,
        "baseline_data": action.baseline_data,
        "review_date": action.written_review_date,
        "funding_stream": action.funding_stream,
        "status": action.status,
        "rag": action.rag,
        "version": action.version,
    }


class ProgressUpdateForm(_GdsForm):
    reported_on = RealDateField(label="Date of the update", require_all_fields=False)
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Action.Rag.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a RAG rating: red, amber or green",
            "invalid_choice": "Choose red, amber or green",
        },
    )
    note = forms.CharField(
        label="Progress made",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX,
        error_messages={
            "required": "Say what progress has been made",
            "max_length": too_long("The progress note", LONG_TEXT_MAX),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].error_messages.update(
            {
                "required": "Enter the date of the update",
                "incomplete": "Enter the date of the update as a day, month and year",
                "invalid": "Enter the date of the update as a real date",
            }
        )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError("Say what progress has been made")
        return note


class PriorityForm(_GdsForm):
    title = forms.CharField(
        label="Priority",
        max_length=200,
        error_messages={
            "required": "Enter the priority's title",
            "max_length": too_long("The priority's title", 200),
        },
    )
    background = forms.CharField(
        label="Background (optional)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=BACKGROUND_MAX,
        error_messages={"max_length": too_long("The background", BACKGROUND_MAX)},
    )
    aim = forms.CharField(
        label="Aim or objective (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("The aim or objective", LONG_TEXT_MAX)},
    )
    measuring_performance = forms.CharField(
        label="Measuring our performance (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("Measuring our performance", LONG_TEXT_MAX)},
    )
    measuring_difficulties = forms.CharField(
        label="Difficulties in measuring (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("Difficulties in measuring", LONG_TEXT_MAX)},
    )
    aims = forms.CharField(
        label="Aims (optional)",
        help_text="One aim a line, in order. Leave empty if the priority has a single aim "
        "or objective above.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONG_TEXT_MAX,
        error_messages={"max_length": too_long("The aims", LONG_TEXT_MAX)},
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Enter the priority's title")
        return title

    def clean_aims(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aims"].splitlines() if line.strip()]


def initial_for_priority(priority: Priority) -> dict:
    return {
        "title": priority.title,
        "background": priority.background,
        "aim": priority.aim,
        "measuring_performance": priority.measuring_performance,
        "measuring_difficulties": priority.measuring_difficulties,
        "aims": "\n".join(aim.title for aim in priority.aims.all()),
    }


def suggest_partner_names(partnership: Partnership, term: str, limit: int = 8) -> list[str]:
    key = name_key(term)
    if not key:
        return []
    names = [name for name, _ in partner_names(partnership)]
    starting = [n for n in names if name_key(n).startswith(key)]
    containing = [n for n in names if key in name_key(n) and n not in starting]
    return list(dict.fromkeys(starting + containing))[:limit]
