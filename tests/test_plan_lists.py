"""A partnership administrator keeps a draft plan's lists in the app: its related strategies
(one at a time or many at once), the partnership's glossary (reached through a draft plan) and
the plan's budget lines, with the house's refusals, history and all-or-nothing pastes."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from plans import plan_list_views
from plans import plan_lists as services
from plans.models import BudgetLine, GlossaryTerm, Plan, RelatedStrategy
from plans.plan_list_forms import (
    parse_amount,
    parse_financial_year,
    parse_strategy_line,
    parse_term_line,
)

pytestmark = pytest.mark.django_db

STRATEGY_FORM = {
    "title": "Children and Young People's Plan",
    "owner": "Cumbria County Council",
    "url": "https://www.example.gov.uk/cyp",
}
TERM_FORM = {"term": "MARAC", "meaning": "Multi-Agency Risk Assessment Conference"}
BUDGET_FORM = {
    "project": "Street pastors",
    "funding_stream": "Home Office grant",
    "amount": "£12,500",
    "year": "2010",
}
STRATEGIES_PASTE = (
    "Safer Stronger Communities Strategy | Carlisle City Council | https://www.example.gov.uk/ssc\n"
    "\n"
    "Local Area Agreement\n"
    "Alcohol Harm Reduction Strategy | Cumbria PCT\n"
)
TERMS_PASTE = "ASBO – Anti-Social Behaviour Order\nPCSO: Police Community Support Officer\n"


@pytest.fixture
def strategies(plan: Plan) -> list[RelatedStrategy]:
    return [
        RelatedStrategy.objects.create(plan=plan, order=order, title=title, owner="Council")
        for order, title in ((1, "Community Plan"), (2, "Housing Strategy"), (3, "Youth Plan"))
    ]


@pytest.fixture
def terms(plan: Plan) -> list[GlossaryTerm]:
    return [
        GlossaryTerm.objects.create(partnership=plan.partnership, term=term, meaning=meaning)
        for term, meaning in (
            ("ASB", "Anti-social behaviour"),
            ("DAAT", "Drug and Alcohol Action Team"),
            ("LAA", "Local Area Agreement"),
        )
    ]


@pytest.fixture
def budget_lines(plan: Plan) -> list[BudgetLine]:
    return [
        BudgetLine.objects.create(
            plan=plan, order=order, project=project, amount=Decimal(amount), year=year
        )
        for order, project, amount, year in (
            (1, "Mediation service", "5000.00", 2010),
            (2, "Alley gates", "12500.00", 2010),
            (3, "Diversionary activities", "3000.50", 2011),
        )
    ]


@pytest.fixture
def lists(strategies, terms, budget_lines) -> dict:
    return {"strategy": strategies[0], "term": terms[0], "line": budget_lines[0]}


def _url(name: str, *args) -> str:
    return reverse(f"priorities:{name}", args=args)


def _strategy_titles(plan: Plan) -> list[str]:
    return list(plan.related_strategies.order_by("order").values_list("title", flat=True))


def _terms(plan: Plan) -> list[str]:
    return sorted(
        GlossaryTerm.objects.filter(partnership=plan.partnership).values_list("term", flat=True)
    )


def _projects(plan: Plan) -> list[str]:
    return list(plan.budget_lines.order_by("year", "order").values_list("project", flat=True))


def _everything(plan: Plan) -> tuple:
    return (
        _strategy_titles(plan),
        _terms(plan),
        _projects(plan),
        list(plan.budget_lines.order_by("order").values_list("amount", "year")),
    )


def _leave_draft(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)


# Every page: (method, url, data), given the plan and its lists.
ROUTES = {
    "strategies": lambda p, x: ("get", _url("strategies", p.pk), {}),
    "add a strategy form": lambda p, x: ("get", _url("strategy_add", p.pk), {}),
    "add a strategy": lambda p, x: ("post", _url("strategy_add", p.pk), STRATEGY_FORM),
    "add strategies form": lambda p, x: ("get", _url("strategy_add_many", p.pk), {}),
    "add strategies": lambda p, x: (
        "post",
        _url("strategy_add_many", p.pk),
        {"lines": STRATEGIES_PASTE},
    ),
    "edit a strategy form": lambda p, x: ("get", _url("strategy_edit", x["strategy"].pk), {}),
    "edit a strategy": lambda p, x: (
        "post",
        _url("strategy_edit", x["strategy"].pk),
        STRATEGY_FORM,
    ),
    "move a strategy": lambda p, x: (
        "post",
        _url("strategy_move", x["strategy"].pk),
        {"direction": "down"},
    ),
    "remove a strategy form": lambda p, x: ("get", _url("strategy_remove", x["strategy"].pk), {}),
    "remove a strategy": lambda p, x: ("post", _url("strategy_remove", x["strategy"].pk), {}),
    "glossary": lambda p, x: ("get", _url("glossary", p.pk), {}),
    "add a term form": lambda p, x: ("get", _url("term_add", p.pk), {}),
    "add a term": lambda p, x: ("post", _url("term_add", p.pk), TERM_FORM),
    "add terms form": lambda p, x: ("get", _url("term_add_many", p.pk), {}),
    "add terms": lambda p, x: ("post", _url("term_add_many", p.pk), {"lines": TERMS_PASTE}),
    "edit a term form": lambda p, x: ("get", _url("term_edit", p.pk, x["term"].pk), {}),
    "edit a term": lambda p, x: ("post", _url("term_edit", p.pk, x["term"].pk), TERM_FORM),
    "remove a term form": lambda p, x: ("get", _url("term_remove", p.pk, x["term"].pk), {}),
    "remove a term": lambda p, x: ("post", _url("term_remove", p.pk, x["term"].pk), {}),
    "budget": lambda p, x: ("get", _url("budget", p.pk), {}),
    "add a budget line form": lambda p, x: ("get", _url("budget_line_add", p.pk), {}),
    "add a budget line": lambda p, x: ("post", _url("budget_line_add", p.pk), BUDGET_FORM),
    "edit a budget line form": lambda p, x: ("get", _url("budget_line_edit", x["line"].pk), {}),
    "edit a budget line": lambda p, x: (
        "post",
        _url("budget_line_edit", x["line"].pk),
        BUDGET_FORM,
    ),
    "move a budget line": lambda p, x: (
        "post",
        _url("budget_line_move", x["line"].pk),
        {"direction": "down"},
    ),
    "remove a budget line form": lambda p, x: (
        "get",
        _url("budget_line_remove", x["line"].pk),
        {},
    ),
    "remove a budget line": lambda p, x: ("post", _url("budget_line_remove", x["line"].pk), {}),
}


@pytest.mark.parametrize("route", ROUTES)
def test_an_administrator_uses_every_page(client, administrator, plan, lists, route):
    client.force_login(administrator)
    method, url, data = ROUTES[route](plan, lists)

    response = getattr(client, method)(url, data)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        kind = "strategies" if "strateg" in route else "glossary" if "term" in route else "budget"
        assert response.url.startswith(_url(kind, plan.pk))


@pytest.mark.parametrize("route", ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, plan, lists, route):
    before = _everything(plan)
    method, url, data = ROUTES[route](plan, lists)

    response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _everything(plan) == before


@pytest.mark.parametrize("route", ROUTES)
def test_an_outsider_is_told_nothing(client, outsider, plan, lists, route):
    client.force_login(outsider)
    before = _everything(plan)
    method, url, data = ROUTES[route](plan, lists)

    assert getattr(client, method)(url, data).status_code == 404
    assert _everything(plan) == before


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
@pytest.mark.parametrize("route", ROUTES)
def test_members_who_are_not_administrators_are_refused(client, request, plan, lists, route, role):
    client.force_login(request.getfixturevalue(role))
    before = _everything(plan)
    method, url, data = ROUTES[route](plan, lists)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "Only administrators can change the plan." in response.text
    assert _everything(plan) == before


WRONG_METHODS = {
    "strategies": "post",
    "add a strategy form": "put",
    "add strategies form": "delete",
    "edit a strategy form": "patch",
    "move a strategy": "get",
    "remove a strategy form": "put",
    "glossary": "post",
    "add a term form": "put",
    "add terms form": "delete",
    "edit a term form": "patch",
    "remove a term form": "put",
    "budget": "post",
    "add a budget line form": "put",
    "edit a budget line form": "delete",
    "move a budget line": "get",
    "remove a budget line form": "patch",
}

# The pages asked for with GET.
PAGES = [route for route in WRONG_METHODS if "move" not in route]


@pytest.mark.parametrize("route, method", WRONG_METHODS.items())
def test_a_wrong_method_is_refused(client, administrator, plan, lists, route, method):
    client.force_login(administrator)
    _, url, _ = ROUTES[route](plan, lists)

    assert getattr(client, method)(url).status_code == 405


def test_the_plans_working_page_links_administrators_to_the_lists(
    client, administrator, viewer, plan
):
    plan_page = reverse("priorities:plan", args=[plan.pk])
    links = [_url(name, plan.pk) for name in ("strategies", "glossary", "budget")]
    client.force_login(administrator)
    text = client.get(plan_page).text
    assert all(f'href="{link}"' in text for link in links)
    client.force_login(viewer)
    text = client.get(plan_page).text
    assert not any(f'href="{link}"' in text for link in links)
    client.force_login(administrator)
    _leave_draft(plan)
    text = client.get(plan_page).text
    assert not any(f'href="{link}"' in text for link in links)


@pytest.mark.parametrize("route", PAGES)
def test_every_page_leads_back_to_the_plans_page(client, administrator, plan, lists, route):
    client.force_login(administrator)
    plan_page = reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])
    _, url, _ = ROUTES[route](plan, lists)

    assert f'class="govuk-breadcrumbs__link" href="{plan_page}"' in client.get(url).text


@pytest.mark.parametrize("route", PAGES)
def test_pages_of_a_plan_out_of_draft_are_refused(client, administrator, plan, lists, route):
    client.force_login(administrator)
    _leave_draft(plan)
    method, url, data = ROUTES[route](plan, lists)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "can no longer be changed" in response.text


@pytest.mark.parametrize(
    "route",
    [
        "move a strategy",
        "remove a strategy",
        "remove a term",
        "move a budget line",
        "remove a budget line",
    ],
)
def test_changes_without_a_form_to_a_plan_out_of_draft_are_refused(
    client, administrator, plan, lists, route
):
    client.force_login(administrator)
    _leave_draft(plan)
    before = _everything(plan)
    method, url, data = ROUTES[route](plan, lists)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert _everything(plan) == before


FORMS = {
    "add a strategy": (
        "title",
        "Kept strategy owner",
        {"title": "", "owner": "Kept strategy owner"},
    ),
    "edit a strategy": (
        "title",
        "Kept strategy owner",
        {"title": "", "owner": "Kept strategy owner"},
    ),
    "add strategies": ("lines", "Kept | Owner | not a url", {"lines": "Kept | Owner | not a url"}),
    "add a term": ("meaning", "Kept term", {"term": "Kept term", "meaning": ""}),
    "edit a term": ("meaning", "Kept term", {"term": "Kept term", "meaning": ""}),
    "add terms": ("lines", "Kept without separator", {"lines": "Kept without separator"}),
    "add a budget line": ("amount", "Kept project", {"project": "Kept project", "amount": "lots"}),
    "edit a budget line": ("amount", "Kept project", {"project": "Kept project", "amount": "lots"}),
}


@pytest.mark.parametrize("route", FORMS)
def test_an_invalid_form_comes_back_with_errors_beside_the_fields_and_the_text_kept(
    client, administrator, plan, lists, route
):
    client.force_login(administrator)
    before = _everything(plan)
    field, kept, typed = FORMS[route]
    method, url, data = ROUTES[route](plan, lists)

    response = client.post(url, data | typed)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert f'id="id_{field}_1_error"' in response.text
    assert kept in response.text
    assert _everything(plan) == before


@pytest.mark.parametrize("route", FORMS)
def test_a_form_posted_after_the_plan_left_draft_is_refused_with_the_text_kept(
    client, administrator, plan, lists, route
):
    client.force_login(administrator)
    _leave_draft(plan)
    before = _everything(plan)
    method, url, data = ROUTES[route](plan, lists)

    response = client.post(url, data)

    assert response.status_code == 409
    assert "can no longer be changed" in response.text
    assert "Your changes have not been saved." in response.text
    kept = data.get("title") or data.get("term") or data.get("project") or data["lines"][:30]
    assert kept.replace("'", "&#x27;") in response.text
    assert _everything(plan) == before


@pytest.mark.parametrize(
    "route, service",
    [
        ("add a strategy", "related_strategy_create"),
        ("add strategies", "related_strategies_create_many"),
        ("edit a term", "glossary_term_update"),
        ("add terms", "glossary_terms_create_many"),
        ("add a budget line", "budget_line_create"),
        ("edit a budget line", "budget_line_update"),
    ],
)
def test_the_service_refuses_when_the_plan_left_draft_after_the_page_checked(
    client, administrator, plan, lists, monkeypatch, route, service
):
    """The view's check passed; the plan was sent for review before the save took its lock."""
    real = getattr(services, service)

    def sent_for_review_meanwhile(**kwargs):
        _leave_draft(plan)
        return real(**kwargs)

    monkeypatch.setattr(plan_list_views.plan_lists, service, sent_for_review_meanwhile)
    client.force_login(administrator)
    before = _everything(plan)
    method, url, data = ROUTES[route](plan, lists)

    response = client.post(url, data)

    assert response.status_code == 409
    assert "can no longer be changed" in response.text
    assert _everything(plan) == before


