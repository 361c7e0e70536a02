"""Every URL and every action against every role, with the exact outcome each must get.

OK: allowed (a page, or a redirect onward after a change). LOGIN: sent to sign in. 403: refused
with a reason. 409: may change it, but the plan has left draft: refused with the form and what
was typed given back. 404: told nothing, as if the plan did not exist. The last test fails when
a URL is added without a row here, so the matrix keeps up with the application.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from indicators.models import LocalTargetMeasure, TargetColumn
from plans.models import (
    BudgetLine,
    District,
    GlossaryTerm,
    Group,
    Invitation,
    Job,
    Membership,
    Partnership,
    PartnershipLogo,
    PartnershipOrganisation,
    PendingImport,
    Plan,
    PlanTransition,
    PublishedCopy,
    RelatedStrategy,
    ScanningCategory,
    ScanningCriterion,
    ScanningMatrix,
    Section,
    Subsection,
)
from plans.models.imports import ImportSource
from plans.models.invitation import token_hash
from priorities.models import Action, Aim, Priority, ReviewComment
from priorities.spreadsheets.preview import fingerprint as spreadsheet_fingerprint
from priorities.spreadsheets.rows import Scope
from tests.conftest import PASSWORD
from tests.word_files import plan_docx, upload

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "viewer",
    "reviewer",
    "other_editor",
    "editor",
    "administrator",
    "superuser",
]
MEMBERS = ["viewer", "reviewer", "other_editor", "editor", "administrator", "superuser"]
OK, LOGIN, ADMIN_LOGIN, REFUSED, HIDDEN = "OK", "LOGIN", "ADMIN_LOGIN", 403, 404
TYPED_KEPT = 409
Status = Plan.Status


def everyone(outcome: str | int) -> dict[str, str | int]:
    return dict.fromkeys(ROLES, outcome)


def members_only(anonymous: str | int = LOGIN) -> dict[str, str | int]:
    """Any member reads; anonymous visitors and outsiders do not."""
    return {"anonymous": anonymous, "outsider": HIDDEN, **dict.fromkeys(MEMBERS, OK)}


def only(*allowed: str) -> dict[str, str | int]:
    """Members outside `allowed` are refused; outsiders see nothing; anonymous sign in."""
    outcome = {"anonymous": LOGIN, "outsider": HIDDEN}
    outcome.update({role: OK if role in allowed else REFUSED for role in MEMBERS})
    return outcome


EDITORS = ("editor", "administrator", "superuser")
ADMINISTRATORS = only("administrator", "superuser")
COMMENTERS = ("reviewer", "other_editor", "editor", "administrator", "superuser")


@dataclass
class World:
    plan: Plan
    action: Action
    comment: ReviewComment
    transition: PlanTransition
    section: Section


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str, str | int]
    data: Callable[[World], dict] = field(default=lambda world: {})
    plan_status: str = Status.DRAFT


def _plan(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(
        name, args=[w.plan.partnership.slug, w.plan.slug, *[a(w) for a in args]]
    )


def _action(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.action.pk])


def _priority(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.action.priority_id])


def _publication(world: World) -> Job:
    """A publication waiting for the worker (due later, so the page does not stand in)."""
    return Job.objects.create(
        kind=Job.Kind.PUBLISH,
        plan=world.plan,
        run_after=timezone.now() + datetime.timedelta(hours=1),
        created_at=timezone.now(),
    )


def _action_form(world: World) -> dict:
    return {
        "text": "Run a summer diversion scheme.",
        "lead_partners": "Cumbria Police",
        "indicators": "NI17",
        "status": "not_started",
        "version": str(world.action.version),
    }


def _progress_form(world: World) -> dict:
    return {
        "reported_on_0": "15",
        "reported_on_1": "7",
        "reported_on_2": "2010",
        "rag": "green",
        "note": "On track.",
    }


def _plan_pk(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.plan.pk])


def _section(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.section.pk])


def _section_form(world: World) -> dict:
    return {
        "title": "Foreword",
        "kind": "foreword",
        "placement": "before",
        "body": "Welcome to the plan.",
    }


def _subsection(name: str) -> Callable[[World], str]:
    """A subsection of the world's section, made when a case first asks for it."""

    def url(world: World) -> str:
        subsection, _ = Subsection.objects.get_or_create(
            section=world.section, order=1, defaults={"title": "Crime"}
        )
        return reverse(name, args=[subsection.pk])

    return url


def _subsection_form(world: World) -> dict:
    return {"title": "Crime", "body": "Crime fell by a tenth."}


# A draft plan's lists (made when a URL first needs them, so the World stays as it is)
def _strategy(world: World) -> int:
    strategy, _ = RelatedStrategy.objects.get_or_create(
        plan=world.plan, order=1, defaults={"title": "Community Plan"}
    )
    RelatedStrategy.objects.get_or_create(
        plan=world.plan, order=2, defaults={"title": "Housing Strategy"}
    )
    return strategy.pk


def _term(world: World) -> int:
    term, _ = GlossaryTerm.objects.get_or_create(
        partnership=world.plan.partnership, term="ASB", defaults={"meaning": "Anti-social"}
    )
    return term.pk


def _budget_line(world: World) -> int:
    line, _ = BudgetLine.objects.get_or_create(
        plan=world.plan,
        order=1,
        defaults={"project": "Alley gates", "amount": Decimal("500"), "year": 2010},
    )
    BudgetLine.objects.get_or_create(
        plan=world.plan,
        order=2,
        defaults={"project": "Mediation", "amount": Decimal("250"), "year": 2010},
    )
    return line.pk


# A draft plan's scanning matrix (made when a URL first needs it)
def _scanning_criterion(world: World) -> int:
    matrix, _ = ScanningMatrix.objects.get_or_create(plan=world.plan)
    ScanningCriterion.objects.get_or_create(matrix=matrix, order=1, defaults={"name": "Volume"})
    criterion, _ = ScanningCriterion.objects.get_or_create(
        matrix=matrix, order=2, defaults={"name": "Harm"}
    )
    return criterion.pk


def _scanning_category(world: World) -> int:
    matrix, _ = ScanningMatrix.objects.get_or_create(plan=world.plan)
    ScanningCategory.objects.get_or_create(matrix=matrix, order=1, defaults={"name": "Drugs"})
    category, _ = ScanningCategory.objects.get_or_create(
        matrix=matrix, order=2, defaults={"name": "Acquisitive crime"}
    )
    return category.pk


def _scanning_grid(world: World) -> dict:
    category = _scanning_category(world)
    criterion = _scanning_criterion(world)
    return {
        "rows": str(category),
        f"mark_{category}_{criterion}": "H",
        f"comment_{category}": "Rising.",
        f"decision_{category}": "included",
    }


SCANNING_TYPED_KEPT = {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT}


def _list_row(name: str, row: Callable[[World], int]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[row(w)])


def _plan_term(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.plan.pk, _term(w)])


