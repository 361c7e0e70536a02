"""The forms of a draft plan's targets tables: a table's settings, and its grid of figures.

The grid takes what is typed in its cells, or a table pasted from a spreadsheet, and reports
each bad figure beside its cell naming the area and the year ("Ely 2010/11: 'twelve' is not
a number"); nothing is saved until every figure is good.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from django import forms

from cspplan.forms import RefuseControlCharacters
from indicators.models import EARLIEST_YEAR, LATEST_YEAR, LocalTargetMeasure, TargetArea
from indicators.target_measures import AreaLine, ColumnLine
from plans.limits import LONG_TEXT_MAX, too_long

_YEAR = re.compile(r"^(\d{4})(?:\s*[/\-–]\s*(\d{2}|\d{4}))?$")
_KINDS = {
    **{kind.value: kind.value for kind in TargetArea.Kind},
    **{kind.label.lower(): kind.value for kind in TargetArea.Kind},
}
LARGEST = Decimal("9999999999.99")


def parse_year(text: str) -> int | None:
    """2010, 2010/11, 2010-11 or 2010-2011: the year the financial year starts."""
    match = _YEAR.match(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    return year if EARLIEST_YEAR <= year <= LATEST_YEAR else None


class MeasureForm(RefuseControlCharacters, forms.ModelForm):
    areas = forms.CharField(
        label="Areas (rows)",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One area per line, in the order the table prints them. The partnership's "
        "districts and earlier areas are reused by name. To give a new area's kind, write it "
        "after a bar: “Ely division | division” (district, division, county, total or other).",
        error_messages={"required": "Enter at least one area, one per line"},
    )
    columns = forms.CharField(
        label="Year columns",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One column per line: the year it starts (2010 or 2010/11), and the heading "
        "the plan prints after a bar if it differs: “2009 | 2009-11”.",
        error_messages={"required": "Enter at least one year column, one per line"},
    )
    baseline_year = forms.CharField(
        label="Baseline year (optional)",
        required=False,
        max_length=20,
        help_text="The column counting starts from, for example 2007 or 2007/08.",
    )

    class Meta:
        model = LocalTargetMeasure
        fields = [
            "name",
            "unit",
            "kind",
            "change_shown",
            "precision",
            "total_label",
            "change_label",
            "intro",
            "footnote",
        ]
        labels = {
            "name": "Name of the table",
            "unit": "Unit (optional)",
            "kind": "Its figures are",
            "change_shown": "How change prints",
            "precision": "Precision",
            "total_label": "Total row's label (optional)",
            "change_label": "Change column's heading (optional)",
            "intro": "Text above the table (optional)",
            "footnote": "Footnote below the table (optional)",
        }
        help_texts = {
            "name": "As the plan captions it, for example “Serious acquisitive crime”.",
            "unit": "For example offences, or % of residents.",
            "total_label": "For example “Cambridgeshire” or “All areas”. Empty: no total row.",
            "change_label": "For example “3 yr % chge”. Empty: “Change over the period”.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "change_shown": forms.RadioSelect,
            "precision": forms.RadioSelect,
            "intro": forms.Textarea(attrs={"rows": 3}),
            "footnote": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {
                "required": "Enter the table's name",
                "max_length": too_long("The table's name", 200),
            },
            "unit": {"max_length": too_long("The unit", 50)},
            "total_label": {"max_length": too_long("The total row's label", 100)},
            "change_label": {"max_length": too_long("The change column's heading", 100)},
            "intro": {"max_length": too_long("The text above the table", LONG_TEXT_MAX)},
            "footnote": {"max_length": too_long("The footnote", LONG_TEXT_MAX)},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        measure = self.instance
        if measure.pk and not self.is_bound:
            self.initial["areas"] = "\n".join(
                row.area.name for row in measure.rows.select_related("area") if row.area_id
            )
            self.initial["columns"] = "\n".join(
                f"{column.year} | {column.label}" if column.label else str(column.year)
                for column in measure.columns.all()
            )
            baseline = measure.columns.filter(is_baseline=True).first()
            self.initial["baseline_year"] = str(baseline.year) if baseline else ""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = "s"
        self.helper.legend_size = "s"

    def clean_areas(self) -> list[AreaLine]:
        lines, seen = [], set()
        for text in self.cleaned_data["areas"].splitlines():
            if not text.strip():
                continue
            name, _, kind_text = (part.strip() for part in text.partition("|"))
            kind = _KINDS.get(kind_text.lower()) if kind_text else None
            if kind_text and kind is None:
                raise forms.ValidationError(
                    f"“{kind_text}” is not a kind of area: write district, division, county, "
                    "total or other"
                )
            if not name:
                raise forms.ValidationError("Give each area a name before its kind")
            if len(name) > 100:
                raise forms.ValidationError(f"“{name[:40]}…” is longer than 100 characters")
            if name.lower() in seen:
                raise forms.ValidationError(f"“{name}” is listed twice")
            seen.add(name.lower())
            lines.append(AreaLine(name=name, kind=kind))
        if not lines:
            raise forms.ValidationError("Enter at least one area, one per line")
        return lines

    def clean_columns(self) -> list[ColumnLine]:
        lines: dict[int, ColumnLine] = {}
        for text in self.cleaned_data["columns"].splitlines():
            if not text.strip():
                continue
            year_text, _, label = (part.strip() for part in text.partition("|"))
            year = parse_year(year_text)
            if year is None:
                raise forms.ValidationError(
                    f"“{year_text}” is not a year: write the year the column starts, for "
                    f"example 2010 or 2010/11, from {EARLIEST_YEAR} to {LATEST_YEAR}"
                )
            if len(label) > 50:
                raise forms.ValidationError(f"The heading “{label[:30]}…” is over 50 characters")
            if year in lines:
                raise forms.ValidationError(f"{year} is listed twice")
            lines[year] = ColumnLine(year=year, label=label)
        if not lines:
            raise forms.ValidationError("Enter at least one year column, one per line")
        return sorted(lines.values(), key=lambda line: line.year)

    def clean_baseline_year(self) -> int | None:
        text = self.cleaned_data["baseline_year"].strip()
        if not text:
            return None
        year = parse_year(text)
        if year is None:
            raise forms.ValidationError("Enter the baseline as a year, for example 2007")
        return year

    def clean(self) -> dict:
        cleaned = super().clean()
        columns, baseline = cleaned.get("columns"), cleaned.get("baseline_year")
        if columns and baseline and baseline not in {line.year for line in columns}:
            self.add_error("baseline_year", "The baseline year must be one of the year columns")
        points = LocalTargetMeasure.ChangeShown.POINTS
        kind = cleaned.get("kind")
        if cleaned.get("change_shown") == points and kind not in ("rate", "percentage"):
            self.add_error("change_shown", "Percentage points are for rates and percentages only")
        measure = self.instance
        negatives = kind and kind != LocalTargetMeasure.Kind.CHANGE and measure.pk
        if negatives and measure.rows.filter(values__value__lt=0).exists():
            self.add_error(
                "kind",
                "Some figures are negative: only percentage-change targets may be. "
                "Correct them on the table's grid first",
            )
        return cleaned


def parse_figure(text: str) -> Decimal:
    """A figure as typed or pasted: 1,234; 12.5; 38%; −17; +5%. ValueError when it is not."""
    cleaned = text.strip().replace(",", "").replace("\u2212", "-").replace("–", "-")
    cleaned = cleaned.removesuffix("%").strip().removeprefix("+")
    try:
        figure = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not figure.is_finite():
        raise ValueError(f"“{text.strip()}” is not a number")
    if figure.as_tuple().exponent < -2:
        raise ValueError("give at most two decimal places")
    if abs(figure) > LARGEST:
        raise ValueError("that is larger than any target")
    return figure


class TargetGridForm(RefuseControlCharacters, forms.Form):
    """One text field per cell, named by row and year, labelled by area and year; and a box
    for a table pasted from a spreadsheet, which fills the cells it names."""

    paste = forms.CharField(
        label="Or paste a table from a spreadsheet (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        max_length=50_000,
        error_messages={"max_length": "The pasted table is too long: paste part of it"},
    )

    def __init__(self, measure: LocalTargetMeasure, rows: list, columns: list, *args, **kwargs):
        self.measure, self.rows, self.columns = measure, rows, columns
        data = kwargs.get("data", args[0] if args else None)
        self.paste_errors: list[str] = []
        self.missing: dict[str, str] = {}
        if data is not None and data.get("paste", "").strip():
            data = data.copy()
            self._apply_paste(data)
            if args:
                args = (data, *args[1:])
            else:
                kwargs["data"] = data
        super().__init__(*args, **kwargs)
        values = {
            (value.target_id, value.year): value.value for row in rows for value in row.values.all()
        }
        for row in rows:
            row.cells = []
            for column in columns:
                name = self.cell_name(row, column)
                label = f"{row.area_name} {column.heading}"
                stored = values.get((row.pk, column.year))
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=30,
                    initial="" if stored is None else f"{stored.normalize():f}",
                    error_messages={"max_length": f"{label}: write at most 30 characters"},
                )
                row.cells.append(name)

    @staticmethod
    def cell_name(row, column) -> str:
        return f"cell-{row.pk}-{column.year}"

    def _apply_paste(self, data) -> None:
        lines = [line for line in data["paste"].splitlines() if line.strip()]
        headings = lines[0].split("\t")[1:]
        by_heading = {}
        for column in self.columns:
            by_heading[column.year] = column
            if column.label:
                by_heading[column.label.strip().lower()] = column
        pasted_columns = []
        for heading in headings:
            if not heading.strip():
                pasted_columns.append(None)
                continue
            column = by_heading.get(parse_year(heading)) or by_heading.get(heading.strip().lower())
            if column is None:
                self.paste_errors.append(
                    f"The first row’s “{heading.strip()}” is not a year column of this table"
                )
            pasted_columns.append(column)
        by_name = {row.area_name.lower(): row for row in self.rows}
        for number, line in enumerate(lines[1:], start=2):
            cells = line.split("\t")
            row = by_name.get(cells[0].strip().lower())
            if row is None:
                self.paste_errors.append(
                    f"Row {number} names “{cells[0].strip()}”, which is not an area of this table"
                )
                continue
            if len(cells) - 1 > len(headings):
                self.paste_errors.append(
                    f"Row {number} ({row.area_name}) has more figures than the first row has years"
                )
            for position, column in enumerate(pasted_columns, start=1):
                if column is None:
                    continue
                name = self.cell_name(row, column)
                if position < len(cells):
                    data[name] = cells[position].strip()
                else:
                    self.missing[name] = (
                        f"{row.area_name} {column.heading}: the pasted row has no figure "
                        "for this year"
                    )

    def clean(self) -> dict:
        cleaned = super().clean()
        for error in self.paste_errors:
            self.add_error("paste", error)
        for name, error in self.missing.items():
            self.add_error(name, error)
        figures = {}
        for row in self.rows:
            for column in self.columns:
                name = self.cell_name(row, column)
                if name not in cleaned or name in self.missing:
                    continue
                text = cleaned[name]
                label = self.fields[name].label
                if not text.strip():
                    figures[(row.pk, column.year)] = None
                    continue
                try:
                    figure = parse_figure(text)
                except ValueError as error:
                    self.add_error(name, f"{label}: {error}")
                    continue
                if figure < 0 and not self.measure.allows_negative:
                    self.add_error(
                        name,
                        f"{label}: {self.measure.get_kind_display().split(' (')[0].lower()} "
                        "cannot be negative; only percentage-change targets can",
                    )
                    continue
                figures[(row.pk, column.year)] = figure
        cleaned["figures"] = figures
        return cleaned