# Related strategies ---------------------------------------------------------------------------


def test_an_added_strategy_goes_last_with_everything_typed(client, administrator, plan, strategies):
    client.force_login(administrator)

    client.post(_url("strategy_add", plan.pk), STRATEGY_FORM)

    added = plan.related_strategies.order_by("order").last()
    assert (added.order, added.title, added.owner, added.url) == (
        4,
        "Children and Young People's Plan",
        "Cumbria County Council",
        "https://www.example.gov.uk/cyp",
    )


def test_many_strategies_are_added_in_the_order_pasted(client, administrator, plan, strategies):
    client.force_login(administrator)

    response = client.post(
        _url("strategy_add_many", plan.pk), {"lines": STRATEGIES_PASTE}, follow=True
    )

    assert "3 plans and strategies have been added." in response.text
    added = list(
        plan.related_strategies.filter(order__gt=3)
        .order_by("order")
        .values_list("order", "title", "owner", "url")
    )
    assert added == [
        (
            4,
            "Safer Stronger Communities Strategy",
            "Carlisle City Council",
            "https://www.example.gov.uk/ssc",
        ),
        (5, "Local Area Agreement", "", ""),
        (6, "Alcohol Harm Reduction Strategy", "Cumbria PCT", ""),
    ]


def test_the_add_many_page_explains_the_line_format(client, administrator, plan):
    client.force_login(administrator)

    text = client.get(_url("strategy_add_many", plan.pk)).text

    assert "Title | Owner | https://address" in text
    assert 'aria-describedby="id_lines_hint"' in text


