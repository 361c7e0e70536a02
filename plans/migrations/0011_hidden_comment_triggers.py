"""Hiding a review comment changes what the plan's page shows: count it in the plan's content
version, as plans 0005 counts every other such change, so a cached page never shows it."""

from django.db import migrations

VERSIONS = "plans_plancontentversion"
TABLE = "plans_hiddencomment"
PLANS_OF_ROW = "SELECT plan_id FROM priorities_reviewcomment WHERE id = {row}.review_comment_id"


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
    dependencies = [("plans", "0010_text_limits")]

    operations = [migrations.RunPython(forward, reverse)]
