"""A partnership administrator keeps the subsections of a draft plan's sections ("3.1 Crime"):
adding, editing, moving and removing them under their section on the sections page, with the
house's refusals; they print after their section's text and nest under it in the contents of
the page and the PDF, and next year's plan copies them."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from plans import sections as section_services
from plans import subsection_views
from plans.document import plan_document
from plans.models import GlossaryTerm, Plan, PlanContentVersion, Section, Subsection
from plans.pdf import plan_pdf
from plans.plan_deletion import plan_delete
from plans.refresh import plan_start_next_year
from tests.test_plan_pdf import page_texts, words

pytestmark = pytest.mark.django_db

SUBSECTION_FORM = {"title": "Crime", "body": "<p>Crime fell by a tenth.</p>"}
FIRST_TITLES = ["Crime", "Anti-social behaviour", "Road safety"]


@pytest.fixture
def section(plan: Plan) -> Section:
    return Section.objects.create(
        plan=plan, order=1, title="The current picture", body="<p>How things stand.</p>"
    )


@pytest.fixture
def subsections(section: Section) -> list[Subsection]:
    return [
        Subsection.objects.create(
            section=section, order=order, title=title, body=f"<p>About {title.lower()}.</p>"
        )
        for order, title in enumerate(FIRST_TITLES, start=1)
    ]


def _list(plan: Plan) -> str:
    return reverse("priorities:sections", args=[plan.pk])


def _add(section: Section) -> str:
    return reverse("priorities:subsection_add", args=[section.pk])


def _edit(subsection: Subsection) -> str:
    return reverse("priorities:subsection_edit", args=[subsection.pk])


def _move(subsection: Subsection) -> str:
    return reverse("priorities:subsection_move", args=[subsection.pk])


def _remove(subsection: Subsection) -> str:
    return reverse("priorities:subsection_remove", args=[subsection.pk])


def _titles(section: Section) -> list[str]:
    return list(section.subsections.order_by("order").values_list("title", flat=True))


def _leave_draft(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)


# (method, url, data) for each route, given the section and its subsections.
ROUTES = {
    "add form": lambda section, s: ("get", _add(section), {}),
    "add": lambda section, s: ("post", _add(section), SUBSECTION_FORM),
    "edit form": lambda section, s: ("get", _edit(s[0]), {}),
    "edit": lambda section, s: ("post", _edit(s[0]), SUBSECTION_FORM),
    "move": lambda section, s: ("post", _move(s[0]), {"direction": "down"}),
    "remove confirmation": lambda section, s: ("get", _remove(s[0]), {}),
    "remove": lambda section, s: ("post", _remove(s[0]), {}),
}


# Who may use the pages


@pytest.mark.parametrize("route", ROUTES)
def test_an_administrator_uses_every_subsections_page(
    client, administrator, plan, section, subsections, route
):
    client.force_login(administrator)
    method, url, data = ROUTES[route](section, subsections)

    response = getattr(client, method)(url, data)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert response.url.startswith(_list(plan))


@pytest.mark.parametrize("route", ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, section, subsections, route):
    method, url, data = ROUTES[route](section, subsections)

    response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _titles(section) == FIRST_TITLES


@pytest.mark.parametrize("route", ROUTES)
def test_an_outsider_is_told_nothing(client, outsider, section, subsections, route):
    client.force_login(outsider)
    method, url, data = ROUTES[route](section, subsections)

    assert getattr(client, method)(url, data).status_code == 404
    assert _titles(section) == FIRST_TITLES


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
@pytest.mark.parametrize("route", ROUTES)
def test_members_who_are_not_administrators_are_refused(
    client, request, section, subsections, route, role
):
    client.force_login(request.getfixturevalue(role))
    method, url, data = ROUTES[route](section, subsections)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "Only administrators can change the plan." in response.text
    assert _titles(section) == FIRST_TITLES


@pytest.mark.parametrize(
    "method, route",
    [
        ("put", "add form"),
        ("delete", "edit form"),
        ("get", "move"),
        ("patch", "remove confirmation"),
    ],
)
def test_a_wrong_method_is_refused(client, administrator, section, subsections, method, route):
    client.force_login(administrator)
    _, url, _ = ROUTES[route](section, subsections)

    assert getattr(client, method)(url).status_code == 405
    assert _titles(section) == FIRST_TITLES


def test_a_subsection_that_does_not_exist_is_not_found(client, administrator, subsections):
    client.force_login(administrator)
    missing = Subsection.objects.order_by("pk").last().pk + 1

    assert client.get(reverse("priorities:subsection_edit", args=[missing])).status_code == 404
    assert client.get(reverse("priorities:subsection_add", args=[9999])).status_code == 404


# The sections page


def _add_sections(plan: Plan, count: int, *, subsections_each: int) -> None:
    start = plan.sections.count() + 1
    for order in range(start, start + count):
        added = Section.objects.create(plan=plan, order=order, title=f"Part {order}")
        for sub in range(1, subsections_each + 1):
            Subsection.objects.create(section=added, order=sub, title=f"Part {order}.{sub}")


def test_the_sections_page_lists_each_sections_subsections_under_it(
    client, administrator, plan, section, subsections
):
    Section.objects.create(plan=plan, order=2, title="Contact details")
    client.force_login(administrator)

    text = client.get(_list(plan)).text

    positions = [
        text.index(title) for title in ("The current picture", *FIRST_TITLES, "Contact details")
    ]
    assert positions == sorted(positions)
    for subsection in subsections:
        for url in (_edit(subsection), _remove(subsection), _move(subsection)):
            assert f'"{url}"' in text
    assert f'href="{_add(section)}"' in text


def test_the_sections_page_costs_no_query_per_section(client, administrator, plan):
    client.force_login(administrator)

    def queries_with(count: int) -> int:
        _add_sections(plan, count, subsections_each=1)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_list(plan)).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(5)


def test_the_subsection_pages_lead_back_to_the_sections(
    client, administrator, plan, section, subsections
):
    client.force_login(administrator)
    for url in (_add(section), _edit(subsections[0]), _remove(subsections[0])):
        assert f'class="govuk-breadcrumbs__link" href="{_list(plan)}"' in client.get(url).text, url


def test_the_subsection_form_loads_the_editor_in_the_head_with_the_nonce(
    client, administrator, section
):
    client.force_login(administrator)

    text = client.get(_add(section)).text

    head = text[: text.index("</head>")]
    assert "js/rich-text-editor.js" in head
    assert 'nonce="' in head[head.index("js/rich-text-editor.js") - 200 :]
    assert text.count("js/rich-text-editor.js") == 1


# Adding and editing


def test_an_added_subsection_goes_last_in_its_section(client, administrator, section, subsections):
    client.force_login(administrator)

    response = client.post(_add(section), {"title": "Fire", "body": "<p>Fewer fires.</p>"})

    added = section.subsections.order_by("order").last()
    assert (added.title, added.order, added.body) == ("Fire", 4, "<p>Fewer fires.</p>")
    assert response.url == f"{_list(section.plan)}#subsection-{added.pk}"


def test_the_first_subsection_of_a_section_takes_the_first_place(client, administrator, section):
    client.force_login(administrator)

    client.post(_add(section), SUBSECTION_FORM)

    assert section.subsections.get().order == 1


def test_an_edited_subsection_keeps_its_place(client, administrator, section, subsections):
    client.force_login(administrator)

    client.post(_edit(subsections[1]), {"title": "ASB", "body": "Typed plainly."})

    assert _titles(section) == ["Crime", "ASB", "Road safety"]
    subsections[1].refresh_from_db()
    assert subsections[1].body == "<p>Typed plainly.</p>"


def test_a_word_style_body_is_saved_sanitised(client, administrator, section):
    client.force_login(administrator)

    client.post(
        _add(section),
        {"title": "Crime", "body": '<p class="MsoNormal" onclick="x()">Safe</p><script>1</script>'},
    )

    assert section.subsections.get().body == "<p>Safe</p>"


@pytest.mark.parametrize("form", ["add", "edit"])
def test_a_form_without_a_title_says_so_beside_the_field_and_keeps_the_text(
    client, administrator, section, subsections, form
):
    client.force_login(administrator)
    url = _add(section) if form == "add" else _edit(subsections[0])

    response = client.post(url, {"title": "", "body": "Typed with care."})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert 'id="id_title_1_error"' in response.text
    assert "Enter the subsection&#x27;s title" in response.text
    assert "Typed with care." in response.text
    assert _titles(section) == FIRST_TITLES


def test_a_control_character_in_the_title_is_refused_beside_the_field(
    client, administrator, section
):
    client.force_login(administrator)

    response = client.post(_add(section), {"title": "Crime\x00", "body": "Kept."})

    assert response.status_code == 200
    assert 'id="id_title_1_error"' in response.text
    assert not section.subsections.exists()


@pytest.mark.parametrize("form", ["add", "edit"])
def test_a_form_posted_after_the_plan_left_draft_is_refused_with_the_text_kept(
    client, administrator, plan, section, subsections, form
):
    client.force_login(administrator)
    url = _add(section) if form == "add" else _edit(subsections[0])
    _leave_draft(plan)

    response = client.post(url, {"title": "Kept title", "body": "Kept words."})

    assert response.status_code == 409
    assert "can no longer be changed" in response.text
    assert "Your changes have not been saved." in response.text
    assert "Kept title" in response.text
    assert "Kept words." in response.text
    assert _titles(section) == FIRST_TITLES


def test_the_service_refuses_when_the_plan_left_draft_after_the_page_checked(
    client, administrator, plan, section, subsections, monkeypatch
):
    """The view's check passed; the plan was sent for review before the save took its lock."""
    real_update = section_services.subsection_update

    def sent_for_review_meanwhile(**kwargs):
        _leave_draft(plan)
        return real_update(**kwargs)

    monkeypatch.setattr(subsection_views.sections, "subsection_update", sent_for_review_meanwhile)
    client.force_login(administrator)

    response = client.post(_edit(subsections[0]), {"title": "Kept title", "body": "Kept."})

    assert response.status_code == 409
    assert "Kept title" in response.text
    assert _titles(section) == FIRST_TITLES


