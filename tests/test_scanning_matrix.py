"""The strategic assessment's scanning matrix: held as data, edited on one grid page by the
partnership's administrators, and printed as a real table in the plan's web page and PDF,
where no word of it is broken and large print stays 16pt and on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.document import plan_document
from plans.models import (
    Plan,
    PlanContentVersion,
    ScanningCategory,
    ScanningCriterion,
    ScanningMark,
    ScanningMatrix,
)
from plans.pdf import plan_pdf
from plans.plan_deletion import plan_delete
from priorities.models import Priority
from tests.pdf_geometry import MM, pages

pytestmark = pytest.mark.django_db

CRITERIA = ["Volume", "Trend", "Harm", "Public concern", "Partnership capacity"]
ROWS = [
    ("Acquisitive crime", None, ["H", "M", "M", "H", "H"], "Falling but still high.", "included"),
    ("Burglary dwelling", "Acquisitive crime", ["M", "L", "H", "H", "M"], "", "included"),
    ("Vehicle crime", "Acquisitive crime", ["H", "L", "L", "M", "H"], "Police lead.", "excluded"),
    ("Anti-social behaviour", None, ["H", "H", "M", "H", "H"], "Top public concern.", "included"),
    ("Deliberate fires", None, ["L", "L", "H", "L", "M"], "Fire service plan.", "excluded"),
]


def build_matrix(plan: Plan, criteria=CRITERIA, rows=ROWS) -> ScanningMatrix:
    matrix = ScanningMatrix.objects.create(plan=plan, key="H: high, M: medium, L: low")
    columns = [
        ScanningCriterion.objects.create(matrix=matrix, order=order, name=name)
        for order, name in enumerate(criteria, start=1)
    ]
    made: dict[str, ScanningCategory] = {}
    for order, (name, parent, marks, comment, decision) in enumerate(rows, start=1):
        made[name] = ScanningCategory.objects.create(
            matrix=matrix,
            parent=made.get(parent),
            order=order,
            name=name,
            comment=comment,
            decision=decision,
        )
        for criterion, text in zip(columns, marks, strict=True):
            ScanningMark.objects.create(category=made[name], criterion=criterion, text=text)
    return matrix


def _document(plan: Plan):
    return plan_document(Plan.objects.select_related("partnership").get(pk=plan.pk))


def _matrix_pages(pdf: bytes):
    """The pages the matrix's tables are on: each repeats the header of its category column."""
    return [page for page in pages(pdf) if any(text.text == "Category" for text in page.texts)]


@pytest.fixture
def matrix(plan: Plan) -> ScanningMatrix:
    return build_matrix(plan)


def _grid_url(plan: Plan) -> str:
    return reverse("plans:scanning", args=[plan.pk])


def _grid_post(matrix: ScanningMatrix, **changes: str) -> dict:
    """Everything the grid page shows, as posted back, with `changes` on top."""
    data = {"rows": ",".join(str(c.pk) for c in matrix.categories.all())}
    marks = {(m.category_id, m.criterion_id): m.text for m in ScanningMark.objects.all()}
    for category in matrix.categories.all():
        for criterion in matrix.criteria.all():
            data[f"mark_{category.pk}_{criterion.pk}"] = marks.get((category.pk, criterion.pk), "")
        data[f"comment_{category.pk}"] = category.comment
        data[f"decision_{category.pk}"] = category.decision
    data.update(changes)
    return data


def _category(name: str) -> ScanningCategory:
    return ScanningCategory.objects.get(name=name)


def _criterion(name: str) -> ScanningCriterion:
    return ScanningCriterion.objects.get(name=name)


def _mark(category: str, criterion: str) -> str:
    mark = ScanningMark.objects.filter(
        category=_category(category), criterion=_criterion(criterion)
    ).first()
    return mark.text if mark else ""


# The data and the database's rules


def test_a_row_without_a_category_name_is_refused_by_the_database(matrix):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanningCategory.objects.create(matrix=matrix, order=99, name="")


def test_a_row_without_a_category_name_is_refused_by_validation(matrix):
    with pytest.raises(ValidationError) as refused:
        ScanningCategory(matrix=matrix, order=99, name="").full_clean()
    assert "name" in refused.value.message_dict


def test_two_criteria_cannot_share_a_place(matrix):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanningCriterion.objects.create(matrix=matrix, order=1, name="Cost")
    with pytest.raises(ValidationError) as refused:
        ScanningCriterion(matrix=matrix, order=1, name="Cost").full_clean()
    assert "Another criterion of this matrix already has that place." in str(refused.value)


