"""The document's own order: the plan's outline decides where each part prints, on the page
and in the PDF read back from its bytes; appendices are lettered in print order; generated
parts can be switched off; parts added anywhere still print; the reference plans print in
their sources' order."""

from __future__ import annotations

import importlib
import io
import logging
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from plans import outline as outline_services
from plans import sections as section_services
from plans.document import plan_document as build_document
from plans.models import GlossaryTerm, OutlineBlock, Plan, PlanContentVersion, Section
from plans.outline import arrange
from plans.pdf import plan_pdf
from plans.refresh import plan_start_next_year
from priorities.models import Action, Priority
from tests.conftest import PASSWORD
from tests.plan_builders import full_plan

pytestmark = pytest.mark.django_db

Kind = OutlineBlock.Kind
# The order every plan printed in before outlines existed (plans.outline.default_keys).
TODAYS_ORDER = [
    "Foreword",
    "Anti-Social Behaviour and Criminal Damage",
    "Local targets",
    "Monitoring Performance and Delivery",
    "Governance structure",
    "Links with other plans and strategies",
    "Budget",
    "Indicators",
    "Glossary",
]


def words(text: str) -> str:
    return " ".join(text.split()).replace("- ", "-")


def pdf_body(pdf: bytes) -> str:
    """The PDF's text after its cover and contents, where the parts themselves print."""
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    body = [text for number, text in enumerate(pages) if number and "Contents" not in text]
    return words(" ".join(body))


def in_order(text: str, expected: list[str]) -> list[str]:
    """The expected strings found one after another in text: equal to expected when all are
    there in that order."""
    found, position = [], 0
    for item in expected:
        at = text.find(words(item), position)
        if at < 0:
            break
        found.append(item)
        position = at + len(words(item))
    return found


def html_headings(html: str) -> list[str]:
    article = html[html.index("</nav>") :]
    return [
        re.sub(r"<[^>]+>", " ", heading).split("  ")[-1].strip()
        for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", article, flags=re.S)
    ]


def sign_in(client, user) -> None:
    client.login(username=user.username, password=PASSWORD)


def page_html(client, plan: Plan) -> str:
    """The plan's page from its document to its end (the form tokens above it vary)."""
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<article class="plan-document">') : html.index("</article>")]


def plan_document(plan: Plan):
    """The document of the plan as stored now (a plan instance keeps what it prefetched)."""
    return build_document(Plan.objects.select_related("partnership").get(pk=plan.pk))


def set_outline(plan: Plan, keys: list[str], **settings: dict) -> None:
    """Store the outline in this order: keys as plans.outline names them."""
    OutlineBlock.objects.filter(plan=plan).delete()
    for order, key in enumerate(keys, start=1):
        kind, _, pk = key.partition("-")
        block = OutlineBlock(plan=plan, order=order, kind=kind, **settings.get(key, {}))
        if kind == Kind.SECTION:
            block.section_id = int(pk)
        elif kind == Kind.PRIORITY:
            block.priority_id = int(pk)
        block.save()


@pytest.fixture
def dressed(plan, priority, action, national_indicators):
    return full_plan(plan, national_indicators)


def _keys(plan: Plan) -> list[str]:
    return [item.key for item in outline_services.plan_outline(plan)]


# The order


def test_a_plan_without_an_outline_prints_in_the_order_plans_always_printed(dressed):
    document = plan_document(dressed)

    assert [block.heading for block in document.blocks] == TODAYS_ORDER
    assert [entry.title for entry in document.contents][2:] == TODAYS_ORDER[2:]


def test_existing_plans_print_exactly_as_before_after_the_data_migration(client, dressed, viewer):
    Section.objects.create(
        plan=dressed, order=3, placement=Section.Placement.APPENDIX, title="Crime tables"
    )
    sign_in(client, viewer)
    before = page_html(client, dressed)
    before_pdf = pdf_body(plan_pdf(plan_document(dressed)))
    migration = importlib.import_module("plans.migrations.0019_outline_of_existing_plans")

    migration.forward(apps, None)

    assert OutlineBlock.objects.filter(plan=dressed).count() == 12
    assert page_html(client, dressed) == before
    assert pdf_body(plan_pdf(plan_document(dressed))) == before_pdf
    assert "Appendix A" not in before


