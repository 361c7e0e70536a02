"""Bad input is a message beside the field, never a server error.

Control characters are refused in every form (the officers' forms, the review and workflow
forms, the partnership pages and every admin change form) and dropped from query strings; an
impossible date is a field error; indicator codes compare after Unicode normalisation; years
are range-checked; and HEAD answers wherever GET does. The query-string tests matter most on
PostgreSQL, which refuses a NUL outright: run them there with DATABASE_URL set.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import CharField, Textarea, TextInput
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from cspplan.forms import CONTROL_CHARACTERS_MESSAGE
from indicators.models import Indicator, IndicatorSet, LocalTargetValue
from plans.models import BudgetLine, Group, Plan
from priorities.models import Action, ProgressUpdate, ReviewComment
from tests.test_admin import (  # noqa: F401 (fixtures)
    _form_data,
    _url,
    district,
    one_of_each,
    support,
    target_row,
)

pytestmark = pytest.mark.django_db

# NUL, escape, DEL and a C1 control: each arrives from pasted binary, none is typed on purpose.
CONTROLS = ["\x00", "\x1b", "\x7f", "\x85"]


def _refused_beside(response, field: str) -> bool:
    form = response.context["form"]
    return CONTROL_CHARACTERS_MESSAGE in form.errors.get(field, [])


def _action_form(**overrides) -> dict:
    return {
        "text": "Fund mediation for neighbour disputes.",
        "lead_partners": "Cumbria Police",
        "indicators": "NI17",
        "element": "",
        "baseline_data": "",
        "funding_stream": "",
        "status": "not_started",
        "rag": "",
        **overrides,
    }


# Control characters in forms


@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_character_in_an_action_is_refused_beside_the_field_and_kept(
    client, editor, priority, national_indicators, control
):
    client.force_login(editor)
    typed = f"Fund mediation{control} for disputes."

    response = client.post(
        reverse("priorities:action_add", args=[priority.pk]), _action_form(text=typed)
    )

    assert response.status_code == 200
    assert _refused_beside(response, "text")
    assert response.context["form"]["text"].value() == typed
    assert escape(CONTROL_CHARACTERS_MESSAGE) in response.text
    assert not Action.objects.filter(priority=priority).exists()


@pytest.mark.parametrize(
    "field", ["lead_partners", "indicators", "baseline_data", "funding_stream"]
)
def test_every_text_field_of_the_action_form_refuses_a_nul(
    client, editor, priority, national_indicators, field
):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:action_add", args=[priority.pk]),
        _action_form(**{field: "Cumbria\x00Police"}),
    )

    assert _refused_beside(response, field)
    assert not Action.objects.filter(priority=priority).exists()


def test_a_control_character_in_a_progress_note_is_refused_beside_the_field(client, editor, action):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:progress_add", args=[action.pk]),
        {
            "reported_on_0": "15",
            "reported_on_1": "7",
            "reported_on_2": "2010",
            "rag": "amber",
            "note": "Referrals\x1b are behind.",
        },
    )

    assert response.status_code == 200
    assert _refused_beside(response, "note")
    assert not ProgressUpdate.objects.exists()


def test_a_control_character_in_a_priority_is_refused_beside_the_field(client, editor, priority):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:priority_edit", args=[priority.pk]),
        {"title": "Anti-Social\x08 Behaviour", "aims": "Fewer disputes\x00"},
    )

    assert response.status_code == 200
    assert _refused_beside(response, "title")
    assert _refused_beside(response, "aims")
    priority.refresh_from_db()
    assert priority.title == "Anti-Social Behaviour and Criminal Damage"


def test_a_control_character_in_a_review_comment_is_refused_beside_the_field(
    client, reviewer, plan, action
):
    client.force_login(reviewer)

    response = client.post(
        reverse("plans:comment_add", args=[plan.partnership.slug, plan.slug, "action", action.pk]),
        {"body": "Who funds\x00 this?"},
    )

    assert _refused_beside(response, "body")
    assert not ReviewComment.objects.exists()


@pytest.mark.parametrize("control", CONTROLS)
def test_a_control_character_in_a_workflow_comment_is_refused_beside_the_field_and_kept(
    client, administrator, plan, control
):
    """The comment once went straight to the database: a NUL was a server error there."""
    client.force_login(administrator)

    response = client.post(
        reverse("plans:plan_move", args=[plan.partnership.slug, plan.slug, "in_review"]),
        {"comment": f"Ready{control} for review"},
    )

    assert response.status_code == 400
    assert response.context["error_field"] == "comment"
    assert 'id="comment-error"' in response.text
    assert escape(CONTROL_CHARACTERS_MESSAGE) in response.text
    assert f"Ready{control} for review" in response.text
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_a_control_character_in_a_group_name_is_refused_on_the_partnership_pages(
    client, administrator, partnership
):
    client.force_login(administrator)

    response = client.post(
        reverse("plans:group_add", args=[partnership.slug]),
        {"name": "Hate Crime\x00 Task Group", "kind": "task"},
    )

    assert response.status_code == 200
    assert _refused_beside(response, "name")
    assert not Group.objects.filter(name__startswith="Hate Crime").exists()


def _first_text_field(form) -> str | None:
    for name, field in form.fields.items():
        widget = field.widget
        if (
            isinstance(field, CharField)
            and isinstance(widget, TextInput | Textarea)
            and not field.disabled
            and type(widget).__name__ not in ("PasswordInput", "HiddenInput")
        ):
            return name
    return None


CHANGE_FORM_MODELS = [
    model
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label)
    if admin.site._registry[model].has_change_permission.__qualname__.startswith("BaseModelAdmin")
]


@pytest.mark.parametrize("model", CHANGE_FORM_MODELS, ids=lambda model: model._meta.label)
def test_every_admin_change_form_refuses_control_characters_beside_the_field(
    support,  # noqa: F811
    one_of_each,  # noqa: F811
    model,
):
    url = _url(model, "change", model._default_manager.first().pk)
    page = support.get(url)
    form = page.context["adminform"].form
    field = _first_text_field(form)
    if field is None:
        pytest.skip(f"{model._meta.label} has no text field to type in")
    data = _form_data(page)
    data[field] = "Typed\x01 text"

    response = support.post(url, data)

    assert response.status_code == 200
    assert CONTROL_CHARACTERS_MESSAGE in response.context["adminform"].form.errors[field]


def test_a_partnership_admin_inline_row_refuses_control_characters(
    support,  # noqa: F811
    partnership,
):
    url = _url(type(partnership), "change", partnership.pk)
    data = _form_data(support.get(url))
    prefix = "glossary_terms"
    assert f"{prefix}-TOTAL_FORMS" in data, sorted(data)
    data[f"{prefix}-0-term"] = "ASB\x00"
    data[f"{prefix}-0-meaning"] = "Anti-social behaviour"
    data[f"{prefix}-TOTAL_FORMS"] = int(data[f"{prefix}-TOTAL_FORMS"]) or 1

    response = support.post(url, data)

    assert response.status_code == 200
    errors = [
        form.errors
        for formset in response.context["inline_admin_formsets"]
        for form in formset.formset.forms
    ]
    assert any(CONTROL_CHARACTERS_MESSAGE in e.get("term", []) for e in errors)
    assert not partnership.glossary_terms.exists()


PROJECT_PACKAGES = ("cspplan", "indicators", "plans", "priorities")


def _project_form_classes() -> list[type]:
    from django import forms

    found, waiting = [], [forms.Form, forms.ModelForm]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass.__module__.split(".")[0] in PROJECT_PACKAGES:
                found.append(subclass)
    return found


def test_every_form_of_the_project_refuses_control_characters():
    """A form added later without the shared base fails here, not in production."""
    import cspplan.urls  # noqa: F401 (imports every view, and so every form)
    from cspplan.forms import RefuseControlCharacters

    forms = _project_form_classes()

    assert len(forms) > 10
    assert [f for f in forms if not issubclass(f, RefuseControlCharacters)] == []


def test_every_admin_and_inline_refuses_control_characters():
    from cspplan.forms import SafeInputAdmin

    admins = list(admin.site._registry.values())
    inlines = [inline for model_admin in admins for inline in model_admin.inlines]

    assert [a for a in admins if not isinstance(a, SafeInputAdmin)] == []
    assert [i for i in inlines if not issubclass(i, SafeInputAdmin)] == []


# Control characters in query strings


def test_a_nul_in_the_indicator_suggestions_is_ignored(
    client, editor, priority, national_indicators
):
    client.force_login(editor)

    response = client.get(
        reverse("priorities:indicator_suggestions", args=[priority.pk]), {"indicators": "NI\x0017"}
    )

    assert response.status_code == 200
    assert "NI 17" in response.text


def test_a_nul_in_the_partner_suggestions_is_ignored(client, editor, priority, police):
    client.force_login(editor)

    response = client.get(
        reverse("priorities:partner_suggestions", args=[priority.pk]),
        {"lead_partners": "Cumbria\x00 Pol"},
    )

    assert response.status_code == 200
    assert "Cumbria Police" in response.text


def test_control_characters_in_the_action_plan_filters_are_ignored(client, editor, action):
    client.force_login(editor)

    response = client.get(
        reverse("priorities:action_plan", args=[action.priority_id]),
        {"q": "media\x00tion", "indicator": "NI\x1b17", "status\x00": "x"},
    )

    assert response.status_code == 200
    assert list(response.context["actions"]) == [action]


def test_a_nul_in_an_admin_search_is_ignored(support, action):  # noqa: F811
    response = support.get(_url(Action, "changelist"), {"q": "media\x00tion"})

    assert response.status_code == 200
    assert action.text in response.text


# Dates

HUGE = "99999999999999999999"


@pytest.mark.parametrize("part", [0, 1, 2])
def test_a_huge_part_of_a_review_date_is_a_field_error(
    client, editor, priority, national_indicators, part
):
    client.force_login(editor)
    date = ["30", "9", "2010"]
    date[part] = HUGE

    response = client.post(
        reverse("priorities:action_add", args=[priority.pk]),
        _action_form(review_date="/".join(date)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["review_date"] == [
        "Enter the date as a day (31/07/2009), a month (July 2009), a quarter (Q3 2009/10) or a "
        "financial year (2009/10)"
    ]
    assert HUGE in response.text
    assert not Action.objects.filter(priority=priority).exists()


@pytest.mark.parametrize(
    "date", [("31", "2", "2010"), ("1", "1", "0"), ("1", "1", "99999"), ("1", "1", "1066")]
)
def test_an_impossible_date_of_a_progress_update_is_a_field_error(client, editor, action, date):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:progress_add", args=[action.pk]),
        {
            "reported_on_0": date[0],
            "reported_on_1": date[1],
            "reported_on_2": date[2],
            "rag": "amber",
            "note": "Behind.",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reported_on"] == [
        "Enter the date of the update as a real date"
    ]
    assert not ProgressUpdate.objects.exists()


def test_a_huge_date_in_the_admin_is_a_field_error(support, action):  # noqa: F811
    url = _url(Action, "change", action.pk)
    data = _form_data(support.get(url))
    data["review_date"] = f"{HUGE}-01-01"

    response = support.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["review_date"]


def test_a_huge_year_in_an_admin_date_drill_down_is_not_a_server_error(support, action):  # noqa: F811
    response = support.get(_url(ProgressUpdate, "changelist"), {"reported_on__year": HUGE})

    assert response.status_code in (200, 302)


# Indicator codes


def test_a_full_width_code_is_the_same_code_as_its_plain_form(support, national_indicators):  # noqa: F811
    response = support.post(
        _url(Indicator, "add"),
        {"indicator_set": national_indicators.pk, "code": "ＮＩ１７", "title": "Again"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == [
        "This set already has an indicator with that code: NI 17."
    ]
    assert national_indicators.indicators.count() == 3


def test_a_new_full_width_code_is_stored_in_its_plain_form(support, national_indicators):  # noqa: F811
    response = support.post(
        _url(Indicator, "add"),
        {"indicator_set": national_indicators.pk, "code": "ＮＩ　１", "title": "Overall crime"},
    )

    assert response.status_code == 302
    indicator = Indicator.objects.get(title="Overall crime")
    assert indicator.code == "NI 1"
    assert list(Indicator.objects.lookup("NI 1")) == [indicator]


def test_an_officer_typing_a_full_width_code_finds_the_indicator(
    client, editor, priority, national_indicators
):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:action_add", args=[priority.pk]),
        _action_form(indicators="ＮＩ１７, ２１"),
    )

    assert response.status_code == 302
    action = Action.objects.get(priority=priority)
    assert sorted(i.code for i in action.indicators.all()) == ["NI 17", "NI 21"]


def test_the_indicator_filter_finds_a_full_width_code(client, editor, action):
    client.force_login(editor)

    response = client.get(
        reverse("priorities:action_plan", args=[action.priority_id]), {"indicator": "ＮＩ１７"}
    )

    assert list(response.context["actions"]) == [action]


# Years


def test_a_budget_year_of_zero_is_refused_beside_the_field(support, plan):  # noqa: F811
    response = support.post(
        _url(BudgetLine, "add"),
        {"plan": plan.pk, "order": 1, "project": "Mediation", "amount": "100", "year": "0"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["year"] == ["Give a year from 1998 onwards"]
    assert not BudgetLine.objects.exists()


def test_the_database_refuses_a_budget_year_of_zero(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(plan=plan, order=1, project="M", amount=Decimal("1"), year=0)


def test_the_database_refuses_a_target_year_far_in_the_future(target_row):  # noqa: F811
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalTargetValue.objects.create(target=target_row, year=30000, value=Decimal("1"))


def test_an_indicator_set_year_out_of_range_is_refused():
    indicator_set = IndicatorSet(name="Old", slug="old", valid_from_year=1)

    with pytest.raises(ValidationError) as refusal:
        indicator_set.full_clean()

    assert refusal.value.message_dict["valid_from_year"] == ["Give a year from 1980 onwards"]


# HEAD answers wherever GET does


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _example_path(route: str, values: dict[str, str]) -> str | None:
    """A concrete address for a route: real slugs where there are any, 1 for the rest."""
    if route.startswith("^"):
        # Regex routes are the admin's; its HEAD handling is Django's own.
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m[1], "1"), route)
        path = path.strip("^$").replace("\\", "")
        return None if any(c in path for c in "()[]?*+") else "/" + path

    def fill(match: re.Match) -> str:
        name = match[2]
        return values.get(name, "1")

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


def test_head_answers_wherever_get_does(client, superuser, plan, action):
    client.force_login(superuser)
    values = {
        "partnership_slug": plan.partnership.slug,
        "plan_slug": plan.slug,
        "to_status": "in_review",
        "kind": "action",
    }
    refused = []
    checked = 0
    for route in _walk(get_resolver().url_patterns):
        path = _example_path(route, values)
        if path is None:
            continue
        get = client.get(path)
        if get.status_code == 405:
            continue
        checked += 1
        head = client.head(path)
        if head.status_code == 405:
            refused.append(path)

    assert checked > 30
    assert refused == []


def test_head_of_the_home_page_is_answered_for_everyone(client, editor):
    assert client.head("/").status_code == 200
    client.force_login(editor)
    assert client.head("/").status_code == 200


def test_the_user_admin_refuses_a_control_character_in_a_name(support, editor):  # noqa: F811
    url = _url(User, "change", editor.pk)
    data = _form_data(support.get(url))
    data["first_name"] = "Ed\x00"

    response = support.post(url, data)

    assert CONTROL_CHARACTERS_MESSAGE in response.context["adminform"].form.errors["first_name"]
