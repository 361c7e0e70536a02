"""Target areas of any kind, year columns with printed headings, and how each measure's table
prints (kind of figure, how change prints, precision, labels, intro and footnote).

Rows of local targets name a target area instead of a district: every district a row named
becomes an area of kind "district" linked to it, so no row changes what it prints. Each year a
measure had values for becomes one of its columns (the baseline column where a value was the
baseline). A value may be negative only where its measure holds percentage-change targets.

On SQLite, adding the columns and changing the constraints rebuilds the three local-target
tables, which drops their triggers, and SQLite refuses to rename a rebuilt table while other
tables' triggers name it: so every trigger naming them is set aside first and put back after,
as priorities 0006 does. The two new tables the document reads get their content-version
triggers here, as plans 0013 gives subsections theirs.
"""

import django.core.validators
import django.db.models.deletion
import plans.limits
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


VERSIONS = "plans_plancontentversion"
NEW_TABLES = {
    "indicators_targetarea": (
        "SELECT id FROM plans_plan WHERE partnership_id = {row}.partnership_id"
    ),
    "indicators_targetcolumn": (
        "SELECT plan_id FROM indicators_localtargetmeasure WHERE id = {row}.measure_id"
    ),
}
# Triggers set aside before the rebuilds, put back after them (one migrate run, one process).
_set_aside: list[tuple[str, str]] = []


def _bump(row: str, plans_sql: str) -> str:
    return (
        f"UPDATE {VERSIONS} SET version = version + 1 "
        f"WHERE plan_id IN ({plans_sql.format(row=row)});"
    )


def _postgresql_forward() -> list[str]:
    statements = []
    for table, plans_sql in NEW_TABLES.items():
        statements += [
            f"""
            CREATE FUNCTION plan_content_version_{table}() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN {_bump("NEW", plans_sql)} END IF;
                IF TG_OP <> 'INSERT' THEN {_bump("OLD", plans_sql)} END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql;
            """,
            f"CREATE TRIGGER plan_content_version_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION plan_content_version_{table}();",
        ]
    return statements


def _postgresql_reverse() -> list[str]:
    statements = []
    for table in NEW_TABLES:
        statements += [
            f"DROP TRIGGER plan_content_version_{table} ON {table};",
            f"DROP FUNCTION plan_content_version_{table}();",
        ]
    return statements


def sqlite_forward() -> list[str]:
    statements = []
    for table, plans_sql in NEW_TABLES.items():
        statements += [
            f"CREATE TRIGGER plan_content_version_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {_bump('NEW', plans_sql)} END;",
            f"CREATE TRIGGER plan_content_version_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {_bump('NEW', plans_sql)} {_bump('OLD', plans_sql)} END;",
            f"CREATE TRIGGER plan_content_version_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {_bump('OLD', plans_sql)} END;",
        ]
    return statements


def _sqlite_reverse() -> list[str]:
    return [
        f"DROP TRIGGER plan_content_version_{table}_{event};"
        for table in NEW_TABLES
        for event in ("insert", "update", "delete")
    ]


def set_sqlite_triggers_aside(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
            ["%indicators_localtarget%"],
        )
        _set_aside[:] = list(cursor.fetchall())
    for name, _sql in _set_aside:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)


