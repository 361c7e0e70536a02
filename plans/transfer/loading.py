"""Reading a partnership's file into this instance: every row under a new primary key, the
foreign keys between them remapped, the shared rows matched by what names them.

Rows are created through the ORM in the order of parts.PARTS, so the database's triggers
(content versions, the scanning matrix's and review dates' rules) and constraints see each
row as the app would write it. bulk_create sends no signals, so no new history is recorded:
the file's own history records are loaded instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Max

from indicators.models import Indicator, IndicatorSet, normalise_code
from plans.models import Organisation, Partnership, PlanImport
from plans.transfer.files import read_file
from plans.transfer.parts import (
    INDICATOR_SET_FIELDS,
    OWN_MODELS,
    PARTS,
    USER_FIELDS,
    User,
    self_references,
)


class ImportRefused(Exception):
    """The file is sound but cannot go into this instance as it stands."""


@dataclass
class ImportResult:
    partnership: Partnership | None = None
    counts: Counter[str] = field(default_factory=Counter)
    people_created: list[str] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    indicators_created: list[str] = field(default_factory=list)


def import_partnership(path: Path) -> ImportResult:
    """Create the partnership in the file and everything in it, all or nothing."""
    _, content = read_file(path)
    try:
        partnership_row = content["records"][0]
        if partnership_row["model"] != "plans.partnership":
            raise ImportRefused(f"{path} does not start with its partnership.")
        slug, name = partnership_row["fields"]["slug"], partnership_row["fields"]["name"]
    except (KeyError, IndexError, TypeError):
        raise ImportRefused(f"{path} holds no partnership.") from None
    with transaction.atomic():
        if Partnership.objects.filter(slug=slug).exists():
            raise ImportRefused(
                f"This instance already has a partnership at {slug!r}. Nothing was imported: "
                "delete that partnership first if the file is to replace it."
            )
        if Partnership.objects.filter(name=name).exists():
            raise ImportRefused(
                f"This instance already has a partnership named {name!r}. Nothing was imported."
            )
        loader = _Loader()
        try:
            loader.load(content)
        except ValidationError as error:
            raise ImportRefused(
                f"{path} has a row this instance would refuse: {'; '.join(error.messages)}. "
                "Nothing was imported."
            ) from None
        except (KeyError, TypeError, ValueError, LookupError, DatabaseError) as error:
            raise ImportRefused(f"{path} is damaged: {error}. Nothing was imported.") from None
        loader.result.partnership = Partnership.objects.get(slug=slug)
    return loader.result


class _Loader:
    def __init__(self) -> None:
        self.new_pks: dict[type[models.Model], dict[Any, Any]] = defaultdict(dict)
        self.next_free: dict[type[models.Model], int] = {}
        # The records an import wrote carry its key in their reason, which the audit log
        # filters on: the reason under the old key, and under the new.
        self.import_reasons: dict[str, str] = {}
        self.result = ImportResult()

    def load(self, content: dict[str, Any]) -> None:
        _check_models(content)
        self._people(content["users"])
        self._organisations(content["organisations"])
        self._indicators(content["indicators"])
        for rows in _by_model(content["records"]):
            self._create(rows, history=False)
        for rows in _by_model(content["history"]):
            self._create(rows, history=True)

    def _people(self, users: list[dict[str, Any]]) -> None:
        """People are matched by username; those missing are created unable to sign in."""
        for user in users:
            found = User.objects.filter(username=user["username"]).first()
            if found is None:
                found = User(**{name: user[name] for name in USER_FIELDS}, is_active=False)
                found.set_unusable_password()
                found.save()
                self.result.people_created.append(found.username)
            self.new_pks[User][user["pk"]] = found.pk

    def _organisations(self, organisations: list[dict[str, Any]]) -> None:
        for row in organisations:
            found, created = Organisation.objects.get_or_create(
                name=row["name"],
                defaults={
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "website": row["website"],
                },
            )
            if created:
                self.result.organisations_created.append(found.name)
            self.new_pks[Organisation][row["pk"]] = found.pk

    def _indicators(self, indicators: list[dict[str, Any]]) -> None:
        """Indicators are matched by their set's name and their code, however spaced."""
        for row in indicators:
            fields = row["set"]
            indicator_set = IndicatorSet.objects.filter(name=fields["name"]).first()
            if indicator_set is None:
                slug = fields["slug"]
                if IndicatorSet.objects.filter(slug=slug).exists():
                    slug = f"{slug}-imported"
                indicator_set = IndicatorSet.objects.create(
                    **{name: fields[name] for name in INDICATOR_SET_FIELDS if name != "slug"},
                    slug=slug,
                )
            found = Indicator.objects.filter(
                indicator_set=indicator_set, code_key=normalise_code(row["code"])
            ).first()
            if found is None:
                values = {k: v for k, v in row.items() if k not in ("pk", "set")}
                found = Indicator.objects.create(indicator_set=indicator_set, **values)
                self.result.indicators_created.append(f"{indicator_set.name} {found.code}")
            self.new_pks[Indicator][row["pk"]] = found.pk

    def _create(self, rows: list[dict[str, Any]], *, history: bool) -> None:
        model = apps.get_model(rows[0]["model"])
        later = self_references(model) if not history else []
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        objects = []
        for row in rows:
            values = row["fields"]
            instance = model()
            for model_field in fields:
                if model_field.name not in values or model_field in later:
                    continue
                value = values[model_field.name]
                if model_field.is_relation:
                    value = self._new_pk(model_field.related_model, value, history=history)
                elif history and model_field.name == "id":
                    value = self._new_pk(model.instance_type, value, history=True)
                elif history and model_field.name == "history_change_reason":
                    value = self.import_reasons.get(value, value)
                else:
                    value = model_field.to_python(value)
                setattr(instance, model_field.attname, value)
            if not history:
                # The forms' rules for each value (lengths, choices); keys are checked by the
                # database as the rows go in.
                instance.clean_fields(exclude=[f.name for f in fields if f.is_relation])
            objects.append(instance)
        model._default_manager.bulk_create(objects)
        for row, instance in zip(rows, objects, strict=True):
            self.new_pks[model][row["pk"]] = instance.pk
            if model is PlanImport:
                was = PlanImport(pk=row["pk"], file_name=instance.file_name)
                self.import_reasons[was.history_reason] = instance.history_reason
        # Creation stamps times (auto_now_add); the file's are the true ones.
        stamped = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for model_field in stamped + later:
            for row, instance in zip(rows, objects, strict=True):
                value = row["fields"][model_field.name]
                if model_field in later:
                    value = self._new_pk(model, value, history=False)
                else:
                    value = model_field.to_python(value)
                setattr(instance, model_field.attname, value)
        if stamped or later:
            model._default_manager.bulk_update(objects, [f.name for f in stamped + later])
        self.result.counts[model._meta.label_lower] += len(objects)

    def _new_pk(self, model: type[models.Model], old: Any, *, history: bool) -> Any:
        """The row's key in this instance. A row of the partnership's own that no longer
        exists (named only by history) gets a number no row will take; a shared row or one
        outside the partnership that the file does not carry becomes empty."""
        if old is None:
            return None
        known = self.new_pks[model]
        if old in known:
            return known[old]
        if history and model in OWN_MODELS:
            known[old] = self._free_pk(model)
            return known[old]
        return None

    def _free_pk(self, model: type[models.Model]) -> int:
        table, column = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Taken from the table's own sequence, so no later row is given it.
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
                return cursor.fetchone()[0]
        if model not in self.next_free:
            # SQLite numbers a new row one past the largest, as it did before: a deleted
            # row's number can come back there whatever this does.
            highest = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
            history = getattr(model, "history", None)
            if history is not None:
                highest = max(highest, history.aggregate(top=Max("id"))["top"] or 0)
            self.next_free[model] = highest + 1
        self.next_free[model] += 1
        return self.next_free[model] - 1


def _check_models(content: dict[str, Any]) -> None:
    """Only the partnership's own models and their history, one partnership: a file naming
    any other (people, sessions) could write what no export holds."""
    own = {part.model._meta.label_lower for part in PARTS}
    recorded = {part.history._meta.label_lower for part in PARTS if part.history is not None}
    for key, allowed in (("records", own), ("history", recorded)):
        strangers = ", ".join(sorted({row["model"] for row in content[key]} - allowed))
        if strangers:
            raise ImportRefused(
                f"The file holds rows a partnership export never has ({strangers}). Nothing "
                "was imported."
            )
    if sum(row["model"] == "plans.partnership" for row in content["records"]) != 1:
        raise ImportRefused("The file must hold exactly one partnership. Nothing was imported.")


def _by_model(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive rows of one model, in the file's order (the order they can be created)."""
    return [list(group) for _, group in groupby(rows, key=lambda row: row["model"])]
