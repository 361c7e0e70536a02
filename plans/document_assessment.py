"""The scanning matrix as the plan's document prints it: rows in order with sub-categories
under their category, each row's marks lined up under the criteria, and the priorities traced
to each row.

A table never breaks a word, so it must be wide enough for its longest words. When the whole
matrix would not fit across a landscape page, its criteria are split over tables stacked one
after another, each repeating the category names, and the comments and decisions go in a
last table of their own. Widths are estimated from the words' lengths in ems, generously, so
the estimate errs towards one more table rather than a table off the page. Large print
(16pt) has fewer ems across the page, so it is split separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plans.models import (
    Plan,
    ScanningCategory,
    ScanningCriterion,
    ScanningMark,
    ScanningMatrix,
)
from priorities.models import Priority

# A landscape A4 page less the print margins (297mm - 2 x 18mm), in points.
PAGE_WIDTH_PT = 261 * 72 / 25.4
TABLE_FONT_PT = 10
LARGE_PRINT_FONT_PT = 16
# Of the page's width, what the estimate may fill: the rest is its margin of error.
FILL = 0.85
# Ems per character of a bold word in Arial/Liberation Sans (capitals and "m"s are wider than
# the average), and each cell's padding and borders.
EM_PER_CHARACTER = 0.62
CELL_PADDING_EM = 1.2
SUB_CATEGORY_INDENT_EM = 1.0
# A comment column narrower than this reads a word or two per line.
COMMENT_MIN_EM = 10.0
DECISIONS = "Decision"


@dataclass
class PriorityLink:
    title: str
    anchor: str


@dataclass
class MatrixRow:
    category: ScanningCategory
    anchor: str
    is_sub_category: bool
    # Aligned with the matrix's criteria; "" for an empty cell.
    marks: list[str]
    priorities: list[PriorityLink] = field(default_factory=list)


@dataclass
class PartRow:
    row: MatrixRow
    marks: list[str]


@dataclass
class MatrixPart:
    """One printed table: the category names, some criteria, and perhaps the decisions."""

    criteria: list[ScanningCriterion]
    rows: list[PartRow]
    with_decisions: bool
    caption: str
    # The number of columns, for the priorities' row that spans them all.
    width: int


@dataclass
class ScanningMatrixEntry:
    matrix: ScanningMatrix
    criteria: list[ScanningCriterion]
    rows: list[MatrixRow]
    parts: list[MatrixPart]
    large_print_parts: list[MatrixPart]
    anchor: str = "scanning-matrix"

    @property
    def title(self) -> str:
        return self.matrix.shown_title


def _longest_word_em(*texts: str) -> float:
    longest = max((len(word) for text in texts for word in text.split()), default=0)
    return longest * EM_PER_CHARACTER + CELL_PADDING_EM


def _parts(
    title: str, criteria: list[ScanningCriterion], rows: list[MatrixRow], font_pt: int
) -> list[MatrixPart]:
    budget = PAGE_WIDTH_PT * FILL / font_pt
    category_em = max(
        (
            _longest_word_em(row.category.name, "Category")
            + (SUB_CATEGORY_INDENT_EM if row.is_sub_category else 0)
            for row in rows
        ),
        default=_longest_word_em("Category"),
    )
    widths = [
        _longest_word_em(criterion.name, *(row.marks[index] for row in rows))
        for index, criterion in enumerate(criteria)
    ]
    decisions_em = max(
        COMMENT_MIN_EM,
        _longest_word_em("Comment", *(row.category.comment for row in rows)),
    ) + _longest_word_em(DECISIONS, "decided")
    if category_em + sum(widths) + decisions_em <= budget:
        return [_part(title, criteria, range(len(criteria)), rows, with_decisions=True)]
    chunks: list[list[int]] = [[]]
    used = category_em
    for index, width in enumerate(widths):
        if chunks[-1] and used + width > budget:
            chunks.append([])
            used = category_em
        chunks[-1].append(index)
        used += width
    count = len(chunks) + 1
    parts = [
        _part(
            f"{title} (part {number} of {count})",
            criteria,
            chunk,
            rows,
            with_decisions=False,
        )
        for number, chunk in enumerate(chunks, start=1)
    ]
    parts.append(
        _part(
            f"{title} (part {count} of {count}: comments and decisions)",
            criteria,
            [],
            rows,
            with_decisions=True,
        )
    )
    return parts


def _part(
    caption: str,
    criteria: list[ScanningCriterion],
    indexes,
    rows: list[MatrixRow],
    *,
    with_decisions: bool,
) -> MatrixPart:
    indexes = list(indexes)
    return MatrixPart(
        criteria=[criteria[index] for index in indexes],
        rows=[PartRow(row=row, marks=[row.marks[index] for index in indexes]) for row in rows],
        with_decisions=with_decisions,
        caption=caption,
        width=1 + len(indexes) + (2 if with_decisions else 0),
    )


def scanning_matrix_entry(plan: Plan, priorities: list) -> ScanningMatrixEntry | None:
    """The plan's matrix for its document, or None when it has no rows; `priorities` are the
    document's PriorityEntry items, linked to from the rows they were traced to."""
    # One query when the plan has no matrix: its rows, each with the matrix.
    categories = list(
        ScanningCategory.objects.filter(matrix__plan=plan)
        .select_related("matrix")
        .order_by("order")
    )
    if not categories:
        return None
    matrix = categories[0].matrix
    criteria = list(matrix.criteria.all())
    column = {criterion.pk: index for index, criterion in enumerate(criteria)}
    marks: dict[int, list[str]] = {category.pk: [""] * len(criteria) for category in categories}
    for category_id, criterion_id, text in ScanningMark.objects.filter(
        category__matrix=matrix
    ).values_list("category_id", "criterion_id", "text"):
        marks[category_id][column[criterion_id]] = text
    by_priority = {entry.priority.pk: entry for entry in priorities}
    traced: dict[int, list[PriorityLink]] = {}
    links = Priority.assessment_categories.through.objects.filter(
        scanningcategory__matrix=matrix
    ).values_list("scanningcategory_id", "priority_id")
    for category_id, priority_id in sorted(
        links, key=lambda link: _priority_place(by_priority, link[1])
    ):
        entry = by_priority.get(priority_id)
        if entry is not None:
            traced.setdefault(category_id, []).append(
                PriorityLink(title=_priority_title(entry.priority), anchor=entry.anchor)
            )
    rows = []
    for category in categories:
        if category.parent_id is not None:
            continue
        for row in [category, *(c for c in categories if c.parent_id == category.pk)]:
            rows.append(
                MatrixRow(
                    category=row,
                    anchor=f"scanning-category-{row.pk}",
                    is_sub_category=row.parent_id is not None,
                    marks=marks[row.pk],
                    priorities=traced.get(row.pk, []),
                )
            )
    title = matrix.shown_title
    return ScanningMatrixEntry(
        matrix=matrix,
        criteria=criteria,
        rows=rows,
        parts=_parts(title, criteria, rows, TABLE_FONT_PT),
        large_print_parts=_parts(title, criteria, rows, LARGE_PRINT_FONT_PT),
    )


def _priority_place(by_priority: dict, priority_id: int) -> int:
    entry = by_priority.get(priority_id)
    return entry.priority.order if entry is not None else 0


def _priority_title(priority: Priority) -> str:
    return f"{priority.label}: {priority.title}" if priority.label else priority.title