def test_the_outline_order_drives_the_printed_order_in_the_html_and_the_pdf(
    client, dressed, priority, viewer
):
    foreword, monitoring = dressed.sections.order_by("order")
    set_outline(
        dressed,
        [
            "glossary",
            f"section-{monitoring.pk}",
            "governance",
            "related_strategies",
            f"section-{foreword.pk}",
            "budget",
            f"priority-{priority.pk}",
            "targets",
            "indicators",
        ],
    )
    expected = [
        "Glossary",
        "Monitoring Performance and Delivery",
        "Governance structure",
        "Links with other plans and strategies",
        "Foreword",
        "Budget",
        "Anti-Social Behaviour and Criminal Damage",
        "Local targets",
        "Indicators",
    ]
    sign_in(client, viewer)

    assert html_headings(page_html(client, dressed)) == expected
    assert [entry.title for entry in plan_document(dressed).contents] == expected
    assert in_order(pdf_body(plan_pdf(plan_document(dressed))), expected) == expected


def test_arrange_places_a_part_not_in_the_outline_after_the_part_before_it_in_the_old_order():
    defaults = ["section-1", "priority-1", "priority-2", "targets", "glossary"]

    assert arrange(["glossary", "priority-1", "section-1"], defaults) == [
        "glossary",
        "priority-1",
        "priority-2",
        "targets",
        "section-1",
    ]
    assert arrange(["section-9", "glossary"], ["priority-1", "glossary"]) == [
        "priority-1",
        "glossary",
    ]


def test_a_priority_saved_without_a_block_prints_after_its_neighbour(
    dressed, priority, administrator
):
    """As the admin or a shell saves it: straight to the table, with no outline block."""
    for _past in ("scanning matrix", "foreword"):
        outline_services.outline_move(
            plan=dressed, key=f"priority-{priority.pk}", user=administrator, direction="up"
        )
    Priority.objects.create(plan=dressed, order=2, title="Domestic Abuse")

    headings = [block.heading for block in plan_document(dressed).blocks]

    assert headings[:3] == [
        "Anti-Social Behaviour and Criminal Damage",
        "Domestic Abuse",
        "Foreword",
    ]


def test_a_section_added_by_its_service_prints_after_the_sections_of_its_place(
    dressed, administrator
):
    set_outline(dressed, _keys(dressed))
    section_services.section_create(
        plan=dressed,
        user=administrator,
        title="Contact details",
        kind=Section.Kind.CONTACT,
        placement=Section.Placement.AFTER_PRIORITIES,
        body="",
        signatory_name="",
        signatory_role="",
    )

    headings = [block.heading for block in plan_document(dressed).blocks]

    assert (
        headings.index("Contact details")
        == headings.index("Monitoring Performance and Delivery") + 1
    )


def test_removing_a_section_or_priority_takes_its_block_with_it(dressed, administrator):
    set_outline(dressed, _keys(dressed))
    foreword = dressed.sections.get(title="Foreword")
    spare = Priority.objects.create(plan=dressed, order=5, title="Spare")
    set_outline(dressed, _keys(dressed))

    section_services.section_remove(section=foreword, user=administrator)
    spare.delete()

    kinds = list(OutlineBlock.objects.filter(plan=dressed).values_list("kind", flat=True))
    assert kinds.count(Kind.SECTION) == 1
    assert kinds.count(Kind.PRIORITY) == 1
    assert "Foreword" not in [block.heading for block in plan_document(dressed).blocks]


def test_changing_the_outline_changes_the_plans_content_version(dressed, administrator):
    version = PlanContentVersion.objects.get(plan=dressed).version

    outline_services.outline_switch(
        plan=dressed, key="governance", user=administrator, is_shown=False
    )

    assert PlanContentVersion.objects.get(plan=dressed).version > version


