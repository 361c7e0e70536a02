"""Synthetic partnerships, plans and actions in bulk, to measure the app at scale.

Rows go in by bulk inserts (no history, no save()), a slice of partnerships at a time so memory
stays bounded, and the tables are ANALYZEd afterwards on PostgreSQL so its planner sees them.

Published and superseded plans get a small placeholder published copy (a few hundred bytes of
HTML and two tiny stand-in "PDFs") rather than a rendered one: rendering real PDFs takes
seconds a plan, far too slow for thousands of plans. Their public pages serve the placeholder,
which is all a measurement of the lists, filters and searches needs; a plan published for real
in the app renders as usual.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from indicators.models import Indicator
from plans.models import (
    Group,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    Plan,
    PublishedCopy,
)
from priorities.models import Action, ActionLeadPartner, Aim, Priority

SLUG_PREFIX = "synthetic-"
BATCH_SIZE = 2000
PRIORITIES_PER_PLAN = 4
PARTNERSHIPS_PER_AREA = 10
# Partnerships built per transaction: enough rows for bulk inserts to pay, few enough to keep
# memory small at 300,000 actions.
SLICE = 10

# Plan statuses in rotation: most plans public, as in real life, and some of every other kind.
PLAN_STATUSES = [
    Plan.Status.PUBLISHED,
    Plan.Status.PUBLISHED,
    Plan.Status.PUBLISHED,
    Plan.Status.PUBLISHED,
    Plan.Status.PUBLISHED,
    Plan.Status.SUPERSEDED,
    Plan.Status.SUPERSEDED,
    Plan.Status.DRAFT,
    Plan.Status.IN_REVIEW,
    Plan.Status.APPROVED,
]
ACTION_STATUSES = [s for s in Action.Status.values if s != Action.Status.REMOVED] + [
    Action.Status.REMOVED
]
RAGS = ["", *Action.Rag.values]
ORGANISATION_KINDS = [
    Organisation.Kind.POLICE,
    Organisation.Kind.COUNCIL,
    Organisation.Kind.FIRE,
    Organisation.Kind.HEALTH,
    Organisation.Kind.PROBATION,
]
THEMES = [
    "domestic burglary",
    "anti-social behaviour",
    "violent crime in the night-time economy",
    "drug-related offending",
    "vehicle crime",
    "criminal damage",
    "domestic abuse",
    "re-offending by young people",
    "fear of crime",
    "road safety",
]
ACTION_VERBS = [
    "Target-harden homes against",
    "Run a multi-agency campaign on",
    "Map hot spots of",
    "Fund diversionary activities to reduce",
    "Share data monthly on",
]
PLACEHOLDER_PDF = b"%PDF-1.4\n% cspplan synthetic placeholder, not a rendered plan\n%%EOF\n"


@dataclass(frozen=True)
class SyntheticSize:
    partnerships: int
    plans: int
    actions: int

    @property
    def total_actions(self) -> int:
        return self.partnerships * self.plans * self.actions


class SyntheticDataExists(Exception):
    pass


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _placeholder_html(plan: Plan) -> str:
    return (
        f'<article class="plan-document"><h1>{plan.title}</h1>'
        "<p>Synthetic plan made by make_synthetic: a placeholder for its published copy.</p>"
        "</article>"
    )


def make_synthetic(size: SyntheticSize, today: datetime.date | None = None) -> None:
    """Build size.partnerships partnerships of size.plans plans of size.actions actions."""
    if Partnership.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise SyntheticDataExists(
            "Synthetic partnerships are already in this database; make them in a fresh one."
        )
    today = today or timezone.localdate()
    organisations = _organisations()
    indicators = list(Indicator.objects.values_list("pk", flat=True)[:50])
    for start in range(0, size.partnerships, SLICE):
        numbers = range(start, min(start + SLICE, size.partnerships))
        with transaction.atomic():
            _build_slice(numbers, size, organisations, indicators, today)
    analyze()


def _organisations() -> list[Organisation]:
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Synthetic {kind.label} {number:02d}", short_name=f"S{kind.label[:3]}{number}"
            )
            for number in range(10)
            for kind in ORGANISATION_KINDS
        ],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    return list(Organisation.objects.filter(name__startswith="Synthetic ").order_by("pk"))


def _build_slice(
    numbers: range,
    size: SyntheticSize,
    organisations: list[Organisation],
    indicators: list[int],
    today: datetime.date,
) -> None:
    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                name=f"Synthetic Community Safety Partnership {n + 1:04d}",
                short_name=f"SCSP{n + 1}",
                slug=f"{SLUG_PREFIX}{n + 1:04d}",
                area=f"Synthetic county {n // PARTNERSHIPS_PER_AREA + 1:03d}",
            )
            for n in numbers
        ],
        batch_size=BATCH_SIZE,
    )
    PartnershipOrganisation.objects.bulk_create(
        [
            PartnershipOrganisation(
                partnership=partnership,
                organisation=organisations[(i + k) % len(organisations)],
                role=PartnershipOrganisation.Role.RESPONSIBLE_AUTHORITY,
            )
            for i, partnership in enumerate(partnerships)
            for k in range(len(ORGANISATION_KINDS))
        ],
        batch_size=BATCH_SIZE,
    )
    groups = Group.objects.bulk_create(
        [
            Group(
                partnership=partnership,
                name=f"{theme.capitalize()} task group",
                kind=Group.Kind.TASK,
                order=g,
            )
            for partnership in partnerships
            for g, theme in enumerate(THEMES[:PRIORITIES_PER_PLAN])
        ],
        batch_size=BATCH_SIZE,
    )
    groups_of = {p.pk: [g for g in groups if g.partnership_id == p.pk] for p in partnerships}
    now = timezone.now()
    plans = Plan.objects.bulk_create(
        [
            Plan(
                partnership=partnership,
                title=f"Partnership plan {2000 + m}/{(2001 + m) % 100:02d}",
                slug=f"plan-{2000 + m}",
                start_year=2000 + m,
                end_year=2001 + m,
                status=PLAN_STATUSES[(3 * n + m) % len(PLAN_STATUSES)],
                first_published_on=datetime.date(2000 + m, 4, 1),
            )
            for n, partnership in zip(numbers, partnerships, strict=True)
            for m in range(size.plans)
        ],
        batch_size=BATCH_SIZE,
    )
    public = [p for p in plans if p.status in (Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED)]
    pdf_sha = _sha256(PLACEHOLDER_PDF)
    copies = []
    for plan in public:
        html = _placeholder_html(plan)
        copies.append(
            PublishedCopy(
                plan=plan,
                published_at=now,
                html=html,
                html_sha256=_sha256(html.encode()),
                pdf=PLACEHOLDER_PDF,
                pdf_sha256=pdf_sha,
                large_print_pdf=PLACEHOLDER_PDF,
                large_print_pdf_sha256=pdf_sha,
            )
        )
    PublishedCopy.objects.bulk_create(copies, batch_size=BATCH_SIZE)
    priorities = Priority.objects.bulk_create(
        [
            Priority(
                plan=plan,
                order=q + 1,
                label=f"Priority {q + 1}",
                title=f"Reduce {THEMES[q]}",
                task_group=groups_of[plan.partnership_id][q],
                lead_officer=f"Officer {q + 1}",
            )
            for plan in plans
            for q in range(PRIORITIES_PER_PLAN)
        ],
        batch_size=BATCH_SIZE,
    )
    aims = Aim.objects.bulk_create(
        [
            Aim(priority=priority, order=1, title=f"Fewer incidents of {priority.title[7:]}")
            for priority in priorities
        ],
        batch_size=BATCH_SIZE,
    )
    _build_actions(plans, priorities, aims, groups_of, organisations, indicators, size, today)


def _build_actions(
    plans: list[Plan],
    priorities: list[Priority],
    aims: list[Aim],
    groups_of: dict[int, list[Group]],
    organisations: list[Organisation],
    indicators: list[int],
    size: SyntheticSize,
    today: datetime.date,
) -> None:
    by_plan: dict[int, list[tuple[Priority, Aim]]] = {}
    for priority, aim in zip(priorities, aims, strict=True):
        by_plan.setdefault(priority.plan_id, []).append((priority, aim))
    actions = []
    for plan in plans:
        pairs = by_plan[plan.pk]
        for k in range(size.actions):
            priority, aim = pairs[k % len(pairs)]
            n = plan.pk * 1000 + k
            theme = THEMES[(k // len(pairs)) % len(THEMES)]
            actions.append(
                Action(
                    priority=priority,
                    aim=aim,
                    order=k // len(pairs) + 1,
                    text=f"{ACTION_VERBS[n % len(ACTION_VERBS)]} {theme} (action {k + 1})",
                    review_date=today + datetime.timedelta(days=(n % 540) - 270),
                    status=ACTION_STATUSES[n % len(ACTION_STATUSES)],
                    rag=RAGS[n % len(RAGS)],
                    funding_stream="Synthetic fund" if n % 3 == 0 else "",
                )
            )
    actions = Action.objects.bulk_create(actions, batch_size=BATCH_SIZE)
    plan_of = {priority.pk: priority.plan_id for priority in priorities}
    partnership_of = {plan.pk: plan.partnership_id for plan in plans}
    leads = []
    links = []
    for i, action in enumerate(actions):
        leads.append(
            ActionLeadPartner(
                action=action,
                order=1,
                kind=ActionLeadPartner.Kind.ORGANISATION,
                organisation=organisations[i % len(organisations)],
            )
        )
        if i % 2 == 0:
            partnership_id = partnership_of[plan_of[action.priority_id]]
            leads.append(
                ActionLeadPartner(
                    action=action,
                    order=2,
                    kind=ActionLeadPartner.Kind.GROUP,
                    group=groups_of[partnership_id][i % PRIORITIES_PER_PLAN],
                )
            )
        if indicators and i % 3 == 0:
            links.append(
                Action.indicators.through(
                    action_id=action.pk, indicator_id=indicators[i % len(indicators)]
                )
            )
    ActionLeadPartner.objects.bulk_create(leads, batch_size=BATCH_SIZE)
    Action.indicators.through.objects.bulk_create(links, batch_size=BATCH_SIZE)


def analyze() -> None:
    """Fresh planner statistics after a bulk load, on PostgreSQL (SQLite plans without)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