def test_bad_strategy_lines_are_reported_by_number_and_nothing_is_added(
    client, administrator, plan, strategies
):
    client.force_login(administrator)
    paste = (
        "Good one | Council\n"
        " | Nobody\n"
        "Another good one\n"
        "A | B | C | D\n"
        "Bad address | Police | https://not a url\n"
        "Odd | Owner | somewhere\n"
    )

    response = client.post(_url("strategy_add_many", plan.pk), {"lines": paste})

    assert response.status_code == 200
    assert response.text.count('class="govuk-error-message"') == 4
    assert "Line 2: give the strategy&#x27;s title before the first |" in response.text
    assert "Line 4: use at most three parts" in response.text
    assert "Line 5: “https://not a url” is not a web address" in response.text
    assert "Line 6: the third part “somewhere” is not a web address" in response.text
    assert "Line 1" not in response.text and "Line 3" not in response.text
    assert "Another good one" in response.text
    assert _strategy_titles(plan) == ["Community Plan", "Housing Strategy", "Youth Plan"]


@pytest.mark.parametrize("name", ["strategy_add_many", "term_add_many"])
def test_a_control_character_in_a_paste_is_refused_beside_the_field_and_kept(
    client, administrator, plan, name
):
    client.force_login(administrator)

    response = client.post(_url(name, plan.pk), {"lines": "Kept line: fine\nBad\x1b line: x"})

    assert response.status_code == 200
    assert "Remove the invisible control characters" in response.text
    assert 'id="id_lines_1_error"' in response.text
    assert "Kept line: fine" in response.text
    assert _strategy_titles(plan) == [] and _terms(plan) == []