def restore_sqlite_triggers_and_add_new(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgresql_forward()
    elif vendor == "sqlite":
        restore_sqlite_triggers(apps, schema_editor)
        statements = sqlite_forward()
    else:
        raise NotImplementedError(f"cspplan supports PostgreSQL and SQLite, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_new_triggers(apps, schema_editor) -> None:
    """Going back: the new tables' triggers go, and on SQLite the others are set aside again
    for the rebuilds undone in between."""
    vendor = schema_editor.connection.vendor
    statements = _postgresql_reverse() if vendor == "postgresql" else _sqlite_reverse()
    for statement in statements:
        schema_editor.execute(statement, params=None)
    set_sqlite_triggers_aside(apps, schema_editor)


def restore_sqlite_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, sql in _set_aside:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)
        schema_editor.execute(sql, params=None)
    _set_aside.clear()


def copy_districts_back(apps, schema_editor) -> None:
    LocalTarget = apps.get_model("indicators", "LocalTarget")
    for row in LocalTarget.objects.filter(area__district__isnull=False).select_related("area"):
        row.district_id = row.area.district_id
        row.save(update_fields=["district"])


def copy_areas_and_columns(apps, schema_editor) -> None:
    """Each district a row named becomes a target area; each year with values a column."""
    LocalTarget = apps.get_model("indicators", "LocalTarget")
    LocalTargetValue = apps.get_model("indicators", "LocalTargetValue")
    TargetArea = apps.get_model("indicators", "TargetArea")
    TargetColumn = apps.get_model("indicators", "TargetColumn")
    for row in LocalTarget.objects.filter(district__isnull=False).select_related("district"):
        district = row.district
        area, _ = TargetArea.objects.get_or_create(
            partnership_id=district.partnership_id,
            name=district.name,
            defaults={"kind": "district", "district": district},
        )
        row.area = area
        row.save(update_fields=["area"])
    columns: dict[tuple[int, int], bool] = {}
    for measure_id, year, is_baseline in LocalTargetValue.objects.values_list(
        "target__measure_id", "year", "is_baseline"
    ):
        columns[(measure_id, year)] = columns.get((measure_id, year), False) or is_baseline
    baselines: set[int] = set()
    for (measure_id, year), is_baseline in sorted(columns.items()):
        # Rows with baselines in different years keep them; the column marks the first.
        baseline = is_baseline and measure_id not in baselines
        if baseline:
            baselines.add(measure_id)
        TargetColumn.objects.create(measure_id=measure_id, year=year, is_baseline=baseline)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_text_limits"),
        ("plans", "0014_published_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(set_sqlite_triggers_aside, restore_sqlite_triggers),
        migrations.CreateModel(
            name="HistoricalTargetArea",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("district", "District"),
                            ("division", "Police division"),
                            ("county", "County"),
                            ("total", "Whole area"),
                            ("other", "Other area"),
                        ],
                        default="other",
                        max_length=10,
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical target area",
                "verbose_name_plural": "historical target areas",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTargetColumn",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        help_text="The financial year it starts: 2010 for 2010/11.",
                        validators=[
                            django.core.validators.MinValueValidator(
                                1980, "Give a year from 1980 onwards"
                            ),
                            django.core.validators.MaxValueValidator(
                                2200, "Give a year up to 2200"
                            ),
                        ],
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="As printed, e.g. “2009-11”. Empty: “2010/11”.",
                        max_length=50,
                    ),
                ),
                ("is_baseline", models.BooleanField(default=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical target column",
                "verbose_name_plural": "historical target columns",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="TargetArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("district", "District"),
                            ("division", "Police division"),
                            ("county", "County"),
                            ("total", "Whole area"),
                            ("other", "Other area"),
                        ],
                        default="other",
                        max_length=10,
                    ),
                ),
            ],
            options={
                "ordering": ["partnership", "name"],
            },
        ),
        migrations.CreateModel(
            name="TargetColumn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        help_text="The financial year it starts: 2010 for 2010/11.",
                        validators=[
                            django.core.validators.MinValueValidator(
                                1980, "Give a year from 1980 onwards"
                            ),
                            django.core.validators.MaxValueValidator(
                                2200, "Give a year up to 2200"
                            ),
                        ],
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="As printed, e.g. “2009-11”. Empty: “2010/11”.",
                        max_length=50,
                    ),
                ),
                ("is_baseline", models.BooleanField(default=False)),
            ],
            options={
                "ordering": ["measure", "year"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="localtargetvalue",
            name="local_target_value_not_negative",
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="change_label",
            field=models.CharField(
                blank=True,
                help_text="The change column's heading, e.g. “3 yr % chge”.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="change_shown",
            field=models.CharField(
                choices=[
                    ("year_on_year", "Percentage change from the year before"),
                    ("from_baseline", "Percentage change from the baseline"),
                    (
                        "points",
                        "Change in percentage points from the baseline (rates, percentages)",
                    ),
                    ("none", "No change printed"),
                ],
                default="year_on_year",
                max_length=15,
            ),
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="footnote",
            field=models.TextField(blank=True, validators=[plans.limits.TextLimit(4000)]),
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="intro",
            field=models.TextField(blank=True, validators=[plans.limits.TextLimit(4000)]),
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="kind",
            field=models.CharField(
                choices=[
                    ("count", "Counts (for example offences)"),
                    ("rate", "Rates (for example per 1,000 people)"),
                    ("percentage", "Percentages (for example 38%)"),
                    ("change", "Percentage-change targets (for example −17%)"),
                ],
                default="count",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="precision",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Whole numbers"), (1, "One decimal place")],
                default=1,
                help_text="How rates, percentages and changes print; counts print as they are.",
            ),
        ),
        migrations.AddField(
            model_name="historicallocaltargetmeasure",
            name="total_label",
            field=models.CharField(
                blank=True,
                default="Total",
                help_text="The total row's label, e.g. “Cambridgeshire”. Empty: no total row.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="historicallocaltargetvalue",
            name="may_be_negative",
            field=models.BooleanField(
                default=False,
                help_text="Set from the measure: only percentage-change targets may be negative.",
            ),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="change_label",
            field=models.CharField(
                blank=True,
                help_text="The change column's heading, e.g. “3 yr % chge”.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="change_shown",
            field=models.CharField(
                choices=[
                    ("year_on_year", "Percentage change from the year before"),
                    ("from_baseline", "Percentage change from the baseline"),
                    (
                        "points",
                        "Change in percentage points from the baseline (rates, percentages)",
                    ),
                    ("none", "No change printed"),
                ],
                default="year_on_year",
                max_length=15,
            ),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="footnote",
            field=models.TextField(blank=True, validators=[plans.limits.TextLimit(4000)]),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="intro",
            field=models.TextField(blank=True, validators=[plans.limits.TextLimit(4000)]),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="kind",
            field=models.CharField(
                choices=[
                    ("count", "Counts (for example offences)"),
                    ("rate", "Rates (for example per 1,000 people)"),
                    ("percentage", "Percentages (for example 38%)"),
                    ("change", "Percentage-change targets (for example −17%)"),
                ],
                default="count",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="precision",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Whole numbers"), (1, "One decimal place")],
                default=1,
                help_text="How rates, percentages and changes print; counts print as they are.",
            ),
        ),
        migrations.AddField(
            model_name="localtargetmeasure",
            name="total_label",
            field=models.CharField(
                blank=True,
                default="Total",
                help_text="The total row's label, e.g. “Cambridgeshire”. Empty: no total row.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="localtargetvalue",
            name="may_be_negative",
            field=models.BooleanField(
                default=False,
                help_text="Set from the measure: only percentage-change targets may be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="localtargetvalue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("value__gte", Decimal("0")), ("may_be_negative", True), _connector="OR"
                ),
                name="local_target_value_not_negative",
                violation_error_message="A count or rate cannot be negative.",
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetarea",
            name="district",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The partnership's district this area is, when it is one.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.district",
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetarea",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetarea",
            name="partnership",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.partnership",
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetcolumn",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetcolumn",
            name="measure",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.localtargetmeasure",
            ),
        ),
        migrations.AddField(
            model_name="targetarea",
            name="district",
            field=models.ForeignKey(
                blank=True,
                help_text="The partnership's district this area is, when it is one.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="target_areas",
                to="plans.district",
            ),
        ),
        migrations.AddField(
            model_name="targetarea",
            name="partnership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="target_areas",
                to="plans.partnership",
            ),
        ),
        migrations.AddField(
            model_name="historicallocaltarget",
            name="area",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Empty for the total row, which the measure labels.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.targetarea",
            ),
        ),
        migrations.AddField(
            model_name="localtarget",
            name="area",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for the total row, which the measure labels.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rows",
                to="indicators.targetarea",
            ),
        ),
        migrations.AddField(
            model_name="targetcolumn",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="columns",
                to="indicators.localtargetmeasure",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetarea",
            constraint=models.UniqueConstraint(
                fields=("partnership", "name"),
                name="target_area_name_unique_in_partnership",
                violation_error_message="This partnership already has a target area of that name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetarea",
            constraint=models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True),
                name="target_area_name_not_empty",
                violation_error_message="Give the area a name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetcolumn",
            constraint=models.UniqueConstraint(
                fields=("measure", "year"),
                name="target_column_year_unique_in_measure",
                violation_error_message="This table already has a column for that year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetcolumn",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_baseline", True)),
                fields=("measure",),
                name="target_column_one_baseline",
                violation_error_message="Only one column of a table can be the baseline.",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetcolumn",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 1980), ("year__lte", 2200)),
                name="target_column_year_plausible",
                violation_error_message="Give a year from 1980 to 2200.",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="localtarget",
            name="local_target_district_once_per_measure",
        ),
        migrations.RemoveConstraint(
            model_name="localtarget",
            name="local_target_one_total_per_measure",
        ),
        migrations.RunPython(copy_areas_and_columns, copy_districts_back),
        migrations.AddConstraint(
            model_name="localtarget",
            constraint=models.UniqueConstraint(
                fields=("measure", "area"),
                name="local_target_area_once_per_measure",
                violation_error_message="This measure already has a row for that area.",
            ),
        ),
        migrations.AddConstraint(
            model_name="localtarget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("area__isnull", True)),
                fields=("measure",),
                name="local_target_one_total_per_measure",
                violation_error_message="This measure already has a total row.",
            ),
        ),
        migrations.RemoveField(
            model_name="historicallocaltarget",
            name="district",
        ),
        migrations.RemoveField(
            model_name="localtarget",
            name="district",
        ),
        migrations.RunPython(restore_sqlite_triggers_and_add_new, drop_new_triggers),
    ]
