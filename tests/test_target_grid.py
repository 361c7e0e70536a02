"""Targets tables as plans write them: areas of any kind, a labelled total row, figures entered
or pasted on one grid, and change printed as each table sets it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from pypdf import PdfReader

from indicators import target_measures
from indicators.models import (
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from indicators.target_measures import AreaLine, ColumnLine
from indicators.targets import measure_entry
from plans.document import plan_document
from plans.models import District, Plan, PlanContentVersion
from plans.pdf import plan_pdf

pytestmark = pytest.mark.django_db
Kind = LocalTargetMeasure.Kind
ChangeShown = LocalTargetMeasure.ChangeShown


def _table(plan, administrator, *, kind=Kind.COUNT, **settings) -> LocalTargetMeasure:
    fields = {
        "name": "Serious acquisitive crime",
        "unit": "offences",
        "kind": kind,
        "change_shown": ChangeShown.YEAR_ON_YEAR,
        "precision": 1,
        "total_label": "Cambridgeshire",
        "change_label": "",
        "intro": "",
        "footnote": "",
        **settings,
    }
    return target_measures.measure_create(
        plan=plan,
        user=administrator,
        areas=[AreaLine("Ely", None), AreaLine("Ely division", "division")],
        columns=[ColumnLine(2009, ""), ColumnLine(2010, ""), ColumnLine(2011, "")],
        baseline_year=2009,
        **fields,
    )


@pytest.fixture
def table(plan, administrator) -> LocalTargetMeasure:
    District.objects.create(partnership=plan.partnership, name="Ely", order=1)
    return _table(plan, administrator)


def _grid_url(measure) -> str:
    return reverse("priorities:target_grid", args=[measure.pk])


def _cell(measure, area_name: str, year: int) -> str:
    row = next(row for row in measure.rows.select_related("area") if row.area_name == area_name)
    return f"cell-{row.pk}-{year}"


def _figures(measure) -> dict[tuple[str, int], Decimal]:
    return {
        (value.target.area_name, value.year): value.value
        for value in LocalTargetValue.objects.filter(target__measure=measure).select_related(
            "target__area", "target__measure"
        )
    }


# The table's areas


def test_a_table_reuses_the_district_and_names_a_division_and_its_total(table):
    rows = list(table.rows.select_related("area"))

    assert [row.area_name for row in rows] == ["Ely", "Ely division", "Cambridgeshire"]
    assert [(row.area.kind, row.area.district_id is not None) for row in rows[:2]] == [
        ("district", True),
        ("division", False),
    ]


def test_a_table_without_a_total_label_has_no_total_row(plan, administrator):
    measure = _table(plan, administrator, total_label="")

    assert list(measure.rows.values_list("area__name", flat=True)) == ["Ely", "Ely division"]


# The grid


def test_the_grid_labels_every_input_with_its_area_and_year(client, administrator, table):
    client.force_login(administrator)

    response = client.get(_grid_url(table))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'for="id_{_cell(table, "Ely division", 2010)}">Ely division 2010/11</label>' in content


def test_the_typed_grid_is_saved_in_one_go(client, administrator, table):
    client.force_login(administrator)
    data = {_cell(table, "Ely", 2009): "1,200", _cell(table, "Cambridgeshire", 2011): "950"}

    response = client.post(_grid_url(table), data)

    assert response.status_code == 302
    assert _figures(table) == {("Ely", 2009): Decimal("1200"), ("Cambridgeshire", 2011): 950}
    assert LocalTargetValue.objects.get(year=2009).is_baseline


def test_a_figure_that_is_not_a_number_is_named_beside_its_cell_and_nothing_is_saved(
    client, administrator, table
):
    client.force_login(administrator)
    data = {_cell(table, "Ely", 2010): "twelve", _cell(table, "Ely", 2009): "40"}

    response = client.post(_grid_url(table), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[_cell(table, "Ely", 2010)] == ["Ely 2010/11: “twelve” is not a number"]
    assert "Ely 2010/11: “twelve” is not a number" in response.content.decode()
    assert 'value="twelve"' in response.content.decode()
    assert _figures(table) == {}


PASTED = "Area\t2009/10\t2010/11\t2011/12\nEly\t100\t95\t90\nCambridgeshire\t1,000\t950\t900\n"


def test_a_table_pasted_from_a_spreadsheet_fills_the_cells_it_names(client, administrator, table):
    client.force_login(administrator)

    response = client.post(_grid_url(table), {"paste": PASTED})

    assert response.status_code == 302
    figures = _figures(table)
    assert figures[("Ely", 2011)] == 90
    assert figures[("Cambridgeshire", 2009)] == 1000
    assert len(figures) == 6


def test_a_pasted_row_missing_a_cell_is_named_beside_that_cell(client, administrator, table):
    client.force_login(administrator)
    paste = "Area\t2009\t2010\t2011\nEly\t100\t95\n"

    response = client.post(_grid_url(table), {"paste": paste})

    assert response.status_code == 200
    assert response.context["form"].errors[_cell(table, "Ely", 2011)] == [
        "Ely 2011/12: the pasted row has no figure for this year"
    ]
    assert _figures(table) == {}
    assert "Ely\t100\t95" in response.content.decode()


def test_a_pasted_row_naming_an_unknown_area_is_refused(client, administrator, table):
    client.force_login(administrator)
    paste = "Area\t2009\t2010\t2011\nElie\t1\t2\t3\n"

    response = client.post(_grid_url(table), {"paste": paste})

    assert response.status_code == 200
    assert response.context["form"].errors["paste"] == [
        "Row 2 names “Elie”, which is not an area of this table"
    ]
    assert _figures(table) == {}


def test_a_pasted_heading_may_be_the_columns_printed_label(plan, administrator, client):
    measure = _table(plan, administrator)
    TargetColumn.objects.filter(measure=measure, year=2011).update(label="2011-13")
    client.force_login(administrator)

    response = client.post(_grid_url(measure), {"paste": "\t2011-13\nEly\t7\n"})

    assert response.status_code == 302
    assert _figures(measure) == {("Ely", 2011): 7}


def test_a_negative_count_is_refused_beside_its_cell(client, administrator, table):
    client.force_login(administrator)

    response = client.post(_grid_url(table), {_cell(table, "Ely", 2010): "-17"})

    assert response.context["form"].errors[_cell(table, "Ely", 2010)] == [
        "Ely 2010/11: counts cannot be negative; only percentage-change targets can"
    ]
    assert _figures(table) == {}


def test_a_percentage_change_target_may_be_negative(client, administrator, plan):
    measure = _table(plan, administrator, kind=Kind.CHANGE, precision=0)
    client.force_login(administrator)

    response = client.post(_grid_url(measure), {_cell(measure, "Ely", 2010): "−17%"})

    assert response.status_code == 302
    assert _figures(measure) == {("Ely", 2010): Decimal("-17")}
    assert measure_entry(measure).rows[0].cells[1].value == "\u221217%"


def test_the_database_refuses_a_negative_figure_where_its_table_does_not_allow_one(table):
    row = table.rows.first()

    with pytest.raises(IntegrityError), transaction.atomic():
        LocalTargetValue.objects.create(target=row, year=2010, value=-1)


def test_a_table_cannot_become_counts_while_it_holds_negative_targets(client, administrator, plan):
    measure = _table(plan, administrator, kind=Kind.CHANGE)
    target_measures.target_grid_save(
        measure=measure, user=administrator, figures={(measure.rows.first().pk, 2010): -5}
    )
    client.force_login(administrator)
    data = {
        "name": "Robbery",
        "kind": "count",
        "change_shown": "year_on_year",
        "precision": "1",
        "areas": "Ely",
        "columns": "2009\n2010",
    }

    response = client.post(reverse("priorities:target_measure_edit", args=[measure.pk]), data)

    assert response.status_code == 200
    assert "Some figures are negative" in response.context["form"].errors["kind"][0]


# How change prints


def _with_figures(measure, administrator, figures: dict[str, list[str]]) -> LocalTargetMeasure:
    rows = {row.area_name: row for row in measure.rows.select_related("area")}
    target_measures.target_grid_save(
        measure=measure,
        user=administrator,
        figures={
            (rows[area].pk, year): Decimal(value)
            for area, values in figures.items()
            for year, value in zip([2009, 2010, 2011], values, strict=True)
        },
    )
    return LocalTargetMeasure.objects.prefetch_related("columns", "rows__values").get(pk=measure.pk)


def test_change_from_the_baseline_prints_the_cumulative_change(plan, administrator):
    measure = _table(plan, administrator, change_shown=ChangeShown.FROM_BASELINE, precision=0)
    measure = _with_figures(measure, administrator, {"Ely": ["100", "105", "107"]})

    row = measure_entry(measure).rows[0]

    assert [cell.change for cell in row.cells] == ["", "+5%", "+7%"]
    assert row.change_over_period == "+7%"


def test_change_year_on_year_prints_each_years_change(plan, administrator):
    measure = _table(plan, administrator)
    measure = _with_figures(measure, administrator, {"Ely": ["100", "105", "107"]})

    assert [cell.change for cell in measure_entry(measure).rows[0].cells] == ["", "+5.0%", "+1.9%"]


def test_a_falling_rate_prints_its_change_in_percentage_points(plan, administrator):
    measure = _table(
        plan, administrator, kind=Kind.PERCENTAGE, change_shown=ChangeShown.POINTS, precision=0
    )
    measure = _with_figures(measure, administrator, {"Ely": ["38", "36", "35"]})

    row = measure_entry(measure).rows[0]

    assert [cell.value for cell in row.cells] == ["38%", "36%", "35%"]
    assert row.change_over_period == "\u22123 points"


def test_whole_number_precision_prints_no_decimals(plan, administrator):
    measure = _table(plan, administrator, kind=Kind.RATE, precision=0)
    measure = _with_figures(measure, administrator, {"Ely": ["12.4", "11.6", "11"]})

    row = measure_entry(measure).rows[0]

    assert [cell.value for cell in row.cells] == ["12", "12", "11"]
    assert row.change_over_period == "\u221211%"


# Printing


def test_the_pdf_prints_the_tables_headings_total_label_intro_and_footnote(plan, administrator):
    measure = _table(
        plan,
        administrator,
        change_label="3 yr % chge",
        intro="Targets agreed with GO East.",
        footnote="Source: iQuanta.",
    )
    TargetColumn.objects.filter(measure=measure, year=2011).update(label="2011-13")
    _with_figures(measure, administrator, {"Cambridgeshire": ["1000", "950", "900"]})
    plan = Plan.objects.select_related("partnership").get(pk=plan.pk)

    pdf = plan_pdf(plan_document(plan))

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for printed in [
        "2011-13",
        "2009/10",
        "3 yr % chge",
        "Cambridgeshire",
        "Ely division",
        "Targets agreed with GO East.",
        "Source: iQuanta.",
        "\u221210.0%",
    ]:
        assert printed in text, printed


# The targets page and the table's settings


def test_the_targets_page_lists_each_table_with_a_link_to_its_figures(client, administrator, table):
    client.force_login(administrator)

    response = client.get(reverse("priorities:targets", args=[table.plan_id]))

    assert response.status_code == 200
    assert _grid_url(table) in response.content.decode()


def test_the_plan_page_links_to_the_targets_page(client, administrator, plan):
    client.force_login(administrator)

    response = client.get(reverse("priorities:plan", args=[plan.pk]))

    assert reverse("priorities:targets", args=[plan.pk]) in response.content.decode()


def test_adding_a_table_sets_its_rows_columns_and_labels(client, administrator, plan):
    client.force_login(administrator)
    data = {
        "name": "Perceptions of ASB",
        "unit": "% of residents",
        "kind": "percentage",
        "change_shown": "points",
        "precision": "0",
        "total_label": "All areas",
        "change_label": "Change",
        "areas": "Ely | division\nFenland | county",
        "columns": "2009 | 2009-11\n2011/12",
        "baseline_year": "2009/10",
    }

    response = client.post(reverse("priorities:target_measure_add", args=[plan.pk]), data)

    measure = LocalTargetMeasure.objects.get()
    assert response.status_code == 302
    assert [row.area_name for row in measure.rows.select_related("area")] == [
        "Ely",
        "Fenland",
        "All areas",
    ]
    assert list(measure.columns.values_list("year", "label", "is_baseline")) == [
        (2009, "2009-11", True),
        (2011, "", False),
    ]
    assert TargetArea.objects.get(name="Fenland").kind == "county"


def test_a_table_with_bad_settings_comes_back_with_each_error(client, administrator, plan):
    client.force_login(administrator)
    data = {
        "name": "",
        "kind": "count",
        "change_shown": "points",
        "precision": "1",
        "areas": "Ely | parish",
        "columns": "twenty ten",
    }

    response = client.post(reverse("priorities:target_measure_add", args=[plan.pk]), data)

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) == {"name", "areas", "columns", "change_shown"}
    assert "“parish” is not a kind of area" in errors["areas"][0]
    assert 'value="Ely | parish"' in response.content.decode() or "Ely | parish" in (
        response.content.decode()
    )
    assert not LocalTargetMeasure.objects.exists()


def test_removing_a_year_column_removes_its_figures(plan, administrator):
    measure = _table(plan, administrator)
    _with_figures(measure, administrator, {"Ely": ["1", "2", "3"]})

    target_measures.measure_update(
        measure=measure,
        user=administrator,
        areas=[AreaLine("Ely", None)],
        columns=[ColumnLine(2009, ""), ColumnLine(2010, "")],
        baseline_year=2010,
        **{name: getattr(measure, name) for name in target_measures.MEASURE_FIELDS},
    )

    assert _figures(measure) == {("Ely", 2009): 1, ("Ely", 2010): 2}
    assert LocalTargetValue.objects.get(year=2010).is_baseline
    assert LocalTarget.objects.filter(measure=measure).count() == 2


# Who may


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("viewer", 403), ("editor", 403)])
def test_only_administrators_reach_the_grid(client, request, table, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_grid_url(table)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, table):
    response = client.get(_grid_url(table))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_grid_refuses_other_methods(client, administrator, table):
    client.force_login(administrator)

    assert client.put(_grid_url(table)).status_code == 405


def test_a_grid_posted_after_the_plan_left_draft_keeps_what_was_typed(client, administrator, table):
    client.force_login(administrator)
    Plan.objects.filter(pk=table.plan_id).update(status=Plan.Status.IN_REVIEW)

    response = client.post(_grid_url(table), {_cell(table, "Ely", 2010): "12"})

    assert response.status_code == 409
    assert 'value="12"' in response.content.decode()
    assert _figures(table) == {}


# Existing tables keep their data


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_keeps_district_rows_years_and_baselines(plan, administrator):
    ely = District.objects.create(partnership=plan.partnership, name="Ely", order=1)
    measure = LocalTargetMeasure.objects.create(plan=plan, order=1, name="Robbery")
    for order, area in [(1, TargetArea.objects.for_district(ely)), (2, None)]:
        row = LocalTarget.objects.create(measure=measure, area=area, order=order)
        LocalTargetValue.objects.create(target=row, year=2008, value=10, is_baseline=True)
        LocalTargetValue.objects.create(target=row, year=2009, value=9)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("indicators", "0004_text_limits")])
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    rows = LocalTarget.objects.filter(measure=measure).select_related("area", "measure")
    assert [(row.area_name, row.area and row.area.kind) for row in rows] == [
        ("Ely", "district"),
        ("Total", None),
    ]
    assert TargetArea.objects.get().district == ely
    assert list(measure.columns.values_list("year", "is_baseline")) == [
        (2008, True),
        (2009, False),
    ]
    assert LocalTargetValue.objects.filter(target__measure=measure).count() == 4
    # The content-version triggers of every table the tables print from are still there.
    for change in [
        lambda: LocalTargetValue.objects.filter(year=2009).update(value=8),
        lambda: LocalTarget.objects.filter(area=None).update(order=3),
        lambda: LocalTargetMeasure.objects.update(footnote="Source: police."),
        lambda: TargetColumn.objects.update(label="Then"),
        lambda: TargetArea.objects.update(name="Ely district"),
    ]:
        before = PlanContentVersion.objects.get(plan=plan).version
        change()
        assert PlanContentVersion.objects.get(plan=plan).version > before


def test_a_pasted_table_with_trailing_tabs_is_read_as_copied(client, administrator, table):
    client.force_login(administrator)
    paste = "\t2009\t2010\t2011\t\r\nEly\t1\t2\t3\t\r\n"

    response = client.post(_grid_url(table), {"paste": paste})

    assert response.status_code == 302
    assert _figures(table) == {("Ely", 2009): 1, ("Ely", 2010): 2, ("Ely", 2011): 3}