def test_a_paste_of_blank_lines_asks_for_a_line(client, administrator, plan):
    client.force_login(administrator)

    response = client.post(_url("strategy_add_many", plan.pk), {"lines": "  \n\n  "})

    assert "Enter at least one line" in response.text
    assert _strategy_titles(plan) == []


@pytest.mark.parametrize(
    "line, entry",
    [
        ("Community Plan", ("Community Plan", "", "")),
        ("Community Plan | Council", ("Community Plan", "Council", "")),
        (" Plan |  Council | https://example.org/p ", ("Plan", "Council", "https://example.org/p")),
        ("Plan | https://example.org/p", ("Plan", "", "https://example.org/p")),
        ("Plan | Council | www.example.org", ("Plan", "Council", "https://www.example.org")),
        ("Plan | Council |  ", ("Plan", "Council", "")),
        ("Plan || https://example.org/p", ("Plan", "", "https://example.org/p")),
    ],
)
def test_a_strategy_line_is_read_in_each_of_its_forms(line, entry):
    parsed, problem = parse_strategy_line(line)

    assert problem is None
    assert (parsed.title, parsed.owner, parsed.url) == entry


@pytest.mark.parametrize(
    "line, problem",
    [
        ("| Council", "give the strategy's title"),
        ("A | B | C | D", "at most three parts"),
        ("Plan | Owner | ftp://example.org", "is not a web address"),
        ("x" * 301, "300 characters or fewer"),
        ("Plan | " + "y" * 201, "200 characters or fewer"),
    ],
)
def test_a_bad_strategy_line_says_what_is_wrong(line, problem):
    parsed, said = parse_strategy_line(line)

    assert parsed is None
    assert problem in said


def test_an_edited_strategy_keeps_its_place(client, administrator, plan, strategies):
    client.force_login(administrator)

    client.post(_url("strategy_edit", strategies[1].pk), STRATEGY_FORM | {"title": "Housing Plan"})

    assert _strategy_titles(plan) == ["Community Plan", "Housing Plan", "Youth Plan"]


def test_a_strategy_moves_down_and_up_with_the_focus_kept(client, administrator, plan, strategies):
    client.force_login(administrator)

    response = client.post(
        _url("strategy_move", strategies[0].pk), {"direction": "down"}, follow=True
    )
    assert _strategy_titles(plan) == ["Housing Strategy", "Community Plan", "Youth Plan"]
    row = response.text.split(f'id="strategy-{strategies[0].pk}"')[1].split("</tr>")[0]
    assert (
        'value="down" class="govuk-button govuk-button--secondary cspplan-move__button"  autofocus'
        in row
    )

    client.post(_url("strategy_move", strategies[2].pk), {"direction": "up"})
    assert _strategy_titles(plan) == ["Housing Strategy", "Youth Plan", "Community Plan"]


