"""A partnership administrator keeps the partnership's organisations and areas in the app."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indicators.models import LocalTarget, LocalTargetMeasure, TargetArea
from plans import partnership_organisations as services
from plans.models import District, Group, Organisation, PartnershipOrganisation

pytestmark = pytest.mark.django_db


def _url(name: str, partnership, *args) -> str:
    return reverse(f"plans:{name}", args=[partnership.slug, *args])


def _beside(page: str, field: str) -> str:
    """The error message shown beside a field, or '' when there is none."""
    found = re.search(
        rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</span>',
        page,
        re.S,
    )
    return " ".join(found.group(1).split()) if found else ""


@pytest.fixture
def police_in(plan, police) -> PartnershipOrganisation:
    return PartnershipOrganisation.objects.get(partnership=plan.partnership, organisation=police)


@pytest.fixture
def council_in(plan, council) -> PartnershipOrganisation:
    return PartnershipOrganisation.objects.get(partnership=plan.partnership, organisation=council)


@pytest.fixture
def fire() -> Organisation:
    return Organisation.objects.create(name="Cumbria Fire and Rescue Service", kind="fire")


@pytest.fixture
def districts(partnership) -> list[District]:
    return [
        District.objects.create(partnership=partnership, name=name, order=order)
        for order, name in enumerate(["Carlisle", "Eden", "Penrith"], start=1)
    ]


@pytest.fixture
def pages(partnership, council_in, districts) -> dict[str, str]:
    eden = districts[1]
    return {
        "organisations": _url("organisation_list", partnership),
        "organisation add": _url("organisation_add", partnership),
        "organisation edit": _url("organisation_edit", partnership, council_in.pk),
        "organisation remove": _url("organisation_remove", partnership, council_in.pk),
        "areas": _url("district_list", partnership),
        "area add": _url("district_add", partnership),
        "area edit": _url("district_edit", partnership, eden.pk),
        "area remove": _url("district_remove", partnership, eden.pk),
    }


PAGE_NAMES = [
    "organisations",
    "organisation add",
    "organisation edit",
    "organisation remove",
    "areas",
    "area add",
    "area edit",
    "area remove",
]
POSTED = {
    "organisation add": {"new_name": "Eden Housing Association", "new_kind": "housing"},
    "organisation edit": {"role": "invited"},
    "organisation remove": {},
    "area add": {"name": "Allerdale"},
    "area edit": {"name": "Eden District"},
    "area remove": {},
}


# Who may open and post what


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ["administrator", "superuser"])
def test_administrators_and_superusers_open_every_page(client, request, pages, page, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(pages[page])

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_anonymous_visitors_are_sent_to_sign_in(client, pages, page):
    response = client.get(pages[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", [*POSTED, "area move"])
@pytest.mark.parametrize("role", ["outsider", "anonymous"])
def test_outsiders_and_anonymous_visitors_cannot_post(
    client, request, pages, districts, page, role
):
    pages["area move"] = _url("district_move", districts[0].partnership, districts[0].pk)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.post(pages[page], {**POSTED.get(page, {}), "role": "invited"})

    if role == "outsider":
        assert response.status_code == 404
    else:
        assert response.url.startswith(reverse("login"))
    assert PartnershipOrganisation.objects.filter(role="invited").count() == 0
    assert not District.objects.filter(name__in=["Allerdale", "Eden District"]).exists()


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_outsiders_are_told_nothing(client, outsider, pages, page):
    client.force_login(outsider)

    assert client.get(pages[page]).status_code == 404


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_other_members_are_refused_with_a_reason(client, request, pages, page, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(pages[page])

    assert response.status_code == 403
    assert "Only the partnership’s administrators" in response.content.decode()


@pytest.mark.parametrize("page", list(POSTED))
@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_other_members_change_nothing(client, request, pages, council_in, districts, page, role):
    client.force_login(request.getfixturevalue(role))

    response = client.post(pages[page], POSTED[page])

    assert response.status_code == 403
    council_in.refresh_from_db()
    assert council_in.role == PartnershipOrganisation.Role.RESPONSIBLE_AUTHORITY
    assert [d.name for d in District.objects.order_by("order")] == ["Carlisle", "Eden", "Penrith"]
    assert not Organisation.objects.filter(name="Eden Housing Association").exists()


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_pages_refuse_other_methods(client, administrator, pages, page):
    client.force_login(administrator)

    assert client.put(pages[page]).status_code == 405


@pytest.mark.parametrize("page", ["organisations", "areas"])
def test_lists_refuse_a_post(client, administrator, pages, page):
    client.force_login(administrator)

    assert client.post(pages[page]).status_code == 405


def test_moving_an_area_refuses_a_get(client, administrator, districts):
    client.force_login(administrator)

    response = client.get(_url("district_move", districts[0].partnership, districts[0].pk))

    assert response.status_code == 405


def test_the_partnership_page_links_to_organisations_and_areas(client, administrator, partnership):
    client.force_login(administrator)

    page = client.get(_url("partnership_manage", partnership)).content.decode()

    assert _url("organisation_list", partnership) in page
    assert _url("district_list", partnership) in page


def test_another_partnerships_organisation_and_area_are_not_found(
    client, administrator, partnership, other_partnership, fire
):
    theirs = PartnershipOrganisation.objects.create(
        partnership=other_partnership, organisation=fire, role="responsible"
    )
    their_area = District.objects.create(partnership=other_partnership, name="Allerdale")
    client.force_login(administrator)

    assert client.get(_url("organisation_edit", partnership, theirs.pk)).status_code == 404
    assert client.post(_url("organisation_remove", partnership, theirs.pk)).status_code == 404
    assert client.get(_url("district_edit", partnership, their_area.pk)).status_code == 404
    response = client.post(_url("district_move", partnership, their_area.pk), {"direction": "up"})
    assert response.status_code == 404
    assert PartnershipOrganisation.objects.filter(pk=theirs.pk).exists()


# Organisations


def test_the_list_shows_each_organisation_and_its_role(
    client, administrator, partnership, police_in, council_in
):
    client.force_login(administrator)

    page = client.get(_url("organisation_list", partnership)).content.decode()

    assert "Cumbria Constabulary" in page
    assert "Printed as Cumbria Police" in page
    assert "Carlisle City Council" in page
    assert "Responsible authority" in page


def test_the_list_costs_no_query_per_organisation(
    client, administrator, partnership, django_assert_max_num_queries
):
    for number in range(10):
        organisation = Organisation.objects.create(name=f"Housing Association {number}")
        PartnershipOrganisation.objects.create(
            partnership=partnership, organisation=organisation, role="invited"
        )
    client.force_login(administrator)

    with django_assert_max_num_queries(8):
        response = client.get(_url("organisation_list", partnership))

    assert "Housing Association 9" in response.content.decode()


def test_administrator_adds_an_existing_organisation(client, administrator, partnership, fire):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership), {"organisation": fire.pk, "role": "responsible"}
    )

    assert response.status_code == 302
    assert response.url == _url("organisation_list", partnership)
    participation = PartnershipOrganisation.objects.get(partnership=partnership, organisation=fire)
    assert participation.role == "responsible"


def test_the_choice_offers_only_organisations_not_yet_in_the_partnership(
    client, administrator, partnership, police_in, fire
):
    client.force_login(administrator)

    page = client.get(_url("organisation_add", partnership)).content.decode()

    assert fire.name in page
    assert f'value="{police_in.organisation_id}"' not in page


def test_a_new_organisation_typed_in_is_made_once_and_joins_the_partnership(
    client, administrator, partnership
):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership),
        {
            "new_name": "Eden Housing Association",
            "new_short_name": "EHA",
            "new_kind": "housing",
            "role": "co_operating",
        },
    )

    assert response.status_code == 302
    made = Organisation.objects.get(name="Eden Housing Association")
    assert (made.short_name, made.kind) == ("EHA", "housing")
    assert Organisation.objects.filter(name__iexact="eden housing association").count() == 1
    participation = PartnershipOrganisation.objects.get(partnership=partnership, organisation=made)
    assert participation.role == "co_operating"


def test_a_typed_name_the_site_knows_uses_that_organisation(
    client, administrator, partnership, fire
):
    client.force_login(administrator)
    before = Organisation.objects.count()

    client.post(
        _url("organisation_add", partnership),
        {"new_name": "  CUMBRIA fire and rescue service ", "role": "responsible"},
    )

    assert Organisation.objects.count() == before
    assert PartnershipOrganisation.objects.filter(
        partnership=partnership, organisation=fire
    ).exists()
    fire.refresh_from_db()
    assert fire.name == "Cumbria Fire and Rescue Service"


def test_choosing_nothing_is_told_beside_the_choice(client, administrator, partnership):
    client.force_login(administrator)

    response = client.post(_url("organisation_add", partnership), {"role": "invited"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Choose an organisation, or type a new organisation’s name below" in _beside(
        page, "organisation"
    )
    assert PartnershipOrganisation.objects.filter(partnership=partnership).count() == 0


def test_choosing_and_typing_both_is_told_beside_the_name_and_keeps_what_was_typed(
    client, administrator, partnership, fire
):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership),
        {
            "organisation": fire.pk,
            "new_name": "Eden Housing Association",
            "new_short_name": "EHA",
            "new_kind": "housing",
            "role": "invited",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "not both" in _beside(page, "new_name")
    assert 'value="Eden Housing Association"' in page
    assert 'value="EHA"' in page
    assert re.search(rf'<option value="{fire.pk}"[^>]*selected', page)
    assert re.search(r'value="invited"[^>]*checked', page)
    assert not Organisation.objects.filter(name="Eden Housing Association").exists()
    assert not PartnershipOrganisation.objects.filter(partnership=partnership).exists()


def test_a_new_organisation_needs_its_kind_and_a_role(client, administrator, partnership):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership), {"new_name": "Eden Housing Association"}
    )

    page = response.content.decode()
    assert "Choose the kind of the new organisation" in _beside(page, "new_kind")
    assert "Choose the organisation’s role in the partnership" in _beside(page, "role")
    assert 'value="Eden Housing Association"' in page
    assert not Organisation.objects.filter(name="Eden Housing Association").exists()


def test_a_typed_name_already_in_the_partnership_is_refused_beside_the_name(
    client, administrator, partnership, police_in
):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership),
        {"new_name": "cumbria constabulary", "role": "invited"},
    )

    assert "Cumbria Constabulary is already in the partnership" in _beside(
        response.content.decode(), "new_name"
    )
    assert PartnershipOrganisation.objects.filter(partnership=partnership).count() == 2


def test_an_organisation_added_a_moment_earlier_is_refused_not_a_server_error(
    client, administrator, partnership, fire, monkeypatch
):
    from plans.organisation_forms import PartnershipOrganisationAddForm

    real_is_valid = PartnershipOrganisationAddForm.is_valid

    def added_a_moment_after_checking(form) -> bool:
        valid = real_is_valid(form)
        PartnershipOrganisation.objects.create(
            partnership=partnership, organisation=fire, role="invited"
        )
        return valid

    monkeypatch.setattr(PartnershipOrganisationAddForm, "is_valid", added_a_moment_after_checking)
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership),
        {"new_name": "Cumbria Fire and Rescue Service", "role": "responsible"},
    )

    assert response.status_code == 200
    assert "is already in the partnership" in _beside(response.content.decode(), "new_name")
    assert PartnershipOrganisation.objects.get(organisation=fire).role == "invited"


def test_a_name_too_long_is_told_beside_it(client, administrator, partnership):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_add", partnership),
        {"new_name": "x" * 201, "new_kind": "other", "role": "invited"},
    )

    assert "must be 200 characters or fewer" in _beside(response.content.decode(), "new_name")
    assert not Organisation.objects.filter(name__startswith="xxx").exists()


def test_administrator_changes_an_organisations_role(
    client, administrator, partnership, council_in
):
    client.force_login(administrator)

    response = client.post(
        _url("organisation_edit", partnership, council_in.pk), {"role": "co_operating"}
    )

    assert response.status_code == 302
    council_in.refresh_from_db()
    assert council_in.role == "co_operating"


def test_an_invalid_role_is_shown_again_beside_the_field(
    client, administrator, partnership, council_in
):
    client.force_login(administrator)

    response = client.post(_url("organisation_edit", partnership, council_in.pk), {"role": "chair"})

    assert response.status_code == 200
    assert "Select a valid choice" in _beside(response.content.decode(), "role")
    council_in.refresh_from_db()
    assert council_in.role == "responsible"


def test_removal_asks_for_confirmation_first(client, administrator, partnership, council_in):
    client.force_login(administrator)

    response = client.get(_url("organisation_remove", partnership, council_in.pk))

    assert "Take Carlisle City Council out of the partnership?" in response.content.decode()
    assert PartnershipOrganisation.objects.filter(pk=council_in.pk).exists()


def test_an_organisation_nobody_names_is_taken_out_and_stays_on_the_site(
    client, administrator, partnership, council_in, council
):
    client.force_login(administrator)

    response = client.post(_url("organisation_remove", partnership, council_in.pk))

    assert response.status_code == 302
    assert not PartnershipOrganisation.objects.filter(pk=council_in.pk).exists()
    assert Organisation.objects.filter(pk=council.pk).exists()


def test_an_organisation_leading_actions_is_not_taken_out(
    client, administrator, partnership, action, police_in
):
    client.force_login(administrator)

    response = client.post(_url("organisation_remove", partnership, police_in.pk))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Cumbria Constabulary has not been taken out" in page
    assert "it leads actions in Partnership Plan 2010-2011" in page
    assert PartnershipOrganisation.objects.filter(pk=police_in.pk).exists()


def test_an_organisation_chairing_or_sitting_on_a_group_is_not_taken_out(
    client, administrator, partnership, council_in, council, task_group
):
    task_group.chair_organisation = council
    task_group.save()
    board = Group.objects.create(
        partnership=partnership, name="Partnership Board", kind="leadership"
    )
    board.member_organisations.add(council)
    client.force_login(administrator)

    response = client.post(_url("organisation_remove", partnership, council_in.pk))

    page = response.content.decode()
    assert response.status_code == 409
    assert f"it chairs {task_group.name}" in page
    assert "it is a member of Partnership Board" in page
    assert PartnershipOrganisation.objects.filter(pk=council_in.pk).exists()


def test_another_partnerships_use_does_not_keep_an_organisation_in_this_one(
    client, administrator, partnership, other_partnership, council_in, council
):
    theirs = Group.objects.create(partnership=other_partnership, name="Board", kind="leadership")
    theirs.member_organisations.add(council)
    client.force_login(administrator)

    response = client.post(_url("organisation_remove", partnership, council_in.pk))

    assert response.status_code == 302
    assert not PartnershipOrganisation.objects.filter(pk=council_in.pk).exists()


def test_organisation_changes_are_in_the_history_with_who_made_them(
    client, administrator, partnership, council_in
):
    client.force_login(administrator)

    client.post(
        _url("organisation_add", partnership),
        {"new_name": "Eden Housing Association", "new_kind": "housing", "role": "invited"},
    )
    client.post(_url("organisation_edit", partnership, council_in.pk), {"role": "co_operating"})
    client.post(_url("organisation_remove", partnership, council_in.pk))

    made = Organisation.objects.get(name="Eden Housing Association")
    assert made.history.get().history_user == administrator
    joined = PartnershipOrganisation.history.get(organisation=made, history_type="+")
    assert joined.history_user == administrator
    rows = PartnershipOrganisation.history.filter(id=council_in.pk).order_by("history_date")
    assert [(row.history_type, row.role) for row in rows][-2:] == [
        ("~", "co_operating"),
        ("-", "co_operating"),
    ]
    assert {row.history_user for row in rows[1:]} == {administrator}


def test_the_service_refuses_both_or_neither(partnership, administrator, fire):
    with pytest.raises(services.PartnershipChangeRefused):
        services.partnership_organisation_add(
            partnership=partnership, user=administrator, role="invited"
        )
    with pytest.raises(services.PartnershipChangeRefused):
        services.partnership_organisation_add(
            partnership=partnership,
            user=administrator,
            organisation=fire,
            new_name="Eden Housing Association",
            role="invited",
        )
    assert not PartnershipOrganisation.objects.filter(partnership=partnership).exists()


def test_the_service_uses_an_organisation_made_a_moment_earlier_elsewhere(
    partnership, administrator, monkeypatch
):
    """Another partnership's administrator made it between the look-up and the save."""
    real = services.existing_organisation
    calls = []

    def made_meanwhile(name: str):
        calls.append(name)
        if len(calls) == 1:
            Organisation.objects.create(name="Eden Housing Association", kind="housing")
            return None
        return real(name)

    monkeypatch.setattr(services, "existing_organisation", made_meanwhile)

    participation = services.partnership_organisation_add(
        partnership=partnership,
        user=administrator,
        new_name="Eden Housing Association",
        new_kind="housing",
        role="invited",
    )

    assert Organisation.objects.filter(name="Eden Housing Association").count() == 1
    assert participation.organisation.name == "Eden Housing Association"


