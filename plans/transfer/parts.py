"""What a partnership's file holds: its own models in the order they can be created, each
with the foreign keys that tie a row to the partnership, and the shared models it refers to."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from indicators.models import (
    Indicator,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from plans.models import (
    BudgetLine,
    District,
    GlossaryTerm,
    Group,
    HiddenComment,
    Membership,
    Organisation,
    OutlineBlock,
    Partnership,
    PartnershipLogo,
    PartnershipOrganisation,
    Plan,
    PlanImport,
    PlanTransition,
    PublishedCopy,
    RelatedStrategy,
    ScanningCategory,
    ScanningCriterion,
    ScanningMark,
    ScanningMatrix,
    Section,
    Subsection,
)
from priorities.models import (
    Action,
    ActionLeadPartner,
    Aim,
    Priority,
    ProgressUpdate,
    ReviewComment,
    ReviewReminder,
)


@dataclass(frozen=True)
class Part:
    """One model of the partnership's own: a row is the partnership's when one of its owner
    foreign keys names a row that is (the partnership itself has no owners)."""

    model: type[models.Model]
    owners: tuple[str, ...]

    @property
    def history(self) -> type[models.Model] | None:
        """The django-simple-history model recording this model's rows, if it has one."""
        return history_model_of(self.model)


def history_model_of(model: type[models.Model]) -> type[models.Model] | None:
    if model._meta.auto_created:
        # A many-to-many table: simple-history names its record "Historical<Owner>_<field>".
        owner = model._meta.auto_created
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        name = f"Historical{owner.__name__}_{field.name}"
        try:
            return apps.get_model(owner._meta.app_label, name)
        except LookupError:
            return None
    manager = getattr(model, "history", None)
    return manager.model if manager is not None else None


def _through(model: type[models.Model], field: str) -> type[models.Model]:
    return model._meta.get_field(field).remote_field.through


# Invitations are left out (their links are secrets); so are uploads waiting to be confirmed
# (a day's life at most), the demo's bookkeeping, and the content versions, which the
# database's triggers make for each plan created.
PARTS: tuple[Part, ...] = (
    Part(Partnership, ()),
    Part(PartnershipLogo, ("partnership",)),
    Part(District, ("partnership",)),
    Part(TargetArea, ("partnership",)),
    Part(PartnershipOrganisation, ("partnership",)),
    Part(Group, ("partnership",)),
    Part(_through(Group, "member_organisations"), ("group",)),
    Part(Membership, ("partnership",)),
    Part(_through(Membership, "task_groups"), ("membership",)),
    Part(GlossaryTerm, ("partnership",)),
    Part(Plan, ("partnership",)),
    Part(Section, ("plan",)),
    Part(Subsection, ("section",)),
    Part(RelatedStrategy, ("plan",)),
    Part(BudgetLine, ("plan",)),
    Part(ScanningMatrix, ("plan",)),
    Part(ScanningCriterion, ("matrix",)),
    Part(ScanningCategory, ("matrix",)),
    Part(ScanningMark, ("category",)),
    Part(Priority, ("plan",)),
    Part(_through(Priority, "assessment_categories"), ("priority",)),
    Part(Aim, ("priority",)),
    Part(Action, ("priority",)),
    Part(_through(Action, "indicators"), ("action",)),
    Part(ActionLeadPartner, ("action",)),
    Part(ProgressUpdate, ("action",)),
    Part(ReviewComment, ("plan",)),
    Part(OutlineBlock, ("plan",)),
    Part(LocalTargetMeasure, ("plan",)),
    Part(TargetColumn, ("measure",)),
    Part(LocalTarget, ("measure",)),
    Part(LocalTargetValue, ("target",)),
    Part(PlanTransition, ("plan",)),
    Part(HiddenComment, ("review_comment", "transition")),
    Part(PublishedCopy, ("plan",)),
    Part(PlanImport, ("plan",)),
    Part(ReviewReminder, ("action",)),
)

OWN_MODELS = frozenset(part.model for part in PARTS)

# Rows every partnership shares, matched in the receiving instance by what names them.
User = get_user_model()
USER_FIELDS = ("username", "email", "first_name", "last_name")
ORGANISATION_FIELDS = ("name", "short_name", "kind", "website")
INDICATOR_SET_FIELDS = (
    "name",
    "slug",
    "description",
    "is_national",
    "valid_from_year",
    "valid_to_year",
)
INDICATOR_FIELDS = ("code", "title", "title_source", "psa", "polarity", "unit", "description")
SHARED_MODELS = (User, Organisation, Indicator)


def self_references(model: type[models.Model]) -> list[models.ForeignKey]:
    """Foreign keys to the model itself (a group reports to a group): set after every row is
    in, since a row may name one that comes after it."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is model
    ]
