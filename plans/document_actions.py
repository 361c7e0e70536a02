"""The rows of a priority's action table: each action's cells, and the columns a table
prints with their widths."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

from plans.document_format import links
from plans.models import Plan
from priorities.models import Action, Aim


@dataclass
class IndicatorLink:
    code: str
    anchor: str  # empty where the plan prints no indicator list to link to


# Each column's share of an action table's width before the shares of the columns a table
# prints are scaled to 100%: the action's own text gets the most room.
COLUMN_WEIGHTS = {
    Plan.ActionColumn.PRIORITY: 13,
    Plan.ActionColumn.AIM: 18,
    Plan.ActionColumn.BASELINE: 16,
    Plan.ActionColumn.LEAD_PARTNERS: 20,
    Plan.ActionColumn.ACTION: 40,
    Plan.ActionColumn.INDICATORS: 14,
    Plan.ActionColumn.REVIEW_DATE: 16,
    Plan.ActionColumn.ELEMENT: 12,
    Plan.ActionColumn.FUNDING: 14,
    Plan.ActionColumn.PROGRESS: 12,
}


@dataclass
class ActionColumnEntry:
    key: str
    heading: str
    # Whole percentages of the table's width; a table's columns add up to 100.
    width: int = 0


def column_widths(keys: list[str]) -> list[int]:
    """Whole percentages in proportion to COLUMN_WEIGHTS that add up to exactly 100."""
    weights = [COLUMN_WEIGHTS[key] for key in keys]
    total = sum(weights)
    exact = [weight * 100 / total for weight in weights]
    widths = [int(share) for share in exact]
    by_remainder = sorted(range(len(keys)), key=lambda i: exact[i] - widths[i], reverse=True)
    for index in by_remainder[: 100 - sum(widths)]:
        widths[index] += 1
    return widths


@dataclass
class ActionEntry:
    action: Action
    anchor: str
    number: str
    priority_title: str
    priority_anchor: str
    lead_partners: str
    indicators: list[IndicatorLink]
    review_threads: list = field(default_factory=list)
    comment_url: str = ""
    # The columns its table prints, and what the row prints only on the first row of a run:
    # the priority's title on its table's first row, the aim on the first row of that aim.
    columns: list[ActionColumnEntry] = field(default_factory=list)
    first_in_priority: bool = False
    first_of_aim: bool = False

    @property
    def row_html(self) -> SafeString:
        """The action's row in its priority's table, built here rather than in the template: a
        large plan has hundreds of rows, and the dozen variable lookups of each row in a
        template loop were over a third of the page's time."""
        cells = "".join(
            f'<td class="govuk-table__cell">{self.cell_html(column.key)}</td>'
            for column in self.columns
        )
        # Text is escaped in cell_html; the anchor is built from numbers.
        return mark_safe(  # noqa: S308
            f'<tr class="govuk-table__row" id="{self.anchor}">{cells}</tr>'
        )

    def cell_html(self, key: str) -> str:
        """One cell's content, escaped; "" for a cell with nothing to print."""
        action = self.action
        column = Plan.ActionColumn
        if key == column.ACTION:
            comment = (
                f'<br><a class="govuk-link govuk-body-s" href="{escape(self.comment_url)}">'
                f"Comment on action {self.number}</a>"
                if self.comment_url
                else ""
            )
            return (
                f'<span class="plan-action__number">{self.number}</span> {self.text_html}{comment}'
            )
        if key == column.LEAD_PARTNERS:
            return escape(self.lead_partners)
        if key == column.INDICATORS:
            return self.indicator_links
        if key == column.REVIEW_DATE:
            return self.review_date_label
        if key == column.PRIORITY:
            return escape(self.priority_title) if self.first_in_priority else ""
        if key == column.AIM:
            aim = action.aim
            return _lines(aim.title) if aim is not None and self.first_of_aim else ""
        if key == column.BASELINE:
            aim = action.aim
            parts = [aim.baseline_data] if aim is not None and self.first_of_aim else []
            parts.append(action.baseline_data)
            return "<br>".join(_lines(part) for part in parts if part.strip())
        if key == column.ELEMENT:
            return escape(action.get_element_display()) if action.element else ""
        if key == column.FUNDING:
            return escape(action.funding_stream)
        if key == column.PROGRESS:
            rag = f" ({action.get_rag_display()})" if action.rag else ""
            return escape(f"{action.get_status_display()}{rag}")
        raise ValueError(f"No action table column {key!r}")

    @property
    def indicator_links(self) -> SafeString:
        return links((link.anchor, link.code) for link in self.indicators)

    @property
    def text_html(self) -> SafeString:
        return mark_safe(_lines(self.action.text))  # noqa: S308

    @property
    def review_date_label(self) -> str:
        """As the plan writes it: "30 September 2010", "July 2009", "Q3 2010/11"."""
        return escape(self.action.review_date_label)


def _lines(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def action_table_columns(plan: Plan, actions: list[ActionEntry]) -> list[ActionColumnEntry]:
    """The plan's columns that print something on at least one of the table's rows, with
    their widths: a column empty on every row is left out. The action column always prints."""
    printed = [
        (key, heading)
        for key, heading in plan.action_columns
        if key == Plan.ActionColumn.ACTION or any(entry.cell_html(key) for entry in actions)
    ]
    widths = column_widths([key for key, _heading in printed])
    return [
        ActionColumnEntry(key=key, heading=heading, width=width)
        for (key, heading), width in zip(printed, widths, strict=True)
    ]


@dataclass
class AimRow:
    """A row for an aim no action serves, in a table that prints each action's aim: the plan
    prints the aim, its baseline and its agencies where its source puts them (West Cumbria's
    "Reduce Criminal Damage"), with the action's cell empty."""

    aim: Aim
    columns: list[ActionColumnEntry] = field(default_factory=list)
    review_threads: list = field(default_factory=list)

    @property
    def row_html(self) -> SafeString:
        cells = "".join(
            f'<td class="govuk-table__cell">{self.cell_html(column.key)}</td>'
            for column in self.columns
        )
        return mark_safe(f'<tr class="govuk-table__row">{cells}</tr>')  # noqa: S308

    def cell_html(self, key: str) -> str:
        column = Plan.ActionColumn
        if key == column.AIM:
            return _lines(self.aim.title)
        if key == column.BASELINE:
            return _lines(self.aim.baseline_data)
        if key == column.LEAD_PARTNERS:
            return escape(self.aim.agencies_label)
        return ""


def rows_with_unserved_aims(actions: list[ActionEntry], aims: list[Aim]) -> list:
    """The table's rows: its actions, with a row for each aim no action serves placed after
    the actions of the aims before it, in the aims' order."""
    served = {entry.action.aim_id for entry in actions}
    position = {aim.pk: aim.order for aim in aims}
    rows: list = list(actions)
    for aim in aims:
        if aim.pk in served:
            continue
        after = [
            index
            for index, row in enumerate(rows)
            if position.get(row.aim.pk if isinstance(row, AimRow) else row.action.aim_id, -1)
            < aim.order
        ]
        rows.insert(after[-1] + 1 if after else 0, AimRow(aim=aim))
    return rows