# Appendices, switches, the glossary


def test_appendices_are_lettered_in_print_order_in_headings_contents_and_pdf(
    client, dressed, administrator, viewer
):
    Section.objects.create(
        plan=dressed, order=3, placement=Section.Placement.APPENDIX, title="Crime tables"
    )
    outline_services.outline_switch(
        plan=dressed, key="appendices", user=administrator, is_shown=True
    )
    outline_services.outline_move(plan=dressed, key="glossary", user=administrator, direction="up")
    expected = [
        "Appendix A – Crime tables",
        "Appendix B – Glossary",
        "Appendix C – Indicators",
    ]
    sign_in(client, viewer)
    document = plan_document(dressed)

    assert [block.heading for block in document.blocks][-3:] == expected
    assert [block.appendix_letter for block in document.blocks][-3:] == ["A", "B", "C"]
    assert [entry.title for entry in document.contents][-3:] == expected
    assert html_headings(page_html(client, dressed))[-3:] == expected
    assert in_order(pdf_body(plan_pdf(document)), expected) == expected


def test_a_section_titled_as_an_appendix_keeps_its_own_words(dressed, administrator):
    Section.objects.create(
        plan=dressed, order=3, placement=Section.Placement.APPENDIX, title="Appendix D – Links"
    )
    outline_services.outline_switch(
        plan=dressed, key="appendices", user=administrator, is_shown=True
    )

    headings = [block.heading for block in plan_document(dressed).blocks]

    assert headings[-3:] == [
        "Appendix D – Links",
        "Appendix B – Indicators",
        "Appendix C – Glossary",
    ]


def test_a_generated_part_switched_off_prints_nowhere(client, dressed, administrator, viewer):
    outline_services.outline_switch(
        plan=dressed, key="governance", user=administrator, is_shown=False
    )
    sign_in(client, viewer)
    document = plan_document(dressed)

    assert "Governance structure" not in [block.heading for block in document.blocks]
    assert "Governance structure" not in page_html(client, dressed)
    assert "Governance structure" not in pdf_body(plan_pdf(document))
    assert "Leadership Group" in pdf_body(plan_pdf(document))  # still named in the text


def test_with_the_indicator_list_off_codes_print_as_text_with_no_link_to_nowhere(
    client, dressed, administrator, viewer, caplog
):
    sign_in(client, viewer)
    linked = page_html(client, dressed)
    assert re.search(r'<a class="govuk-link" href="#indicator-\d+">NI 17</a>', linked)

    outline_services.outline_switch(
        plan=dressed, key="indicators", user=administrator, is_shown=False
    )
    html = page_html(client, dressed)
    document = plan_document(dressed)
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        text = pdf_body(plan_pdf(document))

    assert 'href="#indicator-' not in html
    assert "NI 17" in html and "NI 17" in text
    assert [record.message for record in caplog.records if "No anchor" in record.message] == []


def test_the_glossary_prints_every_term_when_the_plan_chooses(dressed, administrator):
    assert [term.term for term in plan_document(dressed).glossary] == ["ASB"]

    outline_services.outline_switch(
        plan=dressed, key="glossary", user=administrator, is_shown=True, shows_every_term=True
    )

    assert [term.term for term in plan_document(dressed).glossary] == ["ASB", "MARAC"]
    assert "Multi-agency risk assessment conference" in pdf_body(plan_pdf(plan_document(dressed)))


def test_a_section_or_priority_cannot_be_switched_off(dressed, priority, administrator):
    with pytest.raises(outline_services.ChangeRefused):
        outline_services.outline_switch(
            plan=dressed, key=f"priority-{priority.pk}", user=administrator, is_shown=False
        )


