"""Put every trigger back on SQLite after migrations that rebuilt tables.

SQLite cannot add a CHECK constraint or change a column in place, so Django rebuilds the
table, and the rebuilt table has none of its triggers: the content version's (plans 0005) and
the review date rule's (priorities 0002). This drops and re-creates all of them, so it is safe
to run whichever tables were rebuilt. A later migration that rebuilds a table on SQLite needs
the same step after it; tests/test_constraints.py checks every trigger is in place.
PostgreSQL alters tables in place and keeps its triggers, so there is nothing to do there.
"""

import importlib

from django.db import migrations

content_version = importlib.import_module("plans.migrations.0005_content_version_triggers")
review_date = importlib.import_module("priorities.migrations.0002_review_date_trigger")


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*content_version.sqlite_forward(), *review_date.SQLITE_FORWARD]:
        name = statement.split()[2]
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_year_checks"),
        ("indicators", "0003_year_checks"),
        ("priorities", "0004_history_of_aims_leads_progress_and_protected_deletes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