def test_an_edit_of_a_subsection_removed_meanwhile_is_refused_with_the_text_kept(
    client, administrator, section, subsections, monkeypatch
):
    real_update = section_services.subsection_update

    def removed_meanwhile(**kwargs):
        Subsection.objects.filter(pk=kwargs["subsection"].pk).delete()
        return real_update(**kwargs)

    monkeypatch.setattr(subsection_views.sections, "subsection_update", removed_meanwhile)
    client.force_login(administrator)

    response = client.post(_edit(subsections[0]), {"title": "Kept title", "body": "Kept."})

    assert response.status_code == 409
    assert "This subsection has been removed meanwhile." in response.text
    assert "Kept title" in response.text


@pytest.mark.parametrize(
    "route", ["add form", "edit form", "move", "remove confirmation", "remove"]
)
def test_pages_of_a_plan_out_of_draft_are_refused(
    client, administrator, plan, section, subsections, route
):
    client.force_login(administrator)
    _leave_draft(plan)
    method, url, data = ROUTES[route](section, subsections)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "can no longer be changed" in response.text
    assert _titles(section) == FIRST_TITLES


# Moving


def test_a_subsection_moves_down_and_up(client, administrator, plan, section, subsections):
    client.force_login(administrator)

    response = client.post(_move(subsections[0]), {"direction": "down"})
    assert _titles(section) == ["Anti-social behaviour", "Crime", "Road safety"]
    assert response.url == f"{_list(plan)}?moved_subsection={subsections[0].pk}&direction=down"

    client.post(_move(subsections[2]), {"direction": "up"})
    assert _titles(section) == ["Anti-social behaviour", "Road safety", "Crime"]