def test_the_first_strategy_cannot_move_up_nor_sideways(client, administrator, plan, strategies):
    client.force_login(administrator)

    response = client.post(
        _url("strategy_move", strategies[0].pk), {"direction": "up"}, follow=True
    )
    assert "The plan or strategy is already first." in response.text
    assert (
        client.post(_url("strategy_move", strategies[0].pk), {"direction": "x"}).status_code == 400
    )
    assert _strategy_titles(plan) == ["Community Plan", "Housing Strategy", "Youth Plan"]


def test_a_removed_strategy_is_gone_after_the_confirmation(client, administrator, plan, strategies):
    client.force_login(administrator)

    confirmation = client.get(_url("strategy_remove", strategies[1].pk))
    assert "Are you sure you want to remove this plan or strategy?" in confirmation.text
    assert _strategy_titles(plan) == ["Community Plan", "Housing Strategy", "Youth Plan"]

    client.post(_url("strategy_remove", strategies[1].pk))

    assert _strategy_titles(plan) == ["Community Plan", "Youth Plan"]


def test_every_strategy_change_is_in_the_history_with_who_made_it(
    client, administrator, plan, strategies
):
    client.force_login(administrator)

    client.post(_url("strategy_add", plan.pk), STRATEGY_FORM | {"title": "Afterword"})
    added = plan.related_strategies.get(title="Afterword")
    client.post(_url("strategy_edit", added.pk), STRATEGY_FORM | {"title": "Last word"})
    client.post(_url("strategy_move", added.pk), {"direction": "up"})
    client.post(_url("strategy_remove", added.pk))
    client.post(_url("strategy_add_many", plan.pk), {"lines": "Pasted one\nPasted two"})

    rows = RelatedStrategy.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.title, row.order) for row in rows] == [
        ("+", "Afterword", 4),
        ("~", "Last word", 4),
        ("~", "Last word", 3),
        ("-", "Last word", 3),
    ]
    assert {row.history_user for row in rows} == {administrator}
    pasted = RelatedStrategy.history.filter(title__startswith="Pasted")
    assert [(row.history_type, row.history_user) for row in pasted] == [
        ("+", administrator),
        ("+", administrator),
    ]


# Glossary -------------------------------------------------------------------------------------


def test_the_glossary_lists_the_partnerships_terms_alphabetically(
    client, administrator, plan, terms, other_partnership
):
    GlossaryTerm.objects.create(partnership=plan.partnership, term="anti-social", meaning="x")
    GlossaryTerm.objects.create(partnership=other_partnership, term="IOM", meaning="Elsewhere")
    client.force_login(administrator)

    text = client.get(_url("glossary", plan.pk)).text

    assert text.index(">anti-social<") < text.index(">ASB<") < text.index(">DAAT<")
    assert "IOM" not in text


def test_an_added_term_joins_the_partnerships_glossary(client, administrator, plan, terms):
    client.force_login(administrator)

    client.post(_url("term_add", plan.pk), TERM_FORM)

    added = GlossaryTerm.objects.get(term="MARAC")
    assert (added.partnership, added.meaning) == (
        plan.partnership,
        "Multi-Agency Risk Assessment Conference",
    )


@pytest.mark.parametrize("typed", ["ASB", "asb", " LAA "])
def test_a_term_the_glossary_already_explains_is_refused_beside_the_field(
    client, administrator, plan, terms, typed
):
    client.force_login(administrator)

    response = client.post(_url("term_add", plan.pk), {"term": typed, "meaning": "Kept meaning"})

    assert response.status_code == 200
    assert f"The glossary already explains “{typed.strip()}”" in response.text
    assert 'id="id_term_1_error"' in response.text
    assert "Kept meaning" in response.text
    assert _terms(plan) == ["ASB", "DAAT", "LAA"]


def test_an_edited_term_may_keep_its_own_name_but_not_take_another(
    client, administrator, plan, terms
):
    client.force_login(administrator)

    client.post(_url("term_edit", plan.pk, terms[0].pk), {"term": "ASB", "meaning": "Changed"})
    response = client.post(
        _url("term_edit", plan.pk, terms[0].pk), {"term": "daat", "meaning": "x"}
    )

    terms[0].refresh_from_db()
    assert (terms[0].term, terms[0].meaning) == ("ASB", "Changed")
    assert "The glossary already explains “daat”" in response.text


def test_many_terms_are_added_at_once(client, administrator, plan, terms):
    client.force_login(administrator)
    paste = (
        "ASBO – Anti-Social Behaviour Order\n"
        "PCSO: Police Community Support Officer\n"
        "IDVA — Independent Domestic Violence Advisor\n"
        "\n"
        "KSI - Killed or seriously injured\n"
        "RSL\tRegistered social landlord\n"
        "NI 17: Perceptions of anti-social behaviour: a survey measure\n"
    )

    response = client.post(_url("term_add_many", plan.pk), {"lines": paste}, follow=True)

    assert "6 terms have been added." in response.text
    added = dict(
        GlossaryTerm.objects.filter(partnership=plan.partnership).values_list("term", "meaning")
    )
    assert added["ASBO"] == "Anti-Social Behaviour Order"
    assert added["PCSO"] == "Police Community Support Officer"
    assert added["IDVA"] == "Independent Domestic Violence Advisor"
    assert added["KSI"] == "Killed or seriously injured"
    assert added["RSL"] == "Registered social landlord"
    assert added["NI 17"] == "Perceptions of anti-social behaviour: a survey measure"