# Areas


def _names(partnership) -> list[str]:
    return list(partnership.districts.order_by("order").values_list("name", flat=True))


def test_the_areas_are_listed_in_order(client, administrator, partnership, districts):
    districts[0].order = 9
    districts[0].save()
    client.force_login(administrator)

    page = client.get(_url("district_list", partnership)).content.decode()

    rows = [page.index(f'id="district-{district.pk}"') for district in districts]
    assert rows[1] < rows[2] < rows[0]


def test_administrator_adds_an_area_after_the_last(client, administrator, partnership, districts):
    client.force_login(administrator)

    response = client.post(_url("district_add", partnership), {"name": " Allerdale "})

    added = District.objects.get(name="Allerdale")
    assert response.url == f"{_url('district_list', partnership)}#district-{added.pk}"
    assert _names(partnership) == ["Carlisle", "Eden", "Penrith", "Allerdale"]


def test_an_area_name_must_be_new_in_the_partnership(client, administrator, partnership, districts):
    client.force_login(administrator)

    response = client.post(_url("district_add", partnership), {"name": "EDEN"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "already has an area of that name" in _beside(page, "name")
    assert 'value="EDEN"' in page
    assert partnership.districts.count() == 3


def test_an_empty_area_name_is_told_beside_the_field(client, administrator, partnership):
    client.force_login(administrator)

    response = client.post(_url("district_add", partnership), {"name": ""})

    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the area’s name" in _beside(page, "name")
    assert not partnership.districts.exists()


def test_administrator_renames_an_area(client, administrator, partnership, districts):
    client.force_login(administrator)

    client.post(_url("district_edit", partnership, districts[1].pk), {"name": "Eden District"})

    assert _names(partnership) == ["Carlisle", "Eden District", "Penrith"]


def test_an_area_may_keep_its_own_name_in_other_capitals(
    client, administrator, partnership, districts
):
    client.force_login(administrator)

    response = client.post(_url("district_edit", partnership, districts[1].pk), {"name": "EDEN"})

    assert response.status_code == 302
    assert _names(partnership) == ["Carlisle", "EDEN", "Penrith"]


def test_renaming_to_another_areas_name_is_refused_and_keeps_what_was_typed(
    client, administrator, partnership, districts
):
    client.force_login(administrator)

    response = client.post(_url("district_edit", partnership, districts[1].pk), {"name": "penrith"})

    page = response.content.decode()
    assert "already has an area of that name" in _beside(page, "name")
    assert 'value="penrith"' in page
    assert _names(partnership) == ["Carlisle", "Eden", "Penrith"]


@pytest.mark.parametrize(
    ("index", "direction", "expected"),
    [
        (1, "up", ["Eden", "Carlisle", "Penrith"]),
        (1, "down", ["Carlisle", "Penrith", "Eden"]),
        (0, "up", ["Carlisle", "Eden", "Penrith"]),
        (2, "down", ["Carlisle", "Eden", "Penrith"]),
    ],
)
def test_administrator_moves_an_area(
    client, administrator, partnership, districts, index, direction, expected
):
    client.force_login(administrator)
    moved = districts[index]

    response = client.post(
        _url("district_move", partnership, moved.pk), {"direction": direction}, follow=True
    )

    assert _names(partnership) == expected
    page = response.content.decode()
    kept_focus = re.search(
        rf'value="(up|down)"[^>]*autofocus>Move (?:up|down)<span class="govuk-visually-hidden"> '
        rf"{moved.name}<",
        page,
    )
    assert kept_focus is not None


def test_a_move_gives_areas_sharing_a_place_places_of_their_own(client, administrator, partnership):
    for name in ["Carlisle", "Eden", "Penrith"]:
        District.objects.create(partnership=partnership, name=name)  # all at 0, as the admin does
    client.force_login(administrator)
    penrith = District.objects.get(name="Penrith")

    client.post(_url("district_move", partnership, penrith.pk), {"direction": "up"})

    assert list(partnership.districts.order_by("order").values_list("name", "order")) == [
        ("Carlisle", 1),
        ("Penrith", 2),
        ("Eden", 3),
    ]


def test_a_move_without_a_direction_is_refused(client, administrator, partnership, districts):
    client.force_login(administrator)

    response = client.post(_url("district_move", partnership, districts[1].pk), {"direction": "x"})

    assert response.status_code == 400
    assert _names(partnership) == ["Carlisle", "Eden", "Penrith"]


def test_administrator_removes_an_area(client, administrator, partnership, districts):
    client.force_login(administrator)

    response = client.post(_url("district_remove", partnership, districts[1].pk))

    assert response.status_code == 302
    assert _names(partnership) == ["Carlisle", "Penrith"]


def test_an_area_with_local_targets_is_not_removed(
    client, administrator, partnership, plan, districts
):
    measure = LocalTargetMeasure.objects.create(plan=plan, name="Robbery", order=1)
    LocalTarget.objects.create(
        measure=measure, area=TargetArea.objects.for_district(districts[1]), order=1
    )
    client.force_login(administrator)

    response = client.post(_url("district_remove", partnership, districts[1].pk))

    page = response.content.decode()
    assert response.status_code == 409
    assert "Eden has not been removed" in page
    assert "Remove those targets first" in page
    assert _names(partnership) == ["Carlisle", "Eden", "Penrith"]


def test_area_changes_are_in_the_history_with_who_made_them(
    client, administrator, partnership, districts
):
    client.force_login(administrator)

    client.post(_url("district_add", partnership), {"name": "Allerdale"})
    client.post(_url("district_edit", partnership, districts[0].pk), {"name": "Carlisle City"})
    client.post(_url("district_move", partnership, districts[0].pk), {"direction": "down"})
    client.post(_url("district_remove", partnership, districts[2].pk))

    added = District.objects.get(name="Allerdale")
    assert added.history.get().history_user == administrator
    carlisle = District.history.filter(id=districts[0].pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.name, row.order) for row in carlisle] == [
        ("+", "Carlisle", 1),
        ("~", "Carlisle City", 1),
        ("~", "Carlisle City", 2),
    ]
    assert {row.history_user for row in carlisle[1:]} == {administrator}
    removed = District.history.get(id=districts[2].pk, history_type="-")
    assert removed.history_user == administrator


def test_the_areas_list_costs_no_query_per_area(
    client, administrator, partnership, django_assert_max_num_queries
):
    for order in range(1, 11):
        District.objects.create(partnership=partnership, name=f"Ward {order}", order=order)
    client.force_login(administrator)

    with django_assert_max_num_queries(8):
        response = client.get(_url("district_list", partnership))

    assert "Ward 10" in response.content.decode()


# An organisation typed in on the group form


def _group(**changes) -> dict:
    return {"name": "Reducing Reoffending Task Group", "kind": "task", **changes}


def test_a_new_organisation_typed_on_the_group_form_chairs_the_group(
    client, administrator, partnership
):
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership),
        _group(
            new_organisation="Cumbria Probation Trust",
            new_organisation_kind="probation",
            new_organisation_role="responsible",
            new_organisation_place="chair",
        ),
    )

    assert response.status_code == 302
    made = Organisation.objects.get(name="Cumbria Probation Trust")
    assert made.kind == "probation"
    group = Group.objects.get(name="Reducing Reoffending Task Group")
    assert group.chair_organisation == made
    participation = PartnershipOrganisation.objects.get(partnership=partnership, organisation=made)
    assert (participation.role, participation.history.get().history_user) == (
        "responsible",
        administrator,
    )