def test_two_categories_cannot_share_a_place(matrix):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanningCategory.objects.create(matrix=matrix, order=1, name="Drugs")


def test_a_cell_holds_one_mark(matrix):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanningMark.objects.create(
            category=_category("Vehicle crime"), criterion=_criterion("Harm"), text="H"
        )


def test_a_mark_for_a_criterion_of_another_matrix_is_refused(matrix, other_partnership):
    other_plan = Plan.objects.create(
        partnership=other_partnership, title="Plan", slug="plan", start_year=2010, end_year=2011
    )
    other = ScanningMatrix.objects.create(plan=other_plan)
    foreign = ScanningCriterion.objects.create(matrix=other, order=1, name="Cost")
    mark = ScanningMark(category=_category("Vehicle crime"), criterion=foreign, text="H")
    with pytest.raises(ValidationError) as refused:
        mark.full_clean()
    assert "Choose a criterion of the category's matrix." in str(refused.value)
    rule = "scanning_mark_category_and_criterion_in_one_matrix"
    with pytest.raises(IntegrityError, match=rule), transaction.atomic():
        mark.save()


def test_a_sub_category_must_be_under_a_category_of_the_same_matrix(matrix, other_partnership):
    other_plan = Plan.objects.create(
        partnership=other_partnership, title="Plan", slug="plan", start_year=2010, end_year=2011
    )
    other = ScanningMatrix.objects.create(plan=other_plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanningCategory.objects.create(
            matrix=other, order=1, name="Shoplifting", parent=_category("Acquisitive crime")
        )


def test_sub_categories_have_no_sub_categories_of_their_own(matrix):
    row = ScanningCategory(matrix=matrix, order=50, name="Theft from cars")
    row.parent = _category("Vehicle crime")
    with pytest.raises(ValidationError):
        row.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_category_with_sub_categories_cannot_become_one(matrix):
    acquisitive = _category("Acquisitive crime")
    acquisitive.parent = _category("Deliberate fires")
    with pytest.raises(IntegrityError), transaction.atomic():
        acquisitive.save()


def test_a_priority_names_only_categories_of_its_own_plan(matrix, priority, other_partnership):
    priority.assessment_categories.add(_category("Anti-social behaviour"))
    other_plan = Plan.objects.create(
        partnership=other_partnership, title="Plan", slug="plan", start_year=2010, end_year=2011
    )
    other = ScanningMatrix.objects.create(plan=other_plan)
    foreign = ScanningCategory.objects.create(matrix=other, order=1, name="Drugs")
    with pytest.raises(IntegrityError), transaction.atomic():
        priority.assessment_categories.add(foreign)


def test_every_change_to_the_matrix_changes_the_plans_content_version(matrix, priority):
    def version() -> int:
        return PlanContentVersion.objects.get(plan=matrix.plan).version

    steps = [
        lambda: ScanningMark.objects.filter(text="H").update(text="X"),
        lambda: ScanningCategory.objects.filter(name="Vehicle crime").update(comment="New"),
        lambda: ScanningCriterion.objects.filter(name="Trend").update(name="Direction"),
        lambda: ScanningMatrix.objects.filter(pk=matrix.pk).update(title="Scanning"),
        lambda: priority.assessment_categories.add(_category("Deliberate fires")),
        lambda: priority.assessment_categories.clear(),
        lambda: ScanningMark.objects.filter(text="L").delete(),
    ]
    for step in steps:
        before = version()
        step()
        assert version() > before


# The grid page


def test_administrator_saves_the_whole_grid_at_once(client, administrator, matrix):
    client.force_login(administrator)
    burglary, fires = _category("Burglary dwelling"), _category("Deliberate fires")
    harm = _criterion("Harm")
    data = _grid_post(
        matrix,
        **{
            f"mark_{burglary.pk}_{harm.pk}": " 3 ",
            f"mark_{fires.pk}_{harm.pk}": "",
            f"comment_{burglary.pk}": "Up a fifth on last year.",
            f"decision_{fires.pk}": "undecided",
        },
    )

    response = client.post(_grid_url(matrix.plan), data)

    assert response.status_code == 302
    assert _mark("Burglary dwelling", "Harm") == "3"
    assert _mark("Deliberate fires", "Harm") == ""
    assert _category("Burglary dwelling").comment == "Up a fifth on last year."
    assert _category("Deliberate fires").decision == "undecided"
    assert _category("Burglary dwelling").history.first().history_user == administrator


def test_grid_page_shows_a_table_with_headers_for_each_cell(client, administrator, matrix):
    client.force_login(administrator)

    page = client.get(_grid_url(matrix.plan)).content.decode()

    assert '<th scope="col" class="govuk-table__header">Public concern</th>' in page
    assert "Volume mark for Burglary dwelling" in page
    assert 'name="decision_' in page


def test_a_bad_cell_is_shown_beside_itself_and_nothing_is_saved(client, administrator, matrix):
    client.force_login(administrator)
    burglary, fires = _category("Burglary dwelling"), _category("Deliberate fires")
    volume, harm = _criterion("Volume"), _criterion("Harm")
    data = _grid_post(
        matrix,
        **{
            f"mark_{burglary.pk}_{volume.pk}": "Very very high",
            f"mark_{fires.pk}_{harm.pk}": "M",
            f"comment_{fires.pk}": "Typed and kept",
            f"decision_{burglary.pk}": "maybe",
        },
    )

    response = client.post(_grid_url(matrix.plan), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The Volume mark for Burglary dwelling must be 10 characters or fewer" in page
    assert "Choose a decision on Burglary dwelling from the list" in page
    assert f'id="id_mark_{burglary.pk}_{volume.pk}-error"' in page
    assert 'value="Very very high"' in page
    assert "Typed and kept" in page
    assert _mark("Deliberate fires", "Harm") == "H"
    assert _category("Deliberate fires").comment == "Fire service plan."


def test_control_characters_in_a_mark_are_refused_beside_it(client, administrator, matrix):
    client.force_login(administrator)
    fires, harm = _category("Deliberate fires"), _criterion("Harm")

    response = client.post(
        _grid_url(matrix.plan), _grid_post(matrix, **{f"mark_{fires.pk}_{harm.pk}": "H\x00"})
    )

    assert "invisible control characters" in response.content.decode()
    assert _mark("Deliberate fires", "Harm") == "H"


def test_a_row_added_while_the_grid_was_open_is_left_alone(client, administrator, matrix):
    client.force_login(administrator)
    data = _grid_post(matrix)
    ScanningCategory.objects.create(matrix=matrix, order=20, name="Drugs", comment="Kept")

    response = client.post(_grid_url(matrix.plan), data)

    assert response.status_code == 302
    assert _category("Drugs").comment == "Kept"


def test_anonymous_visitor_is_sent_to_sign_in(client, matrix):
    response = client.get(_grid_url(matrix.plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsider_is_told_nothing(client, outsider, matrix):
    client.force_login(outsider)

    assert client.get(_grid_url(matrix.plan)).status_code == 404


def test_viewer_is_refused(client, viewer, matrix):
    client.force_login(viewer)

    assert client.get(_grid_url(matrix.plan)).status_code == 403
    assert client.post(_grid_url(matrix.plan), _grid_post(matrix)).status_code == 403


def test_grid_refuses_other_methods(client, administrator, matrix):
    client.force_login(administrator)

    assert client.put(_grid_url(matrix.plan)).status_code == 405
    criterion = _criterion("Harm")
    assert (
        client.get(reverse("plans:scanning_criterion_move", args=[criterion.pk])).status_code == 405
    )


def test_grid_posted_after_the_plan_left_draft_comes_back_with_what_was_typed(
    client, administrator, matrix
):
    client.force_login(administrator)
    fires, harm = _category("Deliberate fires"), _criterion("Harm")
    data = _grid_post(matrix, **{f"mark_{fires.pk}_{harm.pk}": "Z"})
    Plan.objects.filter(pk=matrix.plan.pk).update(status=Plan.Status.IN_REVIEW)

    response = client.post(_grid_url(matrix.plan), data)

    assert response.status_code == 409
    assert 'value="Z"' in response.content.decode()
    assert "Your changes have not been saved." in response.content.decode()
    assert _mark("Deliberate fires", "Harm") == "H"


# Criteria and categories


def test_administrator_adds_renames_moves_and_removes_a_criterion(client, administrator, plan):
    client.force_login(administrator)

    for name in ("Volume", "Harm"):
        response = client.post(
            reverse("plans:scanning_criterion_add", args=[plan.pk]), {"name": name}
        )
        assert response.status_code == 302
    harm = _criterion("Harm")
    client.post(reverse("plans:scanning_criterion_edit", args=[harm.pk]), {"name": "Severity"})
    client.post(reverse("plans:scanning_criterion_move", args=[harm.pk]), {"direction": "up"})

    assert [c.name for c in plan.scanning_matrix.criteria.order_by("order")] == [
        "Severity",
        "Volume",
    ]
    client.post(reverse("plans:scanning_criterion_remove", args=[harm.pk]))
    assert [c.name for c in plan.scanning_matrix.criteria.all()] == ["Volume"]


def test_criterion_without_a_name_is_refused_beside_the_field(client, administrator, plan):
    client.force_login(administrator)

    response = client.post(reverse("plans:scanning_criterion_add", args=[plan.pk]), {"name": ""})

    assert response.status_code == 200
    assert "Enter the criterion&#x27;s name" in response.content.decode()
    assert not ScanningCriterion.objects.exists()


def test_category_without_a_name_is_refused_beside_the_field(client, administrator, plan):
    client.force_login(administrator)

    response = client.post(reverse("plans:scanning_category_add", args=[plan.pk]), {"name": " "})

    assert "Enter the category&#x27;s name" in response.content.decode()
    assert not ScanningCategory.objects.exists()


def test_administrator_adds_a_sub_category_and_moves_it_among_its_siblings(
    client, administrator, matrix
):
    client.force_login(administrator)
    acquisitive = _category("Acquisitive crime")
    url = reverse("plans:scanning_category_add", args=[matrix.plan.pk])

    client.post(url, {"name": "Shoplifting", "parent": acquisitive.pk})
    client.post(
        reverse("plans:scanning_category_move", args=[_category("Shoplifting").pk]),
        {"direction": "up"},
    )

    document = _document(matrix.plan)
    names = [row.category.name for row in document.scanning_matrix.rows]
    assert names[:4] == [
        "Acquisitive crime",
        "Burglary dwelling",
        "Shoplifting",
        "Vehicle crime",
    ]


def test_a_sub_category_cannot_be_put_under_a_sub_category(client, administrator, matrix):
    client.force_login(administrator)

    response = client.post(
        reverse("plans:scanning_category_add", args=[matrix.plan.pk]),
        {"name": "Theft from cars", "parent": _category("Vehicle crime").pk},
    )

    assert "Choose one of the matrix&#x27;s categories" in response.content.decode()
    assert not ScanningCategory.objects.filter(name="Theft from cars").exists()


def test_removing_a_category_removes_its_sub_categories_and_marks(client, administrator, matrix):
    client.force_login(administrator)

    client.post(reverse("plans:scanning_category_remove", args=[_category("Acquisitive crime").pk]))

    assert set(matrix.categories.values_list("name", flat=True)) == {
        "Anti-social behaviour",
        "Deliberate fires",
    }
    assert ScanningMark.objects.count() == 10


# The matrix in the plan's document

WIDE_CRITERIA = [
    "Volume",
    "Trend",
    "Harm to victims",
    "Public concern",
    "Partnership capacity",
    "Cost to society",
    "Vulnerability",
    "Geographical concentration",
    "Repeat victimisation",
    "Community cohesion",
]


def _body(page):
    """The page's text less its running header and footer, which sit in the margins."""
    return [text for text in page.texts if 20 * MM < text.y < page.height - 22 * MM]


def _assert_matrix_printed_whole(pdf: bytes, criteria: list[str], *, smallest: float) -> None:
    printed = _matrix_pages(pdf)
    assert printed
    words_printed: set[str] = set()
    for page in printed:
        assert page.width > page.height, f"page {page.number} is not landscape"
        for text in page.texts:
            assert text.x >= 18 * MM - 1, f"{text.text!r} starts in the left margin"
            assert text.right <= page.width - 18 * MM + 1, f"{text.text!r} runs off the page"
        for text in _body(page):
            assert round(text.size, 1) >= smallest, f"{text.text!r} is {text.size}pt"
            words_printed.update(text.text.split())
    names = criteria + [row[0] for row in ROWS]
    expected = {word for name in names for word in name.split()}
    assert expected - words_printed == set()


def test_the_matrix_prints_on_a_landscape_page_with_every_word_whole_and_inside_it(plan):
    build_matrix(plan)

    pdf = plan_pdf(_document(plan))

    _assert_matrix_printed_whole(pdf, CRITERIA, smallest=10)
    first = _matrix_pages(pdf)[0]
    assert {"H", "M", "L", "Included", "Excluded"} <= {t.text for t in first.texts}
    portrait = [page for page in pages(pdf) if page.width < page.height]
    assert portrait, "the rest of the plan stays on portrait pages"


def test_a_wide_matrix_is_split_over_stacked_tables_that_each_fit(plan):
    rows = [(name, parent, ["H"] * len(WIDE_CRITERIA), c, d) for name, parent, _, c, d in ROWS]
    build_matrix(plan, criteria=WIDE_CRITERIA, rows=rows)

    document = _document(plan)
    pdf = plan_pdf(document)

    assert len(document.scanning_matrix.parts) > 1
    _assert_matrix_printed_whole(pdf, WIDE_CRITERIA, smallest=10)


def test_large_print_matrix_is_at_least_16pt_and_inside_the_page(plan):
    build_matrix(plan)

    pdf = plan_pdf(_document(plan), large_print=True)

    _assert_matrix_printed_whole(pdf, CRITERIA, smallest=16)


def test_the_print_stylesheets_never_break_the_matrix_inside_a_word():
    css = "\n".join(
        Path(finders.find(name)).read_text()
        for name in ("css/plan-document.css", "css/plan-print.css", "css/plan-pdf.css")
    )
    rules = [rule for rule in css.split("}") if "plan-scanning" in rule]
    assert rules
    assert not any("break-all" in rule or "anywhere" in rule for rule in rules)
    assert "@page scanning { size: A4 landscape; }" in css


def test_plan_page_shows_the_matrix_as_a_table_with_the_priorities_traced(
    client, viewer, matrix, priority
):
    priority.assessment_categories.add(_category("Anti-social behaviour"))
    client.force_login(viewer)

    page = client.get(
        reverse("plans:plan_detail", args=[matrix.plan.partnership.slug, matrix.plan.slug])
    ).content.decode()

    assert '<caption class="govuk-table__caption govuk-table__caption--m">Strategic' in page
    assert 'scope="col" class="govuk-table__header plan-scanning__criterion">Public concern' in (
        page
    )
    assert "plan-scanning__category--sub" in page
    assert "Priorities chosen from “Anti-social behaviour”" in page
    assert f'href="#priority-{priority.pk}"' in page
    assert page.index("scanning-matrix-heading") < page.index(f'id="priority-{priority.pk}"')


def test_administrator_traces_a_priority_to_the_category_it_came_from(
    client, administrator, matrix, priority
):
    client.force_login(administrator)
    asb = _category("Anti-social behaviour")

    response = client.post(
        reverse("plans:scanning_category_edit", args=[asb.pk]),
        {"name": asb.name, "parent": "", "priorities": [priority.pk]},
    )

    assert response.status_code == 302
    assert list(priority.assessment_categories.all()) == [asb]
    row = next(row for row in _document(matrix.plan).scanning_matrix.rows if row.category == asb)
    assert [link.title for link in row.priorities] == [priority.title]
    edit_page = client.get(reverse("plans:scanning_category_edit", args=[asb.pk]))
    assert "checked" in edit_page.content.decode()


def test_a_priority_of_another_plan_cannot_be_traced(
    client, administrator, matrix, priority, other_partnership
):
    other_plan = Plan.objects.create(
        partnership=other_partnership, title="Plan", slug="plan", start_year=2010, end_year=2011
    )
    foreign = Priority.objects.create(plan=other_plan, order=1, title="Road safety")
    client.force_login(administrator)
    asb = _category("Anti-social behaviour")

    response = client.post(
        reverse("plans:scanning_category_edit", args=[asb.pk]),
        {"name": asb.name, "priorities": [foreign.pk]},
    )

    assert "Choose among the plan&#x27;s priorities" in response.content.decode()
    assert not foreign.assessment_categories.exists()


def test_deleting_a_draft_plan_deletes_its_matrix_with_history(matrix, priority, superuser):
    priority.assessment_categories.add(_category("Anti-social behaviour"))

    plan_delete(plan=matrix.plan, user=superuser)

    assert not ScanningMatrix.objects.exists()
    assert not ScanningMark.objects.exists()
    deleted = ScanningCategory.history.filter(history_type="-", name="Burglary dwelling").get()
    assert deleted.history_user == superuser