def test_the_first_subsection_cannot_move_up_nor_the_last_down(
    client, administrator, section, subsections
):
    client.force_login(administrator)

    first = client.post(_move(subsections[0]), {"direction": "up"}, follow=True)
    last = client.post(_move(subsections[2]), {"direction": "down"}, follow=True)

    assert "The subsection is already first in its section." in first.text
    assert "The subsection is already last in its section." in last.text
    assert _titles(section) == FIRST_TITLES


def test_a_subsection_moves_only_among_its_own_sections_subsections(
    client, administrator, plan, section, subsections
):
    other = Section.objects.create(plan=plan, order=2, title="Contact details")
    lone = Subsection.objects.create(section=other, order=1, title="Addresses")
    client.force_login(administrator)

    client.post(_move(lone), {"direction": "up"})
    client.post(_move(subsections[2]), {"direction": "down"})

    assert _titles(other) == ["Addresses"]
    assert _titles(section) == FIRST_TITLES


def test_a_move_without_a_direction_is_refused(client, administrator, section, subsections):
    client.force_login(administrator)

    assert client.post(_move(subsections[0]), {"direction": "sideways"}).status_code == 400
    assert _titles(section) == FIRST_TITLES


def test_the_moved_subsections_button_keeps_the_focus(client, administrator, section, subsections):
    client.force_login(administrator)

    response = client.post(_move(subsections[1]), {"direction": "up"}, follow=True)

    row = response.text.split(f'id="subsection-{subsections[1].pk}"')[1].split("</tr>")[0]
    # It is first now, so "up" is disabled and the focus goes to "down".
    assert 'cspplan-move__button"  autofocus>Move down' in row
    assert response.text.count("autofocus") == 1


