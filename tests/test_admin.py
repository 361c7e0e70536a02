"""The admin in which a support officer sets up a partnership and writes a plan alone.

Every registered model's pages are walked, so a model registered later without a working admin
fails here. Bad input is posted as the browser would post it and must come back as a message on
the page with nothing saved, never a server error.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import ProtectedError
from django.forms import MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from indicators.models import (
    Indicator,
    IndicatorSet,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from plans.models import (
    BudgetLine,
    DemoPlanSource,
    District,
    DraftFile,
    GlossaryTerm,
    Group,
    HiddenComment,
    ImportSource,
    Invitation,
    Job,
    Membership,
    Organisation,
    OutlineBlock,
    PartnershipLogo,
    PartnershipOrganisation,
    PendingImport,
    Plan,
    PlanImport,
    PlanTransition,
    PublishedCopy,
    RelatedStrategy,
    Section,
    Subsection,
)
from plans.plan_deletion import PlanDeletionRefused, plan_delete
from priorities.models import (
    REVIEW_DUE_SOON_DAYS,
    Action,
    ActionLeadPartner,
    Aim,
    Priority,
    ProgressUpdate,
    ReviewComment,
    ReviewReminder,
)
from tests.plan_builders import full_plan
from tests.test_scanning_matrix import build_matrix

pytestmark = pytest.mark.django_db

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _label(model) -> str:
    return model._meta.label


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Every test makes users; the real hasher's cost is for attackers, not for this suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def support(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def district(partnership) -> District:
    return District.objects.create(partnership=partnership, name="Carlisle", order=1)


@pytest.fixture
def target_row(plan, district) -> LocalTarget:
    measure = LocalTargetMeasure.objects.create(plan=plan, order=1, name="Robbery")
    return LocalTarget.objects.create(
        measure=measure, area=TargetArea.objects.for_district(district), order=1
    )


@pytest.fixture
def one_of_each(action, editor, superuser, plan, priority, partnership, target_row):
    """At least one object of every registered model, for its change page."""
    GlossaryTerm.objects.create(partnership=partnership, term="ASB", meaning="Anti-social")
    PartnershipLogo.objects.create(
        partnership=partnership, sha256="3" * 64, content_type="image/png", content=b"\x89PNG logo"
    )
    section = Section.objects.create(plan=plan, order=1, title="Foreword", body="<p>Welcome</p>")
    PendingImport.objects.create(
        partnership=partnership,
        plan=plan,
        source=ImportSource.WORD,
        file_name="plan.docx",
        content=b"PK\x03\x04",
        uploaded_by=editor,
    )
    PlanImport.objects.create(
        plan=plan,
        source=ImportSource.SPREADSHEET,
        file_name="actions.xlsx",
        made_by=editor,
        summary="2 actions changed.",
    )
    Subsection.objects.create(section=section, order=1, title="Crime", body="<p>Down</p>")
    OutlineBlock.objects.create(plan=plan, order=1, kind=OutlineBlock.Kind.SECTION, section=section)
    RelatedStrategy.objects.create(plan=plan, order=1, title="Local Area Agreement")
    DemoPlanSource.objects.create(
        plan=plan, file_digest="0" * 64, content_version=1, loaded_at=timezone.now()
    )
    build_matrix(plan, criteria=["Harm"], rows=[("Drugs", None, ["H"], "Rising", "included")])
    BudgetLine.objects.create(
        plan=plan, order=1, project="Mediation", amount=Decimal("1500"), year=2010
    )
    Aim.objects.create(priority=priority, order=1, title="Fewer disputes")
    ProgressUpdate.objects.create(
        action=action,
        reported_on=datetime.date(2010, 7, 1),
        rag=Action.Rag.GREEN,
        note="Mediation service commissioned.",
        author=superuser,
    )
    LocalTargetValue.objects.create(
        target=target_row, year=2008, value=Decimal("40"), is_baseline=True
    )
    TargetColumn.objects.create(measure=target_row.measure, year=2008, is_baseline=True)
    AuthGroup.objects.create(name="Support officers")
    PublishedCopy.objects.create(
        plan=plan,
        published_at=timezone.now(),
        published_by=superuser,
        html="<h1>Partnership Plan</h1>",
        html_sha256="0" * 64,
        pdf=b"%PDF-1.7",
        pdf_sha256="1" * 64,
        large_print_pdf=b"%PDF-1.7",
        large_print_pdf_sha256="2" * 64,
    )
    PlanTransition.objects.create(
        plan=plan, from_status=Plan.Status.DRAFT, to_status=Plan.Status.IN_REVIEW, user=superuser
    )
    DraftFile.objects.create(
        plan=plan,
        content_version=1,
        content=b"%PDF-1.7",
        sha256="4" * 64,
        rendered_at=timezone.now(),
    )
    Job.objects.create(
        kind=Job.Kind.PUBLISH,
        plan=plan,
        status=Job.Status.FAILED,
        run_after=timezone.now(),
        created_at=timezone.now(),
        started_at=timezone.now(),
        error="Gave up after 5 attempts.",
    )
    comment = ReviewComment.objects.create(
        plan=plan, action=action, author=superuser, body="Who funds it?"
    )
    HiddenComment.objects.create(review_comment=comment, hidden_by=superuser, reason="Abusive")
    ReviewReminder.objects.create(
        action=action,
        recipient_email="chair@example.org",
        sent_on=datetime.date(2010, 9, 20),
        review_date=action.review_date,
    )
    Invitation.objects.create(
        partnership=partnership,
        email="invited@example.org",
        role=Membership.Role.VIEWER,
        invited_by=superuser,
        token_hash="3" * 64,
        sent_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )


def _form_data(response) -> dict:
    """What the browser sends back for a page as loaded: every field and inline row."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(bound.field.widget, MultiWidget):
                parts = value if isinstance(value, list) else bound.field.widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{bound.html_name}_{index}"] = part
                continue
            data[bound.html_name] = value
    return data


