"""The demo data: the three reference plans loaded faithfully by `manage.py load_demo`.

Expected numbers were counted by hand from the documents in reference/plans/.
"""

import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from indicators.models import Indicator, IndicatorSet
from plans.demo_users import DEMO_PASSWORD
from plans.models import (
    BudgetLine,
    DemoPlanSource,
    Group,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    Plan,
    Section,
)
from priorities.models import Action, ActionLeadPartner, Aim, Priority

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def load(*args: str, **options) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def action(text: str) -> Action:
    return Action.objects.get(text=text)


def lead_partner_names(found: Action) -> str:
    return " / ".join(lead.name for lead in found.lead_partners.all())


def indicator_codes(found: Action) -> list[str]:
    return sorted((indicator.code for indicator in found.indicators.all()), key=len)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    return copy


# Idempotence


def test_loading_twice_leaves_every_tables_row_count_unchanged():
    load("--with-users")
    first = row_counts()
    load("--with-users")
    assert row_counts() == first
    assert first["plans.Plan"] == 3


def test_a_second_load_keeps_an_officers_edit_to_a_plan():
    load()
    edited = action("Support school attendance initiatives.")
    edited.text = "Support school attendance initiatives in Carlisle."
    edited.save()
    load()
    assert Action.objects.filter(text="Support school attendance initiatives in Carlisle.").exists()


def test_reset_restores_an_edited_plan_from_the_files():
    load()
    edited = action("Support school attendance initiatives.")
    edited.text = "Support school attendance initiatives in Carlisle."
    edited.save()
    edited.priority.plan.sections.all().delete()
    load("--reset")
    restored = action("Support school attendance initiatives.")
    assert not Action.objects.filter(text__endswith="in Carlisle.").exists()
    assert restored.priority.plan.sections.count() == 13
    assert Plan.objects.count() == 3


def test_a_newer_file_is_loaded_over_an_untouched_plan(fixtures_copy: Path):
    load(fixtures_dir=fixtures_copy)
    carlisle_file = fixtures_copy / "plans" / "carlisle-eden-2010-11.yaml"
    carlisle_file.write_text(
        carlisle_file.read_text().replace(
            "Support school attendance initiatives.", "Support school attendance in both districts."
        )
    )
    output = load(fixtures_dir=fixtures_copy)
    assert "Carlisle and Eden" in output and "again from its file" in output
    assert action("Support school attendance in both districts.")
    assert not Action.objects.filter(text="Support school attendance initiatives.").exists()
    assert Plan.objects.count() == 3
    counts = row_counts()
    assert "is already as its file gives it" in load(fixtures_dir=fixtures_copy)
    assert row_counts() == counts


def test_a_newer_file_does_not_overwrite_a_plan_an_officer_has_edited(fixtures_copy: Path):
    load(fixtures_dir=fixtures_copy)
    edited = action("Support school attendance initiatives.")
    edited.text = "Support school attendance initiatives in Carlisle."
    edited.save()
    carlisle_file = fixtures_copy / "plans" / "carlisle-eden-2010-11.yaml"
    carlisle_file.write_text(carlisle_file.read_text() + "\n# a newer file\n")
    output = load(fixtures_dir=fixtures_copy)
    assert "it has been edited since it was loaded" in output
    assert action("Support school attendance initiatives in Carlisle.")


def test_a_plan_loaded_before_sources_were_kept_is_reloaded_only_if_untouched(
    fixtures_copy: Path,
):
    load(fixtures_dir=fixtures_copy)
    DemoPlanSource.objects.all().delete()
    carlisle = Plan.objects.get(partnership__slug="carlisle-eden")
    carlisle.subtitle = "Edited in the admin"
    carlisle.save()
    output = load(fixtures_dir=fixtures_copy)
    assert output.count("Loaded") == 2 and "again from its file" in output
    assert "Kept Carlisle and Eden" in output
    assert Plan.objects.get(partnership__slug="carlisle-eden").subtitle == "Edited in the admin"
    assert DemoPlanSource.objects.count() == 2


def test_a_corrected_indicator_title_is_not_overwritten_by_a_later_load():
    load()
    Indicator.objects.lookup("NI 33").update(title="Arson incidents (corrected)")
    load()
    assert Indicator.objects.lookup("NI33").get().title == "Arson incidents (corrected)"


