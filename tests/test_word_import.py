"""Importing a plan from Word: the three reference plans built as .docx files come back as
their demo data, names the app does not know are mapped or kept as printed, and a document
that cannot be imported is refused with a message and leaves nothing behind."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import docx
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from lxml import html as lxml_html

from plans.document import plan_document
from plans.limits import ACTION_TEXT_MAX
from plans.models import (
    Group,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    PendingImport,
    Plan,
    PlanImport,
    Section,
    Subsection,
)
from plans.permissions import ChangeRefused
from plans.word.document import split_label
from plans.word.importing import (
    KEEP_AS_PRINTED,
    mapping_choices,
    word_import_confirm,
    word_import_preview,
)
from plans.word.reading import read_word_document
from plans.word.saving import ImportWriter
from plans.word.tables import indicator_codes
from priorities.models import Action, ActionLeadPartner, Aim, Priority
from tests.word_documents import REFERENCE_BUILDERS, document_with, plan_data, saved

pytestmark = pytest.mark.django_db

# A 1x1 pixel PNG, for a document with a picture in it.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def words(html_or_text: str) -> str:
    """The text a reader sees, whitespace as single spaces."""
    if not html_or_text.strip():
        return ""
    # A space between elements, as between paragraphs a reader sees apart.
    spaced = re.sub(r"<br\s*/?>", " ", html_or_text).replace("><", "> <")
    text = lxml_html.fragment_fromstring(spaced, create_parent="div").text_content()
    return " ".join(text.split())


def pending_for(
    partnership: Partnership, user: User, content: bytes, plan: Plan | None = None, **new_plan
) -> PendingImport:
    if plan is None:
        new_plan = {
            "new_plan_title": "Imported plan",
            "new_plan_start_year": 2010,
            "new_plan_end_year": 2011,
            **new_plan,
        }
    return PendingImport.objects.create(
        partnership=partnership,
        plan=plan,
        source=PendingImport._meta.get_field("source").choices[0][0],
        file_name="plan.docx",
        content=content,
        uploaded_by=user,
        **new_plan,
    )


def lead_rows(action: Action) -> list[tuple[str, int | None, int | None, str]]:
    return [
        (lead.kind, lead.organisation_id, lead.group_id, lead.name)
        for lead in action.lead_partners.all()
    ]


def spelt_out_names(data: dict) -> set[str]:
    """Lead partners the demo data file had to say who they are ({printed: ..., organisation:
    ...}): the only ones an officer may need to map."""
    names = set()
    for priority in data["priorities"]:
        actions = list(priority.get("actions") or [])
        for aim in priority.get("aims") or []:
            actions.extend(aim.get("actions") or [])
        for action in actions:
            names.update(
                lead["printed"]
                for lead in action.get("lead_partners") or []
                if isinstance(lead, dict)
            )
    return names


def choice_for(lead: ActionLeadPartner) -> str:
    """What an officer picks in the preview to map a name to the demo plan's lead."""
    if lead.kind == ActionLeadPartner.Kind.ORGANISATION:
        return f"organisation:{lead.organisation_id}"
    if lead.kind == ActionLeadPartner.Kind.GROUP:
        return f"group:{lead.group_id}"
    if lead.kind == ActionLeadPartner.Kind.PARTNERSHIP:
        return "partnership"
    return ""


