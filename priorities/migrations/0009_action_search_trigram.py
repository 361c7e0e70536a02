"""Trigram indexes for searching actions by their words, on PostgreSQL only.

Django's icontains is UPPER(column) LIKE UPPER('%word%') on PostgreSQL, so the indexes are on
UPPER(column) with gin_trgm_ops: the planner uses them for any word of three letters or more,
wherever it falls in the text. SQLite has no pg_trgm and keeps scanning, which is fine at its
sizes: there every operation here does nothing.
"""

from django.db import migrations

INDEXES = [
    ("action_text_trgm", "priorities_action", "text"),
    ("lead_partner_printed_as_trgm", "priorities_actionleadpartner", "printed_as"),
]


def _on_postgresql(sql: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in sql:
            schema_editor.execute(statement)

    return run


CREATE = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
    for name, table, column in INDEXES
]
# The extension stays: other databases objects may use it, and dropping it needs more rights.
DROP = [f"DROP INDEX IF EXISTS {name}" for name, _, _ in INDEXES]


class Migration(migrations.Migration):
    dependencies = [("priorities", "0008_priority_assessment_categories")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
