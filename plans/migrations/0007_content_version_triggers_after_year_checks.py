"""Put back, on SQLite, the content-version triggers of the tables the year checks rebuilt.

SQLite cannot add a CHECK constraint to an existing table, so Django rebuilds the table, and
the rebuilt table has none of the triggers of 0005. PostgreSQL adds the constraints in place
and keeps its triggers, so there is nothing to do there.
"""

import importlib

from django.db import migrations

content_version = importlib.import_module("plans.migrations.0005_content_version_triggers")

REBUILT_TABLES = ["plans_budgetline", "indicators_indicatorset", "indicators_localtargetvalue"]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in content_version.sqlite_forward():
        if not any(f" ON {table} " in statement for table in REBUILT_TABLES):
            continue
        name = statement.split()[2]
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_alter_budgetline_year_and_more"),
        ("indicators", "0002_alter_indicatorset_valid_from_year_and_more"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