def plan_contents(plan: Plan, *, with_texts: bool) -> dict:
    priorities = plan.priorities.order_by("order")
    actions = (
        Action.objects.filter(priority__plan=plan)
        .select_related("aim", "priority__plan__partnership")
        .prefetch_related("lead_partners__organisation", "lead_partners__group", "indicators")
        .order_by("priority__order", "order")
    )
    return {
        "sections": [
            (section.title, words(section.body), [s.title for s in section.subsections.all()])
            for section in plan.sections.order_by("order")
        ],
        "priorities": [
            (
                priority.label,
                priority.title,
                priority.background.strip() if with_texts else "",
                priority.aim.strip() if with_texts else "",
            )
            for priority in priorities
        ],
        "aims": [
            (aim.priority.title, aim.title.strip(), aim.baseline_data.strip(), aim.agency_names)
            for aim in Aim.objects.filter(priority__plan=plan).order_by("priority__order", "order")
        ],
        "actions": [
            (
                action.priority.title,
                action.order,
                action.text,
                action.aim.title.strip() if action.aim else None,
                action.baseline_data.strip(),
                action.review_date_label,
                lead_rows(action),
                sorted(indicator.code for indicator in action.indicators.all()),
            )
            for action in actions
        ],
    }


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("slug", "with_texts"),
    [("carlisle-eden", True), ("east-cambridgeshire", True), ("west-cumbria", False)],
)
def test_each_reference_plan_built_in_word_imports_as_its_demo_data(demo, slug, with_texts):
    demo_plan = Plan.objects.get(partnership__slug=slug)
    partnership = demo_plan.partnership
    importer = User.objects.create_user("importer")
    content = REFERENCE_BUILDERS[slug]()

    preview = word_import_preview(
        plan=None, partnership=partnership, content=content, file_name=f"{slug}.docx"
    )

    spelt_out = spelt_out_names(plan_data(slug))
    assert {name.printed_as for name in preview.unmatched} <= spelt_out
    assert not [name for name in preview.unmatched if name.kind == "indicator"]
    demo_leads = {
        lead.name: lead
        for lead in ActionLeadPartner.objects.filter(
            action__priority__plan=demo_plan
        ).select_related("organisation", "group", "action__priority__plan__partnership")
    }
    choices = {name.key: choice_for(demo_leads[name.printed_as]) for name in preview.unmatched}
    pending = pending_for(
        partnership,
        importer,
        content,
        new_plan_start_year=demo_plan.start_year,
        new_plan_end_year=demo_plan.end_year,
    )

    plan_import = word_import_confirm(pending=pending, user=importer, choices=choices)

    imported = plan_import.plan
    assert imported.pk != demo_plan.pk and imported.status == Plan.Status.DRAFT
    expected = plan_contents(demo_plan, with_texts=with_texts)
    found = plan_contents(imported, with_texts=with_texts)
    assert found["sections"] == expected["sections"]
    assert found["priorities"] == expected["priorities"]
    assert found["aims"] == expected["aims"]
    assert found["actions"] == expected["actions"]
    assert len(preview.priorities) == len(expected["priorities"])
    assert preview.action_count == len(expected["actions"])
    assert not PendingImport.objects.filter(pk=pending.pk).exists()
    rendered = plan_document(Plan.objects.select_related("partnership").get(pk=imported.pk))
    assert [entry.priority.title for entry in rendered.priorities] == [
        title for _, title, _, _ in expected["priorities"]
    ]


def test_east_cambridgeshires_measuring_our_performance_and_its_difficulties_are_read(demo):
    demo_plan = Plan.objects.get(partnership__slug="east-cambridgeshire")
    document = read_word_document(REFERENCE_BUILDERS["east-cambridgeshire"]())

    read = {p.title: p for p in document.priorities}
    for priority in demo_plan.priorities.exclude(measuring_performance=""):
        assert read[priority.title].measuring_performance == priority.measuring_performance.strip()
        assert read[priority.title].measuring_difficulties == priority.measuring_difficulties
    priority_4 = read["To reduce re-offending"]
    assert priority_4.background[-1].endswith("Prolific and Priority Offender programme:")
    assert len(priority_4.actions) == 3
    assert [p.title for p in document.priorities if p.is_cross_cutting] == [
        "Substance Misuse",
        "Young People",
    ]