@pytest.fixture(scope="class")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data loaded once for checks that only read it, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_data")
class TestTheLoadedReferencePlans:
    # Priorities and actions, counted from the documents

    @pytest.mark.parametrize(
        ("partnership_slug", "expected"),
        [
            # Carlisle and Eden 2010/11, "Tackling the Priorities": the action tables list 17, 8
            # and 13 activities; Prolific and Priority Offenders and Alcohol and substance misuse
            # have no table; Acquisitive Crime's table lists 3.
            (
                "carlisle-eden",
                [
                    ("Anti-Social Behaviour and Criminal Damage", 17),
                    ("Domestic Abuse", 8),
                    ("Violent Crime", 13),
                    ("Prolific and Priority Offenders", 0),
                    ("Alcohol and substance misuse", 0),
                    ("Acquisitive Crime", 3),
                ],
            ),
            # East Cambridgeshire 2008-2011, Priorities 1 to 6: the bullets of each ACTIONS cell;
            # then the two Cross-Cutting Themes, which have none.
            (
                "east-cambridgeshire",
                [
                    ("To reduce anti-social behaviour, especially that caused by alcohol", 8),
                    ("To reduce household burglary", 7),
                    ("To reduce vehicle crime", 6),
                    ("To reduce re-offending", 3),
                    ("Domestic Violence", 6),
                    ("Communities together (improving the perception of community cohesion)", 5),
                    ("Substance Misuse", 0),
                    ("Young People", 0),
                ],
            ),
            # West Cumbria 2012/13, the plan's table: the rows with action text in each block
            # (the KSI block's text stands in its Agency column).
            (
                "west-cumbria",
                [
                    ("Anti-Social Behaviour", 6),
                    ("Reduce Re-Offending", 5),
                    ("Domestic Violence", 2),
                    ("KSI", 1),
                    ("Crime", 2),
                ],
            ),
        ],
    )
    def test_each_plan_has_the_documents_priorities_and_actions(self, partnership_slug, expected):
        priorities = Priority.objects.filter(plan__partnership__slug=partnership_slug)
        found = [(priority.title, priority.actions.count()) for priority in priorities]
        assert found == expected

    def test_cross_cutting_themes_are_flagged(self):
        themes = Priority.objects.filter(is_cross_cutting=True).values_list("title", flat=True)
        assert sorted(themes) == [
            "Alcohol and substance misuse",
            "Substance Misuse",
            "Young People",
        ]

    # Faithful spot checks

    def test_carlisle_school_attendance_action_keeps_its_lead_partners_and_indicators(self):
        found = action("Support school attendance initiatives.")
        assert lead_partner_names(found) == "Cumbria Police / Children’s Services"
        assert found.lead_partners.last().organisation.short_name == "Children's Services"
        assert indicator_codes(found) == ["NI 17", "NI 22", "NI 27"]

    def test_carlisle_prints_a_partner_in_its_own_words_while_naming_the_organisation(self):
        found = action("Support a partnership approach to tackling arson and deliberate fires.")
        fire, partnership = found.lead_partners.all()
        assert fire.organisation.name == "Cumbria Fire and Rescue Service"
        assert fire.printed_as == "Fires Service"
        assert partnership.kind == ActionLeadPartner.Kind.PARTNERSHIP
        assert lead_partner_names(found) == "Fires Service / CDRP"

    def test_carlisle_cdrp_lead_is_the_partnership_itself(self):
        found = action("Deliver the Best Bar None Scheme.")
        lead = found.lead_partners.get()
        assert lead.kind == ActionLeadPartner.Kind.PARTNERSHIP
        assert lead.name == "CDRP"

    def test_carlisle_cover_report_is_not_part_of_the_plan(self):
        plan = Plan.objects.get(partnership__slug="carlisle-eden")
        assert plan.sections.first().title == "Foreword"
        assert not plan.sections.filter(body__contains="To inform Members").exists()

    def test_carlisle_has_no_invented_budget(self):
        plan = Plan.objects.get(partnership__slug="carlisle-eden")
        assert plan.budget_lines.count() == 0

    def test_carlisle_is_year_three_of_a_three_year_strategy(self):
        plan = Plan.objects.get(partnership__slug="carlisle-eden")
        assert (plan.start_year, plan.end_year) == (2010, 2011)
        assert (plan.strategy_start_year, plan.strategy_end_year) == (2008, 2011)

    def test_east_cambridgeshire_action_measuring_and_difficulties_are_as_printed(self):
        found = action("To identify and target burglary hotspots.")
        assert found.priority.title == "To reduce household burglary"
        assert "The level of serious acquisitive crimes (PSA 23, NI 16)" in (
            found.priority.measuring_performance
        )
        assert found.priority.measuring_difficulties.startswith(
            "A large number of burglaries can be committed by one individual."
        )

    def test_east_cambridgeshire_glossary_comes_from_appendix_a(self):
        partnership = Partnership.objects.get(slug="east-cambridgeshire")
        term = partnership.glossary_terms.get(term="VLI")
        assert term.meaning.startswith("Vulnerable Localities Index")
        assert partnership.glossary_terms.count() == 34

    def test_west_cumbria_aim_keeps_its_baseline_data(self):
        aim = Aim.objects.get(title="Target ASB Hotspots")
        assert aim.baseline_data == "Cumbria Observatory Data"
        assert aim.priority.title == "Anti-Social Behaviour"

    def test_west_cumbria_agency_row_without_action_joins_the_action_above(self):
        found = action("Further develop Integrated Offender Management (IOM)")
        assert lead_partner_names(found) == "Cumbria Constabulary / Cumbria Probation"

    def test_west_cumbria_review_dates_are_kept_as_the_printed_months(self):
        found = action("Secure continuation of IOM outreach worker post")
        assert found.review_date == datetime.date(2011, 12, 31)
        assert found.review_date_label == "December 2011"
        assert lead_partner_names(found) == "West Cumbria CSP"
        assert (
            action("Undertake a Pilot to provide accommodation for an IOM Client").review_date_label
            == "January 2012"
        )
        radio = action(
            "Radio campaign to be delivered to increase the awareness of the not in my home "
            "domestic violence campaign"
        )
        assert radio.review_date_label == "December 2011"

    def test_west_cumbria_agencies_printed_without_an_action_are_kept_on_the_aim(self):
        aim = Aim.objects.get(title="Reduce Criminal Damage")
        assert aim.agency_names == ["Prevent & Deter", "Cumbria Constabulary"]
        assert not aim.actions.exists()

    def test_west_cumbria_partners_whose_role_the_plan_does_not_state_are_not_stated(self):
        participation = PartnershipOrganisation.objects.get(
            partnership__slug="west-cumbria", organisation__name="Impact Housing Association"
        )
        assert participation.role == PartnershipOrganisation.Role.NOT_STATED

    def test_west_cumbria_groups_draw_a_governance_chart(self):
        delivery = Group.objects.get(
            partnership__slug="west-cumbria", name="Tactical Delivery Group"
        )
        assert delivery.reports_to.name == "Strategy Group"
        assert delivery.reporting_groups.filter(name="Prevent & Deter").exists()

    # Indicators

    def test_every_national_indicator_a_plan_cites_has_a_title(self):
        cited_in_text = ["NI 1", "NI 2", "NI 4", "NI 5", "NI 7", "NI 16", "NI 30", "NI 32", "NI 41"]
        linked = Indicator.objects.filter(actions__isnull=False).distinct()
        assert linked.count() == 19
        for code in cited_in_text:
            assert Indicator.objects.lookup(code).get().title
        assert not linked.filter(title="").exists()

    def test_confirmed_titles_carry_their_source_and_others_do_not(self):
        confirmed = Indicator.objects.lookup("NI 15").get()
        printed = Indicator.objects.lookup("NI 17").get()
        assert confirmed.title == "Serious violent crime rate"
        assert "studylib.net" in confirmed.title_source
        assert printed.title == "Perceptions of anti-social behaviour"
        assert printed.title_source == ""
        assert printed.psa == "PSA 23"

    def test_the_national_indicator_set_covers_2008_to_2011(self):
        indicator_set = IndicatorSet.objects.get()
        assert indicator_set.is_national
        assert (indicator_set.valid_from_year, indicator_set.valid_to_year) == (2008, 2011)

    # Statuses

    def test_plans_have_the_statuses_their_documents_give(self):
        statuses = dict(Plan.objects.values_list("partnership__slug", "status"))
        assert statuses == {
            "carlisle-eden": Plan.Status.DRAFT,
            "east-cambridgeshire": Plan.Status.PUBLISHED,
            "west-cumbria": Plan.Status.IN_REVIEW,
        }