# Removing


def test_a_removed_subsection_is_gone_after_the_confirmation(
    client, administrator, section, subsections
):
    client.force_login(administrator)

    confirmation = client.get(_remove(subsections[1]))
    assert "Are you sure you want to remove this subsection?" in confirmation.text
    assert _titles(section) == FIRST_TITLES

    client.post(_remove(subsections[1]))

    assert _titles(section) == ["Crime", "Road safety"]


def test_removing_a_section_removes_its_subsections_signed_by_the_administrator(
    client, administrator, section, subsections
):
    client.force_login(administrator)

    client.post(reverse("priorities:section_remove", args=[section.pk]))

    assert not Subsection.objects.exists()
    removed = Subsection.history.filter(history_type="-")
    assert removed.count() == 3
    assert {record.history_user for record in removed} == {administrator}


def test_every_change_is_in_the_history_with_who_made_it(
    client, administrator, section, subsections
):
    client.force_login(administrator)

    client.post(_add(section), {"title": "Fire", "body": ""})
    added = section.subsections.get(title="Fire")
    client.post(_edit(added), {"title": "Fire safety", "body": ""})
    client.post(_move(added), {"direction": "up"})
    client.post(_remove(added))

    rows = Subsection.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.title, row.order) for row in rows] == [
        ("+", "Fire", 4),
        ("~", "Fire safety", 4),
        ("~", "Fire safety", 3),
        ("-", "Fire safety", 3),
    ]
    assert {row.history_user for row in rows} == {administrator}
    swapped = Subsection.history.filter(id=subsections[2].pk).latest("history_date", "history_id")
    assert (swapped.order, swapped.history_user) == (4, administrator)


# The plan's page, its contents and its PDF


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_the_plan_page_shows_subsections_after_their_sections_text(
    client, viewer, plan, section, subsections
):
    client.force_login(viewer)

    text = client.get(plan.get_absolute_url()).text

    body = text.index("How things stand.")
    for subsection in subsections:
        heading = (
            f'<h3 class="govuk-heading-m" id="subsection-{subsection.pk}-heading">'
            f"{subsection.title}</h3>"
        )
        assert f'id="subsection-{subsection.pk}"' in text
        assert body < text.index(heading) < text.index(f"About {subsection.title.lower()}.")


def test_the_contents_nest_subsections_under_their_section(
    client, viewer, plan, section, subsections
):
    Section.objects.create(plan=plan, order=2, title="Contact details")
    client.force_login(viewer)

    contents = _between(
        client.get(plan.get_absolute_url()).text, '<nav class="plan-contents"', "</nav>"
    )

    nested = _between(contents, f'href="#{section_anchor(section)}"', "Contact details")
    assert '<ol class="govuk-list govuk-list--number plan-contents__subsections">' in nested
    for subsection in subsections:
        assert (
            f'<a class="govuk-link" href="#subsection-{subsection.pk}">{subsection.title}</a>'
            in (nested)
        )


def section_anchor(section: Section) -> str:
    return f"section-{section.pk}"


def test_a_subsections_glossary_term_is_printed_in_the_glossary(plan, section):
    GlossaryTerm.objects.create(partnership=plan.partnership, term="MARAC", meaning="Meeting")
    Subsection.objects.create(section=section, order=1, title="Risk", body="<p>The MARAC.</p>")

    assert [term.term for term in plan_document(plan).glossary] == ["MARAC"]


