"""The public plans index: a page of plans at a time, searched by plan title, partnership or
area, grouped by area and then partnership, each group with its count over the whole search.

A page costs the same few queries however many plans there are: the count, the page of plans
(with whether each is being corrected), the reader's memberships, and the group counts of the
areas on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser, User
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.urls import reverse

from plans.models import Membership, Partnership, Plan
from plans.publishing import serves_copy

PLANS_PER_PAGE = 50
SEARCH_MAX = 100


@dataclass
class PartnershipPlans:
    partnership: Partnership
    count: int
    plans: list[Plan] = field(default_factory=list)


@dataclass
class AreaPlans:
    area: str
    count: int
    partnerships: list[PartnershipPlans] = field(default_factory=list)


@dataclass
class PlanIndex:
    search: str
    page: Page
    areas: list[AreaPlans]
    page_links: list[tuple[int | None, str]]
    previous_address: str
    next_address: str


def plan_index(user: User | AnonymousUser, search: str, page_number: str | int) -> PlanIndex:
    search = search.strip()[:SEARCH_MAX]
    found = Plan.objects.readable_by(user)
    if search:
        found = found.filter(
            Q(title__icontains=search)
            | Q(partnership__name__icontains=search)
            | Q(partnership__short_name__icontains=search)
            | Q(partnership__area__icontains=search)
        )
    ordered = (
        found.with_correction()
        .select_related("partnership")
        .order_by("partnership__area", "partnership__name", "-start_year", "title", "pk")
    )
    page = Paginator(ordered, PLANS_PER_PAGE).get_page(page_number)
    plans = list(page.object_list)
    member_of = _member_of(user, {plan.partnership_id for plan in plans})
    for plan in plans:
        plan.draft_tag = _draft_tag(plan, plan.partnership_id in member_of)
    counts = _counts(found, {plan.partnership.area for plan in plans})
    areas: list[AreaPlans] = []
    for plan in plans:
        partnership = plan.partnership
        if not areas or areas[-1].area != partnership.area:
            area_count = sum(n for (area, _), n in counts.items() if area == partnership.area)
            areas.append(AreaPlans(partnership.area, area_count))
        groups = areas[-1].partnerships
        if not groups or groups[-1].partnership.pk != partnership.pk:
            groups.append(PartnershipPlans(partnership, counts[partnership.area, partnership.pk]))
        groups[-1].plans.append(plan)
    return PlanIndex(
        search,
        page,
        areas,
        _page_links(page, search),
        page_address(search, page.number - 1) if page.has_previous() else "",
        page_address(search, page.number + 1) if page.has_next() else "",
    )


def _member_of(user: User | AnonymousUser, partnership_ids: set[int]) -> set[int]:
    """The partnerships on the page whose drafts this reader works on."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return partnership_ids
    return set(
        Membership.objects.filter(user=user, partnership_id__in=partnership_ids).values_list(
            "partnership_id", flat=True
        )
    )


def _draft_tag(plan: Plan, is_member: bool) -> str:
    """The index's tag for a plan members are working on; none for a plan read as published."""
    if serves_copy(plan, is_member=is_member):
        return ""
    being_corrected = plan.taken_back_for_correction and plan.status in Plan.CORRECTING_STATUSES
    kind = "Correction" if being_corrected else "Draft"
    return f"{kind}: {plan.get_status_display().lower()}"


def _counts(found, areas: set[str]) -> dict[tuple[str, int], int]:
    """How many plans the search found in each partnership of the page's areas."""
    rows = (
        found.filter(partnership__area__in=areas)
        .order_by()
        .values_list("partnership__area", "partnership_id")
        .annotate(plans=Count("pk"))
    )
    return {(area, partnership_id): n for area, partnership_id, n in rows}


def _page_links(page: Page, search: str) -> list[tuple[int | None, str]]:
    """GOV.UK pagination: the first and last pages, and those either side of this one, with
    None for the gaps; each with its address, the search kept."""
    last = page.paginator.num_pages
    near = {1, last, page.number - 1, page.number, page.number + 1}
    numbers = sorted(near & set(range(1, last + 1)))
    links: list[tuple[int | None, str]] = []
    for number in numbers:
        if links and links[-1][0] is not None and number - links[-1][0] > 1:
            links.append((None, ""))
        links.append((number, page_address(search, number)))
    return links


def page_address(search: str, number: int) -> str:
    params = {"q": search} if search else {}
    if number > 1:
        params["page"] = str(number)
    index = reverse("plans:index")
    return f"{index}?{urlencode(params)}" if params else index
