"""Writing one partnership to a file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models
from django.db.models import Q
from django.utils import timezone

from indicators.models import Indicator
from plans.models import Organisation, Partnership
from plans.transfer.files import write_file
from plans.transfer.parts import (
    INDICATOR_FIELDS,
    INDICATOR_SET_FIELDS,
    ORGANISATION_FIELDS,
    PARTS,
    SHARED_MODELS,
    USER_FIELDS,
    User,
)


def export_partnership(partnership: Partnership, path: Path) -> Counter[str]:
    """Write the partnership, everything in it and its history to path; the rows written of
    each model, by its label."""
    ids: dict[type[models.Model], set[int]] = {}
    records: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for part in PARTS:
        live = _rows(part.model, part.owners, ids, partnership)
        ids[part.model] = {row["pk"] for row in live}
        records += live
        if part.history is not None:
            recorded = _rows(part.history, part.owners, ids, partnership)
            # Rows deleted since keep their history, under the number they had.
            ids[part.model] |= {row["fields"]["id"] for row in recorded}
            history += recorded
    shared = _shared_ids(records + history)
    content = {
        "partnership": partnership.slug,
        "users": _values(User, shared[User], USER_FIELDS),
        "organisations": _values(Organisation, shared[Organisation], ORGANISATION_FIELDS),
        "indicators": _indicators(shared[Indicator]),
        "records": records,
        "history": history,
    }
    counts = Counter(row["model"] for row in records + history)
    write_file(
        path,
        {
            "partnership": partnership.slug,
            "exported_at": timezone.now().isoformat(),
            "counts": dict(sorted(counts.items())),
        },
        content,
    )
    return counts


def _rows(
    model: type[models.Model],
    owners: tuple[str, ...],
    ids: dict[type[models.Model], set[int]],
    partnership: Partnership,
) -> list[dict[str, Any]]:
    """The model's rows (or history records) that belong to the partnership, as Django's
    serializers write them."""
    if not owners:
        key = "id" if model._meta.pk.name != "id" else "pk"
        matching = Q(**{key: partnership.pk})
    else:
        matching = Q()
        for owner in owners:
            # A history record names its owner as the recorded row does (HistoricalSection.plan).
            owner_model = model._meta.get_field(owner).related_model
            matching |= Q(**{f"{owner}__in": sorted(ids[owner_model])})
    rows = model._default_manager.filter(matching).order_by("pk")
    return serializers.serialize("python", rows)


def _shared_ids(rows: list[dict[str, Any]]) -> dict[type[models.Model], set[int]]:
    """The people, organisations and indicators the rows name."""
    found: dict[type[models.Model], set[int]] = {model: set() for model in SHARED_MODELS}
    fields_by_model: dict[str, list[models.Field]] = {}
    for row in rows:
        if row["model"] not in fields_by_model:
            model = apps.get_model(row["model"])
            fields_by_model[row["model"]] = [
                field
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model in SHARED_MODELS
            ]
        for field in fields_by_model[row["model"]]:
            value = row["fields"].get(field.name)
            if value is not None:
                found[field.related_model].add(value)
    return found


def _values(model: type[models.Model], pks: set[int], fields: tuple[str, ...]) -> list[dict]:
    return [
        {"pk": row.pop("pk"), **row}
        for row in model._default_manager.filter(pk__in=sorted(pks))
        .order_by("pk")
        .values("pk", *fields)
    ]


def _indicators(pks: set[int]) -> list[dict[str, Any]]:
    indicators = Indicator.objects.filter(pk__in=sorted(pks)).select_related("indicator_set")
    return [
        {
            "pk": indicator.pk,
            **{name: getattr(indicator, name) for name in INDICATOR_FIELDS},
            "set": {name: getattr(indicator.indicator_set, name) for name in INDICATOR_SET_FIELDS},
        }
        for indicator in indicators.order_by("pk")
    ]
