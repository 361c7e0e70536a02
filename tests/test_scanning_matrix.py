"""The strategic assessment's scanning matrix: held as data, edited on one grid page by the
partnership's administrators, and printed as a real table in the plan's web page and PDF,
where no word of it is broken and large print stays 16pt and on the page."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from plans.document import plan_document
from plans.models import Plan, ScanningCategory, ScanningCriterion, ScanningMark, ScanningMatrix
from plans.pdf import plan_pdf
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


def _matrix_pages(pdf: bytes, title: str):
    return [page for page in pages(pdf) if title in page.text]
