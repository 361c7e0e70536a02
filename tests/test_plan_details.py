"""A partnership administrator keeps a draft plan's details (title, subtitle, years, first
publication, summary) and the partnership's cover (logo and colour) in the app, with the
house's refusals; the cover shows on the plan's page and in its PDF."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from plans import plan_details
from plans.cover import WHITE, contrast_ratio, cover_css, text_colour_on
from plans.document import plan_document
from plans.models import Partnership, PartnershipLogo, Plan
from plans.models.partnership import LOGO_MAX_BYTES
from plans.pdf import plan_pdf, print_html
from plans.permissions import ChangeRefused
from tests.background import get_prepared

pytestmark = pytest.mark.django_db

DETAILS_FORM = {
    "title": "Community Safety Plan",
    "subtitle": "Working together for safer streets",
    "start_year": "2008",
    "end_year": "2011",
    "strategy_start_year": "",
    "strategy_end_year": "",
    "first_published_on_0": "17",
    "first_published_on_1": "3",
    "first_published_on_2": "2008",
    "summary": "Our three-year plan.",
}
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def _image(image_format: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(buffer, format=image_format)
    return buffer.getvalue()


def _upload(content: bytes, name: str = "logo.png") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _cover_form(**extra) -> dict:
    return {"colour": "#1d70b8", **extra}


def _details(plan: Plan) -> str:
    return reverse("priorities:plan_details", args=[plan.pk])


def _cover(plan: Plan) -> str:
    return reverse("priorities:plan_cover", args=[plan.pk])


def _logo(partnership: Partnership, logo: bytes) -> str:
    return reverse("plans:partnership_logo", args=[partnership.slug, _sha(logo)])


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _cover_css(colour: str = "1d70b8") -> str:
    return reverse("plans:cover_css", args=[colour])


def _leave_draft(plan: Plan, status: str = Plan.Status.IN_REVIEW) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=status)


def _give_logo(plan: Plan, user) -> bytes:
    logo = _image()
    plan_details.partnership_cover_update(
        partnership=plan.partnership,
        plan=plan,
        user=user,
        colour="#1d70b8",
        logo=logo,
        remove_logo=False,
    )
    return logo


# The pages every route shares: (method, url, data) for each.
ROUTES = {
    "details form": lambda plan: ("get", _details(plan), {}),
    "details": lambda plan: ("post", _details(plan), DETAILS_FORM),
    "cover form": lambda plan: ("get", _cover(plan), {}),
    "cover": lambda plan: ("post", _cover(plan), _cover_form()),
}


@pytest.mark.parametrize("route", ROUTES)
def test_an_administrator_uses_every_details_page(client, administrator, plan, route):
    client.force_login(administrator)
    method, url, data = ROUTES[route](plan)

    response = getattr(client, method)(url, data)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert response.url == reverse("priorities:plan", args=[plan.pk])


@pytest.mark.parametrize("route", ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, plan, route):
    method, url, data = ROUTES[route](plan)

    response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    plan.refresh_from_db()
    assert (plan.title, plan.partnership.colour) == ("Partnership Plan", "")


@pytest.mark.parametrize("route", ROUTES)
def test_an_outsider_is_told_nothing(client, outsider, plan, route):
    client.force_login(outsider)
    method, url, data = ROUTES[route](plan)

    assert getattr(client, method)(url, data).status_code == 404
    plan.refresh_from_db()
    assert (plan.title, plan.partnership.colour) == ("Partnership Plan", "")


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
@pytest.mark.parametrize("route", ROUTES)
def test_members_who_are_not_administrators_are_refused(client, request, plan, route, role):
    client.force_login(request.getfixturevalue(role))
    method, url, data = ROUTES[route](plan)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "Only administrators can change the plan." in response.text
    plan.refresh_from_db()
    assert (plan.title, plan.partnership.colour) == ("Partnership Plan", "")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize("route", ["details form", "cover form"])
def test_a_wrong_method_is_refused(client, administrator, plan, method, route):
    client.force_login(administrator)
    _method, url, _data = ROUTES[route](plan)

    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("route", ["details form", "cover form"])
def test_a_form_is_not_shown_for_a_plan_out_of_draft(client, administrator, plan, route):
    _leave_draft(plan)
    client.force_login(administrator)
    _method, url, _data = ROUTES[route](plan)

    response = client.get(url)

    assert response.status_code == 403
    assert "Only plans in draft can be changed." in response.text


def test_details_posted_after_the_plan_left_draft_come_back_with_what_was_typed(
    client, administrator, plan
):
    client.force_login(administrator)
    _leave_draft(plan, Plan.Status.PUBLISHED)

    response = client.post(_details(plan), DETAILS_FORM)

    assert response.status_code == 409
    assert "Only plans in draft can be changed." in response.text
    assert "Your changes have not been saved." in response.text
    assert 'value="Working together for safer streets"' in response.text
    plan.refresh_from_db()
    assert plan.title == "Partnership Plan"


def test_a_cover_posted_after_the_plan_left_draft_comes_back_with_what_was_typed(
    client, administrator, plan
):
    client.force_login(administrator)
    _leave_draft(plan)

    response = client.post(_cover(plan), _cover_form(colour="#00703c"))

    assert response.status_code == 409
    assert "Your changes have not been saved." in response.text
    assert 'value="#00703c"' in response.text
    plan.partnership.refresh_from_db()
    assert plan.partnership.colour == ""


def test_saving_the_details_changes_the_plan_and_history_records_who(client, administrator, plan):
    client.force_login(administrator)

    client.post(_details(plan), DETAILS_FORM)

    plan.refresh_from_db()
    assert plan.title == "Community Safety Plan"
    assert plan.subtitle == "Working together for safer streets"
    assert (plan.start_year, plan.end_year) == (2008, 2011)
    assert plan.first_published_on == datetime.date(2008, 3, 17)
    assert plan.summary == "Our three-year plan."
    assert plan.slug == "2010-11"
    latest = plan.history.latest()
    assert latest.history_user == administrator
    assert latest.subtitle == "Working together for safer streets"


def test_the_details_form_shows_the_plan_as_it_is(client, administrator, plan):
    Plan.objects.filter(pk=plan.pk).update(
        subtitle="Safer together", first_published_on=datetime.date(2010, 4, 1)
    )
    client.force_login(administrator)

    response = client.get(_details(plan))

    assert 'value="Safer together"' in response.text
    assert 'name="first_published_on_2" value="2010"' in response.text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"start_year": "2011", "end_year": "2010"},
            "end_year",
            "The end year cannot be before the start year.",
        ),
        (
            {"strategy_start_year": "2012", "strategy_end_year": "2010"},
            "strategy_end_year",
            "The strategy&#x27;s end year cannot be before its start.",
        ),
        ({"start_year": "1990"}, "start_year", "Give a start year from 1998"),
        ({"title": ""}, "title", "Enter the plan&#x27;s title"),
        ({"start_year": "soon"}, "start_year", "Enter the start year as a number"),
        (
            {"first_published_on_0": "31", "first_published_on_1": "2"},
            "first_published_on",
            "Enter the date it was first published as a real date",
        ),
    ],
)
def test_an_invalid_details_form_comes_back_with_the_error_beside_the_field(
    client, administrator, plan, changes, field, message
):
    client.force_login(administrator)

    response = client.post(_details(plan), {**DETAILS_FORM, **changes})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert f'id="id_{field}' in response.text
    error = response.text.split(f'id="id_{field}_1_error"', 1)
    assert len(error) == 2, f"no error beside {field}"
    assert message in error[1][:300]
    assert 'value="Working together for safer streets"' in response.text
    plan.refresh_from_db()
    assert plan.title == "Partnership Plan"


def test_a_first_publication_in_the_future_is_refused_beside_the_field(client, administrator, plan):
    client.force_login(administrator)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    response = client.post(
        _details(plan),
        {
            **DETAILS_FORM,
            "first_published_on_0": str(tomorrow.day),
            "first_published_on_1": str(tomorrow.month),
            "first_published_on_2": str(tomorrow.year),
        },
    )

    assert response.status_code == 200
    error = response.text.split('id="id_first_published_on_1_error"', 1)[1][:300]
    assert "cannot be in the future" in error
    plan.refresh_from_db()
    assert plan.first_published_on is None


def test_the_details_service_refuses_a_plan_out_of_draft(plan, administrator):
    _leave_draft(plan)

    with pytest.raises(ChangeRefused):
        plan_details.plan_details_update(
            plan=plan,
            user=administrator,
            title="New",
            subtitle="",
            start_year=2010,
            end_year=2011,
            strategy_start_year=None,
            strategy_end_year=None,
            first_published_on=None,
            summary="",
            action_table_columns=None,
        )
    plan.refresh_from_db()
    assert plan.title == "Partnership Plan"


@pytest.mark.parametrize(
    "image_format, content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg")]
)
def test_a_png_or_jpeg_logo_is_kept_and_history_records_who(
    client, administrator, plan, image_format, content_type
):
    client.force_login(administrator)
    logo = _image(image_format)

    response = client.post(_cover(plan), _cover_form(logo=_upload(logo)))

    assert response.status_code == 302
    partnership = Partnership.objects.get(pk=plan.partnership_id)
    assert partnership.logo_content_type == content_type
    assert partnership.logo_sha256 == hashlib.sha256(logo).hexdigest()
    assert bytes(PartnershipLogo.objects.get(partnership=partnership).content) == logo
    assert partnership.colour == "#1d70b8"
    latest = partnership.history.latest()
    assert latest.history_user == administrator
    assert latest.logo_sha256 == partnership.logo_sha256


@pytest.mark.parametrize(
    "content, name, message",
    [
        (SVG, "logo.svg", "The logo must be a PNG or JPEG image"),
        (b"not an image at all", "logo.png", "The logo must be a PNG or JPEG image"),
        (_image("GIF"), "logo.gif", "The logo must be a PNG or JPEG image"),
        (_image() + b"\0" * LOGO_MAX_BYTES, "logo.png", "The logo must be 1 MB or smaller"),
    ],
    ids=["svg", "garbage", "gif", "too big"],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused_beside_the_field(
    client, administrator, plan, content, name, message
):
    client.force_login(administrator)

    response = client.post(_cover(plan), _cover_form(colour="#00703C", logo=_upload(content, name)))

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text.split('id="id_logo_1_error"', 1)[1][:300]
    # What was typed is kept (as typed: it is only tidied when it is saved).
    assert 'value="#00703C"' in response.text
    partnership = Partnership.objects.get(pk=plan.partnership_id)
    assert (partnership.logo_sha256, partnership.colour) == ("", "")
    assert not PartnershipLogo.objects.exists()


def test_the_service_checks_a_logo_whatever_called_it(plan, administrator):
    with pytest.raises(ValueError, match="PNG or JPEG"):
        plan_details.partnership_cover_update(
            partnership=plan.partnership,
            plan=plan,
            user=administrator,
            colour="",
            logo=SVG,
            remove_logo=False,
        )
    assert not PartnershipLogo.objects.exists()


def test_a_logo_can_be_removed(client, administrator, plan):
    _give_logo(plan, administrator)
    client.force_login(administrator)
    assert "Remove the logo" in client.get(_cover(plan)).text

    response = client.post(_cover(plan), _cover_form(remove_logo="on"))

    assert response.status_code == 302
    partnership = Partnership.objects.get(pk=plan.partnership_id)
    assert (partnership.logo_sha256, partnership.logo_content_type) == ("", "")
    assert "plan-cover__logo" not in client.get(plan.get_absolute_url()).text
    # Kept for the pages published with it.
    assert PartnershipLogo.objects.filter(partnership=partnership).count() == 1


@pytest.mark.parametrize("typed, stored", [("#1D70B8", "#1d70b8"), ("00703c", "#00703c"), ("", "")])
def test_a_colour_is_stored_as_lower_case_hex(client, administrator, plan, typed, stored):
    client.force_login(administrator)

    client.post(_cover(plan), {"colour": typed})

    assert Partnership.objects.get(pk=plan.partnership_id).colour == stored


@pytest.mark.parametrize("typed", ["blue", "#12345", "#1234567", "#gggggg", "rgb(0,0,0)"])
def test_a_colour_that_is_not_hex_is_refused_beside_the_field(client, administrator, plan, typed):
    client.force_login(administrator)

    response = client.post(_cover(plan), {"colour": typed})

    assert response.status_code == 200
    error = response.text.split('id="id_colour_1_error"', 1)[1][:300]
    assert "six hexadecimal digits" in error
    assert Partnership.objects.get(pk=plan.partnership_id).colour == ""


@pytest.mark.parametrize("colour", ["red", "#FFFFFF", "#12345g", "1d70b8"])
def test_the_database_refuses_a_colour_that_is_not_lower_case_hex(partnership, colour):
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(colour=colour)


def test_the_database_refuses_a_logo_type_other_than_png_or_jpeg(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(
            logo_content_type="image/svg+xml", logo_sha256="0" * 64
        )


@pytest.mark.parametrize(
    "colour", ["#000000", "#ffffff", "#1d70b8", "#ffdd00", "#777777", "#767676", "#00703c"]
)
def test_the_cover_text_keeps_its_contrast_on_any_colour(colour):
    assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5


def test_the_cover_text_is_white_on_a_dark_colour_and_black_on_a_light_one():
    assert text_colour_on("#0b0c0c") == WHITE
    assert text_colour_on("#ffdd00") == "#000000"


def test_the_cover_stylesheet_is_empty_without_a_valid_colour():
    assert cover_css("") == ""
    assert cover_css("red; } body { display: none") == ""
    assert "background-color: #1d70b8; color: #ffffff;" in cover_css("#1d70b8")


def test_the_plan_page_shows_the_subtitle_first_publication_logo_and_colour(
    client, administrator, viewer, plan
):
    client.force_login(administrator)
    client.post(_details(plan), DETAILS_FORM)
    logo = _give_logo(plan, administrator)
    client.force_login(viewer)
    plan.refresh_from_db()

    response = client.get(plan.get_absolute_url())

    partnership = plan.partnership
    assert "Working together for safer streets" in response.text
    assert "First published March 2008" in response.text
    assert (
        f'<img class="plan-cover__logo" src="{_logo(partnership, logo)}" alt="{partnership.name}">'
    ) in response.text
    assert f'<link rel="stylesheet" href="{_cover_css("1d70b8")}">' in response.text


def test_a_new_logo_shows_at_once_on_a_draft_plan_page_already_seen(
    client, administrator, viewer, plan
):
    client.force_login(viewer)
    assert "plan-cover__logo" not in client.get(plan.get_absolute_url()).text

    _give_logo(plan, administrator)

    assert "plan-cover__logo" in client.get(plan.get_absolute_url()).text


def _cover_images(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_the_logo_is_embedded_in_the_pdf(client, administrator, viewer, plan):
    client.force_login(viewer)
    without = get_prepared(
        client, reverse("plans:plan_pdf", args=[plan.partnership.slug, plan.slug])
    )
    _give_logo(plan, administrator)

    with_logo = get_prepared(
        client, reverse("plans:plan_pdf", args=[plan.partnership.slug, plan.slug])
    )

    assert _cover_images(without.content) == 0
    assert _cover_images(with_logo.content) == 1
    image = PdfReader(io.BytesIO(with_logo.content)).pages[0].images[0].image
    assert image.size == (40, 20)


def test_the_printed_page_carries_the_cover_colour_and_the_logo_by_its_embedded_name(
    plan, administrator
):
    _give_logo(plan, administrator)
    plan = Plan.objects.select_related("partnership").get(pk=plan.pk)

    html = print_html(plan_document(plan))

    assert "background-color: #1d70b8" in html
    assert f'src="embedded:logo" alt="{plan.partnership.name}"' in html
    assert plan_pdf(plan_document(plan)).startswith(b"%PDF")


def test_anyone_gets_the_logo_of_a_partnership_with_a_public_plan(client, administrator, plan):
    logo = _give_logo(plan, administrator)
    _leave_draft(plan, Plan.Status.PUBLISHED)

    response = client.get(_logo(plan.partnership, logo))

    assert response.status_code == 200
    assert response.content == logo
    assert response["Content-Type"] == "image/png"
    assert response["ETag"] == f'"{_sha(logo)}"'
    assert sorted(response["Cache-Control"].split(", ")) == [
        "immutable",
        "max-age=31536000",
        "public",
    ]
    again = client.get(_logo(plan.partnership, logo), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_the_logo_of_a_partnership_with_only_drafts_is_hidden_from_others(
    client, request, administrator, plan, role
):
    logo = _give_logo(plan, administrator)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    assert client.get(_logo(plan.partnership, logo)).status_code == 404
    assert client.head(_logo(plan.partnership, logo)).status_code == 404


def test_a_member_gets_the_logo_and_cover_stylesheet_while_the_plans_are_drafts(
    client, administrator, viewer, plan
):
    logo = _give_logo(plan, administrator)
    client.force_login(viewer)

    assert client.get(_logo(plan.partnership, logo)).content == logo
    css = client.get(_cover_css("1d70b8"))
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert "background-color: #1d70b8" in css.text


def test_anyone_gets_a_cover_stylesheet_by_its_colour_kept_for_a_year(client):
    response = client.get(_cover_css("ffdd00"))

    assert response.status_code == 200
    assert "background-color: #ffdd00; color: #000000;" in response.text
    assert sorted(response["Cache-Control"].split(", ")) == [
        "immutable",
        "max-age=31536000",
        "public",
    ]
    assert client.get(_cover_css("ffdd00"), headers={"If-None-Match": '"ffdd00"'}).status_code == (
        304
    )


@pytest.mark.parametrize(
    "address",
    [
        "/plans/cover/1D70B8.css",
        "/plans/cover/1d70b.css",
        "/plans/cover/1d70b8a.css",
        "/plans/cover/gggggg.css",
        "/plans/cover/%231d70b8.css",
        "/plans/cover/1d70b8.css/",
    ],
)
def test_a_cover_stylesheet_address_that_is_not_six_lower_case_hex_digits_is_404(client, address):
    assert client.get(address).status_code == 404


def test_a_partnership_without_a_logo_has_no_logo_address(client, viewer, plan):
    client.force_login(viewer)

    assert client.get(_logo(plan.partnership, b"no such logo")).status_code == 404


def test_an_unknown_or_shortened_or_capitalised_hash_is_404(client, administrator, plan):
    logo = _give_logo(plan, administrator)
    _leave_draft(plan, Plan.Status.PUBLISHED)
    slug, sha = plan.partnership.slug, _sha(logo)

    assert client.get(_logo(plan.partnership, _image(size=(41, 20)))).status_code == 404
    assert client.get(f"/plans/partnership/{slug}/logo/{sha[:16]}/").status_code == 404
    assert client.get(f"/plans/partnership/{slug}/logo/{sha.upper()}/").status_code == 404
    assert client.get(f"/plans/partnership/{slug}/logo/").status_code == 404
    assert client.get(f"/plans/partnership/{slug}/logo/{sha}/").status_code == 200


def test_another_partnerships_logo_is_not_served_under_this_ones_address(
    client, administrator, plan, other_partnership
):
    logo = _give_logo(plan, administrator)
    _leave_draft(plan, Plan.Status.PUBLISHED)
    other = other_partnership
    Plan.objects.create(
        partnership=other,
        title="Other plan",
        slug="other-plan",
        start_year=2010,
        end_year=2011,
        status=Plan.Status.PUBLISHED,
    )

    assert client.get(_logo(other, logo)).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_logo_and_stylesheet_refuse_a_wrong_method(client, administrator, viewer, plan, method):
    logo = _give_logo(plan, administrator)
    client.force_login(viewer)

    assert getattr(client, method)(_logo(plan.partnership, logo)).status_code == 405
    assert getattr(client, method)(_cover_css()).status_code == 405


def test_the_action_plans_page_links_the_details_and_cover_for_administrators_only(
    client, administrator, viewer, plan
):
    page = reverse("priorities:plan", args=[plan.pk])
    client.force_login(administrator)
    shown = client.get(page).text
    client.force_login(viewer)
    not_shown = client.get(page).text

    assert f'href="{_details(plan)}">Plan details</a>' in shown
    assert f'href="{_cover(plan)}">Cover: logo and colour</a>' in shown
    assert _details(plan) not in not_shown
    assert _cover(plan) not in not_shown


def test_the_audit_log_names_the_cover_change(client, administrator, plan):
    _give_logo(plan, administrator)
    client.force_login(administrator)

    response = client.get(reverse("plans:partnership_audit", args=[plan.partnership.slug]))

    assert response.status_code == 200
    assert "Cover colour" in response.text
    assert "Logo (its fingerprint)" in response.text
    assert "#1d70b8" in response.text
