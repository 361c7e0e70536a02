"""Local targets: percentage changes are derived from the values, as the plans print them."""

from decimal import Decimal

import pytest

from indicators.models import LocalTarget, LocalTargetMeasure, LocalTargetValue, TargetArea
from indicators.targets import measure_years, percentage_change, target_rows
from plans.models import District

pytestmark = pytest.mark.django_db


def test_percentage_change_is_rounded_to_one_decimal_place():
    assert percentage_change(Decimal(300), Decimal(290)) == Decimal("-3.3")


def test_percentage_change_from_zero_has_no_value():
    assert percentage_change(Decimal(0), Decimal(5)) is None


@pytest.fixture
def robbery(plan) -> LocalTargetMeasure:
    measure = LocalTargetMeasure.objects.create(plan=plan, order=1, name="Robbery")
    carlisle = District.objects.create(partnership=plan.partnership, name="Carlisle", order=1)
    rows = {
        LocalTarget.objects.create(
            measure=measure, area=TargetArea.objects.for_district(carlisle), order=1
        ): [80, 76, 72],
        LocalTarget.objects.create(measure=measure, order=2): [100, 95, 90],
    }
    for row, values in rows.items():
        for year, value in zip([2007, 2008, 2009], values, strict=True):
            LocalTargetValue.objects.create(
                target=row, year=year, value=value, is_baseline=year == 2007
            )
    return measure


def test_each_year_shows_its_change_from_the_year_before(robbery):
    total = target_rows(robbery)[1]

    changes = [cell.change_from_previous for cell in total.cells]

    assert changes == [None, Decimal("-5.0"), Decimal("-5.3")]


def test_the_change_over_the_period_compares_the_last_year_with_the_baseline(robbery):
    carlisle = target_rows(robbery)[0]

    assert carlisle.change_over_period == Decimal("-10.0")


def test_rows_name_their_area_with_the_total_last(robbery):
    assert [row.area_name for row in target_rows(robbery)] == ["Carlisle", "Total"]


def test_the_table_columns_are_the_years_in_order(robbery):
    assert measure_years(robbery) == [2007, 2008, 2009]


def test_a_corrected_value_changes_the_derived_percentage_at_once(robbery):
    LocalTargetValue.objects.filter(target__area__isnull=True, year=2009).update(value=85)

    total = target_rows(LocalTargetMeasure.objects.get(pk=robbery.pk))[1]

    assert total.change_over_period == Decimal("-15.0")


def test_years_before_the_baseline_are_not_compared(plan):
    measure = LocalTargetMeasure.objects.create(plan=plan, order=1, name="Burglary")
    row = LocalTarget.objects.create(measure=measure, order=1)
    LocalTargetValue.objects.create(target=row, year=2006, value=50)
    LocalTargetValue.objects.create(target=row, year=2007, value=40, is_baseline=True)
    LocalTargetValue.objects.create(target=row, year=2008, value=30)

    cells = target_rows(measure)[0].cells

    assert [cell.change_from_previous for cell in cells] == [None, None, Decimal("-25.0")]
