"""The review pages: moving a plan, comment threads, the open comments summary, changes."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from plans.models import HiddenComment, Plan, PlanTransition
from priorities.models import Action, Priority, ReviewComment
from tests.background import get_prepared
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Status = Plan.Status


def _url(name: str, plan: Plan, *args) -> str:
    return reverse(name, args=[plan.partnership.slug, plan.slug, *args])


def _signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _at(plan: Plan, status: str) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    return plan


# Moving a plan


def test_move_page_asks_the_administrator_to_confirm(client, plan, administrator):
    response = _signed_in(client, administrator).get(_url("plans:plan_move", plan, "in_review"))

    assert response.status_code == 200
    assert "Send for review" in response.text


def test_administrator_sends_the_plan_for_review_from_its_page(client, plan, administrator):
    response = _signed_in(client, administrator).post(
        _url("plans:plan_move", plan, "in_review"), {"comment": "Ready for the board"}
    )

    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).status == Status.IN_REVIEW
    assert plan.transitions.get().comment == "Ready for the board"


def test_move_page_sends_anonymous_visitors_to_sign_in(client, plan):
    response = client.get(_url("plans:plan_move", plan, "in_review"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_move_page_is_not_found_for_an_outsider(client, plan, outsider):
    response = _signed_in(client, outsider).get(_url("plans:plan_move", plan, "in_review"))

    assert response.status_code == 404


def test_viewer_is_refused_a_move_with_a_reason(client, plan, viewer):
    response = _signed_in(client, viewer).post(_url("plans:plan_move", plan, "in_review"))

    assert response.status_code == 403
    assert "You cannot move" in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_move_outside_the_workflow_is_refused(client, plan, administrator):
    response = _signed_in(client, administrator).post(_url("plans:plan_move", plan, "published"))

    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_move_page_refuses_other_methods(client, plan, administrator):
    response = _signed_in(client, administrator).put(_url("plans:plan_move", plan, "in_review"))

    assert response.status_code == 405


def test_sending_back_without_a_reason_shows_the_error_and_changes_nothing(client, plan, reviewer):
    _at(plan, Status.IN_REVIEW)

    response = _signed_in(client, reviewer).post(
        _url("plans:plan_move", plan, "draft"), {"comment": ""}
    )

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Say why the plan is going back to draft." in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.IN_REVIEW


@pytest.fixture
def open_comment(action, reviewer) -> ReviewComment:
    return ReviewComment.objects.create(
        plan=action.priority.plan, action=action, author=reviewer, body="Who funds this?"
    )


def test_approval_with_open_comments_asks_for_a_reason_and_keeps_what_was_typed(
    client, plan, reviewer, open_comment
):
    _at(plan, Status.IN_REVIEW)

    response = _signed_in(client, reviewer).post(
        _url("plans:plan_move", plan, "approved"), {"comment": "Good plan"}
    )

    assert response.status_code == 400
    assert "There is 1 open comment" in response.text
    assert "Good plan" in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.IN_REVIEW


def test_approval_with_open_comments_and_a_reason_is_recorded(client, plan, reviewer, open_comment):
    _at(plan, Status.IN_REVIEW)

    _signed_in(client, reviewer).post(
        _url("plans:plan_move", plan, "approved"),
        {"open_comments_reason": "Funding confirmed verbally"},
    )

    assert plan.transitions.get().open_comments_reason == "Funding confirmed verbally"


# Comments


def test_reviewer_comments_on_an_action(client, plan, action, reviewer):
    response = _signed_in(client, reviewer).post(
        _url("plans:comment_add", plan, "action", action.pk), {"body": "Add a target date"}
    )

    comment = ReviewComment.objects.get()
    assert response.status_code == 302
    assert (comment.action, comment.author, comment.body) == (action, reviewer, "Add a target date")


def test_comment_form_shows_what_it_is_about(client, plan, action, reviewer):
    response = _signed_in(client, reviewer).get(
        _url("plans:comment_add", plan, "action", action.pk)
    )

    assert response.status_code == 200
    assert action.text in response.text


def test_an_empty_comment_is_refused_beside_the_field_and_in_the_summary(
    client, plan, action, reviewer
):
    response = _signed_in(client, reviewer).post(
        _url("plans:comment_add", plan, "action", action.pk), {"body": "   "}
    )

    assert response.status_code == 400
    assert response.text.count("Write your comment") >= 2
    assert not ReviewComment.objects.exists()


def test_viewer_cannot_comment(client, plan, action, viewer):
    response = _signed_in(client, viewer).post(
        _url("plans:comment_add", plan, "action", action.pk), {"body": "Hello"}
    )

    assert response.status_code == 403
    assert not ReviewComment.objects.exists()


def test_outsider_cannot_see_the_comment_form(client, plan, action, outsider):
    response = _signed_in(client, outsider).get(
        _url("plans:comment_add", plan, "action", action.pk)
    )

    assert response.status_code == 404


def test_comment_on_another_plans_action_is_not_found(client, plan, action, reviewer):
    other = Plan.objects.create(
        partnership=plan.partnership, title="Other", slug="other", start_year=2010, end_year=2011
    )
    stranger = Action.objects.create(
        priority=Priority.objects.create(plan=other, order=1, title="Elsewhere"),
        order=1,
        text="Not in this plan",
    )

    response = _signed_in(client, reviewer).post(
        _url("plans:comment_add", plan, "action", stranger.pk), {"body": "Hello"}
    )

    assert response.status_code == 404


def test_comments_are_closed_once_a_plan_is_published(client, plan, action, reviewer):
    _at(plan, Status.PUBLISHED)

    response = _signed_in(client, reviewer).post(
        _url("plans:comment_add", plan, "action", action.pk), {"body": "Too late"}
    )

    assert response.status_code == 403
    assert not ReviewComment.objects.exists()


def test_comment_form_sends_anonymous_visitors_to_sign_in(client, plan, action):
    response = client.get(_url("plans:comment_add", plan, "action", action.pk))

    assert response.status_code == 302


def test_editor_replies_to_a_comment(client, plan, editor, open_comment):
    _signed_in(client, editor).post(
        _url("plans:comment_reply", plan, open_comment.pk), {"body": "Police fund it"}
    )

    reply = ReviewComment.objects.get(parent=open_comment)
    assert (reply.author, reply.body, reply.action) == (
        editor,
        "Police fund it",
        open_comment.action,
    )


def test_editor_resolves_a_comment_on_their_task_groups_action(client, plan, editor, open_comment):
    response = _signed_in(client, editor).post(_url("plans:comment_resolve", plan, open_comment.pk))

    open_comment.refresh_from_db()
    assert response.status_code == 302
    assert open_comment.is_resolved
    assert open_comment.resolved_by == editor


def test_reviewer_cannot_resolve_a_comment(client, plan, reviewer, open_comment):
    response = _signed_in(client, reviewer).post(
        _url("plans:comment_resolve", plan, open_comment.pk)
    )

    open_comment.refresh_from_db()
    assert response.status_code == 403
    assert not open_comment.is_resolved


def test_resolving_needs_a_post(client, plan, editor, open_comment):
    response = _signed_in(client, editor).get(_url("plans:comment_resolve", plan, open_comment.pk))

    assert response.status_code == 405


def test_a_reply_reopens_a_resolved_thread(client, plan, reviewer, editor, open_comment):
    _signed_in(client, editor).post(_url("plans:comment_resolve", plan, open_comment.pk))

    _signed_in(client, reviewer).post(
        _url("plans:comment_reply", plan, open_comment.pk), {"body": "Still unclear"}
    )

    open_comment.refresh_from_db()
    assert not open_comment.is_resolved


# Summary and changes


def test_review_summary_lists_open_comments_by_priority(client, plan, viewer, open_comment):
    ReviewComment.objects.create(
        plan=plan,
        priority=open_comment.action.priority,
        author=None,
        body="Resolved one",
        resolved_at=open_comment.created_at,
    )

    response = _signed_in(client, viewer).get(_url("plans:review_summary", plan))

    assert response.status_code == 200
    assert "Who funds this?" in response.text
    assert "Resolved one" not in response.text
    assert open_comment.action.priority.title in response.text


def test_review_summary_is_not_found_for_an_outsider(client, plan, outsider):
    response = _signed_in(client, outsider).get(_url("plans:review_summary", plan))

    assert response.status_code == 404


def test_changes_page_says_when_there_is_nothing_to_compare(client, plan, viewer):
    response = _signed_in(client, viewer).get(_url("plans:plan_changes", plan))

    assert response.status_code == 200
    assert "no earlier published version" in response.text


def test_changes_page_refuses_other_methods(client, plan, viewer):
    response = _signed_in(client, viewer).post(_url("plans:plan_changes", plan))

    assert response.status_code == 405


# Starting next year's plan


def test_administrator_starts_next_years_plan_from_a_published_plan(client, plan, administrator):
    _at(plan, Status.PUBLISHED)

    response = _signed_in(client, administrator).post(_url("plans:plan_refresh", plan))

    new_plan = Plan.objects.get(previous_plan=plan)
    assert response.status_code == 302
    assert (new_plan.status, new_plan.start_year) == (Status.DRAFT, 2011)


def test_starting_next_year_from_a_draft_is_refused_with_a_message(client, plan, administrator):
    response = _signed_in(client, administrator).post(_url("plans:plan_refresh", plan))

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert not Plan.objects.filter(previous_plan=plan).exists()


def test_reviewer_cannot_start_next_years_plan(client, plan, reviewer):
    _at(plan, Status.PUBLISHED)

    response = _signed_in(client, reviewer).post(_url("plans:plan_refresh", plan))

    assert response.status_code == 403
    assert not Plan.objects.filter(previous_plan=plan).exists()


# The review on the plan page itself


def _plan_page(client, plan: Plan):
    return client.get(reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug]))


def test_plan_page_shows_the_administrator_the_move_they_may_make(client, plan, administrator):
    _signed_in(client, administrator)

    response = _plan_page(client, plan)

    assert "Status: Draft" in response.text
    assert _url("plans:plan_move", plan, "in_review") in response.text
    assert reverse("priorities:plan", args=[plan.pk]) in response.text


def test_plan_page_offers_a_viewer_no_moves(client, plan, viewer):
    _signed_in(client, viewer)

    response = _plan_page(client, plan)

    assert "Status: Draft" in response.text
    assert "/move/" not in response.text


def test_plan_page_shows_a_comment_beside_its_action(client, plan, reviewer, open_comment):
    _at(plan, Status.IN_REVIEW)
    _signed_in(client, reviewer)

    response = _plan_page(client, plan)

    assert f'id="comment-{open_comment.pk}"' in response.text
    assert "Who funds this?" in response.text
    assert _url("plans:comment_add", plan, "action", open_comment.action_id) in response.text


def test_plan_page_offers_the_editor_to_resolve_their_actions_comment(
    client, plan, editor, open_comment
):
    _at(plan, Status.IN_REVIEW)
    _signed_in(client, editor)

    response = _plan_page(client, plan)

    assert _url("plans:comment_resolve", plan, open_comment.pk) in response.text


def test_plan_page_does_not_offer_the_reviewer_to_resolve(client, plan, reviewer, open_comment):
    _at(plan, Status.IN_REVIEW)
    _signed_in(client, reviewer)

    response = _plan_page(client, plan)

    assert _url("plans:comment_resolve", plan, open_comment.pk) not in response.text


def test_plan_page_shows_a_viewer_comments_but_no_way_to_add_one(
    client, plan, viewer, open_comment
):
    _at(plan, Status.IN_REVIEW)
    _signed_in(client, viewer)

    response = _plan_page(client, plan)

    assert "Who funds this?" in response.text
    assert "/comments/new/" not in response.text


def test_comment_text_is_escaped_on_the_plan_page(client, plan, action, reviewer):
    ReviewComment.objects.create(
        plan=plan, action=action, author=reviewer, body="<script>alert(1)</script>"
    )
    _signed_in(client, reviewer)

    response = _plan_page(client, plan)

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_visitors_of_a_published_plan_see_neither_comments_nor_the_workflow(
    client, plan, open_comment
):
    _at(plan, Status.PUBLISHED)

    response = _plan_page(client, plan)

    assert response.status_code == 200
    assert "Who funds this?" not in response.text
    assert "Status: Published" not in response.text


def test_administrator_of_a_published_plan_is_offered_next_years_plan(client, plan, administrator):
    _at(plan, Status.PUBLISHED)
    _signed_in(client, administrator)

    response = _plan_page(client, plan)

    assert _url("plans:plan_refresh", plan) in response.text


def test_the_draft_pdf_carries_no_review_comments(client, plan, reviewer, open_comment):
    _at(plan, Status.IN_REVIEW)
    _signed_in(client, reviewer)

    response = get_prepared(client, _url("plans:plan_pdf", plan))

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert open_comment.action.text[:40] in " ".join(text.split())
    assert "Who funds this?" not in text


# Hiding an abusive comment


ABUSE = "An abusive remark about a named officer"


@pytest.fixture
def abusive_comment(plan, priority, reviewer) -> ReviewComment:
    _at(plan, Status.IN_REVIEW)
    return ReviewComment.objects.create(plan=plan, priority=priority, author=reviewer, body=ABUSE)


@pytest.fixture
def abusive_move(plan, reviewer) -> PlanTransition:
    return PlanTransition.objects.create(
        plan=plan,
        from_status=Status.IN_REVIEW,
        to_status=Status.DRAFT,
        user=reviewer,
        comment=ABUSE,
    )


def test_the_administrator_is_asked_to_confirm_hiding_a_comment(
    client, plan, abusive_comment, administrator
):
    response = _signed_in(client, administrator).get(
        _url("plans:comment_hide", plan, abusive_comment.pk)
    )
    assert response.status_code == 200
    assert "Hide the comment" in response.text
    assert ABUSE in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_the_administrator_hides_a_comment_everywhere_it_showed(
    client, plan, abusive_comment, administrator
):
    administrator.first_name, administrator.last_name = "Ann", "Admin"
    administrator.save()
    client = _signed_in(client, administrator)
    assert ABUSE in client.get(plan.get_absolute_url()).text  # now cached

    response = client.post(
        _url("plans:comment_hide", plan, abusive_comment.pk), {"reason": "Abusive"}
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{abusive_comment.pk}")
    hiding = HiddenComment.objects.get(review_comment=abusive_comment)
    assert (hiding.hidden_by, hiding.reason) == (administrator, "Abusive")
    abusive_comment.refresh_from_db()
    assert abusive_comment.body == ABUSE  # kept as the record
    hidden_line = f"Comment hidden by Ann Admin on {timezone.localdate():%-d %B %Y}"
    for url in (plan.get_absolute_url(), _url("plans:review_summary", plan)):
        page = client.get(url).text
        assert ABUSE not in page
        assert hidden_line in page


def test_a_hidden_reply_shows_as_hidden_in_its_thread(
    client, plan, abusive_comment, administrator, editor
):
    reply = ReviewComment.objects.create(
        plan=plan,
        priority=abusive_comment.priority,
        parent=abusive_comment,
        author=editor,
        body="A rude reply",
    )
    client = _signed_in(client, administrator)
    client.post(_url("plans:comment_hide", plan, reply.pk), {"reason": "Rude"})
    page = client.get(plan.get_absolute_url()).text
    assert "A rude reply" not in page
    assert ABUSE in page
    assert "Comment hidden by administrator" in page


def test_the_administrator_hides_a_moves_comment(client, plan, abusive_move, administrator):
    client = _signed_in(client, administrator)
    assert ABUSE in client.get(plan.get_absolute_url()).text

    response = client.post(_url("plans:transition_hide", plan, abusive_move.pk), {"reason": "x"})

    assert response.status_code == 302
    assert HiddenComment.objects.get(transition=abusive_move).hidden_by == administrator
    for url in (plan.get_absolute_url(), _url("plans:review_summary", plan)):
        page = client.get(url).text
        assert ABUSE not in page
        assert "Comment hidden by administrator" in page
        assert "Send back to draft" in page or "Draft" in page


def test_hiding_without_a_reason_is_refused_beside_the_field(
    client, plan, abusive_comment, administrator
):
    response = _signed_in(client, administrator).post(
        _url("plans:comment_hide", plan, abusive_comment.pk), {"reason": "  "}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why you are hiding the comment"]
    assert not HiddenComment.objects.exists()


def test_an_over_long_reason_is_refused_and_kept(client, plan, abusive_comment, administrator):
    reason = "r" * 2001
    response = _signed_in(client, administrator).post(
        _url("plans:comment_hide", plan, abusive_comment.pk), {"reason": reason}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [
        "The reason must be 2,000 characters or fewer"
    ]
    assert reason in response.text


@pytest.mark.parametrize("role", ["viewer", "reviewer", "editor"])
def test_a_member_who_is_not_an_administrator_cannot_hide_a_comment(
    client, request, plan, abusive_comment, role
):
    response = _signed_in(client, request.getfixturevalue(role)).post(
        _url("plans:comment_hide", plan, abusive_comment.pk), {"reason": "Mine"}
    )
    assert response.status_code == 403
    assert not HiddenComment.objects.exists()
    assert "Hide" not in client.get(plan.get_absolute_url()).text.split("Review comments")[-1]


def test_an_outsider_is_told_nothing_of_a_comment_to_hide(client, plan, abusive_comment, outsider):
    response = _signed_in(client, outsider).get(
        _url("plans:comment_hide", plan, abusive_comment.pk)
    )
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_to_hide_a_comment(client, plan, abusive_move):
    response = client.get(_url("plans:transition_hide", plan, abusive_move.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_hiding_answers_only_get_and_post(client, plan, abusive_comment, administrator):
    response = _signed_in(client, administrator).delete(
        _url("plans:comment_hide", plan, abusive_comment.pk)
    )
    assert response.status_code == 405


def test_a_move_without_a_comment_has_nothing_to_hide(client, plan, administrator):
    move = PlanTransition.objects.create(
        plan=plan, from_status=Status.DRAFT, to_status=Status.IN_REVIEW
    )
    response = _signed_in(client, administrator).get(_url("plans:transition_hide", plan, move.pk))
    assert response.status_code == 404


def test_hiding_twice_keeps_the_first_record(client, plan, abusive_comment, administrator):
    client = _signed_in(client, administrator)
    url = _url("plans:comment_hide", plan, abusive_comment.pk)
    client.post(url, {"reason": "First"})
    assert client.post(url, {"reason": "Second"}).status_code == 302
    assert [h.reason for h in HiddenComment.objects.all()] == ["First"]


def test_the_admin_lists_who_hid_which_comment_and_why(
    client, plan, abusive_comment, administrator, superuser
):
    _signed_in(client, administrator).post(
        _url("plans:comment_hide", plan, abusive_comment.pk), {"reason": "Abusive"}
    )
    client.force_login(superuser)
    response = client.get(reverse("admin:plans_hiddencomment_changelist"))
    assert response.status_code == 200
    assert "Review comment hidden by administrator" in response.text
    assert "Abusive" in response.text