def test_duplicate_and_bad_term_lines_are_reported_by_number_and_nothing_is_added(
    client, administrator, plan, terms
):
    client.force_login(administrator)
    paste = (
        "IOM – Integrated Offender Management\n"
        "asb – Anti-social behaviour again\n"
        "Hotspot without a meaning\n"
        "IOM: said twice\n"
        "PPO:\n"
        "MARAC – Multi-Agency Risk Assessment Conference\n"
    )

    response = client.post(_url("term_add_many", plan.pk), {"lines": paste})

    assert response.status_code == 200
    assert "Line 2: the glossary already explains “asb”" in response.text
    assert "Line 3: write the term, then – or : and its meaning" in response.text
    assert "Line 4: “IOM” is already on line 1" in response.text
    assert "Line 5: give the meaning of “PPO” after the – or :" in response.text
    assert "Line 1:" not in response.text and "Line 6:" not in response.text
    assert "MARAC – Multi-Agency Risk Assessment Conference" in response.text
    assert _terms(plan) == ["ASB", "DAAT", "LAA"]


@pytest.mark.parametrize(
    "line, entry",
    [
        ("ASB – Anti-social behaviour", ("ASB", "Anti-social behaviour")),
        ("ASB: Anti-social behaviour", ("ASB", "Anti-social behaviour")),
        ("ASB - Anti-social behaviour", ("ASB", "Anti-social behaviour")),
        ("Anti-social behaviour – ASB", ("Anti-social behaviour", "ASB")),
        (
            "PCC – Police and Crime Commissioner: oversees",
            ("PCC", "Police and Crime Commissioner: oversees"),
        ),
    ],
)
def test_a_term_line_is_read_with_each_separator(line, entry):
    parsed, problem = parse_term_line(line)

    assert problem is None
    assert (parsed.term, parsed.meaning) == entry


def test_a_term_added_meanwhile_by_another_plan_is_refused_beside_the_field(
    client, administrator, plan, terms, monkeypatch
):
    real = services.glossary_terms_create_many

    def added_meanwhile(**kwargs):
        GlossaryTerm.objects.create(partnership=plan.partnership, term="PCSO", meaning="x")
        return real(**kwargs)

    monkeypatch.setattr(plan_list_views.plan_lists, "glossary_terms_create_many", added_meanwhile)
    client.force_login(administrator)

    response = client.post(_url("term_add_many", plan.pk), {"lines": TERMS_PASTE})

    assert response.status_code == 200
    assert "The glossary already explains “PCSO”" in response.text
    assert "ASBO – Anti-Social Behaviour Order" in response.text
    assert "ASBO" not in _terms(plan)


def test_another_partnerships_term_is_not_found_through_this_plan(
    client, administrator, plan, other_partnership
):
    theirs = GlossaryTerm.objects.create(partnership=other_partnership, term="IOM", meaning="x")
    client.force_login(administrator)

    for name in ("term_edit", "term_remove"):
        assert client.get(_url(name, plan.pk, theirs.pk)).status_code == 404
        assert client.post(_url(name, plan.pk, theirs.pk), TERM_FORM).status_code == 404
    assert GlossaryTerm.objects.filter(pk=theirs.pk, term="IOM").exists()


def test_the_glossary_is_changed_only_through_a_draft_plan(client, administrator, plan, terms):
    """A published plan of the same partnership is no way in, though the glossary is shared."""
    published = Plan.objects.create(
        partnership=plan.partnership,
        title="Older Plan",
        slug="2009-10",
        start_year=2009,
        end_year=2010,
        status=Plan.Status.PUBLISHED,
    )
    client.force_login(administrator)

    assert client.get(_url("glossary", published.pk)).status_code == 403
    response = client.post(_url("term_edit", published.pk, terms[0].pk), TERM_FORM)
    assert response.status_code == 409
    assert client.post(_url("term_remove", published.pk, terms[0].pk)).status_code == 403
    assert _terms(plan) == ["ASB", "DAAT", "LAA"]
    assert client.post(_url("term_remove", plan.pk, terms[0].pk)).status_code == 302
    assert _terms(plan) == ["DAAT", "LAA"]


def test_every_term_change_is_in_the_history_with_who_made_it(client, administrator, plan):
    client.force_login(administrator)

    client.post(_url("term_add", plan.pk), TERM_FORM)
    added = GlossaryTerm.objects.get(term="MARAC")
    client.post(_url("term_edit", plan.pk, added.pk), TERM_FORM | {"meaning": "Changed"})
    client.post(_url("term_remove", plan.pk, added.pk))
    client.post(_url("term_add_many", plan.pk), {"lines": TERMS_PASTE})

    rows = GlossaryTerm.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.meaning) for row in rows] == [
        ("+", "Multi-Agency Risk Assessment Conference"),
        ("~", "Changed"),
        ("-", "Changed"),
    ]
    everyone = {row.history_user for row in GlossaryTerm.history.all()}
    assert everyone == {administrator}
    assert GlossaryTerm.history.count() == 5


