"""The partnership's organisations and areas: the writes a partnership administrator makes.

These belong to the partnership, not to one plan: published plans keep their own frozen copy,
so an administrator may change them at any time. Each change locks the partnership row first,
so two administrators working at once take turns (a move cannot interleave with an add).
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from indicators.models import LocalTarget
from plans.models import District, Group, Organisation, Partnership, PartnershipOrganisation
from plans.ordering import next_order
from priorities.models import ActionLeadPartner

ORGANISATION_GONE = "This organisation has been taken out of the partnership meanwhile."
DISTRICT_GONE = "This area has been removed meanwhile."


class PartnershipChangeRefused(Exception):
    """A change to the partnership's organisations or areas that would break one of its rules."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _lock_partnership(partnership_id: int) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership_id)


def existing_organisation(name: str) -> Organisation | None:
    """The organisation already called `name`, whatever its capitals, so none is made twice."""
    return Organisation.objects.filter(name__iexact=name.strip()).order_by("pk").first()


def _organisation_named(*, name: str, short_name: str, kind: str, user: User) -> Organisation:
    found = existing_organisation(name)
    if found is not None:
        return found
    organisation = Organisation(
        name=name.strip(), short_name=short_name.strip(), kind=kind or Organisation.Kind.OTHER
    )
    organisation._history_user = user
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Someone else made it a moment earlier, for this or another partnership.
        found = existing_organisation(name)
        if found is None:
            raise
        return found
    return organisation


@transaction.atomic
def partnership_organisation_add(
    *,
    partnership: Partnership,
    user: User,
    organisation: Organisation | None = None,
    new_name: str = "",
    new_short_name: str = "",
    new_kind: str = "",
    role: str,
) -> PartnershipOrganisation:
    """Bring an organisation into the partnership: one chosen, or one named here.

    A name that an organisation already has (ignoring capitals) means that organisation;
    otherwise a new organisation is made in the same transaction.
    """
    if (organisation is None) == (not new_name.strip()):
        raise PartnershipChangeRefused(
            "Choose an organisation, or type a new organisation’s name, but not both."
        )
    partnership = _lock_partnership(partnership.pk)
    if organisation is None:
        organisation = _organisation_named(
            name=new_name, short_name=new_short_name, kind=new_kind, user=user
        )
    if PartnershipOrganisation.objects.filter(
        partnership=partnership, organisation=organisation
    ).exists():
        raise PartnershipChangeRefused(f"{organisation.name} is already in the partnership.")
    participation = PartnershipOrganisation(
        partnership=partnership, organisation=organisation, role=role
    )
    participation._history_user = user
    participation.save()
    return participation


@transaction.atomic
def organisation_named_in_partnership(
    *, partnership: Partnership, user: User, name: str, short_name: str, kind: str, role: str
) -> Organisation:
    """The organisation typed on another form (a group's chair or member), in the partnership.

    One already in the partnership under that name is simply used; otherwise it joins with
    `role`, made first if the site does not know it.
    """
    _lock_partnership(partnership.pk)
    found = existing_organisation(name)
    if found is not None and found.participations.filter(partnership=partnership).exists():
        return found
    return partnership_organisation_add(
        partnership=partnership,
        user=user,
        new_name=name,
        new_short_name=short_name,
        new_kind=kind,
        role=role,
    ).organisation


def _lock_participation(pk: int) -> PartnershipOrganisation:
    participation = (
        PartnershipOrganisation.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=pk)
        .first()
    )
    if participation is None:
        raise PartnershipChangeRefused(ORGANISATION_GONE)
    return participation


@transaction.atomic
def partnership_organisation_update(
    *, participation: PartnershipOrganisation, user: User, role: str
) -> PartnershipOrganisation:
    _lock_partnership(participation.partnership_id)
    participation = _lock_participation(participation.pk)
    participation.role = role
    participation._history_user = user
    participation.save(update_fields=["role"])
    return participation


