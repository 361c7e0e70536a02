"""Plans as they are written: review dates as months, quarters and financial years, lead
partners kept as written, and agencies an aim's row prints with no action.

- A review date keeps its precision (day, month, quarter, financial year) and "By", so
  "December 2011" prints as written; review_date stays a real day (the period's last day).
- A review date before the plan's period is no longer refused: real plans print them (West
  Cumbria 2012/13 prints "December 2011"). The triggers of priorities 0002 that refused it
  are dropped on both engines; the forms warn instead. Existing dates are kept as days.
- A lead partner may be kept as written (a named person, a body that is not a listed
  organisation): its printed words are required.

Adding columns with defaults and changing constraints rebuilds the actions, aims and lead
partners tables on SQLite, which drops their triggers, and SQLite refuses to rename a rebuilt
table while triggers on other tables name it. So, as priorities 0006, every trigger naming
these tables is set aside first and put back after, except the review-date ones, which go.
PostgreSQL changes the tables in place and keeps its triggers.
"""

import importlib

import plans.limits
from django.db import migrations, models

review_date = importlib.import_module("priorities.migrations.0002_review_date_trigger")

TABLES = ["priorities_action", "priorities_aim", "priorities_actionleadpartner"]
REVIEW_RULE = review_date.RULE
_set_aside: list[tuple[str, str]] = []


def _triggers_naming_the_tables(schema_editor) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
                [f"%{table}%"],
            )
            found.update(dict(cursor.fetchall()))
    return list(found.items())


def drop_review_date_rule_and_set_triggers_aside(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(review_date.POSTGRESQL_REVERSE, params=None)
        return
    if vendor != "sqlite":
        raise NotImplementedError(f"cspplan supports PostgreSQL and SQLite, not {vendor}.")
    for statement in review_date.SQLITE_REVERSE:
        schema_editor.execute(statement.replace("DROP TRIGGER", "DROP TRIGGER IF EXISTS"))
    _set_aside[:] = _triggers_naming_the_tables(schema_editor)
    for name, _sql in _set_aside:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)


def restore_sqlite_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    for name, sql in _set_aside:
        if name not in present and not name.startswith(REVIEW_RULE):
            schema_editor.execute(sql, params=None)
    _set_aside.clear()


def refuse_to_bring_back_the_rule(apps, schema_editor) -> None:
    """Going back would put back a rule that dates now stored (before the plan's period) break;
    the columns are removed, and the review-date triggers are not restored."""


PRECISION_CHOICES = [
    ("day", "A day"),
    ("month", "A month"),
    ("quarter", "A quarter of a financial year"),
    ("financial_year", "A financial year"),
]
KIND_CHOICES = [
    ("organisation", "Organisation"),
    ("partnership", "The partnership itself"),
    ("group", "A group of the partnership"),
    ("as_written", "Kept as written (not a listed organisation)"),
]


def _precision() -> models.CharField:
    return models.CharField(
        choices=PRECISION_CHOICES,
        default="day",
        max_length=20,
        verbose_name="review date written as",
    )


def _by() -> models.BooleanField:
    return models.BooleanField(
        default=False,
        help_text="As in “By July 2009”.",
        verbose_name="review date printed with “By”",
    )


def _agencies() -> models.TextField:
    return models.TextField(
        blank=True,
        help_text="Agencies the plan prints beside this aim with no action, one a line.",
        validators=[plans.limits.TextLimit(4000)],
        verbose_name="agencies named without an action",
    )


def _review_date() -> models.DateField:
    return models.DateField(
        blank=True, help_text="The last day of the period the plan writes.", null=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_text_limits"),
        ("plans", "0016_partner_role_not_stated"),
        ("priorities", "0006_priority_label"),
    ]

    operations = [
        migrations.RunPython(
            drop_review_date_rule_and_set_triggers_aside, refuse_to_bring_back_the_rule
        ),
        migrations.RemoveConstraint(
            model_name="actionleadpartner",
            name="lead_partner_names_exactly_one_partner",
        ),
        migrations.AddField(model_name="action", name="review_date_by", field=_by()),
        migrations.AddField(
            model_name="action", name="review_date_precision", field=_precision()
        ),
        migrations.AddField(model_name="aim", name="agencies", field=_agencies()),
        migrations.AddField(model_name="historicalaction", name="review_date_by", field=_by()),
        migrations.AddField(
            model_name="historicalaction", name="review_date_precision", field=_precision()
        ),
        migrations.AddField(model_name="historicalaim", name="agencies", field=_agencies()),
        migrations.AlterField(model_name="action", name="review_date", field=_review_date()),
        migrations.AlterField(
            model_name="historicalaction", name="review_date", field=_review_date()
        ),
        migrations.AlterField(
            model_name="actionleadpartner",
            name="kind",
            field=models.CharField(choices=KIND_CHOICES, max_length=20),
        ),
        migrations.AlterField(
            model_name="historicalactionleadpartner",
            name="kind",
            field=models.CharField(choices=KIND_CHOICES, max_length=20),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("review_date_precision__in", ["day", "month", "quarter", "financial_year"])
                ),
                name="action_review_date_precision_known",
                violation_error_message="Write the review date as a day, a month, a quarter "
                "or a financial year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="actionleadpartner",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("group__isnull", True),
                        ("kind", "organisation"),
                        ("organisation__isnull", False),
                    ),
                    models.Q(
                        ("group__isnull", False), ("kind", "group"), ("organisation__isnull", True)
                    ),
                    models.Q(
                        ("group__isnull", True),
                        ("kind", "partnership"),
                        ("organisation__isnull", True),
                    ),
                    models.Q(
                        ("group__isnull", True),
                        ("kind", "as_written"),
                        ("organisation__isnull", True),
                        models.Q(("printed_as", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="lead_partner_names_exactly_one_partner",
                violation_error_message="Choose an organisation for an organisation lead, a "
                "group for a group lead, neither for the partnership itself, and write the "
                "name of a lead kept as written.",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
