"""Which of a partnership's glossary terms a plan uses: the plan prints only those."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.html import strip_tags

from plans.models import GlossaryTerm

if TYPE_CHECKING:
    from plans.document import PlanDocument


def document_text(document: PlanDocument) -> str:
    """The words a reader sees, for finding which glossary terms the plan uses."""
    plan = document.plan
    parts = [plan.title, plan.summary]
    for entry in document.sections_before + document.sections_after + document.sections_appendix:
        parts += [entry.section.title, strip_tags(entry.body)]
        for sub in entry.subsections:
            parts += [sub.subsection.title, strip_tags(sub.body)]
    for entry in document.priorities:
        priority = entry.priority
        parts += [
            priority.title,
            priority.background,
            priority.aim,
            priority.lead_officer,
            priority.measuring_performance,
            priority.measuring_difficulties,
        ]
        if priority.task_group:
            parts.append(priority.task_group.name)
        for aim in entry.aims:
            parts += [aim.title, aim.baseline_data]
        for action in entry.actions:
            parts += [action.action.text, action.action.baseline_data, action.lead_partners]
    for entry in document.measures:
        parts += [entry.measure.name, entry.measure.intro, entry.measure.footnote]
    parts += [strategy.title for strategy in document.related_strategies]
    parts += [strategy.owner for strategy in document.related_strategies]
    for year in document.budget_years:
        parts += [line.project for line in year.lines]
        parts += [line.funding_stream for line in year.lines]
    parts += [item.indicator.title for item in document.appendix_indicators]
    if document.governance:
        parts += [node.name for node in document.governance.nodes]
    return "\n".join(part for part in parts if part)


def glossary_in_use(terms: list[GlossaryTerm], text: str) -> list[GlossaryTerm]:
    """Terms that occur as whole words. Acronyms match in capitals only, so "ASB" is not
    found in "asbestos" nor the term "Hotspots" missed for want of a capital."""
    used = []
    for term in terms:
        flags = 0 if term.term.isupper() else re.IGNORECASE
        if re.search(rf"(?<!\w){re.escape(term.term)}(?!\w)", text, flags):
            used.append(term)
    return used