def organisation_uses(participation: PartnershipOrganisation) -> list[str]:
    """Where this partnership still names the organisation, in words; empty when nowhere."""
    partnership_id, organisation_id = participation.partnership_id, participation.organisation_id
    uses = []
    plans = sorted(
        {
            f"{title} {start}-{end}"
            for title, start, end in ActionLeadPartner.objects.filter(
                organisation_id=organisation_id,
                action__priority__plan__partnership_id=partnership_id,
            ).values_list(
                "action__priority__plan__title",
                "action__priority__plan__start_year",
                "action__priority__plan__end_year",
            )
        }
    )
    if plans:
        uses.append(f"it leads actions in {', '.join(plans)}")
    groups = Group.objects.filter(partnership_id=partnership_id)
    chaired = sorted(
        groups.filter(chair_organisation_id=organisation_id).values_list("name", flat=True)
    )
    if chaired:
        uses.append(f"it chairs {', '.join(chaired)}")
    member_of = sorted(
        groups.filter(member_organisations=organisation_id).values_list("name", flat=True)
    )
    if member_of:
        uses.append(f"it is a member of {', '.join(member_of)}")
    return uses


@transaction.atomic
def partnership_organisation_remove(*, participation: PartnershipOrganisation, user: User) -> None:
    """Take the organisation out of this partnership; the organisation itself stays, since
    other partnerships may work with it. Refused while this partnership still names it."""
    _lock_partnership(participation.partnership_id)
    participation = _lock_participation(participation.pk)
    uses = organisation_uses(participation)
    if uses:
        raise PartnershipChangeRefused(
            f"{participation.organisation.name} is still named by this partnership: "
            f"{'; '.join(uses)}. Change those first, then take it out."
        )
    participation._history_user = user
    participation.delete()


def _lock_district(pk: int) -> District:
    district = District.objects.select_for_update().filter(pk=pk).first()
    if district is None:
        raise PartnershipChangeRefused(DISTRICT_GONE)
    return district


def _refuse_taken_name(partnership_id: int, name: str, district_id: int | None = None) -> None:
    others = District.objects.filter(partnership_id=partnership_id, name__iexact=name)
    if district_id is not None:
        others = others.exclude(pk=district_id)
    if others.exists():
        raise PartnershipChangeRefused("This partnership already has an area of that name.")


@transaction.atomic
def district_add(*, partnership: Partnership, user: User, name: str) -> District:
    """Add an area after the partnership's last one."""
    partnership = _lock_partnership(partnership.pk)
    name = name.strip()
    _refuse_taken_name(partnership.pk, name)
    district = District(
        partnership=partnership, name=name, order=next_order(partnership.districts.all())
    )
    district._history_user = user
    district.save()
    return district


@transaction.atomic
def district_update(*, district: District, user: User, name: str) -> District:
    _lock_partnership(district.partnership_id)
    district = _lock_district(district.pk)
    name = name.strip()
    _refuse_taken_name(district.partnership_id, name, district.pk)
    district.name = name
    district._history_user = user
    district.save(update_fields=["name"])
    return district


@transaction.atomic
def district_move(*, district: District, user: User, direction: Literal["up", "down"]) -> bool:
    """Swap the area with its neighbour; False when it is already first or last.

    Areas made in the Django admin may share a place (its default is 0), so the move numbers
    the areas 1, 2, 3… in their shown order and saves those whose place changed: afterwards
    every area of the partnership has a place of its own.
    """
    _lock_partnership(district.partnership_id)
    current = list(
        District.objects.select_for_update()
        .filter(partnership_id=district.partnership_id)
        .order_by("order", "name")
    )
    position = next((i for i, d in enumerate(current) if d.pk == district.pk), None)
    if position is None:
        raise PartnershipChangeRefused(DISTRICT_GONE)
    neighbour = position - 1 if direction == "up" else position + 1
    if not 0 <= neighbour < len(current):
        return False
    current[position], current[neighbour] = current[neighbour], current[position]
    for order, each in enumerate(current, start=1):
        if each.order != order:
            each.order = order
            each._history_user = user
            each.save(update_fields=["order"])
    return True


@transaction.atomic
def district_remove(*, district: District, user: User) -> None:
    """Delete the area; refused while a local target is set for it."""
    _lock_partnership(district.partnership_id)
    district = _lock_district(district.pk)
    if LocalTarget.objects.filter(area__district=district).exists():
        raise PartnershipChangeRefused(
            f"{district.name} has local targets in this partnership’s plans. Remove those "
            "targets first, then the area."
        )
    district._history_user = user
    district.delete()
