"""A priority names the rows of its plan's scanning matrix it was chosen from.

The link table gets the content-version triggers every table the document reads has (plans
0013's pattern: a link belongs to its priority's plan), and a rule the database keeps: a
priority links only to categories of its own plan's matrix. Adding a many-to-many field makes
a new table and rebuilds none, so no other table's triggers are touched.
"""

from django.db import migrations, models

VERSIONS = "plans_plancontentversion"
TABLE = "priorities_priority_assessment_categories"
PLANS_OF_ROW = "SELECT plan_id FROM priorities_priority WHERE id = {row}.priority_id"
RULE = "priority_category_of_its_own_plan"
WRONG = """(SELECT plan_id FROM priorities_priority WHERE id = NEW.priority_id) IS NOT (
    SELECT matrix.plan_id FROM plans_scanningmatrix matrix
    JOIN plans_scanningcategory category ON category.matrix_id = matrix.id
    WHERE category.id = NEW.scanningcategory_id
)"""
MESSAGE = "a priority can only name categories of its own plan''s scanning matrix"


def _bump(row: str) -> str:
    return (
        f"UPDATE {VERSIONS} SET version = version + 1 "
        f"WHERE plan_id IN ({PLANS_OF_ROW.format(row=row)});"
    )


def _postgresql_forward() -> list[str]:
    wrong = WRONG.replace(" IS NOT ", " IS DISTINCT FROM ")
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
        f"""
        CREATE FUNCTION {RULE}() RETURNS trigger AS $$
        BEGIN
            IF {wrong} THEN
                RAISE EXCEPTION '{RULE}: {MESSAGE}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"CREATE TRIGGER {RULE} BEFORE INSERT OR UPDATE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {RULE}();",
    ]


def _postgresql_reverse() -> list[str]:
    return [
        f"DROP TRIGGER plan_content_version_{TABLE} ON {TABLE};",
        f"DROP FUNCTION plan_content_version_{TABLE}();",
        f"DROP TRIGGER {RULE} ON {TABLE};",
        f"DROP FUNCTION {RULE}();",
    ]


def _sqlite_forward() -> list[str]:
    return [
        f"CREATE TRIGGER plan_content_version_{TABLE}_insert AFTER INSERT ON {TABLE} "
        f"BEGIN {_bump('NEW')} END;",
        f"CREATE TRIGGER plan_content_version_{TABLE}_update AFTER UPDATE ON {TABLE} "
        f"BEGIN {_bump('NEW')} {_bump('OLD')} END;",
        f"CREATE TRIGGER plan_content_version_{TABLE}_delete AFTER DELETE ON {TABLE} "
        f"BEGIN {_bump('OLD')} END;",
        *(
            f"CREATE TRIGGER {RULE}_{event.lower()} BEFORE {event} ON {TABLE} "
            f"WHEN {WRONG} BEGIN SELECT RAISE(ABORT, '{RULE}: {MESSAGE}'); END;"
            for event in ("INSERT", "UPDATE")
        ),
    ]


def _sqlite_reverse() -> list[str]:
    return [
        *(
            f"DROP TRIGGER plan_content_version_{TABLE}_{event};"
            for event in ("insert", "update", "delete")
        ),
        f"DROP TRIGGER {RULE}_insert;",
        f"DROP TRIGGER {RULE}_update;",
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
        ("plans", "0017_scanning_matrix"),
        ("priorities", "0007_dates_as_written"),
    ]

    operations = [
        migrations.AddField(
            model_name="priority",
            name="assessment_categories",
            field=models.ManyToManyField(
                blank=True,
                related_name="priorities",
                to="plans.scanningcategory",
                verbose_name="categories of the strategic assessment",
            ),
        ),
        migrations.RunPython(forward, reverse),
    ]