def test_the_document_costs_no_query_per_section(plan):
    def queries_with(count: int) -> int:
        _add_sections(plan, count, subsections_each=2)
        fresh = Plan.objects.select_related("partnership").get(pk=plan.pk)
        with CaptureQueriesContext(connection) as queries:
            plan_document(fresh)
        return len(queries)

    assert queries_with(1) == queries_with(6)


def test_the_pdf_prints_subsections_lists_them_in_the_contents_and_nests_their_bookmarks(
    plan, section, subsections
):
    pdf = plan_pdf(plan_document(Plan.objects.select_related("partnership").get(pk=plan.pk)))
    pages = page_texts(pdf)

    text = words(" ".join(pages))
    assert "About crime." in text
    assert (
        text.index("How things stand.")
        < text.index("About crime.")
        < text.index("About road safety.")
    )
    contents = words(pages[1])
    for title in ("The current picture", *FIRST_TITLES):
        assert title in contents
    assert _bookmarks_under(PdfReader(io.BytesIO(pdf)).outline, "The current picture") == (
        FIRST_TITLES
    )


def _bookmarks_under(outline: list, title: str) -> list[str] | None:
    """The titles of the bookmarks nested under the one titled so (pypdf gives a bookmark's
    children as the list that follows it)."""
    for position, item in enumerate(outline):
        if isinstance(item, list):
            if (found := _bookmarks_under(item, title)) is not None:
                return found
        elif item.title == title:
            following = outline[position + 1] if position + 1 < len(outline) else None
            children = following if isinstance(following, list) else []
            return [child.title for child in children if not isinstance(child, list)]
    return None


# What a change shows at once, next year's plan, and deleting a plan


def _version(plan: Plan) -> int:
    return PlanContentVersion.objects.get(plan=plan).version


@pytest.mark.parametrize(
    "change",
    [
        lambda section: Subsection.objects.create(section=section, order=9, title="New"),
        lambda section: Subsection.objects.filter(section=section).update(body="<p>New</p>"),
        lambda section: Subsection.objects.filter(section=section).delete(),
    ],
    ids=["added", "edited", "removed"],
)
def test_every_change_to_a_subsection_moves_the_plans_content_version_on(
    plan, section, subsections, change
):
    before = _version(plan)

    change(section)

    assert _version(plan) > before


def test_a_subsection_edit_shows_on_the_very_next_view_of_a_draft(
    client, viewer, plan, section, subsections
):
    client.force_login(viewer)
    first = client.get(plan.get_absolute_url())
    assert "About crime." in first.text

    Subsection.objects.filter(pk=subsections[0].pk).update(body="<p>Crime halved.</p>")
    response = client.get(plan.get_absolute_url())

    assert "Crime halved." in response.text
    assert "About crime." not in response.text


def test_next_years_plan_copies_each_sections_subsections(
    administrator, plan, section, subsections
):
    other = Section.objects.create(plan=plan, order=2, title="Contact details")
    Subsection.objects.create(section=other, order=1, title="Addresses", body="<p>Here.</p>")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()

    new = plan_start_next_year(plan=plan, user=administrator)

    copied = {
        s.title: [(sub.order, sub.title, sub.body) for sub in s.subsections.order_by("order")]
        for s in new.sections.all()
    }
    assert copied == {
        "The current picture": [
            (1, "Crime", "<p>About crime.</p>"),
            (2, "Anti-social behaviour", "<p>About anti-social behaviour.</p>"),
            (3, "Road safety", "<p>About road safety.</p>"),
        ],
        "Contact details": [(1, "Addresses", "<p>Here.</p>")],
    }
    assert _titles(section) == FIRST_TITLES
    created = Subsection.history.filter(section__plan=new, history_type="+")
    assert created.count() == 4
    assert {record.history_user for record in created} == {administrator}


def test_deleting_a_draft_plan_deletes_its_subsections_with_history(
    superuser, plan, section, subsections
):
    plan_delete(plan=plan, user=superuser)

    assert not Subsection.objects.exists()
    deleted = Subsection.history.filter(history_type="-")
    assert {record.history_user for record in deleted} == {superuser}
    assert deleted.count() == 3
