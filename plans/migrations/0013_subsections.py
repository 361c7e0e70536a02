"""Subsections of a plan's sections ("3.1 Crime"), and the triggers that count their changes in
the plan's content version, as plans 0005 counts every other table the document reads: a
subsection belongs to the plan of its section."""

import django.db.models.deletion
import plans.limits
import simple_history.models
from django.conf import settings
from django.db import migrations, models


VERSIONS = "plans_plancontentversion"
TABLE = "plans_subsection"
PLANS_OF_ROW = "SELECT plan_id FROM plans_section WHERE id = {row}.section_id"


def _bump(row: str) -> str:
    return (
        f"UPDATE {VERSIONS} SET version = version + 1 "
        f"WHERE plan_id IN ({PLANS_OF_ROW.format(row=row)});"
    )


def _postgresql_forward() -> list[str]:
    return [
        f"""
        CREATE FUNCTION plan_content_version_{TABLE}() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'DELETE' THEN {_bump("NEW")} END IF;
            IF TG_OP <> 'INSERT' THEN {_bump("OLD")} END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"CREATE TRIGGER plan_content_version_{TABLE} AFTER INSERT OR UPDATE OR DELETE "
        f"ON {TABLE} FOR EACH ROW EXECUTE FUNCTION plan_content_version_{TABLE}();",
    ]


def _postgresql_reverse() -> list[str]:
    return [
        f"DROP TRIGGER plan_content_version_{TABLE} ON {TABLE};",
        f"DROP FUNCTION plan_content_version_{TABLE}();",
    ]


def _sqlite_forward() -> list[str]:
    return [
        f"CREATE TRIGGER plan_content_version_{TABLE}_insert AFTER INSERT ON {TABLE} "
        f"BEGIN {_bump('NEW')} END;",
        f"CREATE TRIGGER plan_content_version_{TABLE}_update AFTER UPDATE ON {TABLE} "
        f"BEGIN {_bump('NEW')} {_bump('OLD')} END;",
        f"CREATE TRIGGER plan_content_version_{TABLE}_delete AFTER DELETE ON {TABLE} "
        f"BEGIN {_bump('OLD')} END;",
    ]


def _sqlite_reverse() -> list[str]:
    return [
        f"DROP TRIGGER plan_content_version_{TABLE}_{event};"
        for event in ("insert", "update", "delete")
    ]


def _run(schema_editor, postgresql, sqlite) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgresql()
    elif vendor == "sqlite":
        statements = sqlite()
    else:
        raise NotImplementedError(f"cspplan supports PostgreSQL and SQLite, not {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, _postgresql_forward, _sqlite_forward)


def reverse(apps, schema_editor) -> None:
    _run(schema_editor, _postgresql_reverse, _sqlite_reverse)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_plan_details"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalSubsection",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True, validators=[plans.limits.TextLimit(100000)])),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.section",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical subsection",
                "verbose_name_plural": "historical subsections",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Subsection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True, validators=[plans.limits.TextLimit(100000)])),
                (
                    "section",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subsections",
                        to="plans.section",
                    ),
                ),
            ],
            options={
                "ordering": ["section", "order"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("section", "order"),
                        name="subsection_order_unique_in_section",
                        violation_error_message="Another subsection of this section already has that place.",
                    )
                ],
            },
        ),
        migrations.RunPython(forward, reverse),
    ]
