"""A partnership administrator keeps a draft plan's narrative sections in the app: the list,
adding, editing (rich text, sanitised), moving and removing, with the house's refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import section_views
from plans import sections as section_services
from plans.models import Plan, Section

pytestmark = pytest.mark.django_db

SECTION_FORM = {
    "title": "Foreword",
    "kind": "foreword",
    "placement": "before",
    "body": "<p>Welcome to the plan.</p>",
    "signatory_name": "Jo Bloggs",
    "signatory_role": "Chair",
}

WORD_FRAGMENT = (
    '<h1 style="mso-style:x">Our <b>aims</b></h1>'
    '<p class="MsoNormal" style="color:red" onclick="steal()">Safer <i>streets</i>.'
    "<o:p></o:p></p><script>alert(1)</script>"
    '<a href="javascript:alert(1)">bad link</a>'
    '<table style="border:1px"><tr><td onmouseover="x()">Cell</td></tr></table>'
)


@pytest.fixture
def sections(plan: Plan) -> list[Section]:
    return [
        Section.objects.create(plan=plan, order=order, title=title, body="<p>Text</p>")
        for order, title in ((1, "Foreword"), (2, "Introduction"), (3, "Contact details"))
    ]


def _list(plan: Plan) -> str:
    return reverse("priorities:sections", args=[plan.pk])


def _add(plan: Plan) -> str:
    return reverse("priorities:section_add", args=[plan.pk])


def _edit(section: Section) -> str:
    return reverse("priorities:section_edit", args=[section.pk])


def _move(section: Section) -> str:
    return reverse("priorities:section_move", args=[section.pk])


def _remove(section: Section) -> str:
    return reverse("priorities:section_remove", args=[section.pk])


def _titles(plan: Plan) -> list[str]:
    return list(plan.sections.order_by("order").values_list("title", flat=True))


def _leave_draft(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)


# The pages every route shares: (method, url, data) for each, given the plan and its sections.
ROUTES = {
    "list": lambda plan, s: ("get", _list(plan), {}),
    "add form": lambda plan, s: ("get", _add(plan), {}),
    "add": lambda plan, s: ("post", _add(plan), SECTION_FORM),
    "edit form": lambda plan, s: ("get", _edit(s[0]), {}),
    "edit": lambda plan, s: ("post", _edit(s[0]), SECTION_FORM),
    "move": lambda plan, s: ("post", _move(s[0]), {"direction": "down"}),
    "remove confirmation": lambda plan, s: ("get", _remove(s[0]), {}),
    "remove": lambda plan, s: ("post", _remove(s[0]), {}),
}


@pytest.mark.parametrize("route", ROUTES)
def test_an_administrator_uses_every_sections_page(client, administrator, plan, sections, route):
    client.force_login(administrator)
    method, url, data = ROUTES[route](plan, sections)

    response = getattr(client, method)(url, data)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert response.url.startswith(_list(plan))


@pytest.mark.parametrize("route", ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, plan, sections, route):
    method, url, data = ROUTES[route](plan, sections)

    response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


@pytest.mark.parametrize("route", ROUTES)
def test_an_outsider_is_told_nothing(client, outsider, plan, sections, route):
    client.force_login(outsider)
    method, url, data = ROUTES[route](plan, sections)

    assert getattr(client, method)(url, data).status_code == 404
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
@pytest.mark.parametrize("route", ROUTES)
def test_members_who_are_not_administrators_are_refused(
    client, request, plan, sections, route, role
):
    client.force_login(request.getfixturevalue(role))
    method, url, data = ROUTES[route](plan, sections)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "Only administrators can change the plan." in response.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


@pytest.mark.parametrize(
    "method, route",
    [
        ("post", "list"),
        ("put", "add form"),
        ("delete", "edit form"),
        ("get", "move"),
        ("patch", "remove confirmation"),
    ],
)
def test_a_wrong_method_is_refused(client, administrator, plan, sections, method, route):
    client.force_login(administrator)
    _, url, _ = ROUTES[route](plan, sections)

    assert getattr(client, method)(url).status_code == 405


def test_the_plans_working_page_links_administrators_to_the_sections(
    client, administrator, viewer, plan
):
    plan_page = reverse("priorities:plan", args=[plan.pk])
    client.force_login(administrator)
    assert f'href="{_list(plan)}"' in client.get(plan_page).text
    client.force_login(viewer)
    assert f'href="{_list(plan)}"' not in client.get(plan_page).text


def test_the_sections_pages_lead_back_to_the_plans_page(client, administrator, plan, sections):
    client.force_login(administrator)
    plan_page = reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])
    for url in (_list(plan), _add(plan), _edit(sections[0]), _remove(sections[0])):
        assert f'class="govuk-breadcrumbs__link" href="{plan_page}"' in client.get(url).text, url


def test_the_list_shows_the_sections_in_order(client, administrator, plan, sections):
    client.force_login(administrator)
    Section.objects.filter(pk=sections[0].pk).update(order=9)

    text = client.get(_list(plan)).text

    assert text.index("Introduction") < text.index("Contact details") < text.index("Foreword")


def test_an_added_section_goes_last_with_everything_typed(client, administrator, plan, sections):
    client.force_login(administrator)

    client.post(_add(plan), SECTION_FORM | {"title": "Afterword"})

    section = plan.sections.order_by("order").last()
    assert (section.title, section.order) == ("Afterword", 4)
    assert (section.kind, section.placement) == ("foreword", "before")
    assert (section.signatory_name, section.signatory_role) == ("Jo Bloggs", "Chair")
    assert section.body == "<p>Welcome to the plan.</p>"


def test_an_edited_section_keeps_its_place(client, administrator, plan, sections):
    client.force_login(administrator)

    client.post(_edit(sections[1]), SECTION_FORM | {"title": "Introduction and background"})

    assert _titles(plan) == ["Foreword", "Introduction and background", "Contact details"]


def test_a_form_without_a_title_says_so_beside_the_field_and_keeps_the_text(
    client, administrator, plan, sections
):
    client.force_login(administrator)

    for url in (_add(plan), _edit(sections[0])):
        response = client.post(
            url, SECTION_FORM | {"title": "", "body": "Typed with care.", "kind": "nonsense"}
        )

        assert response.status_code == 200
        assert "Enter the section&#x27;s title" in response.text
        assert "govuk-error-summary" in response.text
        assert "Typed with care." in response.text
        assert "Jo Bloggs" in response.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


def test_a_word_style_body_is_saved_sanitised(client, administrator, plan):
    client.force_login(administrator)

    client.post(_add(plan), SECTION_FORM | {"body": WORD_FRAGMENT})

    body = plan.sections.get().body
    assert body.startswith("<h3>Our <b>aims</b></h3><p>Safer <i>streets</i>.</p>")
    assert "<table><tbody><tr><td>Cell</td></tr></tbody></table>" in body
    for dropped in ("script", "style", "onclick", "onmouseover", "javascript:", "class="):
        assert dropped not in body


def test_plain_text_becomes_paragraphs_and_lists(client, administrator, plan, sections):
    client.force_login(administrator)
    typed = "First paragraph\nstill first.\n\nSecond & last.\n\n- one\n- two\n\n1. first\n2. next"

    client.post(_edit(sections[0]), SECTION_FORM | {"body": typed})

    sections[0].refresh_from_db()
    assert sections[0].body == (
        "<p>First paragraph<br>still first.</p><p>Second &amp; last.</p>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>next</li></ol>"
    )


def test_a_section_moves_down_and_up(client, administrator, plan, sections):
    client.force_login(administrator)

    response = client.post(_move(sections[0]), {"direction": "down"})
    assert _titles(plan) == ["Introduction", "Foreword", "Contact details"]
    assert response.url == f"{_list(plan)}?moved={sections[0].pk}&direction=down"

    client.post(_move(sections[2]), {"direction": "up"})
    assert _titles(plan) == ["Introduction", "Contact details", "Foreword"]


def test_the_moved_sections_button_keeps_the_focus(client, administrator, plan, sections):
    client.force_login(administrator)

    response = client.post(_move(sections[1]), {"direction": "up"}, follow=True)

    assert 'value="up" class="govuk-button govuk-button--secondary cspplan-move__button" ' in (
        response.text
    )
    row = response.text.split(f'id="section-{sections[1].pk}"')[1].split("</tr>")[0]
    assert (
        'value="down" class="govuk-button govuk-button--secondary cspplan-move__button"  autofocus'
        in row
    )


def test_the_first_section_cannot_move_up(client, administrator, plan, sections):
    client.force_login(administrator)

    response = client.post(_move(sections[0]), {"direction": "up"}, follow=True)

    assert "The section is already first." in response.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


def test_a_move_without_a_direction_is_refused(client, administrator, plan, sections):
    client.force_login(administrator)

    assert client.post(_move(sections[0]), {"direction": "sideways"}).status_code == 400
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


def test_a_removed_section_is_gone_after_the_confirmation(client, administrator, plan, sections):
    client.force_login(administrator)

    confirmation = client.get(_remove(sections[1]))
    assert "Are you sure you want to remove this section?" in confirmation.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]

    client.post(_remove(sections[1]))

    assert _titles(plan) == ["Foreword", "Contact details"]


@pytest.mark.parametrize("form", ["add", "edit"])
def test_a_form_posted_after_the_plan_left_draft_is_refused_with_the_text_kept(
    client, administrator, plan, sections, form
):
    client.force_login(administrator)
    url = _add(plan) if form == "add" else _edit(sections[0])
    _leave_draft(plan)

    response = client.post(url, SECTION_FORM | {"title": "Kept title", "body": "Kept words."})

    assert response.status_code == 409
    assert "can no longer be changed" in response.text
    assert "Your changes have not been saved." in response.text
    assert "Kept title" in response.text
    assert "Kept words." in response.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


def test_the_service_refuses_when_the_plan_left_draft_after_the_page_checked(
    client, administrator, plan, sections, monkeypatch
):
    """The view's check passed; the plan was sent for review before the save took its lock."""
    real_create = section_services.section_create

    def sent_for_review_meanwhile(**kwargs):
        _leave_draft(plan)
        return real_create(**kwargs)

    monkeypatch.setattr(section_views.sections, "section_create", sent_for_review_meanwhile)
    client.force_login(administrator)

    response = client.post(_add(plan), SECTION_FORM | {"title": "Kept title"})

    assert response.status_code == 409
    assert "Kept title" in response.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


@pytest.mark.parametrize("route", ["list", "add form", "move", "remove confirmation", "remove"])
def test_pages_of_a_plan_out_of_draft_are_refused(client, administrator, plan, sections, route):
    client.force_login(administrator)
    _leave_draft(plan)
    method, url, data = ROUTES[route](plan, sections)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "can no longer be changed" in response.text
    assert _titles(plan) == ["Foreword", "Introduction", "Contact details"]


def test_every_change_is_in_the_history_with_who_made_it(client, administrator, plan, sections):
    client.force_login(administrator)

    client.post(_add(plan), SECTION_FORM | {"title": "Afterword"})
    added = plan.sections.get(title="Afterword")
    client.post(_edit(added), SECTION_FORM | {"title": "Last word"})
    client.post(_move(added), {"direction": "up"})
    client.post(_remove(added))

    rows = Section.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.title, row.order) for row in rows] == [
        ("+", "Afterword", 4),
        ("~", "Last word", 4),
        ("~", "Last word", 3),
        ("-", "Last word", 3),
    ]
    assert {row.history_user for row in rows} == {administrator}
    swapped = Section.history.filter(id=sections[2].pk).latest("history_date", "history_id")
    assert (swapped.order, swapped.history_user) == (4, administrator)
