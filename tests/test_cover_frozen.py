"""A published page keeps the cover it was published with: its logo's address names that
logo's hash and its stylesheet's address that colour, so a later logo or colour changes the
drafts only, and every earlier version keeps its own."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from plans import plan_details
from plans.models import Partnership, PartnershipLogo, Plan, PublishedCopy
from plans.workflow import plan_move

pytestmark = pytest.mark.django_db

Status = Plan.Status
COLOUR_X, COLOUR_Y = "#1d70b8", "#00703c"


def _image(rgb: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), rgb).save(buffer, format="PNG")
    return buffer.getvalue()


LOGO_A, LOGO_B = _image((29, 112, 184)), _image((0, 112, 60))


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _logo_url(plan: Plan, logo: bytes) -> str:
    return reverse("plans:partnership_logo", args=[plan.partnership.slug, _sha(logo)])


def _css_url(colour: str) -> str:
    return reverse("plans:cover_css", args=[colour.removeprefix("#")])


def _set_cover(plan: Plan, user, colour: str, logo: bytes | None, *, remove: bool = False):
    plan_details.partnership_cover_update(
        partnership=Partnership.objects.get(pk=plan.partnership_id),
        plan=plan,
        user=user,
        colour=colour,
        logo=logo,
        remove_logo=remove,
    )


def _publish(plan: Plan, user) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    plan = Plan.objects.get(pk=plan.pk)
    plan_move(plan=plan, to_status=Status.PUBLISHED, user=user)
    return Plan.objects.get(pk=plan.pk)


def _take_back(plan: Plan, user) -> Plan:
    plan_move(plan=plan, to_status=Status.DRAFT, user=user, comment="Corrected a date.")
    return Plan.objects.get(pk=plan.pk)


def _cover_of(html: str) -> tuple[list[str], list[str]]:
    """The logo addresses and cover stylesheet addresses a page names."""
    logos = re.findall(r'class="plan-cover__logo" src="([^"]+)"', html)
    sheets = re.findall(r'<link rel="stylesheet" href="(/plans/cover/[^"]+)"', html)
    return logos, sheets


def _page(client, plan: Plan, version: int | None = None) -> str:
    if version is None:
        url = plan.get_absolute_url()
    else:
        url = reverse("plans:plan_version", args=[plan.partnership.slug, plan.slug, version])
    response = client.get(url)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def published_with_a_and_x(plan, administrator) -> Plan:
    """Published with logo A and colour X, then taken back for correction and given logo B
    and colour Y on its draft."""
    _set_cover(plan, administrator, COLOUR_X, LOGO_A)
    plan = _publish(plan, administrator)
    plan = _take_back(plan, administrator)
    _set_cover(plan, administrator, COLOUR_Y, LOGO_B)
    # Not from a cache: from what was stored when the plan was published.
    cache.clear()
    return plan


def test_the_published_page_and_version_1_keep_logo_a_and_colour_x(client, published_with_a_and_x):
    plan = published_with_a_and_x
    expected = ([_logo_url(plan, LOGO_A)], [_css_url(COLOUR_X)])

    assert _cover_of(_page(client, plan)) == expected
    assert _cover_of(_page(client, plan, version=1)) == expected
    assert PublishedCopy.objects.get(plan=plan).cover_colour == COLOUR_X


def test_the_addresses_a_published_page_names_still_serve_logo_a_and_colour_x(
    client, published_with_a_and_x
):
    plan = published_with_a_and_x
    (logo_url,), (css_url,) = _cover_of(_page(client, plan))

    logo = client.get(logo_url)
    css = client.get(css_url)

    assert (logo.status_code, logo.content, logo["Content-Type"]) == (200, LOGO_A, "image/png")
    assert "immutable" in logo["Cache-Control"]
    assert css.status_code == 200
    assert f"background-color: {COLOUR_X}" in css.text
    assert COLOUR_Y not in css.text


def test_the_draft_shows_logo_b_and_colour_y_to_members(client, viewer, published_with_a_and_x):
    plan = published_with_a_and_x
    client.force_login(viewer)

    assert _cover_of(_page(client, plan)) == (
        [_logo_url(plan, LOGO_B)],
        [_css_url(COLOUR_Y)],
    )
    # And version 1, read by a member, is still as published.
    assert _cover_of(_page(client, plan, version=1)) == (
        [_logo_url(plan, LOGO_A)],
        [_css_url(COLOUR_X)],
    )


def test_the_corrected_version_2_has_b_and_y_and_version_1_keeps_a_and_x(
    client, administrator, published_with_a_and_x
):
    plan = _publish(published_with_a_and_x, administrator)
    cache.clear()

    assert _cover_of(_page(client, plan)) == ([_logo_url(plan, LOGO_B)], [_css_url(COLOUR_Y)])
    assert _cover_of(_page(client, plan, version=2)) == (
        [_logo_url(plan, LOGO_B)],
        [_css_url(COLOUR_Y)],
    )
    assert _cover_of(_page(client, plan, version=1)) == (
        [_logo_url(plan, LOGO_A)],
        [_css_url(COLOUR_X)],
    )
    assert client.get(_logo_url(plan, LOGO_A)).content == LOGO_A
    assert client.get(_logo_url(plan, LOGO_B)).content == LOGO_B


def test_a_new_cover_set_on_next_years_draft_leaves_the_published_plan_as_it_was(
    client, plan, administrator
):
    _set_cover(plan, administrator, COLOUR_X, LOGO_A)
    plan = _publish(plan, administrator)
    renewal = Plan.objects.create(
        partnership=plan.partnership,
        title=plan.title,
        slug="2011-12",
        start_year=2011,
        end_year=2012,
        previous_plan=plan,
    )

    _set_cover(renewal, administrator, COLOUR_Y, None, remove=True)
    cache.clear()

    assert _cover_of(_page(client, plan)) == ([_logo_url(plan, LOGO_A)], [_css_url(COLOUR_X)])
    assert client.get(_logo_url(plan, LOGO_A)).content == LOGO_A
    client.force_login(administrator)
    assert _cover_of(_page(client, renewal)) == ([], [_css_url(COLOUR_Y)])


def test_a_page_published_without_a_colour_links_no_cover_stylesheet_after_one_is_set(
    client, plan, administrator
):
    plan = _publish(plan, administrator)
    plan = _take_back(plan, administrator)
    _set_cover(plan, administrator, COLOUR_Y, LOGO_B)
    cache.clear()

    assert _cover_of(_page(client, plan)) == ([], [])
    assert PublishedCopy.objects.get(plan=plan).cover_colour == ""


def test_an_identical_logo_uploaded_again_reuses_its_row(client, plan, administrator):
    client.force_login(administrator)
    cover = reverse("priorities:plan_cover", args=[plan.pk])

    def upload(content: bytes) -> None:
        file = io.BytesIO(content)
        file.name = "logo.png"
        assert client.post(cover, {"colour": COLOUR_X, "logo": file}).status_code == 302

    upload(LOGO_A)
    first = PartnershipLogo.objects.get(partnership=plan.partnership)
    upload(LOGO_B)
    upload(LOGO_A)

    logos = PartnershipLogo.objects.filter(partnership=plan.partnership).order_by("pk")
    assert [(logo.pk, logo.sha256) for logo in logos] == [
        (first.pk, _sha(LOGO_A)),
        (logos[1].pk, _sha(LOGO_B)),
    ]
    assert Partnership.objects.get(pk=plan.partnership_id).logo_sha256 == _sha(LOGO_A)


def test_the_database_refuses_the_same_logo_twice_for_a_partnership(partnership):
    PartnershipLogo.objects.create(
        partnership=partnership, sha256=_sha(LOGO_A), content_type="image/png", content=LOGO_A
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipLogo.objects.create(
            partnership=partnership, sha256=_sha(LOGO_A), content_type="image/png", content=LOGO_A
        )


@pytest.mark.parametrize(
    "sha256, content_type",
    [("A" * 64, "image/png"), ("a" * 63, "image/png"), ("a" * 64, "image/svg+xml")],
    ids=["upper case", "short", "svg"],
)
def test_the_database_refuses_a_logo_without_its_hash_or_of_another_type(
    partnership, sha256, content_type
):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipLogo.objects.create(
            partnership=partnership, sha256=sha256, content_type=content_type, content=LOGO_A
        )


@pytest.mark.parametrize("colour", ["#FFFFFF", "red", "1d70b8"])
def test_the_database_refuses_a_published_copy_colour_that_is_not_lower_case_hex(
    plan, administrator, colour
):
    copy = PublishedCopy.objects.get(plan=_publish(plan, administrator))

    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedCopy.objects.filter(pk=copy.pk).update(cover_colour=colour)


def test_an_unknown_logo_hash_and_a_bad_colour_are_404(client, published_with_a_and_x):
    plan = published_with_a_and_x

    assert client.get(_logo_url(plan, b"never uploaded")).status_code == 404
    assert client.get("/plans/cover/1D70B8.css").status_code == 404
    assert client.get("/plans/cover/blue.css").status_code == 404


def test_the_printable_html_of_a_published_plan_keeps_its_published_colour(
    published_with_a_and_x, tmp_path
):
    plan = published_with_a_and_x
    Plan.objects.filter(pk=plan.pk).update(status=Status.PUBLISHED)
    output = tmp_path / "plan.html"

    call_command(
        "render_plan",
        plan.partnership.slug,
        plan.slug,
        "--format",
        "html",
        "--output",
        output,
        stdout=io.StringIO(),
    )

    html = output.read_text()
    assert f"background-color: {COLOUR_X}" in html
    assert COLOUR_Y not in html
