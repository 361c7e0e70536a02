"""Indicator sets and their indicators: data an administrator manages, not a fixed list.

Plans print codes as "NI 17" while officers type "NI17", "ni-17" or just "17". The database
keeps a normalised key beside the code as written, so every lookup is an indexed equality.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Length, Replace, Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.limits import LONG_TEXT_MAX, TextLimit
from plans.models import District, Partnership, Plan

# Baselines of local targets and the years of indicator sets may precede the partnerships
# (the British Crime Survey runs from 1981), but never the 20th century's early decades.
EARLIEST_YEAR = 1980
LATEST_YEAR = 2200
_YEAR_VALIDATORS = [
    MinValueValidator(EARLIEST_YEAR, f"Give a year from {EARLIEST_YEAR} onwards"),
    MaxValueValidator(LATEST_YEAR, f"Give a year up to {LATEST_YEAR}"),
]


def _year_in_range(field: str, nullable: bool = False) -> Q:
    in_range = Q(**{f"{field}__gte": EARLIEST_YEAR}) & Q(**{f"{field}__lte": LATEST_YEAR})
    return Q(**{f"{field}__isnull": True}) | in_range if nullable else in_range


_NOT_CODE_CHARACTERS = re.compile(r"[\s\-_.]+")


def nfkc(text: str) -> str:
    """Unicode's compatibility form: a full-width "ＮＩ　１７" becomes "NI 17"."""
    return unicodedata.normalize("NFKC", text)


def normalise_code(code: str) -> str:
    """The form in which codes are compared: NFKC, upper case, no spaces, dots or dashes.

    Codes are stored in NFKC form, so the generated key (which the database computes without
    Unicode normalisation) agrees with this for every stored code.
    """
    return _NOT_CODE_CHARACTERS.sub("", nfkc(code)).upper()


def _code_key_expression() -> Upper:
    expression = F("code")
    for character in (" ", "-", "_", "."):
        expression = Replace(expression, Value(character), Value(""))
    return Upper(expression)


class IndicatorSet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    is_national = models.BooleanField(
        default=False,
        help_text="National sets (such as the National Indicator Set) are shared by every "
        "partnership.",
    )
    valid_from_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_YEAR_VALIDATORS
    )
    valid_to_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_YEAR_VALIDATORS
    )

    class Meta:
        ordering = ["-is_national", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to_year__isnull=True)
                | Q(valid_from_year__isnull=True)
                | Q(valid_to_year__gte=F("valid_from_year")),
                name="indicatorset_valid_to_not_before_valid_from",
                violation_error_message="The last year cannot be before the first year.",
            ),
            models.CheckConstraint(
                condition=_year_in_range("valid_from_year", nullable=True)
                & _year_in_range("valid_to_year", nullable=True),
                name="indicatorset_years_plausible",
                violation_error_message=f"Give years from {EARLIEST_YEAR} to {LATEST_YEAR}.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def lookup(self, code: str) -> IndicatorQuerySet:
        """Indicators whose code is the one typed, however it is spaced or cased."""
        return self.filter(code_key=normalise_code(code))

    def search(self, term: str) -> IndicatorQuerySet:
        """Indicators matching a code ("NI17", "17") or words of the title ("drunk")."""
        term = nfkc(term).strip()
        if not term:
            return self.none()
        key = normalise_code(term)
        matches = Q(title__icontains=term) | Q(code_key=key)
        if key.isdigit():
            matches |= Q(code_key__regex=rf"^[A-Z]*{key}$")
        else:
            matches |= Q(code_key__startswith=key)
        return self.filter(matches)


class Indicator(models.Model):
    class Polarity(models.TextChoices):
        HIGHER_IS_BETTER = "higher", "Higher is better"
        LOWER_IS_BETTER = "lower", "Lower is better"
        NOT_SET = "", "Not set"

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(max_length=30, help_text="As plans print it, for example “NI 17”.")
    code_key = models.GeneratedField(
        expression=_code_key_expression(),
        output_field=models.CharField(max_length=30),
        db_persist=True,
    )
    title = models.CharField(max_length=300)
    title_source = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where the title was confirmed. Empty means nobody has checked it yet.",
    )
    psa = models.CharField("linked PSA", max_length=50, blank=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        # Shorter codes first puts NI 2 before NI 10 within a set.
        ordering = ["indicator_set", Length("code"), "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code_key"],
                name="indicator_code_unique_in_set",
                violation_error_message="This set already has an indicator with that code.",
            ),
            models.CheckConstraint(
                condition=~Q(code=""),
                name="indicator_code_not_empty",
                violation_error_message="Give the indicator a code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:indicators_indicator_change", args=[self.pk])

    @property
    def title_is_confirmed(self) -> bool:
        return bool(self.title_source)


class TargetAreaQuerySet(models.QuerySet["TargetArea"]):
    def for_district(self, district: District | None) -> TargetArea | None:
        """The partnership's target area for a district, made the first time it is asked for;
        None (the total row) for no district."""
        if district is None:
            return None
        area, _ = self.get_or_create(
            partnership_id=district.partnership_id,
            name=district.name,
            defaults={"kind": TargetArea.Kind.DISTRICT, "district": district},
        )
        return area


