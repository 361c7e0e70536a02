"""The plan as a web page: who may read it, what it shows, and that hostile text stays text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from plans import views
from plans.governance import governance_chart
from plans.jobs import job_enqueue_once
from plans.models import GlossaryTerm, Group, Job, Plan, Section
from priorities.models import Action, ActionLeadPartner, Priority
from tests.conftest import PASSWORD
from tests.plan_builders import add_actions, full_plan

pytestmark = pytest.mark.django_db


def page(client, plan):
    return client.get(plan.get_absolute_url())


def sign_in(client, user):
    client.login(username=user.username, password=PASSWORD)


def test_plan_url_is_readable_and_stable(plan):
    assert plan.get_absolute_url() == "/plans/carlisle-eden/2010-11/"


def test_anonymous_visitor_reads_a_published_plan(client, plan, action):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    response = page(client, plan)
    assert response.status_code == 200
    assert action.text in response.content.decode()
    assert "DRAFT:" not in response.content.decode()


def test_anonymous_visitor_gets_404_for_a_draft(client, plan):
    assert page(client, plan).status_code == 404


def test_outsider_gets_404_for_a_draft(client, plan, outsider):
    sign_in(client, outsider)
    assert page(client, plan).status_code == 404


def test_member_sees_a_draft_marked_as_draft(client, plan, action, viewer):
    sign_in(client, viewer)
    response = page(client, plan)
    assert response.status_code == 200
    assert "DRAFT: this plan is draft and not published" in response.content.decode()
    assert 'class="plan-draft-mark"' in response.content.decode()


def test_superuser_sees_any_draft(client, plan, superuser):
    sign_in(client, superuser)
    assert page(client, plan).status_code == 200


def test_superseded_plan_stays_readable_by_anyone(client, plan, action):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUPERSEDED)
    response = page(client, plan)
    assert response.status_code == 200
    assert "has been superseded" in response.content.decode()


def test_posting_to_the_plan_page_is_refused(client, plan, viewer):
    sign_in(client, viewer)
    assert client.post(plan.get_absolute_url()).status_code == 405


def test_every_action_appears_exactly_once(
    client, plan, priority, police, council, national_indicators, viewer
):
    actions = add_actions(
        priority,
        12,
        organisations=[police, council],
        indicators=list(national_indicators.indicators.all()),
    )
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    for action in actions:
        assert content.count(action.text) == 1


def test_removed_actions_are_left_out(client, plan, action, viewer):
    Action.objects.filter(pk=action.pk).update(status=Action.Status.REMOVED)
    sign_in(client, viewer)
    assert action.text not in page(client, plan).content.decode()


def test_lead_partners_print_joined_by_a_slash(client, plan, action, council, viewer):
    ActionLeadPartner.objects.create(
        action=action, order=2, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=council
    )
    sign_in(client, viewer)
    assert "Cumbria Police / Carlisle City Council" in page(client, plan).content.decode()


def test_every_kind_of_lead_partner_prints_under_its_own_name(
    client, plan, action, council, task_group, viewer
):
    Group.objects.filter(pk=task_group.pk).update(short_name="ASB Group")
    kinds = ActionLeadPartner.Kind
    leads = [
        {"kind": kinds.ORGANISATION, "organisation": council},
        {"kind": kinds.GROUP, "group": task_group},
        {"kind": kinds.PARTNERSHIP},
        {"kind": kinds.ORGANISATION, "organisation": council, "printed_as": "Children's Services"},
    ]
    ActionLeadPartner.objects.bulk_create(
        ActionLeadPartner(action=action, order=order, **lead)
        for order, lead in enumerate(leads, start=2)
    )
    sign_in(client, viewer)
    expected = (
        "Cumbria Police / Carlisle City Council / ASB Group / CDRP / Children&#x27;s Services"
    )
    assert expected in page(client, plan).content.decode()


def test_each_indicator_code_links_to_its_appendix_entry(client, plan, action, viewer):
    indicator = Indicator.objects.get(code="NI 17")
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    assert f'<a class="govuk-link" href="#indicator-{indicator.pk}">NI 17</a>' in content
    assert f'id="indicator-{indicator.pk}"' in content
    assert "NI 17: Perceptions of anti-social behaviour" in content


def test_glossary_lists_only_terms_the_plan_uses(client, plan, action, national_indicators, viewer):
    full_plan(plan, national_indicators)
    GlossaryTerm.objects.create(partnership=plan.partnership, term="SAC", meaning="Serious…")
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    assert "<dt>ASB</dt>" in content
    assert "<dt>MARAC</dt>" not in content
    assert "<dt>SAC</dt>" not in content


def test_governance_chart_is_drawn_with_a_text_alternative(
    client, plan, action, national_indicators, viewer
):
    full_plan(plan, national_indicators)
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="plan-governance__chart"' in content
    assert 'role="img" aria-labelledby="governance-chart-title"' in content
    assert "<li>Leadership Group" in content


def test_contents_link_to_every_priority(client, plan, priority, viewer):
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    assert f'<a class="govuk-link" href="#priority-{priority.pk}">{priority.title}</a>' in content


def test_the_contents_name_a_priority_by_its_label_as_the_plan_does(client, plan, priority, viewer):
    priority.label = "Priority 1"
    priority.save()
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    expected = (
        f'<a class="govuk-link" href="#priority-{priority.pk}">Priority 1: {priority.title}</a>'
    )
    assert expected in content


def test_queries_do_not_grow_with_the_number_of_actions(
    client, plan, priority, police, council, national_indicators, viewer
):
    organisations = [police, council]
    indicators = list(national_indicators.indicators.all())
    full_plan(plan, national_indicators)
    add_actions(priority, 3, organisations=organisations, indicators=indicators)
    sign_in(client, viewer)
    # As after the first view of a changed draft: its PDFs' preparation is queued, so each
    # view below only looks (one query) and finds it waiting.
    job_enqueue_once(kind=Job.Kind.DRAFT_PDFS, plan=plan)
    with CaptureQueriesContext(connection) as three:
        assert page(client, plan).status_code == 200
    add_actions(priority, 27, organisations=organisations, indicators=indicators, start=4)
    with CaptureQueriesContext(connection) as thirty:
        assert page(client, plan).status_code == 200
    assert len(three) == len(thirty)
    # One query reads the outline (plans.outline), one the scanning matrix (none here), one
    # the targets tables' year columns, one whether the draft's PDFs are prepared or queued.
    assert len(thirty) < 30


def test_index_lists_published_plans_by_partnership(client, plan, other_partnership):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    Plan.objects.create(
        partnership=other_partnership,
        title="Draft Plan",
        slug="2012-13",
        start_year=2012,
        end_year=2013,
    )
    content = client.get(reverse("plans:index")).content.decode()
    assert plan.partnership.name in content
    assert plan.get_absolute_url() in content
    assert "Draft Plan" not in content


def test_index_shows_members_their_drafts(client, plan, viewer):
    sign_in(client, viewer)
    content = client.get(reverse("plans:index")).content.decode()
    assert plan.get_absolute_url() in content
    assert "Draft: draft" in content


HOSTILE = '<script>alert("x")</script>'


def test_hostile_text_is_escaped_everywhere(client, plan, priority, action, viewer):
    Priority.objects.filter(pk=priority.pk).update(title=f"Priority {HOSTILE}", background=HOSTILE)
    Action.objects.filter(pk=action.pk).update(text=f"Action {HOSTILE}")
    ActionLeadPartner.objects.filter(action=action).update(printed_as=HOSTILE)
    Section.objects.create(plan=plan, order=1, title=HOSTILE, body=f"<p>Body</p>{HOSTILE}")
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    assert HOSTILE not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_section_body_keeps_allowed_markup_and_drops_the_rest(client, plan, viewer):
    Section.objects.create(
        plan=plan,
        order=1,
        title="Foreword",
        body='<p onclick="steal()">Safe <strong>streets</strong></p>'
        '<a href="javascript:steal()">bad</a><a href="https://example.org/">good</a>'
        '<img src=x onerror=steal()><iframe src="https://evil.example"></iframe>',
    )
    sign_in(client, viewer)
    content = page(client, plan).content.decode()
    assert "<p>Safe <strong>streets</strong></p>" in content
    assert 'href="https://example.org/"' in content
    assert "steal()" not in content
    assert "<iframe" not in content


def test_plan_with_no_priorities_renders(client, plan, viewer):
    sign_in(client, viewer)
    response = page(client, plan)
    assert response.status_code == 200
    assert "This plan has no sections or priorities yet." in response.content.decode()


def test_priority_with_no_actions_says_so(client, plan, priority, viewer):
    sign_in(client, viewer)
    assert "No actions have been set for this priority yet." in page(client, plan).content.decode()


def test_empty_section_renders_its_heading(client, plan, viewer):
    section = Section.objects.create(plan=plan, order=1, title="Implementation", body="")
    sign_in(client, viewer)
    assert (
        f'id="section-{section.pk}-heading">Implementation</h2>'
        in page(client, plan).content.decode()
    )


def test_long_words_non_latin_text_and_emoji_render(client, plan, priority, viewer):
    text = "Ffordd " + "a" * 300 + " Diogelwch cymunedol – Безопасность 社区安全 🚓👮"
    Action.objects.create(priority=priority, order=1, text=text)
    sign_in(client, viewer)
    response = page(client, plan)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_repeat_anonymous_view_of_a_public_plan_is_not_rendered_again(
    client, plan, action, monkeypatch
):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    first = page(client, plan).content

    def refuse(plan):
        raise AssertionError("rendered again")

    monkeypatch.setattr(views, "plan_page_html", refuse)
    assert page(client, plan).content == first


def test_governance_chart_draws_groups_that_report_in_a_loop_once_each(partnership):
    first = Group.objects.create(partnership=partnership, name="First", kind=Group.Kind.OTHER)
    second = Group.objects.create(
        partnership=partnership, name="Second", kind=Group.Kind.OTHER, reports_to=first
    )
    Group.objects.filter(pk=first.pk).update(reports_to=second)
    chart = governance_chart(list(Group.objects.filter(partnership=partnership)))
    assert sorted(node.name for node in chart.nodes) == ["First", "Second"]
    assert len(chart.edges) == 1


def test_review_date_column_only_when_an_action_has_one(client, plan, priority, viewer):
    Action.objects.create(priority=priority, order=1, text="No date here.")
    sign_in(client, viewer)
    assert "Review date" not in page(client, plan).content.decode()
