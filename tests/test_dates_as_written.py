"""Review dates as plans write them: a day, a month, a quarter or a financial year, printed
back as written in the pages and the PDF, with a warning (not a refusal) before the plan's
period and a question more than ten years away."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from plans.document import plan_document
from plans.models import Plan
from plans.pdf import plan_pdf
from plans.written_dates import (
    Precision,
    WrittenDate,
    WrittenDateField,
    parse_written_date,
    written_date_label,
)
from priorities.history import action_history
from priorities.models import Action, Priority
from priorities.reminders import build_digests
from tests.pdf_geometry import pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Reading what was typed


@pytest.mark.parametrize(
    ("typed", "day", "precision", "printed"),
    [
        ("July 2009", datetime.date(2009, 7, 31), Precision.MONTH, "July 2009"),
        ("Jul 2009", datetime.date(2009, 7, 31), Precision.MONTH, "July 2009"),
        ("sept 2010", datetime.date(2010, 9, 30), Precision.MONTH, "September 2010"),
        ("07/2009", datetime.date(2009, 7, 31), Precision.MONTH, "July 2009"),
        ("2/2012", datetime.date(2012, 2, 29), Precision.MONTH, "February 2012"),
        ("31/07/2009", datetime.date(2009, 7, 31), Precision.DAY, "31 July 2009"),
        ("31 July 2009", datetime.date(2009, 7, 31), Precision.DAY, "31 July 2009"),
        ("1st July 2009", datetime.date(2009, 7, 1), Precision.DAY, "1 July 2009"),
        ("30 9 2010", datetime.date(2010, 9, 30), Precision.DAY, "30 September 2010"),
        ("2010-09-30", datetime.date(2010, 9, 30), Precision.DAY, "30 September 2010"),
        ("Q3 2009/10", datetime.date(2009, 12, 31), Precision.QUARTER, "Q3 2009/10"),
        ("Q1 2010/11", datetime.date(2010, 6, 30), Precision.QUARTER, "Q1 2010/11"),
        ("q4 2010-2011", datetime.date(2011, 3, 31), Precision.QUARTER, "Q4 2010/11"),
        ("2009/10", datetime.date(2010, 3, 31), Precision.FINANCIAL_YEAR, "2009/10"),
        ("2009-10", datetime.date(2010, 3, 31), Precision.FINANCIAL_YEAR, "2009/10"),
        ("2009/2010", datetime.date(2010, 3, 31), Precision.FINANCIAL_YEAR, "2009/10"),
        ("1999/00", datetime.date(2000, 3, 31), Precision.FINANCIAL_YEAR, "1999/00"),
        ("By December 2011", datetime.date(2011, 12, 31), Precision.MONTH, "By December 2011"),
        ("  by   Q2 2012/13 ", datetime.date(2012, 9, 30), Precision.QUARTER, "By Q2 2012/13"),
    ],
)
def test_each_written_form_is_read_and_printed_back(typed, day, precision, printed):
    written = parse_written_date(typed)

    assert written.date == day
    assert written.precision == precision
    assert written.label == printed
    assert parse_written_date(printed) == written


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Juny 2009", "There is no month called “Juny”"),
        ("13/2010", "13/2010 is not a month: months run from 1 to 12"),
        ("Q5 2010/11", "There is no quarter 5: a financial year has quarters Q1 to Q4"),
        ("Q0 2010/11", "There is no quarter 0: a financial year has quarters Q1 to Q4"),
        (
            "2010/12",
            "2010/12 is not a financial year: the second year must follow the first, as in 2010/11",
        ),
        (
            "2010/2012",
            "2010/2012 is not a financial year: the second year must follow the first, as in "
            "2010/11",
        ),
        ("31/02/2010", "31/02/2010 is not a real day: February 2010 has 28 days"),
        ("Q3", "Say which financial year the quarter is in, for example Q3 2009/10"),
        ("July 99999", None),
        ("soon", None),
    ],
)
def test_each_bad_date_says_what_is_wrong(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_written_date(typed)

    if message:
        assert refused.value.messages == [message]
    else:
        assert refused.value.messages[0].startswith("Enter the date as a day")


def test_nothing_typed_is_no_date_and_a_required_field_says_so():
    assert parse_written_date("   ") is None
    field = WrittenDateField(required=True, error_messages={"required": "Enter the date"})

    with pytest.raises(ValidationError) as refused:
        field.clean("")

    assert refused.value.messages == ["Enter the date"]
    assert WrittenDateField(required=False).clean("") is None


def test_a_label_is_derived_from_the_stored_day_so_it_cannot_go_stale():
    assert written_date_label(datetime.date(2011, 3, 31), Precision.QUARTER) == "Q4 2010/11"
    assert written_date_label(None) == ""


# The action form


def _form(**overrides) -> dict:
    data = {
        "text": "Fund mediation for neighbour disputes.",
        "lead_partners": "Cumbria Police",
        "indicators": "",
        "element": "",
        "baseline_data": "",
        "review_date": "Q3 2010/11",
        "funding_stream": "",
        "status": "not_started",
        "rag": "",
    }
    data.update(overrides)
    return data


def _add(client, priority: Priority, **overrides):
    return client.post(
        reverse("priorities:action_add", args=[priority.pk]), _form(**overrides), follow=True
    )


def test_a_quarter_typed_in_the_form_is_saved_and_shown_as_written(
    client, editor, priority, police
):
    client.force_login(editor)

    response = _add(client, priority)

    action = Action.objects.get()
    assert action.review_date == datetime.date(2010, 12, 31)
    assert action.review_date_precision == Precision.QUARTER
    assert "Q3 2010/11" in response.content.decode()  # the action plan page
    detail = client.get(reverse("priorities:action", args=[action.pk]))
    assert "Q3 2010/11" in detail.content.decode()
    edit = client.get(reverse("priorities:action_edit", args=[action.pk]))
    assert edit.context["form"]["review_date"].value() == "Q3 2010/11"


def test_a_month_typed_before_the_plans_period_saves_with_a_warning(
    client, editor, priority, police
):
    client.force_login(editor)

    response = _add(client, priority, review_date="By December 2009")

    action = Action.objects.get()
    assert action.review_date == datetime.date(2009, 12, 31)
    assert action.review_date_label == "By December 2009"
    page = response.content.decode()
    assert "The review date By December 2009 falls before the plan&#x27;s period (2010/11)" in page


def test_a_bad_date_is_shown_beside_the_field_keeping_what_was_typed(
    client, editor, priority, police
):
    client.force_login(editor)

    response = _add(client, priority, review_date="Juny 2010")

    assert response.status_code == 200
    assert response.context["form"].errors["review_date"] == ["There is no month called “Juny”"]
    assert 'value="Juny 2010"' in response.content.decode()
    assert not Action.objects.exists()


def test_a_date_more_than_ten_years_away_asks_for_confirmation(client, editor, priority, police):
    client.force_login(editor)

    asked = _add(client, priority, review_date="July 2031")

    assert asked.status_code == 200
    assert asked.context["form"].errors["review_date"] == [
        "July 2031 is more than ten years from the plan's period (2010/11). Check the date, "
        "or tick the box to confirm it is right"
    ]
    page = asked.content.decode()
    assert 'name="confirm_review_date"' in page
    assert 'value="July 2031"' in page
    assert not Action.objects.exists()

    confirmed = _add(client, priority, review_date="July 2031", confirm_review_date="on")

    assert confirmed.redirect_chain
    assert Action.objects.get().review_date == datetime.date(2031, 7, 31)


def test_the_confirmation_box_is_shown_only_when_asked(client, editor, priority):
    client.force_login(editor)

    page = client.get(reverse("priorities:action_add", args=[priority.pk])).content.decode()

    assert 'name="confirm_review_date"' not in page


def test_a_date_long_before_the_period_asks_too(client, editor, priority, police):
    client.force_login(editor)

    response = _add(client, priority, review_date="1999/00")

    assert "more than ten years" in response.context["form"].errors["review_date"][0]


def test_editing_the_review_date_shows_in_the_history_as_written(client, editor, action, police):
    client.force_login(editor)
    client.post(
        reverse("priorities:action_edit", args=[action.pk]),
        _form(
            text=action.text,
            lead_partners="Cumbria Police",
            review_date="September 2010",
            version=str(action.version),
        ),
    )

    [change] = [c for c in action_history(action)[0].changes if c.label == "Review date"]
    assert (change.before, change.after) == ("30 September 2010", "September 2010")


# Printing


def _pdf_text(plan: Plan) -> str:
    return " ".join(page.text for page in pages(plan_pdf(plan_document(plan))))


def test_the_plan_page_and_pdf_print_each_review_date_as_written(client, viewer, action):
    priority = action.priority
    written = {
        "Review in a quarter.": WrittenDate(datetime.date(2010, 12, 31), Precision.QUARTER),
        "Review in a year.": WrittenDate(datetime.date(2011, 3, 31), Precision.FINANCIAL_YEAR),
        "Review by a month.": WrittenDate(datetime.date(2009, 12, 31), Precision.MONTH, True),
    }
    for order, (text, date) in enumerate(written.items(), start=2):
        Action.objects.create(
            priority=priority,
            order=order,
            text=text,
            review_date=date.date,
            review_date_precision=date.precision,
            review_date_by=date.by,
        )
    plan = priority.plan

    labels = [entry.review_date_label for entry in plan_document(plan).priorities[0].actions]
    assert labels == ["30 September 2010", "Q3 2010/11", "2010/11", "By December 2009"]
    pdf = " ".join(_pdf_text(plan).split())
    for label in labels:
        assert label in pdf
    client.force_login(viewer)
    page = client.get(reverse("priorities:action_plan", args=[priority.pk])).content.decode()
    for label in labels:
        assert label in page


def test_reviews_due_and_reminders_use_the_stored_last_day(client, editor, priority):
    today = timezone.localdate()
    month_end = datetime.date(today.year, today.month, 28)
    due = Action.objects.create(
        priority=priority,
        order=1,
        text="Due this month",
        review_date=month_end,
        review_date_precision=Precision.MONTH,
    )
    client.force_login(editor)

    response = client.get(reverse("home"))

    assert [a.pk for a in response.context["due_actions"]] == [due.pk]
    assert f"{month_end:%B %Y}" in response.content.decode()
    digests = build_digests(month_end - datetime.timedelta(days=3))
    assert digests
    assert all(digest.actions == [due] for digest in digests)


# The migration


def _scratch_database_url(tmp_path: Path) -> tuple[str, str | None]:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_migrated"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    return url, name


MIGRATION_SCRIPT = """
import datetime, json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# auth first: a later auth migration alters a column the plans' triggers read.
call_command("migrate", "auth", verbosity=0)
call_command("migrate", "priorities", "0006_priority_label", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(
    ("priorities", "0006_priority_label")
).apps
Partnership = old.get_model("plans", "Partnership")
Plan = old.get_model("plans", "Plan")
Priority = old.get_model("priorities", "Priority")
Action = old.get_model("priorities", "Action")
partnership = Partnership.objects.create(name="West Cumbria CSP", short_name="WCSP", slug="wc")
plan = Plan.objects.create(
    partnership=partnership, title="Plan", slug="2012-13", start_year=2012, end_year=2013
)
priority = Priority.objects.create(plan=plan, order=1, title="Re-offending")
Action.objects.create(
    priority=priority, order=1, text="Kept", review_date=datetime.date(2012, 9, 30)
)
try:
    Action.objects.create(
        priority=priority, order=2, text="Early", review_date=datetime.date(2011, 12, 31)
    )
    refused_before = False
except Exception:
    refused_before = True

call_command("migrate", verbosity=0)
from priorities.models import Action
kept = Action.objects.get(text="Kept")
Action.objects.create(
    priority_id=kept.priority_id,
    order=3,
    text="Early",
    review_date=datetime.date(2011, 12, 31),
    review_date_precision="month",
)
print(json.dumps({
    "refused_before": refused_before,
    "kept": [str(kept.review_date), kept.review_date_precision, kept.review_date_label],
    "early": Action.objects.get(order=3).review_date_label,
}))
"""


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_dates_and_lets_the_database_take_earlier_ones(tmp_path):
    url, pg_name = _scratch_database_url(tmp_path)
    try:
        ran = subprocess.run(  # noqa: S603 -- this interpreter, this test's own script
            [sys.executable, "-c", MIGRATION_SCRIPT],
            env={**os.environ, "DATABASE_URL": url},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        if pg_name:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    assert ran.returncode == 0, ran.stderr[-3000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result == {
        "refused_before": True,
        "kept": ["2012-09-30", "day", "30 September 2012"],
        "early": "December 2011",
    }