def test_cross_cutting_themes_are_not_numbered_as_priorities(dressed, priority, action):
    priority.label = "Priority 1"
    priority.save()
    theme = Priority.objects.create(
        plan=dressed, order=0, title="Substance Misuse", is_cross_cutting=True
    )
    Action.objects.create(priority=theme, order=1, text="Refer users to treatment.")
    Priority.objects.create(plan=dressed, order=9, title="Domestic Abuse", label="Priority 2")
    document = plan_document(dressed)
    blocks = {block.heading: block for block in document.blocks}

    numbers = {
        entry.priority.title: [a.number for a in entry.actions] for entry in document.priorities
    }
    assert numbers["Substance Misuse"] == ["T1.1"]
    assert numbers["Anti-Social Behaviour and Criminal Damage"] == ["1.1"]
    assert blocks["Substance Misuse"].caption == "Cross-cutting theme"
    assert blocks["Anti-Social Behaviour and Criminal Damage"].caption == "Priority 1"
    text = pdf_body(plan_pdf(document))
    assert (
        in_order(text, ["Cross-cutting theme Substance Misuse", "Priority 1", "Priority 2"])[-1]
        == "Priority 2"
    )


# The outline page


def outline_url(plan: Plan, name: str = "plans:outline") -> str:
    return reverse(name, args=[plan.pk])


def test_the_outline_page_lists_the_parts_in_print_order(client, dressed, administrator):
    sign_in(client, administrator)

    response = client.get(outline_url(dressed))

    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(f'id="outline-{key}"') for key in _keys(dressed)]
    assert positions == sorted(positions)
    assert "Letter the parts after this as appendices" in html
    assert (
        outline_url(dressed)
        in client.get(reverse("priorities:plan", args=[dressed.pk])).content.decode()
    )


def test_moving_a_part_on_the_outline_page_moves_it_in_the_document(client, dressed, administrator):
    sign_in(client, administrator)

    response = client.post(
        outline_url(dressed, "plans:outline_move"), {"block": "glossary", "direction": "up"}
    )

    assert response.status_code == 302
    assert [block.heading for block in plan_document(dressed).blocks][-2:] == [
        "Glossary",
        "Indicators",
    ]
    history = OutlineBlock.history.filter(kind="glossary").first()
    assert history.history_user == administrator


def test_moving_a_part_past_the_end_says_so(client, dressed, administrator):
    sign_in(client, administrator)

    response = client.post(
        outline_url(dressed, "plans:outline_move"),
        {"block": "glossary", "direction": "down"},
        follow=True,
    )

    assert "That part is already last." in response.content.decode()
    assert _keys(dressed)[-1] == "glossary"


def test_an_unknown_part_is_refused_with_a_message(client, dressed, administrator):
    sign_in(client, administrator)

    response = client.post(
        outline_url(dressed, "plans:outline_move"), {"block": "section-99999", "direction": "up"}
    )

    assert response.status_code == 409
    assert "That part is no longer in the plan" in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_a_move_without_a_direction_is_refused_with_a_message(client, dressed, administrator):
    sign_in(client, administrator)

    response = client.post(outline_url(dressed, "plans:outline_move"), {"block": "glossary"})

    assert response.status_code == 400
    assert "Choose to move the part up or down." in response.content.decode()


def test_switching_a_section_off_is_refused_with_a_message(client, dressed, administrator):
    foreword = dressed.sections.get(title="Foreword")
    sign_in(client, administrator)

    response = client.post(
        outline_url(dressed, "plans:outline_switch"), {"block": f"section-{foreword.pk}"}
    )

    assert response.status_code == 409
    assert "Sections and priorities always print" in response.content.decode()


def test_the_switch_form_turns_a_part_off_and_the_glossary_to_every_term(
    client, dressed, administrator
):
    sign_in(client, administrator)

    off = client.post(outline_url(dressed, "plans:outline_switch"), {"block": "budget"})
    every = client.post(
        outline_url(dressed, "plans:outline_switch"),
        {"block": "glossary", "is_shown": "on", "shows_every_term": "on"},
        follow=True,
    )

    assert off.status_code == 302
    assert "Glossary prints." in every.content.decode()
    assert "Budget" not in [block.heading for block in plan_document(dressed).blocks]
    assert len(plan_document(dressed).glossary) == 2