def _add_rows(data: dict, prefix: str, *rows: dict) -> dict:
    """Fill in new inline rows as the "Add another" link would."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{total + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = total + len(rows)
    return data


def _shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


# Every registered model's pages


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=_label)
def test_changelist_of_every_registered_model_loads(support, one_of_each, model):
    response = support.get(_url(model, "changelist"))

    assert response.status_code == 200


def test_every_model_of_cspplan_is_in_the_admin():
    models = [
        model
        for app in ("plans", "priorities", "indicators")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]

    assert [_label(model) for model in models if model not in admin.site._registry] == []


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=_label)
def test_add_page_of_every_registered_model_loads(support, superuser, one_of_each, model):
    may_add = admin.site._registry[model].has_add_permission(SimpleNamespace(user=superuser))

    response = support.get(_url(model, "add"))

    assert response.status_code == (200 if may_add else 403)


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=_label)
def test_change_page_of_every_registered_model_loads(support, one_of_each, model):
    obj = model._default_manager.first()
    assert obj is not None, f"Make a {_label(model)} in the one_of_each fixture."

    response = support.get(_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=_label)
def test_every_change_page_saves_as_it_was_loaded(support, superuser, one_of_each, model):
    obj = model._default_manager.first()
    may_change = admin.site._registry[model].has_change_permission(
        SimpleNamespace(user=superuser), obj
    )
    url = _url(model, "change", obj.pk)

    response = support.post(url, _form_data(support.get(url)))

    assert response.status_code == (302 if may_change else 403)


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=_label)
def test_every_add_page_sent_empty_comes_back_with_errors(support, superuser, one_of_each, model):
    may_add = admin.site._registry[model].has_add_permission(SimpleNamespace(user=superuser))
    before = model._default_manager.count()
    page = support.get(_url(model, "add"))

    response = support.post(_url(model, "add"), _form_data(page) if may_add else {})

    assert response.status_code == (200 if may_add else 403)
    assert not may_add or response.context["errors"]
    assert model._default_manager.count() == before


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=_label)
def test_delete_page_of_every_registered_model_loads(support, superuser, one_of_each, model):
    obj = model._default_manager.first()
    model_admin = admin.site._registry[model]
    may_delete = model_admin.has_delete_permission(SimpleNamespace(user=superuser), obj)
    # Objects still in use are refused with a message on their own page instead.
    in_use = may_delete and getattr(model_admin, "deletion_refusal", lambda obj: None)(obj)

    response = support.get(_url(model, "delete", obj.pk))

    assert response.status_code == (302 if in_use else 200 if may_delete else 403)


def test_deleting_an_organisation_that_leads_an_action_is_refused_with_the_reason(
    support, action, police
):
    response = support.post(_url(type(police), "delete", police.pk), {"post": "yes"})

    assert response.status_code == 200
    assert _shows(response, "would require deleting the following protected related objects")
    assert type(police).objects.filter(pk=police.pk).exists()


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED_MODELS if hasattr(m._meta, "simple_history_manager_attribute")],
    ids=_label,
)
def test_history_page_of_every_model_with_history_loads(support, one_of_each, model):
    obj = model._default_manager.first()

    response = support.get(_url(model, "history", obj.pk))

    assert response.status_code == 200


def test_support_officer_recovers_a_deleted_action_from_its_history(support, action):
    action_id, text = action.pk, action.text
    action.delete()
    record = Action.history.filter(id=action_id, history_type="+").get()
    revert_url = reverse(
        "admin:priorities_action_simple_history", args=[action_id, record.history_id]
    )

    response = support.post(revert_url, _form_data(support.get(revert_url)))

    assert response.status_code == 302
    assert Action.objects.get(pk=action_id).text == text


def test_reverting_an_action_to_an_earlier_version_keeps_its_version_rising(support, action):
    first = action.history.earliest()
    Action.objects.filter(pk=action.pk).update(text="Changed by an editor.", version=5)
    revert_url = reverse(
        "admin:priorities_action_simple_history", args=[action.pk, first.history_id]
    )

    response = support.post(revert_url, _form_data(support.get(revert_url)))

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.text, action.version) == (first.text, 6)


def test_recovering_an_action_whose_priority_was_deleted_asks_for_a_priority(support, action):
    action_id, priority = action.pk, action.priority
    action.delete()
    priority.delete()
    record = Action.history.get(id=action_id, history_type="-")
    revert_url = reverse(
        "admin:priorities_action_simple_history", args=[action_id, record.history_id]
    )

    response = support.post(revert_url, _form_data(support.get(revert_url)))

    assert response.status_code == 200
    assert _shows(response, "Its priority has been deleted since.")
    assert not Action.objects.filter(pk=action_id).exists()


def test_deleted_actions_are_listed_with_a_link_to_recover_each(support, action):
    action_id, text = action.pk, action.text
    action.delete()
    record = Action.history.get(id=action_id, history_type="-")

    response = support.get(_url(Action, "deleted"))

    assert _shows(response, text)
    assert _shows(
        response,
        reverse("admin:priorities_action_simple_history", args=[action_id, record.history_id]),
    )


def test_deleted_list_leaves_out_objects_that_were_recovered(support, priority):
    priority_id = priority.pk
    priority.delete()
    Priority.history.get(id=priority_id, history_type="-").instance.save()

    response = support.get(_url(Priority, "deleted"))

    assert response.context["deletions"] == []


def test_a_published_copy_cannot_be_changed_in_the_admin(support, one_of_each):
    copy = PublishedCopy.objects.get()

    response = support.post(_url(PublishedCopy, "change", copy.pk), {"html_sha256": "f" * 64})

    assert response.status_code == 403
    copy.refresh_from_db()
    assert copy.html_sha256 == "0" * 64


def test_someone_who_is_not_staff_is_sent_to_the_admin_sign_in(client, editor):
    client.force_login(editor)

    response = client.get(_url(Plan, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_someone_not_signed_in_is_sent_to_the_admin_sign_in(client):
    response = client.get(_url(Action, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_support_officer_gives_a_person_a_role_from_the_user_page(support, partnership, viewer):
    Membership.objects.filter(user=viewer).delete()
    page = support.get(_url(type(viewer), "change", viewer.pk))
    data = _add_rows(
        _form_data(page),
        "memberships",
        {"partnership": partnership.pk, "role": Membership.Role.REVIEWER},
    )

    response = support.post(_url(type(viewer), "change", viewer.pk), data)

    assert response.status_code == 302
    assert viewer.memberships.get().role == Membership.Role.REVIEWER


# Lists that do not run a query per row


def _queries_to_open(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_actions_list_runs_as_many_queries_for_many_actions_as_for_one(
    support, action, task_group, council
):
    one = _queries_to_open(support, _url(Action, "changelist"))
    for order in range(2, 12):
        more = Action.objects.create(priority=action.priority, order=order, text=f"Action {order}")
        ActionLeadPartner.objects.create(
            action=more, order=1, kind=ActionLeadPartner.Kind.GROUP, group=task_group
        )
        ActionLeadPartner.objects.create(
            action=more, order=2, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=council
        )
        ActionLeadPartner.objects.create(
            action=more, order=3, kind=ActionLeadPartner.Kind.PARTNERSHIP
        )

    assert _queries_to_open(support, _url(Action, "changelist")) == one


def test_plan_page_runs_as_many_queries_for_many_priorities_as_for_one(support, priority):
    url = _url(Plan, "change", priority.plan_id)
    one = _queries_to_open(support, url)
    for order in range(2, 12):
        Priority.objects.create(
            plan=priority.plan,
            order=order,
            title=f"Priority {order}",
            task_group=priority.task_group,
        )
        Section.objects.create(plan=priority.plan, order=order, title=f"Section {order}")

    assert _queries_to_open(support, url) <= one


def test_priority_page_runs_as_many_queries_for_many_actions_as_for_one(support, action):
    url = _url(Priority, "change", action.priority_id)
    Aim.objects.create(priority=action.priority, order=1, title="Fewer disputes")
    one = _queries_to_open(support, url)
    for order in range(2, 12):
        Action.objects.create(priority=action.priority, order=order, text=f"Action {order}")

    assert _queries_to_open(support, url) <= one


def test_plan_page_offers_only_its_partnerships_groups_as_task_groups(
    support, priority, other_partnership
):
    Group.objects.create(partnership=other_partnership, name="Violence Task Group", kind="task")

    response = support.get(_url(Plan, "change", priority.plan_id))

    [priorities] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Priority
    ]
    offered = priorities.forms[0].fields["task_group"]
    assert [label for value, label in offered.choices if value] == [priority.task_group.name]


def test_partnership_page_runs_as_many_queries_for_many_partners_as_for_one(support, plan):
    url = _url(type(plan.partnership), "change", plan.partnership_id)
    one = _queries_to_open(support, url)
    for number in range(10):
        organisation = Organisation.objects.create(name=f"Housing Association {number}")
        PartnershipOrganisation.objects.create(
            partnership=plan.partnership,
            organisation=organisation,
            role=PartnershipOrganisation.Role.CO_OPERATING_BODY,
        )

    assert _queries_to_open(support, url) <= one


def test_measure_page_offers_the_target_areas_of_its_plans_partnership(
    support, target_row, other_partnership
):
    allerdale = District.objects.create(partnership=other_partnership, name="Allerdale", order=1)
    TargetArea.objects.for_district(allerdale)

    response = support.get(_url(LocalTargetMeasure, "change", target_row.measure_id))

    [rows] = [inline.formset for inline in response.context["inline_admin_formsets"]]
    offered = rows.forms[0].fields["area"].choices
    assert [label for value, label in offered] == ["Total", "Carlisle"]


def test_actions_list_names_each_actions_lead_partners_in_order(support, action, task_group):
    ActionLeadPartner.objects.create(
        action=action, order=2, kind=ActionLeadPartner.Kind.GROUP, group=task_group
    )

    response = support.get(_url(Action, "changelist"))

    assert _shows(response, f"Cumbria Police / {task_group.name}")


# The review-date filter


@pytest.fixture
def actions_by_review_date(priority) -> dict[str, Action]:
    today = timezone.localdate()
    dates = {
        "overdue": today - datetime.timedelta(days=1),
        "due today": today,
        "due soon": today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS),
        "later": today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS + 1),
        "none": None,
    }
    actions = {
        name: Action.objects.create(priority=priority, order=order, text=name, review_date=date)
        for order, (name, date) in enumerate(dates.items(), start=1)
    }
    actions["removed"] = Action.objects.create(
        priority=priority,
        order=99,
        text="removed",
        review_date=today - datetime.timedelta(days=3),
        status=Action.Status.REMOVED,
    )
    return actions


def _listed_actions(client, review: str) -> set[str]:
    response = client.get(_url(Action, "changelist"), {"review": review})
    assert response.status_code == 200
    return {action.text for action in response.context["cl"].result_list}


def test_review_filter_overdue_lists_current_actions_past_their_review_date(
    support, actions_by_review_date
):
    assert _listed_actions(support, "overdue") == {"overdue"}


def test_review_filter_due_soon_lists_actions_due_from_today_for_30_days(
    support, actions_by_review_date
):
    assert _listed_actions(support, "due_soon") == {"due today", "due soon"}


def test_review_filter_none_lists_current_actions_without_a_review_date(
    support, actions_by_review_date
):
    assert _listed_actions(support, "none") == {"none"}


# Indicator autocomplete


def _indicators_offered(client, term: str) -> list[str]:
    """What the indicators box of an action offers as the support officer types."""
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "priorities",
            "model_name": "action",
            "field_name": "indicators",
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("term", ["NI17", "ni 17", "17", "NI 17"])
def test_indicator_autocomplete_finds_ni_17_however_it_is_typed(support, action, term):
    assert _indicators_offered(support, term) == ["NI 17 Perceptions of anti-social behaviour"]


def test_indicator_autocomplete_finds_a_word_of_the_title(support, action):
    assert _indicators_offered(support, "drunk") == [
        "NI 41 Perceptions of drunk or rowdy behaviour as a problem"
    ]


def test_indicator_list_search_finds_a_code_typed_without_its_space(support, national_indicators):
    response = support.get(_url(Indicator, "changelist"), {"q": "ni17"})

    assert [indicator.code for indicator in response.context["cl"].result_list] == ["NI 17"]


def test_indicator_set_list_links_to_the_sets_indicators(support, national_indicators):
    response = support.get(_url(IndicatorSet, "changelist"))

    link = f"{_url(Indicator, 'changelist')}?indicator_set__id__exact={national_indicators.pk}"
    assert f'<a href="{link}">3</a>' in response.content.decode()


# Bad input comes back as a message with nothing saved


def test_two_new_lead_partners_in_the_same_place_are_refused(support, action, council, task_group):
    data = _add_rows(
        _form_data(support.get(_url(Action, "change", action.pk))),
        "lead_partners",
        {"order": 2, "kind": "organisation", "organisation": council.pk},
        {"order": 2, "kind": "group", "group": task_group.pk},
    )

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Please correct the duplicate data for order")
    assert action.lead_partners.count() == 1


def test_a_lead_partner_in_a_place_already_taken_is_refused(support, action, council):
    data = _add_rows(
        _form_data(support.get(_url(Action, "change", action.pk))),
        "lead_partners",
        {"order": 1, "kind": "organisation", "organisation": council.pk},
    )

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Another lead partner of this action has that place.")
    assert action.lead_partners.count() == 1


def test_an_organisation_lead_without_an_organisation_is_refused(support, action):
    data = _add_rows(
        _form_data(support.get(_url(Action, "change", action.pk))),
        "lead_partners",
        {"order": 2, "kind": "organisation"},
    )

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Choose an organisation for an organisation lead")
    assert action.lead_partners.count() == 1


def test_two_sections_in_the_same_place_are_refused(support, plan):
    data = _add_rows(
        _form_data(support.get(_url(Plan, "change", plan.pk))),
        "sections",
        {"order": 1, "kind": "foreword", "placement": "before", "title": "Foreword"},
        {"order": 1, "kind": "introduction", "placement": "before", "title": "Introduction"},
    )

    response = support.post(_url(Plan, "change", plan.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Please correct the duplicate data for order")
    assert not plan.sections.exists()


def test_a_negative_budget_amount_is_refused(support, plan):
    data = _add_rows(
        _form_data(support.get(_url(Plan, "change", plan.pk))),
        "budget_lines",
        {"order": 1, "year": 2010, "project": "Mediation", "amount": "-5.00"},
    )

    response = support.post(_url(Plan, "change", plan.pk), data)

    assert response.status_code == 200
    assert _shows(response, "The amount cannot be negative.")
    assert not plan.budget_lines.exists()


def test_a_plan_ending_before_it_starts_is_refused(support, partnership):
    data = _form_data(support.get(_url(Plan, "add")))
    data.update(
        partnership=partnership.pk,
        title="Partnership Plan",
        slug="2011-12",
        status="draft",
        start_year=2011,
        end_year=2010,
    )

    response = support.post(_url(Plan, "add"), data)

    assert response.status_code == 200
    assert _shows(response, "The end year cannot be before the start year.")
    assert not Plan.objects.exists()


def test_moving_a_plans_start_past_an_actions_review_date_is_allowed(support, action):
    """Review dates before a plan's period are kept as written (dates as written)."""
    plan = action.priority.plan
    data = _form_data(support.get(_url(Plan, "change", plan.pk)))
    data.update(start_year=2011, end_year=2012)

    response = support.post(_url(Plan, "change", plan.pk), data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.start_year == 2011


def test_a_duplicate_indicator_code_typed_differently_is_refused(support, national_indicators):
    data = _form_data(support.get(_url(Indicator, "add")))
    data.update(indicator_set=national_indicators.pk, code="NI17", title="Again")

    response = support.post(_url(Indicator, "add"), data)

    assert response.status_code == 200
    assert _shows(response, "This set already has an indicator with that code: NI 17.")
    assert Indicator.objects.lookup("NI17").count() == 1


def test_a_second_baseline_year_on_a_target_row_is_refused(support, target_row):
    LocalTargetValue.objects.create(target=target_row, year=2008, value=40, is_baseline=True)
    data = _add_rows(
        _form_data(support.get(_url(LocalTarget, "change", target_row.pk))),
        "values",
        {"year": 2009, "value": "38", "is_baseline": "on"},
    )

    response = support.post(_url(LocalTarget, "change", target_row.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Only one year of a row can be the baseline.")
    assert list(target_row.values.values_list("year", flat=True)) == [2008]


def test_two_new_baseline_years_on_a_target_row_are_refused(support, target_row):
    data = _add_rows(
        _form_data(support.get(_url(LocalTarget, "change", target_row.pk))),
        "values",
        {"year": 2008, "value": "40", "is_baseline": "on"},
        {"year": 2009, "value": "38", "is_baseline": "on"},
    )

    response = support.post(_url(LocalTarget, "change", target_row.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Only one year of a row can be the baseline.")
    assert not target_row.values.exists()


def test_two_new_total_rows_for_a_measure_are_refused(support, target_row):
    measure = target_row.measure
    data = _add_rows(
        _form_data(support.get(_url(LocalTargetMeasure, "change", measure.pk))),
        "rows",
        {"order": 2},
        {"order": 3},
    )

    response = support.post(_url(LocalTargetMeasure, "change", measure.pk), data)

    assert response.status_code == 200
    assert _shows(response, "This measure already has a total row.")
    assert measure.rows.count() == 1


def test_a_review_date_is_typed_in_the_admin_as_the_plan_writes_it(support, action):
    data = _form_data(support.get(_url(Action, "change", action.pk)))
    assert data["review_date"] == "30 September 2010"
    data["review_date"] = "December 2009"

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.review_date == datetime.date(2009, 12, 31)
    assert action.review_date_label == "December 2009"


def test_a_review_date_typed_wrong_in_the_admin_is_a_field_error(support, action):
    data = _form_data(support.get(_url(Action, "change", action.pk)))
    data["review_date"] = "Juny 2010"

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert _shows(response, "There is no month called “Juny”")
    action.refresh_from_db()
    assert action.review_date == datetime.date(2010, 9, 30)


def test_a_review_date_as_a_quarter_on_a_new_priority_in_the_admin(support, plan):
    data = _form_data(support.get(_url(Priority, "add")))
    data.update(plan=plan.pk, order=2, title="Domestic Abuse")
    data = _add_rows(
        data,
        "actions",
        {"order": 1, "text": "Fund an IDVA.", "status": "not_started", "review_date": "Q1 2009/10"},
    )

    response = support.post(_url(Priority, "add"), data)

    assert response.status_code == 302
    action = Action.objects.get(text="Fund an IDVA.")
    assert action.review_date == datetime.date(2009, 6, 30)
    assert action.review_date_label == "Q1 2009/10"


def test_moving_a_priority_to_a_plan_starting_after_its_review_dates_is_allowed(
    support, action, partnership
):
    later = Plan.objects.create(
        partnership=partnership, title="Plan", slug="2011-12", start_year=2011, end_year=2012
    )
    priority = action.priority
    data = _form_data(support.get(_url(Priority, "change", priority.pk)))
    data["plan"] = later.pk

    response = support.post(_url(Priority, "change", priority.pk), data)

    assert response.status_code == 302
    priority.refresh_from_db()
    assert priority.plan_id == later.pk


def test_a_task_group_of_another_partnership_is_refused_for_a_priority(
    support, priority, other_partnership
):
    stranger = Group.objects.create(
        partnership=other_partnership, name="Violence Task Group", kind=Group.Kind.TASK
    )
    data = _form_data(support.get(_url(Priority, "change", priority.pk)))
    data["task_group"] = stranger.pk

    response = support.post(_url(Priority, "change", priority.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Choose a task group of the plan's own partnership.")
    priority.refresh_from_db()
    assert priority.task_group.partnership == priority.plan.partnership


def test_a_lead_group_of_another_partnership_is_refused(support, action, other_partnership):
    stranger = Group.objects.create(
        partnership=other_partnership, name="Violence Task Group", kind=Group.Kind.TASK
    )
    data = _add_rows(
        _form_data(support.get(_url(Action, "change", action.pk))),
        "lead_partners",
        {"order": 2, "kind": "group", "group": stranger.pk},
    )

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Choose a group of the action's own partnership.")
    assert action.lead_partners.count() == 1


def test_a_group_reporting_to_itself_is_refused(support, task_group):
    data = _form_data(support.get(_url(Group, "change", task_group.pk)))
    data["reports_to"] = task_group.pk

    response = support.post(_url(Group, "change", task_group.pk), data)

    assert response.status_code == 200
    assert _shows(response, "A group cannot report to itself")
    task_group.refresh_from_db()
    assert task_group.reports_to is None


def test_a_group_reporting_to_a_group_that_reports_to_it_is_refused(support, task_group):
    board = Group.objects.create(
        partnership=task_group.partnership, name="Board", kind=Group.Kind.LEADERSHIP
    )
    Group.objects.filter(pk=board.pk).update(reports_to=task_group)
    data = _form_data(support.get(_url(Group, "change", task_group.pk)))
    data["reports_to"] = board.pk

    response = support.post(_url(Group, "change", task_group.pk), data)

    assert response.status_code == 200
    assert _shows(response, "A group cannot report to itself, directly or through another group.")
    task_group.refresh_from_db()
    assert task_group.reports_to is None


def test_two_roles_in_one_partnership_for_one_person_are_refused(support, partnership, viewer):
    data = _add_rows(
        _form_data(support.get(_url(type(viewer), "change", viewer.pk))),
        "memberships",
        {"partnership": partnership.pk, "role": Membership.Role.EDITOR},
    )

    response = support.post(_url(type(viewer), "change", viewer.pk), data)

    assert response.status_code == 200
    assert _shows(response, "This person already has a role in the partnership.")
    assert viewer.memberships.get().role == Membership.Role.VIEWER


def test_an_editors_task_group_must_be_of_their_partnership(support, editor, other_partnership):
    stranger = Group.objects.create(
        partnership=other_partnership, name="Violence Task Group", kind=Group.Kind.TASK
    )
    membership = editor.memberships.get()
    data = _form_data(support.get(_url(Membership, "change", membership.pk)))
    data["task_groups"] = [stranger.pk]

    response = support.post(_url(Membership, "change", membership.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Choose task groups of CDRP only, not Violence Task Group.")
    assert list(membership.task_groups.values_list("partnership", flat=True)) == [
        membership.partnership_id
    ]


def test_an_action_changed_meanwhile_is_not_overwritten(support, action):
    data = _form_data(support.get(_url(Action, "change", action.pk)))
    Action.objects.filter(pk=action.pk).update(text="Changed by an editor.", version=2)
    data["text"] = "Changed in the admin."

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 200
    assert _shows(response, "Someone else changed this action since you opened it.")
    action.refresh_from_db()
    assert action.text == "Changed by an editor."


def test_saving_an_action_in_the_admin_raises_its_version(support, action):
    data = _form_data(support.get(_url(Action, "change", action.pk)))
    data["status"] = Action.Status.IN_PROGRESS

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.version) == (Action.Status.IN_PROGRESS, 2)


def test_a_progress_update_added_in_the_admin_is_signed_by_the_support_officer(
    support, superuser, action
):
    data = _add_rows(
        _form_data(support.get(_url(Action, "change", action.pk))),
        "progress_updates",
        {"reported_on": "2010-07-01", "rag": "green", "note": "Commissioned."},
    )

    response = support.post(_url(Action, "change", action.pk), data)

    assert response.status_code == 302
    assert action.progress_updates.get().author == superuser


# Deletions that would lose work or take access away are refused, saying what to do first


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _bulk_delete(client, model, *objects):
    return client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]},
        follow=True,
    )


def test_deleting_a_priority_with_actions_is_refused_naming_them(support, action):
    priority = action.priority

    response = support.post(_url(Priority, "delete", priority.pk), {"post": "yes"}, follow=True)

    assert Priority.objects.filter(pk=priority.pk).exists()
    assert "Move or remove its 1 action first" in _messages(response)[0]
    assert action.text[:60] in _messages(response)[0]


def test_deleting_priorities_with_actions_in_bulk_is_refused(support, action):
    response = _bulk_delete(support, Priority, action.priority)

    assert Priority.objects.filter(pk=action.priority_id).exists()
    assert any("Move or remove its 1 action first" in m for m in _messages(response))


def test_a_priority_without_actions_can_still_be_deleted(support, priority):
    support.post(_url(Priority, "delete", priority.pk), {"post": "yes"})

    assert not Priority.objects.filter(pk=priority.pk).exists()


def test_the_database_refuses_to_delete_a_priority_with_actions_or_its_task_group(action):
    with pytest.raises(ProtectedError):
        action.priority.delete()
    with pytest.raises(ProtectedError):
        action.priority.task_group.delete()


def test_deleting_a_task_group_with_editors_is_refused_naming_them(support, editor, partnership):
    group = editor.memberships.get().task_groups.get()

    response = support.post(_url(Group, "delete", group.pk), {"post": "yes"}, follow=True)

    assert Group.objects.filter(pk=group.pk).exists()
    assert "give its 1 editor another task group" in _messages(response)[0]
    assert "editor" in _messages(response)[0]


def test_deleting_task_groups_with_priorities_in_bulk_is_refused(support, priority):
    response = _bulk_delete(support, Group, priority.task_group)

    assert Group.objects.filter(pk=priority.task_group_id).exists()
    assert any(
        f"move its 1 priority to another task group (“{priority.title}”)" in m
        for m in _messages(response)
    )


def test_a_group_nobody_uses_can_still_be_deleted(support, partnership):
    group = Group.objects.create(partnership=partnership, name="Unused", kind=Group.Kind.OTHER)

    support.post(_url(Group, "delete", group.pk), {"post": "yes"})

    assert not Group.objects.filter(pk=group.pk).exists()


# People who have done anything are deactivated, not deleted


@pytest.fixture
def author(action, editor) -> User:
    ProgressUpdate.objects.create(
        action=action,
        reported_on=datetime.date(2010, 7, 1),
        rag="green",
        note="Done",
        author=editor,
    )
    return editor


def test_deleting_a_person_who_authored_work_is_refused(support, author):
    response = support.post(_url(User, "delete", author.pk), {"post": "yes"}, follow=True)

    assert User.objects.filter(pk=author.pk).exists()
    assert "1 progress update" in _messages(response)[0]
    assert "Deactivate them instead" in _messages(response)[0]


def test_deleting_people_in_bulk_is_refused_when_any_authored_work(support, author, viewer):
    response = _bulk_delete(support, User, author, viewer)

    assert User.objects.filter(pk__in=[author.pk, viewer.pk]).count() == 2
    assert any("Deactivate them instead" in m for m in _messages(response))


def test_a_change_recorded_in_the_history_counts_as_work(support, editor, action):
    action.text = "Reworded by the editor."
    action._history_user = editor
    action.save()

    support.post(_url(User, "delete", editor.pk), {"post": "yes"})

    assert User.objects.filter(pk=editor.pk).exists()


def test_a_person_who_did_nothing_can_still_be_deleted(support, viewer):
    support.post(_url(User, "delete", viewer.pk), {"post": "yes"})

    assert not User.objects.filter(pk=viewer.pk).exists()


def test_deactivating_keeps_the_persons_name_on_their_work_and_records_their_removal(
    support, superuser, author
):
    membership = author.memberships.get()

    support.post(
        _url(User, "changelist"),
        {"action": "deactivate_people", ACTION_CHECKBOX_NAME: [author.pk]},
    )

    author.refresh_from_db()
    assert not author.is_active
    assert ProgressUpdate.objects.get().author == author
    assert not Membership.objects.filter(user=author).exists()
    removal = Membership.history.get(id=membership.pk, history_type="-")
    assert (removal.history_user, removal.history_change_reason) == (
        superuser,
        "Person deactivated",
    )


def test_deactivating_a_partnerships_last_administrator_is_refused(support, administrator):
    response = support.post(
        _url(User, "changelist"),
        {"action": "deactivate_people", ACTION_CHECKBOX_NAME: [administrator.pk]},
        follow=True,
    )

    administrator.refresh_from_db()
    assert administrator.is_active
    assert "was not deactivated" in _messages(response)[0]


def test_deleting_an_aim_in_the_admin_records_the_unlinking_of_its_actions(
    support, superuser, action
):
    aim = Aim.objects.create(priority=action.priority, order=1, title="Fewer disputes")
    Action.objects.filter(pk=action.pk).update(aim=aim)

    support.post(_url(Aim, "delete", aim.pk), {"post": "yes"})

    record = Action.history.filter(id=action.pk).latest()
    assert (record.aim_id, record.history_user) == (None, superuser)
    assert "Fewer disputes" in record.history_change_reason


def test_deleting_an_aim_on_its_prioritys_page_records_the_unlinking_of_its_actions(
    support, superuser, action
):
    aim = Aim.objects.create(priority=action.priority, order=1, title="Fewer disputes")
    Action.objects.filter(pk=action.pk).update(aim=aim)
    url = _url(Priority, "change", action.priority_id)
    data = _form_data(support.get(url))

    response = support.post(url, {**data, "aims-0-DELETE": "on"})

    assert response.status_code == 302
    assert not Aim.objects.filter(pk=aim.pk).exists()
    record = Action.history.filter(id=action.pk).latest()
    assert (record.aim_id, record.history_user) == (None, superuser)
    assert Aim.history.get(id=aim.pk, history_type="-").history_user == superuser


# Deleting a plan


@pytest.fixture
def filled_draft(plan, action, superuser, national_indicators):
    """A draft with one of everything, once sent for review and back, with comments."""
    full_plan(plan, national_indicators)
    ProgressUpdate.objects.create(
        action=action,
        reported_on=datetime.date(2010, 7, 1),
        rag=Action.Rag.GREEN,
        note="Mediation service commissioned.",
        author=superuser,
    )
    Aim.objects.create(priority=action.priority, order=2, title="Fewer disputes")
    for from_status, to_status in [("draft", "in_review"), ("in_review", "draft")]:
        PlanTransition.objects.create(
            plan=plan, from_status=from_status, to_status=to_status, user=superuser
        )
    comment = ReviewComment.objects.create(
        plan=plan, action=action, author=superuser, body="Who funds it?"
    )
    ReviewComment.objects.create(
        plan=plan, action=action, parent=comment, author=superuser, body="ABG."
    )
    return plan


PLAN_PARTS = [Section, RelatedStrategy, BudgetLine, Priority, Aim, Action, ActionLeadPartner]
PLAN_PARTS += [ProgressUpdate, LocalTargetMeasure, LocalTarget, LocalTargetValue]


def test_support_officer_deletes_a_draft_plan_with_everything_in_it(
    support, superuser, filled_draft, partnership
):
    action = Action.objects.get(priority__plan=filled_draft)

    page = support.get(_url(Plan, "delete", filled_draft.pk))
    response = support.post(_url(Plan, "delete", filled_draft.pk), {"post": "yes"}, follow=True)

    assert page.status_code == 200
    assert not page.context["perms_lacking"] and not page.context["protected"]
    assert action.text in page.content.decode()
    assert response.status_code == 200
    assert not Plan.objects.filter(pk=filled_draft.pk).exists()
    for model in PLAN_PARTS:
        assert not model.objects.exists(), model
    assert not ReviewComment.objects.exists() and not PlanTransition.objects.exists()
    # The partnership's own things stay.
    assert partnership.glossary_terms.count() == 2
    assert Group.objects.filter(partnership=partnership).exists()


def test_deleting_a_draft_plan_leaves_a_signed_history_record_of_each_part(
    support, superuser, filled_draft
):
    support.post(_url(Plan, "delete", filled_draft.pk), {"post": "yes"})

    for model in [Plan, *PLAN_PARTS]:
        deleted = model.history.filter(history_type="-")
        assert deleted.exists(), model
        assert set(deleted.values_list("history_user", flat=True)) == {superuser.pk}, model


@pytest.mark.parametrize(
    "status", [Plan.Status.IN_REVIEW, Plan.Status.APPROVED, Plan.Status.PUBLISHED]
)
def test_deleting_a_plan_that_is_not_a_draft_is_refused_saying_what_to_do(
    support, filled_draft, status
):
    Plan.objects.filter(pk=filled_draft.pk).update(status=status)

    response = support.post(_url(Plan, "delete", filled_draft.pk), {"post": "yes"}, follow=True)

    assert Plan.objects.filter(pk=filled_draft.pk).exists()
    assert Action.objects.filter(priority__plan=filled_draft).exists()
    message = _messages(response)[0]
    assert "only plans in draft that were never published can be deleted" in message
    instead = "start next year's plan" if status == Plan.Status.PUBLISHED else "back to draft"
    assert instead in message


def test_a_draft_plan_that_was_once_published_is_kept(support, one_of_each, plan):
    response = support.post(_url(Plan, "delete", plan.pk), {"post": "yes"}, follow=True)

    assert Plan.objects.filter(pk=plan.pk).exists()
    assert "cannot be deleted" in _messages(response)[0]


def test_the_plan_delete_service_refuses_a_published_plan(filled_draft, superuser):
    Plan.objects.filter(pk=filled_draft.pk).update(status=Plan.Status.PUBLISHED)

    with pytest.raises(PlanDeletionRefused, match="cannot be deleted"):
        plan_delete(plan=filled_draft, user=superuser)

    assert Action.objects.filter(priority__plan=filled_draft).exists()


def test_draft_plans_are_deleted_in_bulk(support, filled_draft, partnership):
    second = Plan.objects.create(
        partnership=partnership, title="Second", slug="2011-12", start_year=2011, end_year=2012
    )

    confirm = support.post(
        _url(Plan, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [filled_draft.pk, second.pk]},
    )
    response = support.post(
        _url(Plan, "changelist"),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [filled_draft.pk, second.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert confirm.status_code == 200 and not confirm.context["perms_lacking"]
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert not Action.objects.exists()


def test_deleting_plans_in_bulk_is_refused_when_any_is_published(
    support, filled_draft, partnership
):
    published = Plan.objects.create(
        partnership=partnership,
        title="Old",
        slug="2009-10",
        start_year=2009,
        end_year=2010,
        status=Plan.Status.PUBLISHED,
    )

    response = _bulk_delete(support, Plan, filled_draft, published)

    assert Plan.objects.count() == 2
    assert any("cannot be deleted" in message for message in _messages(response))


# Finding actions by their indicators


@pytest.mark.parametrize("term", ["NI 17", "NI17", "ni17", "ni 17"])
def test_action_search_finds_an_action_by_its_indicator_code_however_typed(
    support, action, priority, term
):
    Action.objects.create(priority=priority, order=2, text="Another action, with no indicator.")

    response = support.get(_url(Action, "changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [action]


def test_action_search_still_finds_words_of_the_action(support, action, priority):
    Action.objects.create(priority=priority, order=2, text="Run the summer diversion scheme.")

    response = support.get(_url(Action, "changelist"), {"q": "mediation"})

    assert list(response.context["cl"].result_list) == [action]


def test_action_search_by_code_keeps_to_the_chosen_filters(support, action, priority):
    response = support.get(_url(Action, "changelist"), {"q": "NI17", "status": "completed"})

    assert list(response.context["cl"].result_list) == []


def test_indicator_filter_offers_linked_indicators_and_lists_their_actions(
    support, action, priority, national_indicators
):
    other = Action.objects.create(priority=priority, order=2, text="Run the diversion scheme.")
    ni_41 = national_indicators.indicators.get(code="NI 41")
    other.indicators.set([ni_41])
    ni_21 = national_indicators.indicators.get(code="NI 21")

    offered = support.get(_url(Action, "changelist"))
    response = support.get(_url(Action, "changelist"), {"indicator": ni_21.pk})

    indicator_filter = next(
        spec for spec in offered.context["cl"].filter_specs if spec.title == "linked indicator"
    )
    assert [title for _, title in indicator_filter.lookup_choices] == ["NI 17", "NI 21", "NI 41"]
    assert list(response.context["cl"].result_list) == [action]


def test_indicator_filter_with_a_value_that_is_not_a_number_lists_nothing(support, action):
    response = support.get(_url(Action, "changelist"), {"indicator": "x"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


# A plan that is not a draft is read-only in the admin

PLAN_CONTENT = [
    Plan,
    Section,
    Priority,
    Aim,
    Action,
    ActionLeadPartner,
    RelatedStrategy,
    BudgetLine,
    LocalTargetMeasure,
    LocalTarget,
    LocalTargetValue,
]
NOT_DRAFT = "only plans in draft can be changed"


def _publish(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)


@pytest.mark.parametrize("model", PLAN_CONTENT, ids=_label)
def test_content_of_a_published_plan_is_shown_read_only_saying_how_to_change_it(
    support, one_of_each, plan, model
):
    _publish(plan)
    obj = model._default_manager.first()

    response = support.get(_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="_save"' not in response.content.decode()
    message = _messages(response)[0]
    assert NOT_DRAFT in message and "start next year's plan from its page" in message


@pytest.mark.parametrize("model", PLAN_CONTENT, ids=_label)
def test_saving_content_of_a_published_plan_is_refused_and_changes_nothing(
    support, superuser, one_of_each, plan, model
):
    obj = model._default_manager.first()
    data = _form_data(support.get(_url(model, "change", obj.pk)))
    _publish(plan)
    history = model.history.count()

    response = support.post(_url(model, "change", obj.pk), data, follow=True)

    assert response.redirect_chain[-1][0] == _url(model, "change", obj.pk)
    assert NOT_DRAFT in _messages(response)[0]
    assert model.history.count() == history


@pytest.mark.parametrize("model", PLAN_CONTENT[1:], ids=_label)
def test_deleting_content_of_a_published_plan_is_refused(support, one_of_each, plan, model):
    obj = model._default_manager.first()
    _publish(plan)

    response = support.post(_url(model, "delete", obj.pk), {"post": "yes"}, follow=True)

    assert model._default_manager.filter(pk=obj.pk).exists()
    assert NOT_DRAFT in _messages(response)[0]


def test_content_of_a_plan_in_review_says_to_send_it_back_to_draft(support, action, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)

    response = support.get(_url(Action, "change", action.pk))

    assert "send it back to draft first" in _messages(response)[0]


@pytest.mark.parametrize(
    "model,parent",
    [
        (Section, lambda objs: {"plan": objs.plan.pk, "order": 9, "title": "New", "body": "x"}),
        (
            Action,
            lambda objs: {"priority": objs.priority.pk, "order": 9, "text": "New", "version": 1},
        ),
        (Aim, lambda objs: {"priority": objs.priority.pk, "order": 9, "title": "New"}),
        (BudgetLine, lambda objs: {"plan": objs.plan.pk, "order": 9, "project": "New"}),
        (
            ActionLeadPartner,
            lambda objs: {"action": objs.action.pk, "order": 9, "kind": "other", "printed_as": "A"},
        ),
    ],
    ids=lambda value: value._meta.label if hasattr(value, "_meta") else "",
)
def test_adding_content_to_a_published_plan_is_refused_beside_the_parent(
    support, action, priority, plan, model, parent
):
    _publish(plan)
    count = model.objects.count()
    data = parent(SimpleNamespace(plan=plan, priority=priority, action=action))
    field = next(iter(data))

    response = support.post(_url(model, "add"), data)

    assert response.status_code == 200
    assert model.objects.count() == count
    assert NOT_DRAFT in " ".join(response.context["adminform"].form.errors[field])


def test_a_published_plans_content_can_still_be_listed_and_its_plan_moved(support, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)

    response = support.post(
        _url(Plan, "changelist"),
        {
            "action": "move_in_review_to_approved",
            ACTION_CHECKBOX_NAME: [plan.pk],
            "apply": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED


@pytest.mark.parametrize("model", PLAN_CONTENT[1:], ids=_label)
def test_deleting_content_of_a_published_plan_in_bulk_is_refused(support, one_of_each, plan, model):
    obj = model._default_manager.first()
    _publish(plan)

    response = support.post(
        _url(model, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
        follow=True,
    )

    assert model._default_manager.filter(pk=obj.pk).exists()
    assert NOT_DRAFT in _messages(response)[0]


@pytest.mark.parametrize("model", [Plan, Section, Action], ids=_label)
def test_reverting_content_of_a_published_plan_to_an_earlier_version_is_refused(
    support, one_of_each, plan, model
):
    obj = model._default_manager.first()
    record = model.history.filter(id=obj.pk).earliest("history_date")
    revert_url = _url(model, "simple_history", obj.pk, record.history_id)
    data = _form_data(support.get(revert_url))
    _publish(plan)
    history = model.history.count()

    response = support.post(revert_url, data, follow=True)

    assert model.history.count() == history
    assert NOT_DRAFT in " ".join(_messages(response))