# Demo users


def test_demo_users_are_not_created_when_debug_is_off_without_the_option():
    load()
    assert User.objects.count() == 0


def test_demo_users_have_one_role_each_in_carlisle_and_eden():
    output = load("--with-users")
    roles = dict(
        Membership.objects.filter(partnership__slug="carlisle-eden").values_list(
            "user__username", "role"
        )
    )
    assert roles == {
        "administrator": "administrator",
        "editor": "editor",
        "reviewer": "reviewer",
        "viewer": "viewer",
    }
    assert "http://127.0.0.1:8000/admin/" in output
    assert DEMO_PASSWORD in output


def test_demo_support_user_is_a_staff_superuser_with_the_demo_password():
    load("--with-users")
    support = User.objects.get(username="support")
    assert support.is_superuser and support.is_staff
    assert support.check_password(DEMO_PASSWORD)


def test_demo_editor_keeps_one_task_group():
    load("--with-users")
    membership = Membership.objects.get(user__username="editor")
    assert list(membership.task_groups.values_list("name", flat=True)) == [
        "Anti-Social Behaviour and Criminal Damage Task Group"
    ]


def test_an_existing_demo_user_is_reset_rather_than_duplicated():
    user = User.objects.create_user(username="reviewer", password="something-else-entirely")
    load("--with-users")
    user.refresh_from_db()
    assert User.objects.filter(username="reviewer").count() == 1
    assert user.check_password(DEMO_PASSWORD)
    assert user.memberships.get().role == Membership.Role.REVIEWER