def test_a_partner_typed_on_the_group_form_joins_its_members_and_is_not_made_twice(
    client, administrator, partnership, police_in, council, fire
):
    client.force_login(administrator)
    before = Organisation.objects.count()

    client.post(
        _url("group_add", partnership),
        _group(
            member_organisations=[council.pk],
            new_organisation="cumbria fire and rescue service",
            new_organisation_role="co_operating",
            new_organisation_place="member",
        ),
    )

    group = Group.objects.get(name="Reducing Reoffending Task Group")
    assert set(group.member_organisations.all()) == {council, fire}
    assert Organisation.objects.count() == before
    assert PartnershipOrganisation.objects.get(organisation=fire).role == "co_operating"


def test_a_partner_already_in_the_partnership_typed_on_the_group_form_is_used_as_it_is(
    client, administrator, partnership, police_in, police
):
    client.force_login(administrator)

    client.post(
        _url("group_add", partnership),
        _group(new_organisation="CUMBRIA CONSTABULARY", new_organisation_place="chair"),
    )

    assert Group.objects.get(name="Reducing Reoffending Task Group").chair_organisation == police
    assert PartnershipOrganisation.objects.get(pk=police_in.pk).role == "responsible"


def test_the_group_form_asks_beside_each_field_for_what_a_new_organisation_needs(
    client, administrator, partnership, police_in, police
):
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership),
        _group(new_organisation="Eden Housing Association", chair_organisation=police.pk),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the kind of the new organisation" in _beside(page, "new_organisation_kind")
    assert "Choose the organisation’s role" in _beside(page, "new_organisation_role")
    assert "Choose whether the new organisation chairs the group" in _beside(
        page, "new_organisation_place"
    )
    assert 'value="Eden Housing Association"' in page
    assert not Organisation.objects.filter(name="Eden Housing Association").exists()
    assert not Group.objects.filter(name="Reducing Reoffending Task Group").exists()