class TargetArea(models.Model):
    """An area a partnership sets targets for: a district, a police division, the county, or
    any other named area. Each measure's table lists the areas it has rows for."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "District"
        DIVISION = "division", "Police division"
        COUNTY = "county", "County"
        TOTAL = "total", "Whole area"
        OTHER = "other", "Other area"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="target_areas"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_areas",
        help_text="The partnership's district this area is, when it is one.",
    )

    history = HistoricalRecords()

    objects = TargetAreaQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="target_area_name_unique_in_partnership",
                violation_error_message="This partnership already has a target area of that name.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="target_area_name_not_empty",
                violation_error_message="Give the area a name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:indicators_targetarea_change", args=[self.pk])


class LocalTargetMeasure(models.Model):
    """A measure with local targets: an indicator, or a named crime category, printed as one
    table of areas by years."""

    class Kind(models.TextChoices):
        COUNT = "count", "Counts (for example offences)"
        RATE = "rate", "Rates (for example per 1,000 people)"
        PERCENTAGE = "percentage", "Percentages (for example 38%)"
        CHANGE = "change", "Percentage-change targets (for example −17%)"

    class ChangeShown(models.TextChoices):
        YEAR_ON_YEAR = "year_on_year", "Percentage change from the year before"
        FROM_BASELINE = "from_baseline", "Percentage change from the baseline"
        POINTS = "points", "Change in percentage points from the baseline (rates, percentages)"
        NONE = "none", "No change printed"

    class Precision(models.IntegerChoices):
        WHOLE = 0, "Whole numbers"
        ONE_DECIMAL = 1, "One decimal place"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="target_measures")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200, help_text="E.g. “Robbery” or “House burglary”.")
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="target_measures",
    )
    unit = models.CharField(max_length=50, blank=True, default="offences")
    lower_is_better = models.BooleanField(default=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNT)
    change_shown = models.CharField(
        max_length=15, choices=ChangeShown.choices, default=ChangeShown.YEAR_ON_YEAR
    )
    precision = models.PositiveSmallIntegerField(
        choices=Precision.choices,
        default=Precision.ONE_DECIMAL,
        help_text="How rates, percentages and changes print; counts print as they are.",
    )
    total_label = models.CharField(
        max_length=100,
        blank=True,
        default="Total",
        help_text="The total row's label, e.g. “Cambridgeshire”. Empty: no total row.",
    )
    change_label = models.CharField(
        max_length=100,
        blank=True,
        help_text="The change column's heading, e.g. “3 yr % chge”.",
    )
    intro = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    footnote = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="target_measure_order_unique_in_plan",
                violation_error_message="Another measure of this plan already has that place.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("priorities:target_grid", args=[self.pk])

    @property
    def allows_negative(self) -> bool:
        return self.kind == self.Kind.CHANGE

    @property
    def prints_change(self) -> bool:
        return self.kind != self.Kind.CHANGE and self.change_shown != self.ChangeShown.NONE

    @property
    def change_heading(self) -> str:
        return self.change_label or "Change over the period"


class TargetColumn(models.Model):
    """A year column of a measure's table, with the heading the plan prints ("2009-11")."""

    measure = models.ForeignKey(
        LocalTargetMeasure, on_delete=models.CASCADE, related_name="columns"
    )
    year = models.PositiveSmallIntegerField(
        help_text="The financial year it starts: 2010 for 2010/11.",
        validators=_YEAR_VALIDATORS,
    )
    label = models.CharField(
        max_length=50, blank=True, help_text="As printed, e.g. “2009-11”. Empty: “2010/11”."
    )
    is_baseline = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year"],
                name="target_column_year_unique_in_measure",
                violation_error_message="This table already has a column for that year.",
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(is_baseline=True),
                name="target_column_one_baseline",
                violation_error_message="Only one column of a table can be the baseline.",
            ),
            models.CheckConstraint(
                condition=_year_in_range("year"),
                name="target_column_year_plausible",
                violation_error_message=f"Give a year from {EARLIEST_YEAR} to {LATEST_YEAR}.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.heading}"

    @property
    def heading(self) -> str:
        return self.label or f"{self.year}/{str(self.year + 1)[-2:]}"


class LocalTarget(models.Model):
    """One row of a targets table: a measure for one area, or the total (no area)."""

    measure = models.ForeignKey(LocalTargetMeasure, on_delete=models.CASCADE, related_name="rows")
    area = models.ForeignKey(
        TargetArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rows",
        help_text="Empty for the total row, which the measure labels.",
    )
    order = models.PositiveSmallIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "order"],
                name="local_target_order_unique_in_measure",
                violation_error_message="Another row of this measure already has that place.",
            ),
            models.UniqueConstraint(
                fields=["measure", "area"],
                name="local_target_area_once_per_measure",
                violation_error_message="This measure already has a row for that area.",
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(area__isnull=True),
                name="local_target_one_total_per_measure",
                violation_error_message="This measure already has a total row.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.area_name}"

    @property
    def area_name(self) -> str:
        return self.area.name if self.area_id else (self.measure.total_label or "Total")


class LocalTargetValue(models.Model):
    target = models.ForeignKey(LocalTarget, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(
        help_text="The financial year it starts: 2010 for 2010/11.",
        validators=_YEAR_VALIDATORS,
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)
    is_baseline = models.BooleanField(default=False)
    may_be_negative = models.BooleanField(
        default=False,
        help_text="Set from the measure: only percentage-change targets may be negative.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"],
                name="local_target_value_year_unique",
                violation_error_message="This row already has a value for that year.",
            ),
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(is_baseline=True),
                name="local_target_one_baseline",
                violation_error_message="Only one year of a row can be the baseline.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=Decimal("0")) | Q(may_be_negative=True),
                name="local_target_value_not_negative",
                violation_error_message="A count or rate cannot be negative.",
            ),
            models.CheckConstraint(
                condition=_year_in_range("year"),
                name="local_target_value_year_plausible",
                violation_error_message=f"Give a year from {EARLIEST_YEAR} to {LATEST_YEAR}.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.year}: {self.value}"