# Broken data files


def test_a_missing_data_file_gives_a_command_error_and_writes_nothing(fixtures_copy: Path):
    (fixtures_copy / "organisations.yaml").unlink()
    with pytest.raises(CommandError, match="organisations.yaml"):
        load(fixtures_dir=fixtures_copy)
    assert Plan.objects.count() == 0


def test_invalid_yaml_gives_a_command_error_naming_the_file(fixtures_copy: Path):
    (fixtures_copy / "plans" / "west-cumbria-2012-13.yaml").write_text("plan: [unclosed\n")
    with pytest.raises(CommandError, match="west-cumbria-2012-13.yaml: is not valid YAML"):
        load(fixtures_dir=fixtures_copy)
    assert Organisation.objects.count() == 0


def test_an_unknown_lead_partner_rolls_back_everything_loaded_before_it(fixtures_copy: Path):
    path = fixtures_copy / "plans" / "west-cumbria-2012-13.yaml"
    path.write_text(path.read_text().replace("[IOM Team]", "[Nobody We Know]"))
    with pytest.raises(CommandError, match="'Nobody We Know' is not the partnership"):
        load(fixtures_dir=fixtures_copy)
    assert Plan.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_a_review_date_that_is_not_a_date_is_refused(fixtures_copy: Path):
    path = fixtures_copy / "plans" / "west-cumbria-2012-13.yaml"
    path.write_text(path.read_text().replace("review_date: January 2012", "review_date: Juny 2012"))
    with pytest.raises(CommandError, match="west-cumbria-2012-13.yaml: .*no month called"):
        load(fixtures_dir=fixtures_copy)
    assert Section.objects.count() == 0


def test_a_value_of_the_wrong_form_gives_a_command_error(fixtures_copy: Path):
    path = fixtures_copy / "plans" / "carlisle-eden-2010-11.yaml"
    path.write_text(path.read_text().replace("start_year: 2010", "start_year: [2010]"))
    with pytest.raises(CommandError, match="carlisle-eden-2010-11.yaml: a value has the wrong"):
        load(fixtures_dir=fixtures_copy)
    assert Plan.objects.count() == 0


def _with_budget(fixtures_copy: Path, amount: str) -> None:
    path = fixtures_copy / "plans" / "carlisle-eden-2010-11.yaml"
    text = path.read_text()
    marker = "  related_strategies:\n"
    assert marker in text
    budget = (
        "  budget_lines:\n"
        "    - project: Re-deployable CCTV\n"
        "      funding_stream: Area Based Grant\n"
        f"      amount: {amount}\n"
        "      year: 2010\n"
    )
    path.write_text(text.replace(marker, budget + marker))


def test_budget_lines_in_a_data_file_are_loaded(fixtures_copy: Path):
    _with_budget(fixtures_copy, "12500.50")

    load(fixtures_dir=fixtures_copy)

    line = BudgetLine.objects.get()
    assert (line.project, line.amount, line.year) == (
        "Re-deployable CCTV",
        Decimal("12500.50"),
        2010,
    )


def test_a_budget_amount_that_is_not_money_gives_a_command_error(fixtures_copy: Path):
    _with_budget(fixtures_copy, "lots")

    with pytest.raises(CommandError, match="budget line 1: 'lots' is not an amount of money"):
        load(fixtures_dir=fixtures_copy)
    assert Plan.objects.count() == 0