def test_the_group_form_refuses_two_chairs(client, administrator, partnership, police_in, police):
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership),
        _group(
            chair_organisation=police.pk,
            new_organisation="Eden Housing Association",
            new_organisation_kind="housing",
            new_organisation_role="invited",
            new_organisation_place="chair",
        ),
    )

    assert "Empty one of them" in _beside(response.content.decode(), "new_organisation_place")
    assert not Organisation.objects.filter(name="Eden Housing Association").exists()


def test_a_group_whose_name_is_taken_makes_no_new_organisation(
    client, administrator, partnership, task_group
):
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership),
        _group(
            name=task_group.name,
            new_organisation="Eden Housing Association",
            new_organisation_kind="housing",
            new_organisation_role="invited",
            new_organisation_place="member",
        ),
    )

    assert "already has a group of that name" in _beside(response.content.decode(), "name")
    assert not Organisation.objects.filter(name="Eden Housing Association").exists()


def test_the_group_form_offers_the_partnerships_organisations_as_members(
    client, administrator, partnership, police_in, fire
):
    client.force_login(administrator)

    page = client.get(_url("group_add", partnership)).content.decode()

    members = page[page.index('id="div_id_member_organisations"') :]
    members = members[: members.index("</fieldset>")]
    assert f'value="{police_in.organisation_id}"' in members
    assert "Cumbria Constabulary" in members
    assert fire.name not in page


def test_an_area_name_taken_a_moment_earlier_is_refused_beside_the_name(
    client, administrator, partnership, districts, monkeypatch
):
    from plans.organisation_forms import DistrictForm

    real_is_valid = DistrictForm.is_valid

    def named_a_moment_after_checking(form) -> bool:
        valid = real_is_valid(form)
        District.objects.create(partnership=partnership, name="ALLERDALE", order=7)
        return valid

    monkeypatch.setattr(DistrictForm, "is_valid", named_a_moment_after_checking)
    client.force_login(administrator)

    response = client.post(_url("district_add", partnership), {"name": "Allerdale"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "already has an area of that name" in _beside(page, "name")
    assert 'value="Allerdale"' in page
    assert partnership.districts.filter(name__iexact="allerdale").count() == 1
