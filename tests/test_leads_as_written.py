"""Lead partners and partners as plans write them: a named person or a body that is not a
listed organisation is kept as written, a partner's role may be "not stated", and agencies an
aim's row prints without an action are kept and printed."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.document import plan_document
from plans.models import PartnershipOrganisation, Plan
from plans.pdf import plan_pdf
from priorities.models import Action, ActionLeadPartner, Aim, Priority
from tests.pdf_geometry import pages

pytestmark = pytest.mark.django_db

UNLISTED = "Jane Smith, Community Safety Officer"
NOTICE = (
    "“Jane Smith, Community Safety Officer” is not one of the partnership&#x27;s "
    "organisations; it is kept as written"
)


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _form(**overrides) -> dict:
    data = {
        "text": "Run a week of action on bonfire safety.",
        "lead_partners": f"Cumbria Police / {UNLISTED}",
        "indicators": "",
        "element": "",
        "baseline_data": "",
        "review_date": "",
        "funding_stream": "",
        "status": "not_started",
        "rag": "",
    }
    data.update(overrides)
    return data


def _pdf_text(plan: Plan) -> str:
    return " ".join(" ".join(page.text for page in pages(plan_pdf(plan_document(plan)))).split())


# The in-app form


def test_an_unlisted_lead_is_kept_as_written_with_a_notice_never_refused(
    client, editor, priority, police
):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:action_add", args=[priority.pk]), _form(), follow=True
    )

    assert response.redirect_chain
    assert NOTICE in response.content.decode()
    action = Action.objects.get()
    leads = list(ActionLeadPartner.objects.filter(action=action).order_by("order"))
    assert [(lead.kind, lead.name) for lead in leads] == [
        (ActionLeadPartner.Kind.ORGANISATION, "Cumbria Police"),
        (ActionLeadPartner.Kind.AS_WRITTEN, UNLISTED),
    ]


def test_the_notice_is_shown_on_a_form_shown_again_for_another_error(
    client, editor, priority, police
):
    client.force_login(editor)

    response = client.post(reverse("priorities:action_add", args=[priority.pk]), _form(text=""))

    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    assert f'value="Cumbria Police / {UNLISTED}"' in response.content.decode()
    assert not Action.objects.exists()


def _action_with_unlisted_lead(priority: Priority, police) -> Action:
    action = Action.objects.create(priority=priority, order=1, text="Bonfire safety week.")
    ActionLeadPartner.objects.create(
        action=action, order=1, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=police
    )
    ActionLeadPartner.objects.create(
        action=action, order=2, kind=ActionLeadPartner.Kind.AS_WRITTEN, printed_as=UNLISTED
    )
    return action


def test_editing_keeps_the_lead_as_written_without_asking_again(client, editor, priority, police):
    action = _action_with_unlisted_lead(priority, police)
    client.force_login(editor)
    edit = client.get(reverse("priorities:action_edit", args=[action.pk]))
    assert edit.context["form"]["lead_partners"].value() == f"Cumbria Police / {UNLISTED}"

    response = client.post(
        reverse("priorities:action_edit", args=[action.pk]),
        _form(text=action.text, version=str(action.version)),
        follow=True,
    )

    assert response.redirect_chain
    assert NOTICE not in response.content.decode()
    assert ActionLeadPartner.objects.get(action=action, order=2).kind == "as_written"


def test_the_app_tags_the_lead_as_not_a_listed_organisation_and_the_plan_does_not(
    client, viewer, priority, police
):
    action = _action_with_unlisted_lead(priority, police)
    client.force_login(viewer)

    plan_page = client.get(reverse("priorities:action_plan", args=[priority.pk]))
    detail = client.get(reverse("priorities:action", args=[action.pk]))

    for response in (plan_page, detail):
        page = response.content.decode()
        assert UNLISTED in page
        assert "Not a listed organisation" in page
    document = plan_document(priority.plan)
    assert document.priorities[0].actions[0].lead_partners == f"Cumbria Police / {UNLISTED}"
    pdf = _pdf_text(priority.plan)
    assert UNLISTED in pdf
    assert "Not a listed organisation" not in pdf


# The database


def test_a_lead_kept_as_written_must_have_its_words(priority):
    action = Action.objects.create(priority=priority, order=1, text="Bonfire safety week.")

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionLeadPartner.objects.create(
            action=action, order=1, kind=ActionLeadPartner.Kind.AS_WRITTEN, printed_as=""
        )


def test_a_lead_kept_as_written_names_no_organisation(priority, police):
    action = Action.objects.create(priority=priority, order=1, text="Bonfire safety week.")

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionLeadPartner.objects.create(
            action=action,
            order=1,
            kind=ActionLeadPartner.Kind.AS_WRITTEN,
            organisation=police,
            printed_as=UNLISTED,
        )


# The demo loader


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", copy)
    return copy


def test_the_demo_loader_takes_a_lead_written_as_written(fixtures_copy: Path):
    path = fixtures_copy / "plans" / "west-cumbria-2012-13.yaml"
    path.write_text(
        path.read_text().replace(
            "lead_partners: [IOM Team]",
            f"lead_partners: [{{printed: '{UNLISTED}', as_written: true}}]",
        )
    )

    call_command("load_demo", fixtures_dir=fixtures_copy, stdout=StringIO())

    lead = ActionLeadPartner.objects.get(
        action__text="Address Housing Issues for IOM cohort through Housing Task & Finish Groups"
    )
    assert (lead.kind, lead.printed_as, lead.organisation) == ("as_written", UNLISTED, None)


# Partner organisations whose role the plan does not state


def test_an_administrator_sets_a_partners_role_to_not_stated(client, administrator, plan, council):
    participation = PartnershipOrganisation.objects.get(
        partnership=plan.partnership, organisation=council
    )
    url = reverse("plans:organisation_edit", args=[plan.partnership.slug, participation.pk])
    client.force_login(administrator)
    assert "Role not stated" in client.get(url).content.decode()

    response = client.post(url, {"role": "not_stated"})

    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.role == PartnershipOrganisation.Role.NOT_STATED
    listed = client.get(reverse("plans:organisation_list", args=[plan.partnership.slug]))
    assert "Role not stated" in listed.content.decode()


# Agencies an aim's row prints with no action


def test_agencies_of_an_aim_without_an_action_are_printed_under_it(client, viewer, priority):
    Aim.objects.create(
        priority=priority,
        order=1,
        title="Reduce Criminal Damage",
        agencies="Prevent & Deter\nCumbria Constabulary",
    )
    plan = priority.plan

    [aim] = plan_document(plan).priorities[0].aims

    assert aim.agencies_label == "Prevent & Deter / Cumbria Constabulary"
    client.force_login(viewer)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Agencies: Prevent &amp; Deter / Cumbria Constabulary" in page
    assert "Agencies: Prevent & Deter / Cumbria Constabulary" in _pdf_text(plan)


def test_an_editor_types_an_aims_agencies_as_printed(client, editor, priority):
    client.force_login(editor)

    response = client.post(
        reverse("priorities:aim_add", args=[priority.pk]),
        {
            "title": "Reduce Criminal Damage",
            "baseline_data": "",
            "agencies": " Prevent & Deter\n\nCumbria Constabulary ",
        },
        follow=True,
    )

    assert response.redirect_chain
    aim = Aim.objects.get()
    assert aim.agencies == "Prevent & Deter\nCumbria Constabulary"
    assert "Agencies with no action: Prevent &amp; Deter / Cumbria Constabulary" in (
        response.content.decode()
    )
