"""Changing a draft plan's details (title, years, summary...) and its partnership's cover.

Each change locks the plan row first and checks again that it is a draft, as the sections do
(plans.sections). The plan's slug never changes here: it is part of its public address.
The cover (logo and colour) belongs to the partnership and shows on all its draft plans; it
is changed from one of its draft plans, under that plan's lock. A published copy keeps the
logo and colour it was published with (plans.publishing).
"""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth.models import User
from django.db import transaction

from plans.cover import is_colour, logo_content_type, normalise_colour
from plans.models import Partnership, PartnershipLogo, Plan
from plans.models.plan import validate_action_table_columns
from plans.permissions import ChangeRefused, plan_change_refusal

PLAN_DETAIL_FIELDS = (
    "title",
    "subtitle",
    "start_year",
    "end_year",
    "strategy_start_year",
    "strategy_end_year",
    "first_published_on",
    "summary",
    "action_table_columns",
)
COVER_FIELDS = ("colour", "logo_content_type", "logo_sha256")


def _lock_draft_plan(plan_id: int) -> Plan:
    """Lock the plan, and refuse if it has left draft since the view checked."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


@transaction.atomic
def plan_details_update(
    *,
    plan: Plan,
    user: User,
    title: str,
    subtitle: str,
    start_year: int,
    end_year: int,
    strategy_start_year: int | None,
    strategy_end_year: int | None,
    first_published_on: datetime.date | None,
    summary: str,
    action_table_columns: list[dict[str, str]] | None,
) -> Plan:
    """action_table_columns: the action tables' columns in order, each {"column": key,
    "heading": as printed}, or None for the usual table (Plan.action_columns)."""
    validate_action_table_columns(action_table_columns)
    plan = _lock_draft_plan(plan.pk)
    plan.title = title
    plan.subtitle = subtitle
    plan.start_year = start_year
    plan.end_year = end_year
    plan.strategy_start_year = strategy_start_year
    plan.strategy_end_year = strategy_end_year
    plan.first_published_on = first_published_on
    plan.summary = summary
    plan.action_table_columns = action_table_columns or None
    plan._history_user = user
    plan.save(update_fields=[*PLAN_DETAIL_FIELDS, "updated_at"])
    return plan


@transaction.atomic
def partnership_cover_update(
    *,
    partnership: Partnership,
    plan: Plan,
    user: User,
    colour: str,
    logo: bytes | None,
    remove_logo: bool,
) -> Partnership:
    """Set the cover colour, and make a new logo current (logo given) or have none
    (remove_logo). Logos are kept by their hash: an identical one uploaded again is the same
    row, and no logo is deleted, so every published page keeps the one it was published with.

    `plan` is the draft the change is made from; a logo is checked again here (PNG or JPEG,
    at most 1 MB), whatever called this.
    """
    locked_plan = _lock_draft_plan(plan.pk)
    if locked_plan.partnership_id != partnership.pk:
        raise ChangeRefused("This plan belongs to another partnership.")
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    colour = normalise_colour(colour)
    if colour and not is_colour(colour):
        raise ValueError(f"Not a #rrggbb colour: {colour!r}")
    partnership.colour = colour
    if logo is not None:
        content_type = logo_content_type(logo)
        sha256 = hashlib.sha256(logo).hexdigest()
        # Never overwritten: the pages published with an older logo still show theirs.
        PartnershipLogo.objects.get_or_create(
            partnership=partnership,
            sha256=sha256,
            defaults={"content_type": content_type, "content": logo},
        )
        partnership.logo_content_type = content_type
        partnership.logo_sha256 = sha256
    elif remove_logo:
        # Only the current logo goes: published pages keep the one they were published with.
        partnership.logo_content_type = ""
        partnership.logo_sha256 = ""
    partnership._history_user = user
    partnership.save(update_fields=list(COVER_FIELDS))
    return partnership
