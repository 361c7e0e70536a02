"""Moving a row up or down among its siblings: sections, subsections, priorities, aims,
strategies and budget lines all keep a unique order within their parent."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Max

from plans.permissions import ChangeRefused

Direction = Literal["up", "down"]


def next_order(rows: models.QuerySet) -> int:
    """The place after the last of `rows`: where a new row goes."""
    return (rows.aggregate(last=Max("order"))["last"] or 0) + 1


def swap_with_neighbour(
    *,
    siblings: models.QuerySet,
    pk: int,
    user: User,
    direction: Direction,
    gone: str,
    unique_within: models.QuerySet | None = None,
) -> bool:
    """Swap the row with its neighbour among `siblings`; False when it is already first or
    last, ChangeRefused(gone) when it was removed meanwhile. The caller has locked the plan.

    Orders are unique within `unique_within` (the siblings, unless the parent's rows are
    shown in groups, as budget lines are by year), so the swap parks the row on a free place
    first. Both rows' history records their new places; the parking place is not kept.
    """
    current = list(siblings.select_for_update().order_by("order"))
    position = next((i for i, row in enumerate(current) if row.pk == pk), None)
    if position is None:
        raise ChangeRefused(gone)
    neighbour = position - 1 if direction == "up" else position + 1
    if not 0 <= neighbour < len(current):
        return False
    moving, other = current[position], current[neighbour]
    moving_order, other_order = moving.order, other.order
    everything = siblings if unique_within is None else unique_within
    parking = next_order(everything)
    siblings.model.objects.filter(pk=moving.pk).update(order=parking)
    for changed, order in ((other, moving_order), (moving, other_order)):
        changed.order = order
        changed._history_user = user
        changed.save(update_fields=["order"])
    return True
