"""Readable change history of an action, from django-simple-history's records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from plans.written_dates import written_date_label
from priorities.models import Action, Aim, HistoricalAction_indicators

_TRACKED = [
    "text",
    "aim",
    "element",
    "baseline_data",
    "review_date",
    "funding_stream",
    "status",
    "rag",
]
_LABELS = {
    "text": "Action",
    "aim": "Aim",
    "element": "Delivery element",
    "baseline_data": "Baseline data",
    "review_date": "Review date",
    "funding_stream": "Funding stream",
    "status": "Status",
    "rag": "RAG rating",
    "indicators": "Linked indicators",
}
_CHOICES = {
    "element": dict(Action.Element.choices),
    "status": dict(Action.Status.choices),
    "rag": dict(Action.Rag.choices),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    version: int
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def _shown(name: str, value, aims: dict[int, str]) -> str:
    if value in (None, ""):
        return "(none)"
    if name in _CHOICES:
        return _CHOICES[name].get(value, value)
    if name == "aim":
        return aims.get(value, "(an aim since deleted)")
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def _value(record, name: str):
    """A tracked field of a history record; the review date as it was written."""
    if name == "review_date":
        return written_date_label(
            record.review_date, record.review_date_precision, by=record.review_date_by
        )
    return getattr(record, "aim_id" if name == "aim" else name)


def action_history(action: Action, since_version: int = 0) -> list[HistoryEntry]:
    """Newest first; each entry says who changed which fields from what to what.

    since_version limits the list to changes made after that version was read, which is what
    a refused second editor needs to see.
    """
    records = list(action.history.select_related("history_user").order_by("history_id"))
    indicator_rows = HistoricalAction_indicators.objects.filter(
        history__in=[r.history_id for r in records]
    ).select_related("indicator")
    codes: dict[int, list[str]] = {}
    for row in indicator_rows:
        codes.setdefault(row.history_id, []).append(row.indicator.code)
    aim_ids = {r.aim_id for r in records if r.aim_id}
    aims = dict(Aim.objects.filter(pk__in=aim_ids).values_list("pk", "title"))
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        record_codes = ", ".join(sorted(codes.get(record.history_id, []))) or "(none)"
        changes: list[Change] = []
        if previous is None:
            what = "Added the action"
        else:
            what = "Changed the action"
            for name in _TRACKED:
                before, after = _value(previous[0], name), _value(record, name)
                if before != after:
                    changes.append(
                        Change(_LABELS[name], _shown(name, before, aims), _shown(name, after, aims))
                    )
            if previous[1] != record_codes:
                changes.append(Change(_LABELS["indicators"], previous[1], record_codes))
            if record.status == Action.Status.REMOVED and previous[0].status != record.status:
                what = "Removed the action"
        previous = (record, record_codes)
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "Someone unknown",
                what=what,
                version=record.version,
                changes=changes,
                note=record.history_change_reason or "",
            )
        )
    entries = [e for e in entries if e.version > since_version]
    entries.reverse()
    return entries


def record_actions_created(
    actions: list[Action], indicator_links: list, *, user: User | None, reason: str
) -> None:
    """Give each action made by bulk_create its "created" history record, with its
    indicators, as a save would have: bulk_create skips the signals that write them."""
    records = Action.history.bulk_history_create(
        actions, default_user=user, default_change_reason=reason
    )
    record_for = {record.id: record for record in records}
    HistoricalAction_indicators.objects.bulk_create(
        HistoricalAction_indicators(
            history=record_for[link.action_id],
            id=link.pk,
            action_id=link.action_id,
            indicator_id=link.indicator_id,
        )
        for link in indicator_links
    )
