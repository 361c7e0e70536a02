"""A priority's label ("Priority 1", "Theme A", "Cross-cutting theme").

Adding a column with a default rebuilds the priorities table on SQLite. The rebuild drops the
table's own triggers, and SQLite refuses to rename the rebuilt table while triggers on other
tables (aims, actions, lead partners...) name it. So every trigger that names the table is
dropped first and all of them are put back after, as plans 0009 does. PostgreSQL adds the
column in place and keeps its triggers.
"""

import importlib

from django.db import migrations, models

content_version = importlib.import_module("plans.migrations.0005_content_version_triggers")
review_date = importlib.import_module("priorities.migrations.0002_review_date_trigger")


TABLE = "priorities_priority"
# Triggers set aside before the rebuild, put back after it (one migrate run, one process).
_set_aside: list[tuple[str, str]] = []


def _triggers_naming_the_table(schema_editor) -> list[tuple[str, str]]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s",
            [f"%{TABLE}%"],
        )
        return list(cursor.fetchall())


def set_sqlite_triggers_aside(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    _set_aside[:] = _triggers_naming_the_table(schema_editor)
    for name, _sql in _set_aside:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)


def restore_sqlite_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*content_version.sqlite_forward(), *review_date.SQLITE_FORWARD]:
        name = statement.split()[2]
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)
        schema_editor.execute(statement, params=None)
    # Any other trigger that named the table (a later app's) goes back as it was.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    for name, sql in _set_aside:
        if name not in present:
            schema_editor.execute(sql, params=None)
    _set_aside.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_sqlite_triggers_restored"),
        ("priorities", "0005_text_limits"),
    ]

    operations = [
        migrations.RunPython(set_sqlite_triggers_aside, migrations.RunPython.noop),
        migrations.AddField(
            model_name="historicalpriority",
            name="label",
            field=models.CharField(
                blank=True,
                help_text="How the plan numbers or names it, for example “Priority 1” or “Theme A”.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="label",
            field=models.CharField(
                blank=True,
                help_text="How the plan numbers or names it, for example “Priority 1” or “Theme A”.",
                max_length=100,
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
