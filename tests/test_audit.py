"""The audit trail: every change that matters leaves a history row naming who made it, and a
partnership's administrators read them all on its audit log page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from indicators.models import (
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from plans.audit import PER_PAGE
from plans.models import (
    BudgetLine,
    District,
    GlossaryTerm,
    Group,
    ImportSource,
    Membership,
    Organisation,
    Partnership,
    PendingImport,
    Plan,
    PlanImport,
    RelatedStrategy,
    Section,
    Subsection,
)
from plans.refresh import plan_start_next_year
from plans.word.importing import word_import_confirm
from priorities import services
from priorities.forms import LeadPartnerChoice
from priorities.models import Action, ActionLeadPartner, Aim, ProgressUpdate
from tests.word_files import plan_docx

pytestmark = pytest.mark.django_db


def _audit_url(partnership: Partnership, **query: str) -> str:
    url = reverse("plans:partnership_audit", args=[partnership.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _signed_in(client, user: User):
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(client, administrator):
    return _signed_in(client, administrator)


def _entries(client, partnership: Partnership, **query: str) -> list:
    response = client.get(_audit_url(partnership, **query))
    assert response.status_code == 200
    return list(response.context["page"].object_list)


# Memberships, through the partnership's own pages


def test_adding_a_person_records_who_added_them_and_in_what_role(client, superuser, partnership):
    newcomer = User.objects.create_user(username="newcomer", email="new@example.org")

    _signed_in(client, superuser).post(
        reverse("admin:plans_membership_add"),
        {"user": newcomer.pk, "partnership": partnership.pk, "role": "viewer"},
    )

    record = Membership.history.get(user=newcomer)
    assert (record.history_type, record.role, record.history_user) == ("+", "viewer", superuser)
    entry = _entries(client, partnership, kind="membership")[0]
    assert (entry.what, entry.name) == ("Added", "newcomer")
    assert ("Role", "(none)", "Viewer") in [(c.label, c.before, c.after) for c in entry.changes]


def test_changing_a_role_records_the_old_and_new_role_and_who_changed_it(
    admin_client_, administrator, reviewer, partnership
):
    membership = reviewer.memberships.get()

    admin_client_.post(
        reverse("plans:person_edit", args=[partnership.slug, membership.pk]), {"role": "viewer"}
    )

    record = Membership.history.filter(id=membership.pk).latest()
    assert (record.history_type, record.role, record.history_user) == ("~", "viewer", administrator)
    entry = _entries(admin_client_, partnership, kind="membership")[0]
    assert (entry.who, entry.what, entry.name) == ("administrator", "Changed", "reviewer")
    assert [(c.label, c.before, c.after) for c in entry.changes] == [("Role", "Reviewer", "Viewer")]


def test_removing_a_person_records_the_removal_and_keeps_their_account(
    admin_client_, administrator, reviewer, partnership
):
    membership = reviewer.memberships.get()

    admin_client_.post(reverse("plans:person_remove", args=[partnership.slug, membership.pk]))

    record = Membership.history.filter(id=membership.pk).latest()
    assert (record.history_type, record.history_user) == ("-", administrator)
    assert User.objects.filter(pk=reviewer.pk).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_changing_an_editors_task_groups_is_recorded(
    admin_client_, administrator, editor, task_group, partnership
):
    membership = editor.memberships.get()
    other = Group.objects.create(partnership=partnership, name="Violence", kind=Group.Kind.TASK)
    before = Membership.history.filter(id=membership.pk).count()

    admin_client_.post(
        reverse("plans:person_edit", args=[partnership.slug, membership.pk]),
        {"role": "editor", "task_groups": [other.pk]},
    )

    records = Membership.history.filter(id=membership.pk).order_by("-history_id")
    assert {r.history_user for r in records[: records.count() - before]} == {administrator}
    changes = [
        (c.label, c.before, c.after)
        for entry in _entries(admin_client_, partnership, kind="membership")
        for c in entry.changes
    ]
    assert ("Task groups", task_group.name, "(none)") in changes
    assert ("Task groups", "(none)", "Violence") in changes


# Groups, aims, lead partners and progress, through the app


def test_adding_a_group_records_who_added_it(admin_client_, administrator, partnership):
    admin_client_.post(
        reverse("plans:group_add", args=[partnership.slug]),
        {"name": "Reducing Reoffending Task Group", "kind": "task"},
    )

    record = Group.history.get(name="Reducing Reoffending Task Group")
    assert (record.history_type, record.history_user) == ("+", administrator)


def test_removing_an_aim_records_its_deletion_and_unlinks_its_actions_with_history(
    action, priority, editor
):
    kept = Aim.objects.create(priority=priority, order=1, title="Fewer disputes")
    removed = Aim.objects.create(priority=priority, order=2, title="Quicker mediation")
    Action.objects.filter(pk=action.pk).update(aim=removed)

    services.priority_update(
        priority=priority,
        user=editor,
        title=priority.title,
        background="",
        aim="",
        measuring_performance="",
        measuring_difficulties="",
        aims=["Fewer disputes, sooner"],
    )

    deletion = Aim.history.get(id=removed.pk, history_type="-")
    assert deletion.history_user == editor
    unlinked = Action.history.filter(id=action.pk).latest()
    assert (unlinked.aim_id, unlinked.history_user) == (None, editor)
    assert "Quicker mediation" in unlinked.history_change_reason
    renamed = Aim.history.filter(id=kept.pk).latest()
    assert (renamed.title, renamed.history_user) == ("Fewer disputes, sooner", editor)


def test_changing_lead_partners_records_each_removal_and_addition_by_the_editor(
    action, editor, police, council
):
    services.action_update(
        action=action,
        user=editor,
        version=action.version,
        text=action.text,
        lead_partners=[LeadPartnerChoice(kind="organisation", organisation=council)],
        indicators=[],
    )

    records = ActionLeadPartner.history.filter(action_id=action.pk).order_by("history_id")
    assert [(r.history_type, r.organisation_id, r.history_user) for r in records][-2:] == [
        ("-", police.pk, editor),
        ("+", council.pk, editor),
    ]


def test_saving_the_same_lead_partners_again_writes_no_history(action, editor, police):
    before = ActionLeadPartner.history.count()

    services.action_update(
        action=action,
        user=editor,
        version=action.version,
        text="Reworded.",
        lead_partners=[LeadPartnerChoice(kind="organisation", organisation=police)],
        indicators=[],
    )

    assert ActionLeadPartner.history.count() == before


def test_recording_progress_records_who_recorded_it(client, editor, action):
    _signed_in(client, editor).post(
        reverse("priorities:progress_add", args=[action.pk]),
        {
            "reported_on_0": "15",
            "reported_on_1": "7",
            "reported_on_2": "2010",
            "rag": "green",
            "note": "On track.",
        },
    )

    record = ProgressUpdate.history.get()
    assert (record.history_type, record.note, record.history_user) == ("+", "On track.", editor)


# Everything else the partnership keeps: each kind shows on the audit log


@pytest.fixture
def one_of_each_kind(plan, partnership, police):
    district = District.objects.create(partnership=partnership, name="Carlisle", order=1)
    measure = LocalTargetMeasure.objects.create(plan=plan, order=1, name="Robbery")
    row = LocalTarget.objects.create(
        measure=measure, area=TargetArea.objects.for_district(district), order=1
    )
    LocalTargetValue.objects.create(target=row, year=2010, value=Decimal("40"))
    TargetColumn.objects.create(measure=measure, year=2010)
    BudgetLine.objects.create(
        plan=plan, order=1, project="Mediation", amount=Decimal("1500"), year=2010
    )
    RelatedStrategy.objects.create(plan=plan, order=1, title="Local Area Agreement")
    section = Section.objects.create(plan=plan, order=1, title="The current picture")
    Subsection.objects.create(section=section, order=1, title="Crime in Carlisle")
    GlossaryTerm.objects.create(partnership=partnership, term="ASB", meaning="Anti-social")
    police.website = "https://police.example.org"
    police.save()
    partnership.area = "Carlisle, Eden and beyond"
    partnership.save()


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("partnership", "Carlisle and Eden Crime and Disorder Reduction Partnership"),
        ("district", "Carlisle"),
        ("organisation", "Cumbria Constabulary"),
        ("partner", "Carlisle City Council"),
        ("budget", "Mediation: £1500.00"),
        ("strategy", "Local Area Agreement"),
        ("section", "The current picture"),
        ("subsection", "Crime in Carlisle"),
        ("glossary", "ASB"),
        ("measure", "Robbery"),
        ("target", "Robbery: Carlisle"),
        ("target_area", "Carlisle"),
        ("target_column", "Robbery: 2010"),
        ("target_value", "Robbery: Carlisle, 2010"),
        ("plan", "Partnership Plan"),
    ],
)
def test_each_kind_of_change_shows_on_the_audit_log(
    admin_client_, partnership, one_of_each_kind, kind, name
):
    entries = _entries(admin_client_, partnership, kind=kind)

    assert name in [entry.name for entry in entries]


def test_an_organisations_change_shows_what_changed(admin_client_, partnership, one_of_each_kind):
    entry = _entries(admin_client_, partnership, kind="organisation")[0]

    assert (entry.what, entry.name) == ("Changed", "Cumbria Constabulary")
    assert [(c.label, c.before, c.after) for c in entry.changes] == [
        ("Website", "(none)", "https://police.example.org")
    ]


def test_a_budget_change_in_the_admin_names_the_support_officer(client, superuser, plan):
    line = BudgetLine.objects.create(
        plan=plan, order=1, project="Mediation", amount=Decimal("1500"), year=2010
    )
    client.force_login(superuser)
    url = reverse("admin:plans_budgetline_change", args=[line.pk])

    client.post(
        url,
        {
            "plan": plan.pk,
            "order": 1,
            "project": "Mediation",
            "funding_stream": "",
            "amount": "2000",
            "year": 2010,
        },
    )

    entry = _entries(client, plan.partnership, kind="budget")[0]
    assert (entry.who, entry.what) == ("support", "Changed")
    assert ("Amount", "1,500.00", "2,000.00") in [
        (c.label, c.before, c.after) for c in entry.changes
    ]


def test_next_years_plan_records_its_copied_strategies_aims_targets_and_leads(
    action, plan, administrator, one_of_each_kind
):
    Aim.objects.create(priority=action.priority, order=1, title="Fewer disputes")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()

    new = plan_start_next_year(plan=plan, user=administrator)

    for model, lookup in [
        (RelatedStrategy, {"plan_id": new.pk}),
        (Aim, {"priority__plan": new}),
        (LocalTargetMeasure, {"plan_id": new.pk}),
        (LocalTarget, {"measure__plan": new}),
        (LocalTargetValue, {"target__measure__plan": new}),
        (ActionLeadPartner, {"action__priority__plan": new}),
    ]:
        copies = model.objects.filter(**lookup)
        assert copies.exists(), model
        records = model.history.filter(id__in=copies.values("pk"), history_type="+")
        assert records.count() == copies.count(), model
        assert {r.history_user for r in records} == {administrator}, model


# The audit log page


def test_the_audit_log_lists_changes_newest_first_with_who_and_what(
    admin_client_, partnership, reviewer, administrator
):
    GlossaryTerm.objects.create(partnership=partnership, term="ASB", meaning="Anti-social")

    entries = _entries(admin_client_, partnership)

    assert [entry.when for entry in entries] == sorted((e.when for e in entries), reverse=True)
    assert (entries[0].kind, entries[0].what, entries[0].name) == ("Glossary term", "Added", "ASB")
    assert ("Meaning", "(none)", "Anti-social") in [
        (c.label, c.before, c.after) for c in entries[0].changes
    ]


def test_the_audit_log_page_shows_the_entries(admin_client_, partnership):
    GlossaryTerm.objects.create(partnership=partnership, term="MARAC", meaning="Risk meetings")

    response = admin_client_.get(_audit_url(partnership))

    assert response.status_code == 200
    assert "Risk meetings" in response.content.decode()
    assert b"Audit log" in response.content


def test_the_partnership_page_links_to_its_audit_log(admin_client_, partnership):
    response = admin_client_.get(reverse("plans:partnership_manage", args=[partnership.slug]))

    assert _audit_url(partnership).encode() in response.content


def test_the_audit_log_leaves_out_other_partnerships_changes(
    admin_client_, partnership, other_partnership
):
    GlossaryTerm.objects.create(partnership=other_partnership, term="IOM", meaning="Offenders")

    names = [entry.name for entry in _entries(admin_client_, partnership)]

    assert "IOM" not in names
    assert "West Cumbria Community Safety Partnership" not in names


def test_the_audit_log_filters_by_kind_of_thing(admin_client_, partnership, one_of_each_kind):
    entries = _entries(admin_client_, partnership, kind="glossary")

    assert {entry.kind for entry in entries} == {"Glossary term"}


def test_an_unknown_kind_is_a_message_beside_the_filter(admin_client_, partnership):
    response = admin_client_.get(_audit_url(partnership, kind="passwords"))

    assert response.status_code == 200
    assert "Choose a kind of thing from the list" in response.content.decode()


def test_the_audit_log_pages_by_fifty(admin_client_, partnership):
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(partnership=partnership, term=f"T{n}", meaning="m") for n in range(60)
    )
    for term in GlossaryTerm.objects.all():
        term.save()

    first = admin_client_.get(_audit_url(partnership, kind="glossary"))
    second = admin_client_.get(_audit_url(partnership, kind="glossary", page="2"))

    assert len(first.context["page"].object_list) == PER_PAGE
    assert len(second.context["page"].object_list) == 60 - PER_PAGE
    assert b"page=2" in first.content


def _changes_of_every_kind(partnership, plan, action, rounds: range) -> None:
    for n in rounds:
        GlossaryTerm.objects.create(partnership=partnership, term=f"T{n}", meaning="m")
        District.objects.create(partnership=partnership, name=f"D{n}", order=n)
        BudgetLine.objects.create(
            plan=plan, order=n + 1, project=f"P{n}", amount=Decimal(n), year=2010
        )
        ProgressUpdate.objects.create(
            action=action, reported_on=datetime.date(2010, 5, 1), rag="green", note=f"N{n}"
        )
        lead = ActionLeadPartner.objects.create(
            action=action, order=n + 2, kind=ActionLeadPartner.Kind.PARTNERSHIP
        )
        lead.printed_as = f"L{n}"
        lead.save()
        action.text = f"Action, reworded {n}"
        action.save()


def test_the_audit_logs_queries_do_not_grow_with_its_rows(
    admin_client_, partnership, plan, action, django_assert_max_num_queries
):
    _changes_of_every_kind(partnership, plan, action, range(1))
    with CaptureQueriesContext(connection) as few:
        admin_client_.get(_audit_url(partnership))
    _changes_of_every_kind(partnership, plan, action, range(1, 11))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client_.get(_audit_url(partnership))

    assert len(response.context["page"].object_list) == PER_PAGE


def test_anyone_signed_out_is_sent_to_sign_in(client, partnership):
    response = client.get(_audit_url(partnership))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_outsider_is_told_nothing(client, outsider, partnership):
    assert _signed_in(client, outsider).get(_audit_url(partnership)).status_code == 404


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_members_who_do_not_administer_are_refused(client, partnership, role, request):
    user = request.getfixturevalue(role)

    assert _signed_in(client, user).get(_audit_url(partnership)).status_code == 403


def test_a_superuser_reads_any_audit_log(client, superuser, partnership):
    assert _signed_in(client, superuser).get(_audit_url(partnership)).status_code == 200


def test_the_audit_log_cannot_be_posted_to(admin_client_, partnership):
    assert admin_client_.post(_audit_url(partnership)).status_code == 405


def test_organisation_changes_show_in_the_logs_of_partnerships_it_belongs_to(
    admin_client_, partnership, plan
):
    stranger = Organisation.objects.create(name="Somewhere Else Council")
    stranger.website = "https://else.example.org"
    stranger.save()

    names = [entry.name for entry in _entries(admin_client_, partnership, kind="organisation")]

    assert "Somewhere Else Council" not in names
    assert "Carlisle City Council" in names


def test_a_task_group_deleted_since_is_named_as_such_in_the_log(admin_client_, editor, partnership):
    membership = editor.memberships.get()
    group = membership.task_groups.get()
    membership.task_groups.clear()
    group.delete()

    changes = [
        (c.label, c.before, c.after)
        for entry in _entries(admin_client_, partnership, kind="membership")
        for c in entry.changes
    ]

    assert ("Task groups", "(since deleted)", "(none)") in changes


# Imports: each one change, with the rows it wrote behind it


def _imported(plan: Plan, administrator: User) -> PlanImport:
    """A real Word import into the draft: a priority with one action, its lead kept as printed."""
    pending = PendingImport.objects.create(
        partnership=plan.partnership,
        plan=plan,
        source=ImportSource.WORD,
        file_name="eden.docx",
        content=plan_docx(),
        uploaded_by=administrator,
    )
    return word_import_confirm(pending=pending, user=administrator, choices={})


def test_an_import_shows_on_the_audit_log_once_with_what_it_did(
    admin_client_, administrator, partnership, plan
):
    plan_import = _imported(plan, administrator)

    response = admin_client_.get(_audit_url(partnership))

    assert list(response.context["imports"]) == [plan_import]
    html = response.content.decode()
    assert html.count(f'href="?imported={plan_import.pk}"') == 1  # one line for the import
    assert "Word document “eden.docx”<br>into" in html
    assert escape(plan_import.summary.splitlines()[0]) in html


def test_an_imports_changes_are_the_rows_it_wrote_each_by_the_importer(
    admin_client_, administrator, partnership, plan, action, editor
):
    plan_import = _imported(plan, administrator)
    action.text = "Changed by hand afterwards."
    action._history_user = editor
    action.save()

    entries = _entries(admin_client_, partnership, imported=str(plan_import.pk))
    everything = _entries(admin_client_, partnership)

    assert {entry.kind for entry in entries} >= {"Section", "Priority", "Action"}
    assert {entry.who for entry in entries} == {administrator.username}
    assert {entry.note for entry in entries} == {plan_import.history_reason}
    assert len(entries) < len(everything)
    assert "Changed by hand afterwards." not in [entry.name for entry in entries]


def test_another_partnerships_import_cannot_be_chosen(
    client, administrator, partnership, other_partnership, superuser
):
    other_plan = Plan.objects.create(
        partnership=other_partnership, title="Other", slug="other", start_year=2012, end_year=2013
    )
    other_import = _imported(other_plan, superuser)
    _signed_in(client, administrator)

    response = client.get(_audit_url(partnership, imported=str(other_import.pk)))

    assert response.status_code == 200
    assert response.context["form"].errors["imported"] == ["Choose an import from the list"]
    assert response.context["imports"] == []