def _strategy_form(world: World) -> dict:
    return {"title": "Youth Plan", "owner": "Council", "url": "https://example.org/youth"}


def _term_form(world: World) -> dict:
    return {"term": "MARAC", "meaning": "Multi-Agency Risk Assessment Conference"}


def _budget_form(world: World) -> dict:
    return {"project": "Street pastors", "funding_stream": "", "amount": "£1,250", "year": "2010"}


# A draft plan's targets tables (made when a URL first needs them)
def _measure(world: World) -> int:
    measure, created = LocalTargetMeasure.objects.get_or_create(
        plan=world.plan, order=1, defaults={"name": "Robbery"}
    )
    if created:
        LocalTargetMeasure.objects.create(plan=world.plan, order=2, name="Burglary")
        TargetColumn.objects.create(measure=measure, year=2010)
    return measure.pk


def _measure_form(world: World) -> dict:
    return {
        "name": "Robbery",
        "kind": "count",
        "change_shown": "year_on_year",
        "precision": "1",
        "total_label": "Total",
        "areas": "Carlisle",
        "columns": "2010\n2011",
    }


def _partnership(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.plan.partnership.slug, *[a(w) for a in args]])


def _task_group(world: World) -> int:
    return world.action.priority.task_group_id


def _reviewer_membership(world: World) -> int:
    return Membership.objects.get(partnership=world.plan.partnership, user__username="reviewer").pk


# Plan details and cover (plans.plan_detail_views)
def _plan_details_form(world: World) -> dict:
    return {"title": "Partnership Plan", "start_year": "2010", "end_year": "2011"}


LOGO_SHA256 = "3" * 64


def _with_logo(name: str) -> Callable[[World], str]:
    """A logo's address by its hash, once the partnership has that logo and a cover colour."""

    def url(world: World) -> str:
        partnership = world.plan.partnership
        PartnershipLogo.objects.update_or_create(
            partnership=partnership,
            sha256=LOGO_SHA256,
            defaults={"content_type": "image/png", "content": b"\x89PNG logo"},
        )
        Partnership.objects.filter(pk=partnership.pk).update(
            colour="#1d70b8", logo_content_type="image/png", logo_sha256=LOGO_SHA256
        )
        return reverse(name, args=[partnership.slug, LOGO_SHA256])

    return url


INVITATION_TOKEN = "the-secret-from-the-email"


def _invitation(world: World) -> Invitation:
    now = timezone.now()
    invitation, _ = Invitation.objects.get_or_create(
        partnership=world.plan.partnership,
        email="invited@example.org",
        defaults={
            "role": Membership.Role.VIEWER,
            "token_hash": token_hash(INVITATION_TOKEN),
            "sent_at": now,
            "expires_at": now + datetime.timedelta(days=14),
        },
    )
    return invitation


def _invitation_pk(world: World) -> int:
    return _invitation(world).pk


