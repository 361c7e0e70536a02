"""Publishing keeps the plan as it was: later edits and downloads never change the copy."""

import hashlib

import pytest

from plans import pdf as pdf_module
from plans import publishing
from plans.models import Plan, PublishedCopy
from plans.workflow import plan_move
from priorities.models import Action
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def plan_publish(*, plan: Plan, user) -> PublishedCopy:
    """Publish an approved plan the one way plans are published, through the workflow."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    plan_move(plan=plan, to_status=Plan.Status.PUBLISHED, user=user)
    return plan.published_copies.latest()


def test_publishing_sets_the_status_and_stores_page_and_pdfs_with_hashes(
    plan, action, administrator
):
    copy = plan_publish(plan=plan, user=administrator)
    plan.refresh_from_db()
    copy = PublishedCopy.objects.get(pk=copy.pk)
    assert plan.status == Plan.Status.PUBLISHED
    assert action.text in copy.html
    assert bytes(copy.pdf).startswith(b"%PDF-")
    assert copy.pdf_sha256 == hashlib.sha256(bytes(copy.pdf)).hexdigest()
    assert copy.large_print_pdf_sha256 == hashlib.sha256(bytes(copy.large_print_pdf)).hexdigest()
    assert copy.published_by == administrator


def test_published_copy_carries_no_draft_mark(plan, action, administrator):
    copy = plan_publish(plan=plan, user=administrator)
    assert "plan-draft-mark" not in copy.html


def test_published_pdf_stays_byte_identical_after_an_edit(client, plan, action, administrator):
    plan_publish(plan=plan, user=administrator)
    url = f"{plan.get_absolute_url()}pdf/"
    before = client.get(url).content
    action.text = "A different action entirely."
    action.save()
    Plan.objects.get(pk=plan.pk).save()
    after = client.get(url).content
    assert after == before
    assert after == bytes(PublishedCopy.objects.get(plan=plan).pdf)


def test_published_page_keeps_the_text_as_published_after_an_edit(
    client, plan, action, administrator
):
    plan_publish(plan=plan, user=administrator)
    original = action.text
    action.text = "A different action entirely."
    action.save()
    Plan.objects.get(pk=plan.pk).save()
    content = client.get(plan.get_absolute_url()).content.decode()
    assert original in content
    assert "A different action entirely." not in content


def test_downloading_a_published_pdf_never_renders_it_again(
    client, plan, action, administrator, monkeypatch
):
    copy = plan_publish(plan=plan, user=administrator)

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(publishing, "plan_pdf", refuse)
    response = client.get(f"{plan.get_absolute_url()}large-print.pdf")
    assert response.status_code == 200
    assert response.content == bytes(PublishedCopy.objects.get(pk=copy.pk).large_print_pdf)
    assert response["ETag"] == f'"{copy.large_print_pdf_sha256}"'


def test_a_plan_made_public_without_publishing_gets_its_copy_on_first_read(client, plan, action):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert PublishedCopy.objects.filter(plan=plan).count() == 1
    client.get(f"{plan.get_absolute_url()}pdf/")
    assert PublishedCopy.objects.filter(plan=plan).count() == 1


def test_a_failed_render_leaves_the_plan_unpublished(plan, action, administrator, monkeypatch):
    def fail(html):
        raise RuntimeError("WeasyPrint failed")

    monkeypatch.setattr(pdf_module, "html_to_pdf", fail)
    with pytest.raises(RuntimeError):
        plan_publish(plan=plan, user=administrator)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert not PublishedCopy.objects.exists()
    assert not plan.transitions.filter(to_status=Plan.Status.PUBLISHED).exists()


def test_draft_edits_show_at_once_to_members(client, plan, action, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    client.get(plan.get_absolute_url())
    Action.objects.filter(pk=action.pk).update(text="Edited a moment ago.")
    assert "Edited a moment ago." in client.get(plan.get_absolute_url()).content.decode()


def test_a_browser_holding_the_published_pdf_is_told_it_has_not_changed(
    client, plan, action, administrator
):
    copy = plan_publish(plan=plan, user=administrator)
    response = client.get(
        f"{plan.get_absolute_url()}pdf/", headers={"If-None-Match": f'"{copy.pdf_sha256}"'}
    )
    assert response.status_code == 304
    assert response.content == b""