def test_a_document_with_no_headings_and_no_tables_is_refused_and_nothing_is_saved(
    partnership, administrator
):
    content = document_with(paragraphs=["Just a letter.", "With two paragraphs."])

    with pytest.raises(ValidationError) as refused:
        word_import_preview(plan=None, partnership=partnership, content=content, file_name="a")
    pending = pending_for(partnership, administrator, content)
    with pytest.raises(ValidationError):
        word_import_confirm(pending=pending, user=administrator, choices={})

    assert "no headings and no tables" in refused.value.messages[0]
    assert not Plan.objects.exists()
    assert not PlanImport.objects.exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def _with_broken_text(content: bytes) -> bytes:
    """The document with its main part cut short, so its XML is not well-formed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for item in source.infolist():
            data = source.read(item.filename)
            broken.writestr(item, data[:200] if item.filename == "word/document.xml" else data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not a zip", _with_broken_text(document_with(headings=[(1, "Introduction")]))],
)
def test_a_damaged_document_is_refused_with_a_message(partnership, content):
    with pytest.raises(ValidationError) as refused:
        word_import_preview(plan=None, partnership=partnership, content=content, file_name="x")

    assert "could not read this Word document" in refused.value.messages[0]


def _one_action_document(lead: str, indicators: str = "NI 17", review: str = "July 2010"):
    return document_with(
        headings=[(1, "Introduction"), (1, "Tackling the priorities"), (2, "Priority 1: ASB")],
        action_rows=[["Run diversionary activities.", lead, indicators, review]],
    )


def test_an_unmatched_lead_partner_kept_as_printed_is_saved_as_written(
    plan, administrator, national_indicators
):
    content = _one_action_document("Cumbria Police / Jane Smith, Community Safety Officer")
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )
    (unmatched,) = preview.unmatched

    word_import_confirm(
        pending=pending_for(plan.partnership, administrator, content, plan=plan),
        user=administrator,
        choices={unmatched.key: ""},
    )

    assert unmatched.printed_as == "Jane Smith, Community Safety Officer"
    assert unmatched.places == ("Priority 1, action 1",)
    action = Action.objects.get(priority__plan=plan)
    assert [(lead.kind, lead.printed_as) for lead in action.lead_partners.all()] == [
        (ActionLeadPartner.Kind.ORGANISATION, ""),
        (ActionLeadPartner.Kind.AS_WRITTEN, "Jane Smith, Community Safety Officer"),
    ]
    assert [i.code for i in action.indicators.all()] == ["NI 17"]
    assert action.review_date_label == "July 2010"
    assert Priority.objects.get(plan=plan).label == "Priority 1"


def test_an_unmatched_lead_partner_mapped_to_an_organisation_is_saved_as_that_organisation(
    plan, administrator, council, national_indicators
):
    content = _one_action_document("City Council")
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )
    (unmatched,) = preview.unmatched
    offered = dict(mapping_choices(partnership=plan.partnership, kind="lead_partner"))

    word_import_confirm(
        pending=pending_for(plan.partnership, administrator, content, plan=plan),
        user=administrator,
        choices={unmatched.key: f"organisation:{council.pk}"},
    )

    assert list(offered)[0] == "" and offered[""] == KEEP_AS_PRINTED
    assert offered[f"organisation:{council.pk}"] == "Carlisle City Council"
    (lead,) = ActionLeadPartner.objects.filter(action__priority__plan=plan)
    assert (lead.kind, lead.organisation, lead.printed_as) == (
        ActionLeadPartner.Kind.ORGANISATION,
        council,
        "City Council",
    )


def test_a_mapping_to_an_organisation_outside_the_partnership_is_refused(
    plan, administrator, national_indicators
):
    stranger = Organisation.objects.create(name="Kent Police", kind=Organisation.Kind.POLICE)
    content = _one_action_document("Kent Police")
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )

    with pytest.raises(ValidationError) as refused:
        word_import_confirm(
            pending=pending_for(plan.partnership, administrator, content, plan=plan),
            user=administrator,
            choices={preview.unmatched[0].key: f"organisation:{stranger.pk}"},
        )

    assert refused.value.messages == ["Choose one of the partnership's partners for “Kent Police”."]
    assert not Action.objects.exists()


def test_an_unknown_indicator_is_offered_for_mapping_and_left_unlinked_when_kept(
    plan, administrator, national_indicators
):
    content = _one_action_document("Cumbria Police", indicators="NI 17, NI 999")
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )
    (unmatched,) = preview.unmatched

    plan_import = word_import_confirm(
        pending=pending_for(plan.partnership, administrator, content, plan=plan),
        user=administrator,
        choices={},
    )

    assert (unmatched.kind, unmatched.printed_as) == ("indicator", "NI 999")
    assert [i.code for i in Action.objects.get().indicators.all()] == ["NI 17"]
    assert "NI 999" in plan_import.summary


def test_an_action_over_the_limit_names_its_place_and_nothing_is_saved(
    plan, administrator, national_indicators
):
    content = document_with(
        headings=[(1, "Introduction"), (1, "Priority 2 – Burglary")],
        action_rows=[
            ["Target hotspots.", "Cumbria Police", "", ""],
            ["x" * (ACTION_TEXT_MAX + 1), "Cumbria Police", "", ""],
        ],
    )
    pending = pending_for(plan.partnership, administrator, content, plan=plan)

    with pytest.raises(ValidationError) as previewed:
        word_import_preview(
            plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
        )
    with pytest.raises(ValidationError) as confirmed:
        word_import_confirm(pending=pending, user=administrator, choices={})

    message = (
        "Priority 2, action 2: the action is 2,001 characters long; the most it may be is 2,000."
    )
    assert message in previewed.value.messages[0]
    assert message in confirmed.value.messages[0]
    assert not Section.objects.filter(plan=plan).exists()
    assert not Priority.objects.filter(plan=plan).exists()
    assert not PlanImport.objects.exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_every_history_row_carries_the_importer_and_the_imports_reason(
    partnership, administrator, police, national_indicators
):
    PartnershipOrganisation.objects.create(
        partnership=partnership,
        organisation=police,
        role=PartnershipOrganisation.Role.RESPONSIBLE_AUTHORITY,
    )
    content = document_with(
        headings=[(1, "Introduction"), (2, "Background"), (1, "Priority 1: ASB")],
        action_rows=[["Run diversionary activities.", "Cumbria Police", "NI 17", ""]],
    )

    plan_import = word_import_confirm(
        pending=pending_for(partnership, administrator, content),
        user=administrator,
        choices={},
    )

    plan = plan_import.plan
    reason = plan_import.history_reason
    histories = [
        Plan.history.filter(id=plan.pk),
        Section.history.filter(plan_id=plan.pk),
        Subsection.history.filter(section__plan=plan),
        Priority.history.filter(plan_id=plan.pk),
        Action.history.filter(priority__plan=plan),
        ActionLeadPartner.history.filter(action__priority__plan=plan),
    ]
    for history in histories:
        rows = list(history.values_list("history_user", "history_change_reason", "history_type"))
        assert rows and set(rows) == {(administrator.pk, reason, "+")}
    (action_record,) = Action.history.filter(priority__plan=plan)
    assert [i.indicator.code for i in action_record.indicators.all()] == ["NI 17"]
    assert (plan.title, plan.slug, plan_import.made_by) == (
        "Imported plan",
        "2010-11",
        administrator,
    )
    assert plan_import.summary.startswith("Created this draft plan with 1 section (1 subsection)")


def test_a_new_plans_address_does_not_take_one_in_use(plan, administrator):
    content = document_with(headings=[(1, "Introduction")], paragraphs=["Words."])

    plan_import = word_import_confirm(
        pending=pending_for(plan.partnership, administrator, content),
        user=administrator,
        choices={},
    )

    assert plan_import.plan.slug == "2010-11-2"


def test_importing_into_an_existing_draft_adds_after_what_it_has(priority, administrator):
    plan = priority.plan
    Section.objects.create(plan=plan, order=1, title="Foreword")
    content = document_with(
        headings=[(1, "Introduction"), (1, "Priority 2: Burglary")],
        action_rows=[["Target hotspots.", "Cumbria Police", "", ""]],
    )
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )

    word_import_confirm(
        pending=pending_for(plan.partnership, administrator, content, plan=plan),
        user=administrator,
        choices={},
    )

    assert any("added after those" in notice for notice in preview.notices)
    assert preview.document_title == ""
    assert [s.title for s in plan.sections.order_by("order")] == ["Foreword", "Introduction"]
    assert [(p.order, p.title) for p in plan.priorities.order_by("order")] == [
        (1, "Anti-Social Behaviour and Criminal Damage"),
        (2, "Burglary"),
    ]


def test_importing_into_a_plan_that_left_draft_is_refused_and_nothing_is_saved(plan, administrator):
    content = document_with(headings=[(1, "Introduction")], paragraphs=["Words."])
    pending = pending_for(plan.partnership, administrator, content, plan=plan)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    plan.refresh_from_db()

    with pytest.raises(ChangeRefused) as previewed:
        word_import_preview(
            plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
        )
    with pytest.raises(ChangeRefused) as refused:
        word_import_confirm(pending=pending, user=administrator, choices={})

    assert "can no longer be changed" in previewed.value.reason
    assert "can no longer be changed" in refused.value.reason
    assert not Section.objects.filter(plan=plan).exists()
    assert not PlanImport.objects.exists()


def test_an_import_confirmed_already_is_not_saved_twice(plan, administrator):
    content = document_with(headings=[(1, "Introduction")], paragraphs=["Words."])
    pending = pending_for(plan.partnership, administrator, content, plan=plan)
    word_import_confirm(pending=pending, user=administrator, choices={})

    with pytest.raises(ChangeRefused):
        word_import_confirm(pending=pending, user=administrator, choices={})

    assert Section.objects.filter(plan=plan).count() == 1


def test_merged_cells_carry_down_and_an_agency_alone_on_a_row_joins_the_action_above(
    plan, administrator, police, council, national_indicators
):
    Group.objects.create(partnership=plan.partnership, name="Prevent & Deter")
    content = document_with(
        headings=[(1, "Our priorities")],
        action_headings=["Priority", "Aim", "Lead Agency", "Activity", "NI Ref", "Timescale"],
        action_rows=[
            ["Priority 3: Burglary", "Fewer burglaries", "Cumbria Police", "Patrol", "NI16", ""],
            ["", "", "Carlisle City Council", "", "", ""],
            ["", "", "Prevent and Deter, Cumbria Police", "Visit", "NI 17, 21", "Q3 2010/11"],
            ["", "Safer homes", "Carlisle City Council", "Fit locks", "", "Ongoing"],
        ],
    )

    document = read_word_document(content)
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )

    (priority,) = document.priorities
    assert (priority.label, priority.title) == ("Priority 3", "Burglary")
    assert [aim.title for aim in priority.aims] == ["Fewer burglaries", "Safer homes"]
    assert [(a.text, a.lead_partners, a.aim) for a in priority.actions] == [
        ("Patrol", ("Cumbria Police", "Carlisle City Council"), 0),
        ("Visit", ("Prevent and Deter, Cumbria Police",), 0),
        ("Fit locks", ("Carlisle City Council",), 1),
    ]
    assert priority.actions[1].indicators == ("NI 17", "NI 21")
    assert any("“Ongoing”" in notice for notice in preview.notices)
    # "Prevent and Deter, Cumbria Police" splits at the comma only because both are partners.
    assert not [name for name in preview.unmatched if name.kind == "lead_partner"]
    assert [(m.printed_as, m.matched_to) for m in preview.matched if m.kind == "lead_partner"] == [
        ("Cumbria Police", "Cumbria Police"),
        ("Carlisle City Council", "Carlisle City Council"),
        ("Prevent and Deter", "Prevent & Deter"),
    ]


def test_other_tables_stay_as_tables_in_their_section(plan):
    content = document_with(
        headings=[(1, "The current picture")],
        action_headings=["Crime", "2008/09", "2009/10"],
        action_rows=[["Burglary", "120", "98"]],
    )

    document = read_word_document(content)

    (section,) = document.sections
    assert section.tables_kept == 1
    assert "<table>" in section.body and "Burglary" in section.body
    assert not document.priorities


@pytest.mark.parametrize(
    ("printed", "codes"),
    [
        ("NI17, NI21", ["NI17", "NI21"]),
        ("NI 15, 20, 41", ["NI 15", "NI 20", "NI 41"]),
        ("NI 32 / NI 34\nNI 38", ["NI 32", "NI 34", "NI 38"]),
        ("Local measure", ["Local measure"]),
    ],
)
def test_indicator_cells_are_read_as_codes(printed, codes):
    assert indicator_codes(printed) == codes


@pytest.mark.parametrize(
    ("heading", "split"),
    [
        ("Priority 3: Reduce burglary", ("Priority 3", "Reduce burglary")),
        (
            "Priority 1 – To reduce anti-social behaviour",
            ("Priority 1", "To reduce anti-social behaviour"),
        ),
        ("Theme A. Young people", ("Theme A", "Young people")),
        ("Prolific and Priority Offenders", ("", "Prolific and Priority Offenders")),
    ],
)
def test_a_priority_label_is_split_from_its_title(heading, split):
    assert split_label(heading) == split


def test_the_documents_title_is_suggested_for_a_new_plan_and_not_made_a_section(partnership):
    document = docx.Document()
    document.add_paragraph("Community Safety Plan 2011/12", style="Title")
    document.add_heading("Foreword", level=1)
    document.add_paragraph("Welcome.")

    preview = word_import_preview(
        plan=None, partnership=partnership, content=saved(document), file_name="plan.docx"
    )

    assert preview.document_title == "Community Safety Plan 2011/12"
    assert [section.title for section in preview.sections] == ["Foreword"]


def test_a_failure_while_saving_leaves_nothing_behind(
    partnership, administrator, police, national_indicators, monkeypatch
):
    content = document_with(
        headings=[(1, "Introduction"), (2, "Background"), (1, "Priority 1: ASB")],
        action_rows=[["Run diversionary activities.", "Cumbria Police", "NI 17", ""]],
    )
    pending = pending_for(partnership, administrator, content)

    def fail(*args, **kwargs):
        raise IntegrityError("the database refused a row")

    # Sections, subsections, priorities and aims are written by then.
    monkeypatch.setattr(ImportWriter, "_write_actions", fail)
    with pytest.raises(IntegrityError):
        word_import_confirm(pending=pending, user=administrator, choices={})

    assert not Plan.objects.exists()
    assert not Section.objects.exists() and not Priority.objects.exists()
    assert not PlanImport.objects.exists()
    assert not Section.history.exists() and not Plan.history.exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_an_unknown_indicator_mapped_to_one_in_the_sets_is_linked(
    plan, administrator, national_indicators
):
    content = _one_action_document("Cumbria Police", indicators="Drunk behaviour")
    preview = word_import_preview(
        plan=plan, partnership=plan.partnership, content=content, file_name="plan.docx"
    )
    (unmatched,) = preview.unmatched
    offered = dict(mapping_choices(partnership=plan.partnership, kind="indicator"))
    ni_41 = national_indicators.indicators.get(code="NI 41")

    word_import_confirm(
        pending=pending_for(plan.partnership, administrator, content, plan=plan),
        user=administrator,
        choices={unmatched.key: f"indicator:{ni_41.pk}"},
    )

    assert offered[f"indicator:{ni_41.pk}"] == f"NI 41 {ni_41.title}"
    assert [i.code for i in Action.objects.get().indicators.all()] == ["NI 41"]


def test_a_title_written_as_the_only_top_heading_is_the_title_and_pictures_are_left_out(
    partnership,
):
    document = docx.Document()
    document.add_heading("Community Safety Plan 2011/12", level=1)
    document.add_heading("Foreword", level=2)
    document.add_paragraph("Welcome.")
    document.add_heading("Introduction", level=2)
    document.add_paragraph("Our area.")
    document.add_heading("Crime", level=3)
    document.add_picture(io.BytesIO(PIXEL_PNG))

    preview = word_import_preview(
        plan=None, partnership=partnership, content=saved(document), file_name="plan.docx"
    )

    assert preview.document_title == "Community Safety Plan 2011/12"
    assert [(s.title, s.subsection_titles) for s in preview.sections] == [
        ("Foreword", ()),
        ("Introduction", ("Crime",)),
    ]
    assert "1 picture is left out: a plan keeps its words and tables, not pictures or charts." in (
        preview.notices
    )


def test_a_new_plan_with_impossible_years_is_refused_with_the_models_message(
    partnership, administrator
):
    content = document_with(headings=[(1, "Introduction")], paragraphs=["Words."])
    pending = pending_for(
        partnership, administrator, content, new_plan_start_year=2011, new_plan_end_year=2010
    )

    with pytest.raises(ValidationError) as refused:
        word_import_confirm(pending=pending, user=administrator, choices={})

    assert "The end year cannot be before the start year." in refused.value.messages
    assert not Plan.objects.exists() and not PlanImport.objects.exists()