def _invitation_link(name: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        _invitation(world)
        return reverse(name, args=[INVITATION_TOKEN])

    return url


def _group_form(world: World) -> dict:
    return {"name": "Reducing Reoffending Task Group", "kind": "task"}


# The partnership's organisations and areas (organisations branch)
def _council_participation(world: World) -> int:
    """The council takes part but leads no action and sits on no group, so it can be taken out."""
    return PartnershipOrganisation.objects.get(
        partnership=world.plan.partnership, organisation__name="Carlisle City Council"
    ).pk


def _district(name: str) -> Callable[[World], int]:
    def pk(world: World) -> int:
        for each_name, each_order in (("Carlisle", 1), ("Eden", 2)):
            District.objects.get_or_create(
                partnership=world.plan.partnership, name=each_name, defaults={"order": each_order}
            )
        return District.objects.get(partnership=world.plan.partnership, name=name).pk

    return pk


def _new_organisation_form(world: World) -> dict:
    return {"new_name": "Eden Housing Association", "new_kind": "housing", "role": "invited"}


def _admin_move(world: World) -> dict:
    return {"action": "move_draft_to_in_review", ACTION_CHECKBOX_NAME: [world.plan.pk]}


# Priorities, aims and removed actions (a draft plan's structure)
def _empty_priority(world: World) -> int:
    priority, _ = Priority.objects.get_or_create(
        plan=world.plan, order=90, defaults={"title": "A priority with no actions"}
    )
    return priority.pk


def _aim(world: World) -> int:
    aim, _ = Aim.objects.get_or_create(
        priority_id=world.action.priority_id, order=1, defaults={"title": "Fewer incidents"}
    )
    return aim.pk


def _removed_action(world: World) -> int:
    removed, _ = Action.objects.get_or_create(
        priority_id=world.action.priority_id,
        order=80,
        defaults={"text": "A removed action.", "status": Action.Status.REMOVED},
    )
    return removed.pk


def _by_pk(name: str, pk: Callable[[World], int]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[pk(w)])


def _priority_form(world: World) -> dict:
    return {"title": "Reducing reoffending", "label": "Priority 4", "aims": ""}


def _aim_form(world: World) -> dict:
    return {"title": "Fewer repeat victims", "baseline_data": "412 in 2009/10"}


CASES = [
    # Public pages
    Case("home", "get", lambda w: reverse("home"), everyone(OK)),
    Case(
        "latest changes", "get", lambda w: reverse("changes"), {**everyone(OK), "anonymous": LOGIN}
    ),
    Case("sign in", "get", lambda w: reverse("login"), everyone(OK)),
    Case("password reset", "get", lambda w: reverse("password_reset"), everyone(OK)),
    Case("plans index", "get", lambda w: reverse("plans:index"), everyone(OK)),
    Case("health for monitors", "get", lambda w: reverse("health"), everyone(OK)),
    Case("draft plan page", "get", _plan("plans:plan_detail"), members_only(HIDDEN)),
    Case(
        "published plan page",
        "get",
        _plan("plans:plan_detail"),
        everyone(OK),
        plan_status=Status.PUBLISHED,
    ),
    Case("draft plan PDF", "get", _plan("plans:plan_pdf"), members_only(HIDDEN)),
    Case(
        "draft large-print PDF",
        "get",
        _plan("plans:plan_large_print_pdf"),
        members_only(HIDDEN),
    ),
    Case(
        "published plan PDF",
        "get",
        _plan("plans:plan_pdf"),
        everyone(OK),
        plan_status=Status.PUBLISHED,
    ),
    # The plan as a Word document (plans.word.export_views): its members only, any status
    Case("draft plan as Word", "get", _plan_pk("plans:plan_word"), members_only()),
    Case(
        "plan in review as Word",
        "get",
        _plan_pk("plans:plan_word"),
        members_only(),
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "published plan as Word",
        "get",
        _plan_pk("plans:plan_word"),
        members_only(),
        plan_status=Status.PUBLISHED,
    ),
    # The workflow
    Case(
        "send for review",
        "post",
        _plan("plans:plan_move", lambda w: "in_review"),
        only("administrator", "superuser"),
    ),
    Case(
        "approve",
        "post",
        _plan("plans:plan_move", lambda w: "approved"),
        only("reviewer", "administrator", "superuser"),
        data=lambda w: {"open_comments_reason": "Minor points only"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "send back to draft",
        "post",
        _plan("plans:plan_move", lambda w: "draft"),
        only("reviewer", "administrator", "superuser"),
        data=lambda w: {"comment": "Needs targets"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "publish",
        "post",
        _plan("plans:plan_move", lambda w: "published"),
        only("administrator", "superuser"),
        plan_status=Status.APPROVED,
    ),
    Case(
        "publishing progress",
        "get",
        _plan("plans:publication_progress", lambda w: _publication(w).pk),
        members_only(),
        plan_status=Status.APPROVED,
    ),
    Case(
        "start next year's plan",
        "post",
        _plan("plans:plan_refresh"),
        only("administrator", "superuser"),
        plan_status=Status.PUBLISHED,
    ),
    # Correcting a published plan (tests/test_corrections.py)
    Case(
        "correct the published plan",
        "post",
        _plan("plans:plan_move", lambda w: "draft"),
        only("administrator", "superuser"),
        data=lambda w: {"comment": "Corrected the PCSO numbers."},
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "correct a superseded plan",
        "post",
        _plan("plans:plan_move", lambda w: "draft"),
        only(),
        data=lambda w: {"comment": "Corrected the PCSO numbers."},
        plan_status=Status.SUPERSEDED,
    ),
    Case(
        "published version page",
        "get",
        _plan("plans:plan_version", lambda w: 1),
        everyone(OK),
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "published version PDF",
        "get",
        _plan("plans:plan_version_pdf", lambda w: 1),
        everyone(OK),
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "published version large-print PDF",
        "get",
        _plan("plans:plan_version_large_print_pdf", lambda w: 1),
        everyone(OK),
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "version page of a draft",
        "get",
        _plan("plans:plan_version", lambda w: 1),
        members_only(HIDDEN),
    ),
    Case(
        "version PDF of a draft",
        "get",
        _plan("plans:plan_version_pdf", lambda w: 1),
        members_only(HIDDEN),
    ),
    Case(
        "unknown version",
        "get",
        _plan("plans:plan_version_large_print_pdf", lambda w: 2),
        everyone(HIDDEN),
        plan_status=Status.PUBLISHED,
    ),
    # Review online
    Case("review summary", "get", _plan("plans:review_summary"), members_only()),
    Case("changes since published", "get", _plan("plans:plan_changes"), members_only()),
    Case(
        "comment on an action",
        "post",
        _plan("plans:comment_add", lambda w: "action", lambda w: w.action.pk),
        only(*COMMENTERS),
        data=lambda w: {"body": "Who funds this?"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "reply to a comment",
        "post",
        _plan("plans:comment_reply", lambda w: w.comment.pk),
        only(*COMMENTERS),
        data=lambda w: {"body": "The police do."},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "resolve a comment",
        "post",
        _plan("plans:comment_resolve", lambda w: w.comment.pk),
        only(*EDITORS),
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "hide a comment",
        "post",
        _plan("plans:comment_hide", lambda w: w.comment.pk),
        ADMINISTRATORS,
        data=lambda w: {"reason": "Abusive"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "hide a move's comment",
        "post",
        _plan("plans:transition_hide", lambda w: w.transition.pk),
        ADMINISTRATORS,
        data=lambda w: {"reason": "Abusive"},
        plan_status=Status.IN_REVIEW,
    ),
    # Officers' action plans
    Case(
        "plan's priorities",
        "get",
        lambda w: reverse("priorities:plan", args=[w.plan.pk]),
        members_only(),
    ),
    Case("action plan", "get", _priority("priorities:action_plan"), members_only()),
    Case("action page", "get", _action("priorities:action"), members_only()),
    Case("partner suggestions", "get", _priority("priorities:partner_suggestions"), members_only()),
    Case(
        "indicator suggestions",
        "get",
        _priority("priorities:indicator_suggestions"),
        members_only(),
    ),
    Case("edit a priority", "get", _priority("priorities:priority_edit"), only(*EDITORS)),
    Case(
        "add an action",
        "post",
        _priority("priorities:action_add"),
        only(*EDITORS),
        data=_action_form,
    ),
    Case(
        "edit an action",
        "post",
        _action("priorities:action_edit"),
        only(*EDITORS),
        data=_action_form,
    ),
    Case(
        "move an action",
        "post",
        _action("priorities:action_move"),
        only(*EDITORS),
        data=lambda w: {"direction": "down"},
    ),
    Case("remove an action", "post", _action("priorities:action_remove"), only(*EDITORS)),
    Case(
        "record progress",
        "post",
        _action("priorities:progress_add"),
        only(*EDITORS),
        data=_progress_form,
    ),
    Case(
        "record progress on a published plan",
        "post",
        _action("priorities:progress_add"),
        only(*EDITORS),
        data=_progress_form,
        plan_status=Status.PUBLISHED,
    ),
    # Content is editable only in draft, whoever asks
    Case(
        "edit an action of a plan in review",
        "post",
        _action("priorities:action_edit"),
        {**only(), **dict.fromkeys(EDITORS, TYPED_KEPT)},
        data=_action_form,
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "add an action to a published plan",
        "post",
        _priority("priorities:action_add"),
        {**only(), **dict.fromkeys(EDITORS, TYPED_KEPT)},
        data=_action_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "open the edit page of an action of a plan in review",
        "get",
        _action("priorities:action_edit"),
        only(),
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "edit a priority of a published plan",
        "get",
        _priority("priorities:priority_edit"),
        only(),
        plan_status=Status.PUBLISHED,
    ),
    # Partnership administrators keep a draft plan's sections
    Case("plan's sections", "get", _plan_pk("priorities:sections"), ADMINISTRATORS),
    Case("add a section form", "get", _plan_pk("priorities:section_add"), ADMINISTRATORS),
    Case(
        "add a section",
        "post",
        _plan_pk("priorities:section_add"),
        ADMINISTRATORS,
        data=_section_form,
    ),
    Case("edit a section form", "get", _section("priorities:section_edit"), ADMINISTRATORS),
    Case(
        "edit a section",
        "post",
        _section("priorities:section_edit"),
        ADMINISTRATORS,
        data=_section_form,
    ),
    Case(
        "move a section",
        "post",
        _section("priorities:section_move"),
        ADMINISTRATORS,
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "remove a section confirmation",
        "get",
        _section("priorities:section_remove"),
        ADMINISTRATORS,
    ),
    Case("remove a section", "post", _section("priorities:section_remove"), ADMINISTRATORS),
    Case(
        "edit a section of a plan in review",
        "post",
        _section("priorities:section_edit"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_section_form,
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "add a section to a published plan",
        "post",
        _plan_pk("priorities:section_add"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_section_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "move a section of a plan in review",
        "post",
        _section("priorities:section_move"),
        only(),
        data=lambda w: {"direction": "down"},
        plan_status=Status.IN_REVIEW,
    ),
    # Partnership administrators put a draft plan's parts in print order (plans.outline)
    Case("plan's outline", "get", _plan_pk("plans:outline"), ADMINISTRATORS),
    Case(
        "move a part of the outline",
        "post",
        _plan_pk("plans:outline_move"),
        ADMINISTRATORS,
        data=lambda w: {"block": "glossary", "direction": "up"},
    ),
    Case(
        "switch a generated part of the outline",
        "post",
        _plan_pk("plans:outline_switch"),
        ADMINISTRATORS,
        data=lambda w: {"block": "glossary", "is_shown": "on"},
    ),
    Case(
        "move a part of the outline of a plan in review",
        "post",
        _plan_pk("plans:outline_move"),
        only(),
        data=lambda w: {"block": "glossary", "direction": "up"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "switch a part of the outline of a published plan",
        "post",
        _plan_pk("plans:outline_switch"),
        only(),
        data=lambda w: {"block": "glossary"},
        plan_status=Status.PUBLISHED,
    ),
    # Partnership administrators keep the subsections of a draft plan's sections
    Case("add a subsection form", "get", _section("priorities:subsection_add"), ADMINISTRATORS),
    Case(
        "add a subsection",
        "post",
        _section("priorities:subsection_add"),
        ADMINISTRATORS,
        data=_subsection_form,
    ),
    Case(
        "edit a subsection form", "get", _subsection("priorities:subsection_edit"), ADMINISTRATORS
    ),
    Case(
        "edit a subsection",
        "post",
        _subsection("priorities:subsection_edit"),
        ADMINISTRATORS,
        data=_subsection_form,
    ),
    Case(
        "move a subsection",
        "post",
        _subsection("priorities:subsection_move"),
        ADMINISTRATORS,
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "remove a subsection confirmation",
        "get",
        _subsection("priorities:subsection_remove"),
        ADMINISTRATORS,
    ),
    Case(
        "remove a subsection", "post", _subsection("priorities:subsection_remove"), ADMINISTRATORS
    ),
    Case(
        "edit a subsection of a plan in review",
        "post",
        _subsection("priorities:subsection_edit"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_subsection_form,
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "add a subsection to a published plan",
        "post",
        _section("priorities:subsection_add"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_subsection_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "remove a subsection of a plan in review",
        "post",
        _subsection("priorities:subsection_remove"),
        only(),
        plan_status=Status.IN_REVIEW,
    ),
    # Partnership administrators keep a draft plan's related strategies, glossary and budget
    Case("plan's related strategies", "get", _plan_pk("priorities:strategies"), ADMINISTRATORS),
    Case("add a strategy form", "get", _plan_pk("priorities:strategy_add"), ADMINISTRATORS),
    Case(
        "add a strategy",
        "post",
        _plan_pk("priorities:strategy_add"),
        ADMINISTRATORS,
        data=_strategy_form,
    ),
    Case(
        "add many strategies",
        "post",
        _plan_pk("priorities:strategy_add_many"),
        ADMINISTRATORS,
        data=lambda w: {"lines": "Youth Plan | Council\nHousing Plan"},
    ),
    Case(
        "edit a strategy",
        "post",
        _list_row("priorities:strategy_edit", _strategy),
        ADMINISTRATORS,
        data=_strategy_form,
    ),
    Case(
        "move a strategy",
        "post",
        _list_row("priorities:strategy_move", _strategy),
        ADMINISTRATORS,
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "remove a strategy confirmation",
        "get",
        _list_row("priorities:strategy_remove", _strategy),
        ADMINISTRATORS,
    ),
    Case(
        "remove a strategy",
        "post",
        _list_row("priorities:strategy_remove", _strategy),
        ADMINISTRATORS,
    ),
    Case(
        "add many strategies to a plan in review",
        "post",
        _plan_pk("priorities:strategy_add_many"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=lambda w: {"lines": "Youth Plan"},
        plan_status=Status.IN_REVIEW,
    ),
    Case("glossary", "get", _plan_pk("priorities:glossary"), ADMINISTRATORS),
    Case("add a term", "post", _plan_pk("priorities:term_add"), ADMINISTRATORS, data=_term_form),
    Case(
        "add many terms",
        "post",
        _plan_pk("priorities:term_add_many"),
        ADMINISTRATORS,
        data=lambda w: {"lines": "PCSO: Police Community Support Officer"},
    ),
    Case(
        "edit a term", "post", _plan_term("priorities:term_edit"), ADMINISTRATORS, data=_term_form
    ),
    Case("remove a term confirmation", "get", _plan_term("priorities:term_remove"), ADMINISTRATORS),
    Case("remove a term", "post", _plan_term("priorities:term_remove"), ADMINISTRATORS),
    Case(
        "edit a term through a published plan",
        "post",
        _plan_term("priorities:term_edit"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_term_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "remove a term through a plan in review",
        "post",
        _plan_term("priorities:term_remove"),
        only(),
        plan_status=Status.IN_REVIEW,
    ),
    # Partnership administrators keep a draft plan's targets tables and their figures
    Case("targets", "get", _plan_pk("priorities:targets"), ADMINISTRATORS),
    Case(
        "add a targets table",
        "post",
        _plan_pk("priorities:target_measure_add"),
        ADMINISTRATORS,
        data=_measure_form,
    ),
    Case(
        "edit a targets table",
        "post",
        _list_row("priorities:target_measure_edit", _measure),
        ADMINISTRATORS,
        data=_measure_form,
    ),
    Case(
        "move a targets table",
        "post",
        _list_row("priorities:target_measure_move", _measure),
        ADMINISTRATORS,
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "remove a targets table confirmation",
        "get",
        _list_row("priorities:target_measure_remove", _measure),
        ADMINISTRATORS,
    ),
    Case(
        "remove a targets table",
        "post",
        _list_row("priorities:target_measure_remove", _measure),
        ADMINISTRATORS,
    ),
    Case("a table's figures", "get", _list_row("priorities:target_grid", _measure), ADMINISTRATORS),
    Case(
        "save a table's figures",
        "post",
        _list_row("priorities:target_grid", _measure),
        ADMINISTRATORS,
        data=lambda w: {"paste": ""},
    ),
    Case(
        "save a table's figures in a plan in review",
        "post",
        _list_row("priorities:target_grid", _measure),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=lambda w: {"paste": ""},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "edit a targets table of a published plan",
        "post",
        _list_row("priorities:target_measure_edit", _measure),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_measure_form,
        plan_status=Status.PUBLISHED,
    ),
    Case("budget", "get", _plan_pk("priorities:budget"), ADMINISTRATORS),
    Case(
        "add a budget line",
        "post",
        _plan_pk("priorities:budget_line_add"),
        ADMINISTRATORS,
        data=_budget_form,
    ),
    Case(
        "edit a budget line form",
        "get",
        _list_row("priorities:budget_line_edit", _budget_line),
        ADMINISTRATORS,
    ),
    Case(
        "edit a budget line",
        "post",
        _list_row("priorities:budget_line_edit", _budget_line),
        ADMINISTRATORS,
        data=_budget_form,
    ),
    Case(
        "move a budget line",
        "post",
        _list_row("priorities:budget_line_move", _budget_line),
        ADMINISTRATORS,
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "remove a budget line",
        "post",
        _list_row("priorities:budget_line_remove", _budget_line),
        ADMINISTRATORS,
    ),
    Case(
        "add a budget line to a published plan",
        "post",
        _plan_pk("priorities:budget_line_add"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_budget_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "move a budget line of a plan in review",
        "post",
        _list_row("priorities:budget_line_move", _budget_line),
        only(),
        data=lambda w: {"direction": "down"},
        plan_status=Status.IN_REVIEW,
    ),
    # Partnership administrators set up the partnership's groups and people
    Case("manage the partnership", "get", _partnership("plans:partnership_manage"), ADMINISTRATORS),
    Case("audit log", "get", _partnership("plans:partnership_audit"), ADMINISTRATORS),
    Case("add a group form", "get", _partnership("plans:group_add"), ADMINISTRATORS),
    Case("add a group", "post", _partnership("plans:group_add"), ADMINISTRATORS, _group_form),
    Case(
        "edit a group form",
        "get",
        _partnership("plans:group_edit", _task_group),
        ADMINISTRATORS,
    ),
    Case(
        "edit a group",
        "post",
        _partnership("plans:group_edit", _task_group),
        ADMINISTRATORS,
        _group_form,
    ),
    Case("add a person form", "get", _partnership("plans:person_add"), ADMINISTRATORS),
    Case(
        "invite a person",
        "post",
        _partnership("plans:person_add"),
        ADMINISTRATORS,
        data=lambda w: {"email": "new@example.org", "role": "viewer"},
    ),
    Case(
        "send an invitation again",
        "post",
        _partnership("plans:invitation_resend", _invitation_pk),
        ADMINISTRATORS,
    ),
    Case(
        "withdraw an invitation",
        "post",
        _partnership("plans:invitation_revoke", _invitation_pk),
        ADMINISTRATORS,
    ),
    # Holding an invitation's link is what lets anyone open it, signed in or not; members
    # already in the partnership are told so on the page.
    Case("invitation page", "get", _invitation_link("plans:invitation"), everyone(OK)),
    Case("accept an invitation", "post", _invitation_link("plans:invitation"), everyone(OK)),
    Case(
        "decline an invitation",
        "post",
        _invitation_link("plans:invitation_decline"),
        everyone(OK),
    ),
    Case(
        "change a person's role form",
        "get",
        _partnership("plans:person_edit", _reviewer_membership),
        ADMINISTRATORS,
    ),
    Case(
        "change a person's role",
        "post",
        _partnership("plans:person_edit", _reviewer_membership),
        ADMINISTRATORS,
        data=lambda w: {"role": "viewer"},
    ),
    Case(
        "remove a person confirmation",
        "get",
        _partnership("plans:person_remove", _reviewer_membership),
        ADMINISTRATORS,
    ),
    Case(
        "remove a person",
        "post",
        _partnership("plans:person_remove", _reviewer_membership),
        ADMINISTRATORS,
    ),
    # The partnership's organisations and areas: administrators change them at any time
    Case("organisations", "get", _partnership("plans:organisation_list"), ADMINISTRATORS),
    Case("add an organisation form", "get", _partnership("plans:organisation_add"), ADMINISTRATORS),
    Case(
        "add an organisation",
        "post",
        _partnership("plans:organisation_add"),
        ADMINISTRATORS,
        _new_organisation_form,
    ),
    Case(
        "add an organisation while the plan is published",
        "post",
        _partnership("plans:organisation_add"),
        ADMINISTRATORS,
        _new_organisation_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "change an organisation's role form",
        "get",
        _partnership("plans:organisation_edit", _council_participation),
        ADMINISTRATORS,
    ),
    Case(
        "change an organisation's role",
        "post",
        _partnership("plans:organisation_edit", _council_participation),
        ADMINISTRATORS,
        data=lambda w: {"role": "co_operating"},
    ),
    Case(
        "take an organisation out confirmation",
        "get",
        _partnership("plans:organisation_remove", _council_participation),
        ADMINISTRATORS,
    ),
    Case(
        "take an organisation out",
        "post",
        _partnership("plans:organisation_remove", _council_participation),
        ADMINISTRATORS,
    ),
    Case("areas", "get", _partnership("plans:district_list"), ADMINISTRATORS),
    Case("add an area form", "get", _partnership("plans:district_add"), ADMINISTRATORS),
    Case(
        "add an area",
        "post",
        _partnership("plans:district_add"),
        ADMINISTRATORS,
        data=lambda w: {"name": "Allerdale"},
    ),
    Case(
        "rename an area form",
        "get",
        _partnership("plans:district_edit", _district("Eden")),
        ADMINISTRATORS,
    ),
    Case(
        "rename an area",
        "post",
        _partnership("plans:district_edit", _district("Eden")),
        ADMINISTRATORS,
        data=lambda w: {"name": "Eden District"},
    ),
    Case(
        "move an area",
        "post",
        _partnership("plans:district_move", _district("Eden")),
        ADMINISTRATORS,
        data=lambda w: {"direction": "up"},
    ),
    Case(
        "remove an area confirmation",
        "get",
        _partnership("plans:district_remove", _district("Eden")),
        ADMINISTRATORS,
    ),
    Case(
        "remove an area",
        "post",
        _partnership("plans:district_remove", _district("Eden")),
        ADMINISTRATORS,
    ),
    # Partnership administrators keep a draft plan's details and the partnership's cover;
    # the logo and cover stylesheet are public once the partnership has a public plan.
    Case("plan details form", "get", _plan_pk("priorities:plan_details"), ADMINISTRATORS),
    Case(
        "plan details",
        "post",
        _plan_pk("priorities:plan_details"),
        ADMINISTRATORS,
        data=_plan_details_form,
    ),
    Case(
        "plan details of a plan in review",
        "post",
        _plan_pk("priorities:plan_details"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_plan_details_form,
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "plan details form of a published plan",
        "get",
        _plan_pk("priorities:plan_details"),
        only(),
        plan_status=Status.PUBLISHED,
    ),
    Case("plan cover form", "get", _plan_pk("priorities:plan_cover"), ADMINISTRATORS),
    Case(
        "plan cover",
        "post",
        _plan_pk("priorities:plan_cover"),
        ADMINISTRATORS,
        data=lambda w: {"colour": "#00703c"},
    ),
    Case(
        "plan cover of a published plan",
        "post",
        _plan_pk("priorities:plan_cover"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=lambda w: {"colour": "#00703c"},
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "logo of a partnership with only drafts",
        "get",
        _with_logo("plans:partnership_logo"),
        members_only(anonymous=HIDDEN),
    ),
    Case(
        "logo of a partnership with a published plan",
        "get",
        _with_logo("plans:partnership_logo"),
        everyone(OK),
        plan_status=Status.PUBLISHED,
    ),
    # A cover stylesheet is named by its colour alone and reveals nothing: anyone may have it.
    Case(
        "cover stylesheet of a colour",
        "get",
        lambda w: reverse("plans:cover_css", args=["1d70b8"]),
        everyone(OK),
    ),
    # Priorities, aims and removed actions: administrators shape the plan's priorities; whoever
    # may change a priority keeps its aims and brings back its removed actions
    Case("add a priority form", "get", _plan_pk("priorities:priority_add"), ADMINISTRATORS),
    Case(
        "add a priority",
        "post",
        _plan_pk("priorities:priority_add"),
        ADMINISTRATORS,
        data=_priority_form,
    ),
    Case(
        "add a priority to a plan in review",
        "post",
        _plan_pk("priorities:priority_add"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
        data=_priority_form,
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "edit a priority's label and task group",
        "post",
        _priority("priorities:priority_edit"),
        only(*EDITORS),
        data=_priority_form,
    ),
    Case(
        "move a priority",
        "post",
        _priority("priorities:priority_move"),
        ADMINISTRATORS,
        data=lambda w: {"direction": "up"},
    ),
    Case(
        "move a priority of a published plan",
        "post",
        _priority("priorities:priority_move"),
        only(),
        data=lambda w: {"direction": "up"},
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "remove a priority confirmation",
        "get",
        _priority("priorities:priority_remove"),
        ADMINISTRATORS,
    ),
    Case(
        "remove a priority with no actions",
        "post",
        _by_pk("priorities:priority_remove", _empty_priority),
        ADMINISTRATORS,
    ),
    Case(
        "remove a priority that has actions",
        "post",
        _priority("priorities:priority_remove"),
        {**only(), "administrator": TYPED_KEPT, "superuser": TYPED_KEPT},
    ),
    Case("add an aim form", "get", _priority("priorities:aim_add"), only(*EDITORS)),
    Case("add an aim", "post", _priority("priorities:aim_add"), only(*EDITORS), data=_aim_form),
    Case(
        "add an aim to a plan in review",
        "post",
        _priority("priorities:aim_add"),
        {**only(), **dict.fromkeys(EDITORS, TYPED_KEPT)},
        data=_aim_form,
        plan_status=Status.IN_REVIEW,
    ),
    Case("edit an aim form", "get", _by_pk("priorities:aim_edit", _aim), only(*EDITORS)),
    Case(
        "edit an aim",
        "post",
        _by_pk("priorities:aim_edit", _aim),
        only(*EDITORS),
        data=_aim_form,
    ),
    Case(
        "edit an aim of a published plan",
        "post",
        _by_pk("priorities:aim_edit", _aim),
        {**only(), **dict.fromkeys(EDITORS, TYPED_KEPT)},
        data=_aim_form,
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "move an aim",
        "post",
        _by_pk("priorities:aim_move", _aim),
        only(*EDITORS),
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "remove an aim confirmation",
        "get",
        _by_pk("priorities:aim_remove", _aim),
        only(*EDITORS),
    ),
    Case("remove an aim", "post", _by_pk("priorities:aim_remove", _aim), only(*EDITORS)),
    Case(
        "remove an aim of a plan in review",
        "post",
        _by_pk("priorities:aim_remove", _aim),
        only(),
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "bring back a removed action",
        "post",
        _by_pk("priorities:action_restore", _removed_action),
        only(*EDITORS),
    ),
    Case(
        "bring back a removed action of a plan in review",
        "post",
        _by_pk("priorities:action_restore", _removed_action),
        only(),
        plan_status=Status.IN_REVIEW,
    ),
    # The Django admin is for site superusers
    Case(
        "admin",
        "get",
        lambda w: reverse("admin:index"),
        {**everyone(ADMIN_LOGIN), "superuser": OK},
    ),
    Case(
        "admin move action",
        "post",
        lambda w: reverse("admin:plans_plan_changelist"),
        {**everyone(ADMIN_LOGIN), "superuser": OK},
        data=_admin_move,
    ),
    # Partnership administrators keep a draft plan's scanning matrix
    Case("scanning matrix grid", "get", _plan_pk("plans:scanning"), ADMINISTRATORS),
    Case(
        "save the scanning grid",
        "post",
        _plan_pk("plans:scanning"),
        ADMINISTRATORS,
        data=_scanning_grid,
    ),
    Case(
        "save the scanning grid of a plan in review",
        "post",
        _plan_pk("plans:scanning"),
        SCANNING_TYPED_KEPT,
        data=_scanning_grid,
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "scanning grid of a published plan",
        "get",
        _plan_pk("plans:scanning"),
        only(),
        plan_status=Status.PUBLISHED,
    ),
    Case("scanning details form", "get", _plan_pk("plans:scanning_details"), ADMINISTRATORS),
    Case(
        "save the scanning details",
        "post",
        _plan_pk("plans:scanning_details"),
        ADMINISTRATORS,
        data=lambda w: {"title": "Scanning", "introduction": "", "key": "H: high"},
    ),
    Case("add a criterion form", "get", _plan_pk("plans:scanning_criterion_add"), ADMINISTRATORS),
    Case(
        "add a criterion",
        "post",
        _plan_pk("plans:scanning_criterion_add"),
        ADMINISTRATORS,
        data=lambda w: {"name": "Trend"},
    ),
    Case(
        "add a criterion to a plan in review",
        "post",
        _plan_pk("plans:scanning_criterion_add"),
        SCANNING_TYPED_KEPT,
        data=lambda w: {"name": "Trend"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "rename a criterion form",
        "get",
        _list_row("plans:scanning_criterion_edit", _scanning_criterion),
        ADMINISTRATORS,
    ),
    Case(
        "rename a criterion",
        "post",
        _list_row("plans:scanning_criterion_edit", _scanning_criterion),
        ADMINISTRATORS,
        data=lambda w: {"name": "Severity"},
    ),
    Case(
        "move a criterion",
        "post",
        _list_row("plans:scanning_criterion_move", _scanning_criterion),
        ADMINISTRATORS,
        data=lambda w: {"direction": "up"},
    ),
    Case(
        "move a criterion of a plan in review",
        "post",
        _list_row("plans:scanning_criterion_move", _scanning_criterion),
        only(),
        data=lambda w: {"direction": "up"},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "remove a criterion confirmation",
        "get",
        _list_row("plans:scanning_criterion_remove", _scanning_criterion),
        ADMINISTRATORS,
    ),
    Case(
        "remove a criterion",
        "post",
        _list_row("plans:scanning_criterion_remove", _scanning_criterion),
        ADMINISTRATORS,
    ),
    Case("add a category form", "get", _plan_pk("plans:scanning_category_add"), ADMINISTRATORS),
    Case(
        "add a category",
        "post",
        _plan_pk("plans:scanning_category_add"),
        ADMINISTRATORS,
        data=lambda w: {"name": "Vehicle crime"},
    ),
    Case(
        "edit a category form",
        "get",
        _list_row("plans:scanning_category_edit", _scanning_category),
        ADMINISTRATORS,
    ),
    Case(
        "edit a category",
        "post",
        _list_row("plans:scanning_category_edit", _scanning_category),
        ADMINISTRATORS,
        data=lambda w: {"name": "Theft"},
    ),
    Case(
        "edit a category of a published plan",
        "post",
        _list_row("plans:scanning_category_edit", _scanning_category),
        SCANNING_TYPED_KEPT,
        data=lambda w: {"name": "Theft"},
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "move a category",
        "post",
        _list_row("plans:scanning_category_move", _scanning_category),
        ADMINISTRATORS,
        data=lambda w: {"direction": "up"},
    ),
    Case(
        "remove a category confirmation",
        "get",
        _list_row("plans:scanning_category_remove", _scanning_category),
        ADMINISTRATORS,
    ),
    Case(
        "remove a category",
        "post",
        _list_row("plans:scanning_category_remove", _scanning_category),
        ADMINISTRATORS,
    ),
    Case(
        "remove a category of a plan in review",
        "post",
        _list_row("plans:scanning_category_remove", _scanning_category),
        only(),
        plan_status=Status.IN_REVIEW,
    ),
]


# Action plans as spreadsheets (priorities.spreadsheets)
def _spreadsheet(kind: str) -> Callable[[World], str]:
    return lambda w: reverse("priorities:spreadsheet_export", args=[w.plan.pk, kind])


def _task_group_spreadsheet(world: World) -> str:
    args = [world.plan.pk, _task_group(world), "xlsx"]
    return reverse("priorities:task_group_spreadsheet_export", args=args)


def _spreadsheet_csv(world: World) -> bytes:
    return (
        "Ref,Priority,Action,Lead partners\n"
        f"{world.action.pk},{world.action.priority.title},Run a summer scheme.,Cumbria Police\n"
    ).encode()


def _spreadsheet_upload(world: World) -> dict:
    return {
        "actions": str(_task_group(world)),
        "file": SimpleUploadedFile("actions.csv", _spreadsheet_csv(world)),
    }


def _pending_spreadsheet(world: World) -> str:
    """A file another administrator uploaded: only they may see its preview or confirm it, so
    every role here is told nothing (the uploader's own pages are tested in
    tests/test_spreadsheets.py)."""
    uploader = User.objects.create_user(username="uploader", password=PASSWORD)
    Membership.objects.create(
        user=uploader, partnership=world.plan.partnership, role=Membership.Role.ADMINISTRATOR
    )
    pending = PendingImport.objects.create(
        partnership=world.plan.partnership,
        plan=world.plan,
        task_group_id=_task_group(world),
        source=ImportSource.SPREADSHEET,
        file_name="actions.csv",
        content=_spreadsheet_csv(world),
        uploaded_by=uploader,
    )
    return reverse("priorities:spreadsheet_import_preview", args=[pending.pk])


def _spreadsheet_confirm(world: World) -> dict:
    group = Group.objects.get(pk=_task_group(world))
    return {"fingerprint": spreadsheet_fingerprint(Scope(plan=world.plan, task_group=group))}


SOMEONE_ELSES = {role: HIDDEN for role in ROLES} | {"anonymous": LOGIN}

CASES += [
    Case("download the plan's actions (XLSX)", "get", _spreadsheet("xlsx"), members_only()),
    Case("download the plan's actions (CSV)", "get", _spreadsheet("csv"), members_only()),
    Case("download a task group's actions", "get", _task_group_spreadsheet, members_only()),
    Case(
        "download the actions of a published plan",
        "get",
        _spreadsheet("xlsx"),
        members_only(),
        plan_status=Status.PUBLISHED,
    ),
    Case(
        "spreadsheet import form",
        "get",
        _plan_pk("priorities:spreadsheet_import"),
        only(*EDITORS),
    ),
    Case(
        "upload a spreadsheet",
        "post",
        _plan_pk("priorities:spreadsheet_import"),
        only(*EDITORS),
        data=_spreadsheet_upload,
    ),
    Case(
        "upload a spreadsheet into a plan in review",
        "post",
        _plan_pk("priorities:spreadsheet_import"),
        only(),
        data=_spreadsheet_upload,
        plan_status=Status.IN_REVIEW,
    ),
    Case("spreadsheet import preview", "get", _pending_spreadsheet, SOMEONE_ELSES),
    Case(
        "confirm a spreadsheet import",
        "post",
        _pending_spreadsheet,
        SOMEONE_ELSES,
        data=_spreadsheet_confirm,
    ),
]


# A plan imported from Word (tests/test_word_import_views.py): the upload is the
# administrators'; a pending import is its uploader's alone (the administrator's here), so
# everyone else, superusers included, is told nothing of it.
def _word_upload(world: World) -> dict:
    return {"target": "existing", "plan": str(world.plan.pk), "file": upload(plan_docx())}


def _administrators_pending_import(world: World) -> int:
    administrator, _ = User.objects.get_or_create(username="administrator")
    Membership.objects.get_or_create(
        user=administrator,
        partnership=world.plan.partnership,
        defaults={"role": Membership.Role.ADMINISTRATOR},
    )
    pending, _ = PendingImport.objects.get_or_create(
        partnership=world.plan.partnership,
        plan=world.plan,
        uploaded_by=administrator,
        defaults={"source": "word", "file_name": "plan.docx", "content": plan_docx()},
    )
    return pending.pk


UPLOADER_ONLY = {"anonymous": LOGIN, "outsider": HIDDEN, **dict.fromkeys(MEMBERS, HIDDEN)}
UPLOADER_ONLY["administrator"] = OK

CASES += [
    Case("Word import upload form", "get", _partnership("plans:word_import"), ADMINISTRATORS),
    Case(
        "upload a Word document",
        "post",
        _partnership("plans:word_import"),
        ADMINISTRATORS,
        data=_word_upload,
    ),
    Case(
        "Word import preview",
        "get",
        _by_pk("plans:word_import_preview", _administrators_pending_import),
        UPLOADER_ONLY,
    ),
    Case(
        "Word import preview of a plan in review",
        "get",
        _by_pk("plans:word_import_preview", _administrators_pending_import),
        {**UPLOADER_ONLY, "administrator": REFUSED},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "confirm a Word import",
        "post",
        _by_pk("plans:word_import_preview", _administrators_pending_import),
        UPLOADER_ONLY,
    ),
    Case(
        "confirm a Word import into a plan in review",
        "post",
        _by_pk("plans:word_import_preview", _administrators_pending_import),
        {**UPLOADER_ONLY, "administrator": REFUSED},
        plan_status=Status.IN_REVIEW,
    ),
    Case(
        "cancel a Word import",
        "post",
        _by_pk("plans:word_import_cancel", _administrators_pending_import),
        UPLOADER_ONLY,
    ),
]

# Routes the matrix deliberately leaves to their own tests: they need a token or a session
# state (password reset links), or only sign out.
COVERED_ELSEWHERE = {
    "logout",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
MATRIX_ROUTES = {
    "home",
    "health",
    "plans:plan_word",
    "plans:scanning",
    "plans:scanning_details",
    "plans:scanning_criterion_add",
    "plans:scanning_criterion_edit",
    "plans:scanning_criterion_move",
    "plans:scanning_criterion_remove",
    "plans:scanning_category_add",
    "plans:scanning_category_edit",
    "plans:scanning_category_move",
    "plans:scanning_category_remove",
    "changes",
    "login",
    "password_reset",
    "plans:index",
    "plans:plan_detail",
    "plans:plan_pdf",
    "plans:plan_large_print_pdf",
    # Correcting a published plan
    "plans:plan_version",
    "plans:plan_version_pdf",
    "plans:plan_version_large_print_pdf",
    "plans:plan_move",
    "plans:publication_progress",
    "plans:plan_refresh",
    "plans:review_summary",
    "plans:plan_changes",
    "plans:comment_add",
    "plans:comment_reply",
    "plans:comment_resolve",
    "plans:comment_hide",
    "plans:transition_hide",
    "priorities:plan",
    "priorities:action_plan",
    "priorities:action",
    "priorities:partner_suggestions",
    "priorities:indicator_suggestions",
    "priorities:priority_edit",
    "priorities:action_add",
    "priorities:action_edit",
    "priorities:action_move",
    "priorities:action_remove",
    "priorities:progress_add",
    "plans:outline",
    "plans:outline_move",
    "plans:outline_switch",
    "priorities:sections",
    "priorities:section_add",
    "priorities:section_edit",
    "priorities:section_move",
    "priorities:section_remove",
    "priorities:subsection_add",
    "priorities:subsection_edit",
    "priorities:subsection_move",
    "priorities:subsection_remove",
    "plans:partnership_manage",
    "plans:partnership_audit",
    "plans:group_add",
    "plans:group_edit",
    "plans:person_add",
    "plans:person_edit",
    "plans:person_remove",
    # Priorities, aims and removed actions
    "priorities:priority_add",
    "priorities:priority_move",
    "priorities:priority_remove",
    "priorities:aim_add",
    "priorities:aim_edit",
    "priorities:aim_move",
    "priorities:aim_remove",
    "priorities:action_restore",
    "plans:invitation_resend",
    "plans:invitation_revoke",
    "plans:invitation",
    "plans:invitation_decline",
    # The partnership's organisations and areas
    "plans:organisation_list",
    "plans:organisation_add",
    "plans:organisation_edit",
    "plans:organisation_remove",
    "plans:district_list",
    "plans:district_add",
    "plans:district_edit",
    "plans:district_move",
    "plans:district_remove",
    "priorities:plan_details",
    "priorities:plan_cover",
    "plans:partnership_logo",
    "plans:cover_css",
    "priorities:strategies",
    "priorities:strategy_add",
    "priorities:strategy_add_many",
    "priorities:strategy_edit",
    "priorities:strategy_move",
    "priorities:strategy_remove",
    "priorities:glossary",
    "priorities:term_add",
    "priorities:term_add_many",
    "priorities:term_edit",
    "priorities:term_remove",
    "priorities:budget",
    "priorities:budget_line_add",
    "priorities:budget_line_edit",
    "priorities:budget_line_move",
    "priorities:budget_line_remove",
    "priorities:targets",
    "priorities:target_measure_add",
    "priorities:target_measure_edit",
    "priorities:target_measure_move",
    "priorities:target_measure_remove",
    "priorities:target_grid",
}
MATRIX_ROUTES |= {
    "priorities:spreadsheet_export",
    "priorities:task_group_spreadsheet_export",
    "priorities:spreadsheet_import",
    "priorities:spreadsheet_import_preview",
    "plans:word_import",
    "plans:word_import_preview",
    "plans:word_import_cancel",
}


@pytest.fixture
def other_editor(partnership) -> User:
    """An editor of the same partnership whose task group owns none of these priorities."""
    user = User.objects.create_user(username="other_editor", password=PASSWORD)
    group = Group.objects.create(
        partnership=partnership, name="Domestic Abuse Task Group", kind=Group.Kind.TASK
    )
    membership = Membership.objects.create(
        user=user, partnership=partnership, role=Membership.Role.EDITOR
    )
    membership.task_groups.add(group)
    return user


@pytest.fixture
def world(plan, action, reviewer) -> World:
    Action.objects.create(priority=action.priority, order=2, text="Second action.")
    comment = ReviewComment.objects.create(
        plan=plan, action=action, author=reviewer, body="Add a date."
    )
    # Published pages serve a stored copy; a small one keeps the matrix about permissions
    # (rendering the real copy has tests of its own).
    PublishedCopy.objects.create(
        plan=plan,
        published_at=timezone.now(),
        html="<p>As published</p>",
        html_sha256="0" * 64,
        pdf=b"%PDF-1.7",
        pdf_sha256="1" * 64,
        large_print_pdf=b"%PDF-1.7",
        large_print_pdf_sha256="2" * 64,
    )
    transition = PlanTransition.objects.create(
        plan=plan, from_status=Status.DRAFT, to_status=Status.IN_REVIEW, comment="Rude words"
    )
    Section.objects.create(plan=plan, order=1, title="Introduction")
    section = Section.objects.create(plan=plan, order=2, title="Foreword")
    return World(plan=plan, action=action, comment=comment, transition=transition, section=section)


def _outcome(response, role: str) -> str | int:
    if response.status_code in (403, 404, 409):
        return response.status_code
    if response.status_code == 302:
        if response.url.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if response.url.startswith(reverse("login")):
            return LOGIN
        return OK
    # 202: the page to wait on while the worker prepares a PDF or publishes the plan.
    assert response.status_code in (200, 202), f"{role}: unexpected {response.status_code}"
    return OK


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_role_gets_exactly_the_expected_outcome(client, request, world, other_editor, case, role):
    Plan.objects.filter(pk=world.plan.pk).update(status=case.plan_status)
    world.plan.refresh_from_db()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = getattr(client, case.method)(case.url(world), case.data(world))

    assert _outcome(response, role) == case.expected[role]


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    routes = _route_names(get_resolver())

    assert routes - COVERED_ELSEWHERE == MATRIX_ROUTES