def test_the_outline_page_asks_anonymous_visitors_to_sign_in(client, dressed):
    response = client.get(outline_url(dressed))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_outline_page_is_hidden_from_outsiders(client, dressed, outsider):
    sign_in(client, outsider)

    assert client.get(outline_url(dressed)).status_code == 404
    assert client.post(outline_url(dressed, "plans:outline_move"), {}).status_code == 404


def test_the_outline_page_refuses_viewers(client, dressed, viewer):
    sign_in(client, viewer)

    assert client.get(outline_url(dressed)).status_code == 403
    response = client.post(
        outline_url(dressed, "plans:outline_move"), {"block": "glossary", "direction": "up"}
    )
    assert response.status_code == 403
    assert _keys(dressed)[-1] == "glossary"


def test_the_outline_page_refuses_a_plan_out_of_draft(client, dressed, administrator):
    Plan.objects.filter(pk=dressed.pk).update(status=Plan.Status.IN_REVIEW)
    sign_in(client, administrator)

    assert client.get(outline_url(dressed)).status_code == 403


def test_the_outline_pages_refuse_the_wrong_method(client, dressed, administrator):
    sign_in(client, administrator)

    assert client.post(outline_url(dressed)).status_code == 405
    assert client.get(outline_url(dressed, "plans:outline_move")).status_code == 405
    assert client.get(outline_url(dressed, "plans:outline_switch")).status_code == 405


# The reference plans, read back from their PDFs

CARLISLE = [
    "Foreword",
    "Introduction",
    "Purpose of the Plan",
    "The Current Picture",
    "Developing the Plan",
    "Community Engagement",
    "The Priorities",
    "Links with other Plans",
    "listed below",
    "Cumbria Sustainable Community Strategy",
    "Cumbria Fire and Rescue Service Locality Action Plans",
    "Cumbria Local Area Agreement 2008 - 2011",
    "Headline National Indicators",
    "Monitoring Performance and Delivery",
    "is shown below",
    "Crime and Disorder Reduction Partnership delivery arrangements",
    "Governance structure",
    "Tackling the Priorities",
    "Anti-Social Behaviour and Criminal Damage",
    "Domestic Abuse",
    "Violent Crime",
    "Prolific and Priority Offenders",
    "Alcohol and substance misuse",
    "Acquisitive Crime",
    "Resourcing the Plan",
    "Insert 2010/11 budget",
]
EAST_CAMBRIDGESHIRE = [
    "Acknowledgements",
    "Introduction",
    "Successes 2005 - 2008",
    "Background to the Plan",
    "Links to other strategies and plans",
    "noted below",
    "East Cambridgeshire Sustainable Communities Strategy 2008-11",
    "Corporate Performance Plan",
    "Developing the Plan",
    "Developing Our Priorities – A Summary",
    "Cross-Cutting Themes",
    "Substance Misuse",
    "Young People",
    "Priority 1",
    "To reduce anti-social behaviour",
    "Priority 2",
    "Priority 3",
    "Priority 4",
    "Priority 5",
    "Priority 6",
    "Communities together",
    "Implementing the Plan",
    "Appendix A – Glossary",
    "ABCs",
    "VLI",
    "Appendix B – Summary of Crime and Disorder Act Review 2006",
    "Appendix C – National Community Safety Initiatives",
    "Appendix D – Links between National and Local Priorities",
]
WEST_CUMBRIA = [
    "Introduction & Partnership Structure",
    "West Cumbria CSP – A vision for the future 2012/14",
    "PARTNERSHIP STRUCTURE",
    "Governance structure",
    "Context",
    "The Changing Context of Community Safety Partnerships",
    "Priorities for West Cumbria Community Safety Partnership 2012/13",
    "Anti-Social Behaviour",
    "Reduce Re-Offending",
    "Domestic Violence",
    "KSI",
    "Crime",
]