# Budget ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("£12,500", Decimal("12500")),
        ("12500.00", Decimal("12500.00")),
        ("12500", Decimal("12500")),
        (" £ 1,250.5 ", Decimal("1250.5")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("0", Decimal("0")),
    ],
)
def test_an_amount_is_read_in_pounds(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-500", "The amount cannot be negative"),
        ("£-500", "The amount cannot be negative"),
        ("−£500", "The amount cannot be negative"),
        ("12,50", "Enter the amount in pounds"),
        ("12.345", "Enter the amount in pounds"),
        ("500p", "Enter the amount in pounds"),
        ("twelve", "Enter the amount in pounds"),
        ("1e5", "Enter the amount in pounds"),
        ("10000000000", "less than £10,000,000,000"),
    ],
)
def test_an_amount_that_is_not_pounds_says_why(typed, message):
    with pytest.raises(ValidationError, match=message):
        parse_amount(typed)


@pytest.mark.parametrize("typed", ["2010", "2010/11", "2010-11", "2010/2011", " 2010 "])
def test_a_financial_year_is_read_by_its_start(typed):
    assert parse_financial_year(typed) == 2010


@pytest.mark.parametrize(
    "typed, message",
    [
        ("10/11", "for example 2010 for 2010/11"),
        ("2010/12", "two years in a row: 2010/11"),
        ("1997", "from 1998 to 2200"),
        ("2999", "from 1998 to 2200"),
    ],
)
def test_a_financial_year_that_is_not_one_says_why(typed, message):
    with pytest.raises(ValidationError, match=message):
        parse_financial_year(typed)


def test_an_added_budget_line_is_kept_in_pounds_and_its_year(
    client, administrator, plan, budget_lines
):
    client.force_login(administrator)

    client.post(_url("budget_line_add", plan.pk), BUDGET_FORM | {"year": "2011/12"})

    added = plan.budget_lines.get(project="Street pastors")
    assert (added.order, added.amount, added.year, added.funding_stream) == (
        4,
        Decimal("12500.00"),
        2011,
        "Home Office grant",
    )


def test_the_add_form_starts_at_the_plans_first_year(client, administrator, plan):
    client.force_login(administrator)

    text = client.get(_url("budget_line_add", plan.pk)).text

    assert 'name="year" value="2010"' in text


def test_a_negative_amount_is_refused_beside_the_field_with_the_text_kept(
    client, administrator, plan, budget_lines
):
    client.force_login(administrator)

    response = client.post(
        _url("budget_line_edit", budget_lines[0].pk),
        BUDGET_FORM | {"amount": "-£250", "year": "2009/11", "project": "Kept project"},
    )

    assert response.status_code == 200
    assert "The amount cannot be negative" in response.text
    assert "A financial year runs over two years in a row: 2009/10" in response.text
    assert 'id="id_amount_1_error"' in response.text and 'id="id_year_1_error"' in response.text
    assert 'value="-£250"' in response.text and 'value="2009/11"' in response.text
    assert "Kept project" in response.text
    budget_lines[0].refresh_from_db()
    assert (budget_lines[0].project, budget_lines[0].amount) == ("Mediation service", 5000)


def test_the_budget_lists_each_year_with_its_total_and_the_plans(
    client, administrator, plan, budget_lines
):
    client.force_login(administrator)

    text = client.get(_url("budget", plan.pk)).text

    assert "Budget for 2010/11" in text and "Budget for 2011/12" in text
    assert "£12,500.00" in text
    assert "£17,500.00" in text  # 2010/11
    assert "£3,000.50" in text
    assert "Total over the plan: £20,500.50" in text


def test_a_budget_line_moves_within_its_year(client, administrator, plan, budget_lines):
    client.force_login(administrator)

    client.post(_url("budget_line_move", budget_lines[0].pk), {"direction": "down"})
    assert _projects(plan) == ["Alley gates", "Mediation service", "Diversionary activities"]

    response = client.post(
        _url("budget_line_move", budget_lines[0].pk), {"direction": "down"}, follow=True
    )
    assert "The budget line is already last." in response.text
    assert _projects(plan) == ["Alley gates", "Mediation service", "Diversionary activities"]


def test_an_edited_budget_line_takes_the_new_amount(client, administrator, plan, budget_lines):
    client.force_login(administrator)

    client.post(_url("budget_line_edit", budget_lines[2].pk), BUDGET_FORM | {"amount": "3,250.75"})

    budget_lines[2].refresh_from_db()
    assert (budget_lines[2].project, budget_lines[2].amount, budget_lines[2].year) == (
        "Street pastors",
        Decimal("3250.75"),
        2010,
    )