@pytest.fixture(scope="module")
def reference_plans(django_db_setup, django_db_blocker):
    """The three reference plans from the demo data, each read back from its PDF once.

    Loaded inside a transaction that is rolled back, so no other test sees them.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        read = {}
        for plan in Plan.objects.select_related("partnership"):
            document = plan_document(plan)
            read[plan.partnership.slug] = {
                "text": pdf_body(plan_pdf(document)),
                "headings": [block.heading for block in document.blocks],
                "glossary": [term.term for term in document.glossary],
                "meanings": [
                    term.meaning
                    for term in GlossaryTerm.objects.filter(partnership=plan.partnership)
                ],
                "contents": [entry.title for entry in document.contents],
            }
        transaction.set_rollback(True)
    return read


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("carlisle-eden", CARLISLE),
        ("east-cambridgeshire", EAST_CAMBRIDGESHIRE),
        ("west-cumbria", WEST_CUMBRIA),
    ],
)
def test_each_reference_plan_prints_its_parts_in_its_sources_order(reference_plans, slug, expected):
    assert in_order(reference_plans[slug]["text"], expected) == expected


def test_carlisle_and_west_cumbria_print_no_glossary_as_their_sources_do(reference_plans):
    for slug in ("carlisle-eden", "west-cumbria"):
        assert "Glossary" not in reference_plans[slug]["headings"]
        assert reference_plans[slug]["glossary"]  # the partnership's terms are kept


def test_carlisle_prints_its_own_headline_indicators_and_no_generated_indicator_list(
    reference_plans,
):
    carlisle = reference_plans["carlisle-eden"]
    assert "Indicators" not in carlisle["headings"]
    assert "Headline National Indicators" in carlisle["headings"]
    assert words("NI 15 Serious violent crime") in carlisle["text"]


def test_east_cambridgeshire_prints_all_34_glossary_terms_as_appendix_a(reference_plans):
    east = reference_plans["east-cambridgeshire"]
    text = east["text"]
    start = text.index(words("Appendix A – Glossary"))
    end = text.index(words("Appendix B – Summary of Crime and Disorder Act Review 2006"))
    glossary = text[start:end]

    assert len(east["glossary"]) == 34
    assert in_order(glossary, east["glossary"]) == east["glossary"]
    assert [meaning for meaning in east["meanings"] if words(meaning)[:40] not in glossary] == []
    # The plan's actions link no indicators, so there is no indicator list to letter E.
    assert east["contents"][-4:] == [
        "Appendix A – Glossary",
        "Appendix B – Summary of Crime and Disorder Act Review 2006",
        "Appendix C – National Community Safety Initiatives",
        "Appendix D – Links between National and Local Priorities",
    ]


def test_east_cambridgeshire_labels_its_priorities_and_not_its_themes(reference_plans):
    headings = reference_plans["east-cambridgeshire"]["contents"]

    assert "Priority 1: To reduce anti-social behaviour, especially that caused by alcohol" in (
        headings
    )
    assert headings.index("Substance Misuse") < headings.index(
        "Priority 1: To reduce anti-social behaviour, especially that caused by alcohol"
    )
    assert not any(heading.startswith(("Priority 7", "Priority 8")) for heading in headings)


def test_next_years_plan_keeps_the_outline(dressed, priority, administrator):
    foreword = dressed.sections.get(title="Foreword")
    set_outline(dressed, ["glossary", f"priority-{priority.pk}", f"section-{foreword.pk}"])
    Plan.objects.filter(pk=dressed.pk).update(status=Plan.Status.PUBLISHED)
    dressed.refresh_from_db()
    before = [block.heading for block in plan_document(dressed).blocks]

    following = plan_start_next_year(plan=dressed, user=administrator)

    # Each year's budget is agreed afresh (plans.refresh), so next year's has none yet.
    assert [block.heading for block in plan_document(following).blocks] == [
        heading for heading in before if heading != "Budget"
    ]
    assert OutlineBlock.objects.filter(plan=following).count() == 3