def test_a_removed_budget_line_is_gone_after_the_confirmation(
    client, administrator, plan, budget_lines
):
    client.force_login(administrator)

    confirmation = client.get(_url("budget_line_remove", budget_lines[1].pk))
    assert "Alley gates: £12,500.00 in 2010/11" in confirmation.text

    client.post(_url("budget_line_remove", budget_lines[1].pk))

    assert _projects(plan) == ["Mediation service", "Diversionary activities"]


def test_every_budget_change_is_in_the_history_with_who_made_it(
    client, administrator, plan, budget_lines
):
    client.force_login(administrator)

    client.post(_url("budget_line_add", plan.pk), BUDGET_FORM)
    added = plan.budget_lines.get(project="Street pastors")
    client.post(_url("budget_line_edit", added.pk), BUDGET_FORM | {"amount": "100"})
    client.post(_url("budget_line_move", added.pk), {"direction": "up"})
    client.post(_url("budget_line_remove", added.pk))

    rows = BudgetLine.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.amount, row.order) for row in rows] == [
        ("+", Decimal("12500.00"), 4),
        ("~", Decimal("100.00"), 4),
        ("~", Decimal("100.00"), 2),
        ("-", Decimal("100.00"), 2),
    ]
    assert {row.history_user for row in rows} == {administrator}


# The plan document ----------------------------------------------------------------------------


def test_what_is_kept_shows_in_the_plan_document(client, administrator, plan):
    client.force_login(administrator)
    client.post(_url("strategy_add_many", plan.pk), {"lines": STRATEGIES_PASTE})
    client.post(
        _url("term_add_many", plan.pk),
        {"lines": "PCT – Primary Care Trust\nIOM – Integrated Offender Management"},
    )
    client.post(_url("budget_line_add", plan.pk), BUDGET_FORM)
    client.post(_url("budget_line_add", plan.pk), BUDGET_FORM | {"project": "CCTV", "year": "2011"})

    text = client.get(reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])).text

    assert "Links with other plans and strategies" in text
    assert (
        '<a class="govuk-link" href="https://www.example.gov.uk/ssc">Safer Stronger Communities '
        "Strategy</a>" in text
    )
    assert "Cumbria PCT" in text
    # The glossary prints the terms the plan uses: PCT (in an owner), not IOM.
    assert "<dt>PCT</dt><dd>Primary Care Trust</dd>" in text
    assert "<dt>IOM</dt>" not in text
    assert "Budget for 2010/11" in text and "Budget for 2011/12" in text
    assert "Street pastors" in text and "CCTV" in text
    assert "£12,500.00" in text


def _add_terms_at_once(additions: list[tuple[Plan, str]], user) -> list[object]:
    """Each (plan, term) added in its own thread and database connection, all at once; what
    each returned, or the exception it raised."""
    barrier = threading.Barrier(len(additions))
    results: list[object] = [None] * len(additions)

    def add(index: int, plan: Plan, term: str) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = services.glossary_term_create(
                plan=plan, user=user, term=term, meaning="x"
            )
        except Exception as error:  # noqa: BLE001 - the outcome being checked
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=add, args=(index, *addition))
        for index, addition in enumerate(additions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Races need real concurrent connections with row locks; SQLite has one writer.",
)
@pytest.mark.django_db(transaction=True)
def test_two_plans_adding_the_same_term_at_once_add_it_once(plan, administrator):
    """The glossary is the partnership's: through two draft plans at once, one addition wins
    and the other is told the term is taken, never a database error."""
    second = Plan.objects.create(
        partnership=plan.partnership,
        title="Other draft",
        slug="other",
        start_year=2011,
        end_year=2012,
    )
    for number in range(8):
        term = f"TERM{number}"

        results = _add_terms_at_once([(plan, term), (second, term.lower())], administrator)

        kinds = sorted(type(result).__name__ for result in results)
        assert kinds == ["GlossaryTerm", "TermTaken"], results
        assert GlossaryTerm.objects.filter(term__iexact=term).count() == 1


def test_a_change_shows_in_the_plan_document_already_read(client, administrator, plan, lists):
    """The draft's page is kept between reads; each list's change makes it anew."""
    client.force_login(administrator)
    page = reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])
    GlossaryTerm.objects.create(partnership=plan.partnership, term="CCTV", meaning="Cameras")
    assert "Community Plan" in client.get(page).text

    client.post(_url("strategy_edit", lists["strategy"].pk), STRATEGY_FORM | {"title": "CCTV Plan"})
    client.post(_url("budget_line_edit", lists["line"].pk), BUDGET_FORM | {"amount": "777"})
    client.post(
        _url("term_edit", plan.pk, GlossaryTerm.objects.get(term="CCTV").pk),
        {"term": "CCTV", "meaning": "Closed-circuit television"},
    )
    text = client.get(page).text

    assert "CCTV Plan" in text and "Community Plan" not in text
    assert "£777.00" in text
    assert "<dt>CCTV</dt><dd>Closed-circuit television</dd>" in text
