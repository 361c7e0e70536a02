"""Triggers that count every change to what a plan's document shows.

Each table the document reads bumps the version of the plans its rows belong to, on insert,
update and delete, so a cached rendering of a plan is only reused while nothing it shows has
changed, however the change was made. Shared reference data (organisations, districts,
indicators) bumps every plan: it changes rarely, and any plan may print it.
"""

from django.db import migrations

VERSIONS = "plans_plancontentversion"

# Each table, and the plans a row belongs to as SQL over that row ({row} is NEW or OLD);
# None means every plan.
PLANS_OF_ROW = {
    "plans_plan": "SELECT {row}.id",
    "plans_partnership": "SELECT id FROM plans_plan WHERE partnership_id = {row}.id",
    "plans_group": "SELECT id FROM plans_plan WHERE partnership_id = {row}.partnership_id",
    "plans_glossaryterm": "SELECT id FROM plans_plan WHERE partnership_id = {row}.partnership_id",
    "plans_section": "SELECT {row}.plan_id",
    "plans_relatedstrategy": "SELECT {row}.plan_id",
    "plans_budgetline": "SELECT {row}.plan_id",
    "priorities_priority": "SELECT {row}.plan_id",
    "priorities_reviewcomment": "SELECT {row}.plan_id",
    "indicators_localtargetmeasure": "SELECT {row}.plan_id",
    "priorities_aim": "SELECT plan_id FROM priorities_priority WHERE id = {row}.priority_id",
    "priorities_action": "SELECT plan_id FROM priorities_priority WHERE id = {row}.priority_id",
    "priorities_actionleadpartner": (
        "SELECT priority.plan_id FROM priorities_action action JOIN priorities_priority "
        "priority ON priority.id = action.priority_id WHERE action.id = {row}.action_id"
    ),
    "priorities_action_indicators": (
        "SELECT priority.plan_id FROM priorities_action action JOIN priorities_priority "
        "priority ON priority.id = action.priority_id WHERE action.id = {row}.action_id"
    ),
    "indicators_localtarget": (
        "SELECT plan_id FROM indicators_localtargetmeasure WHERE id = {row}.measure_id"
    ),
    "indicators_localtargetvalue": (
        "SELECT measure.plan_id FROM indicators_localtarget target JOIN "
        "indicators_localtargetmeasure measure ON measure.id = target.measure_id "
        "WHERE target.id = {row}.target_id"
    ),
    "plans_organisation": None,
    "plans_district": None,
    "indicators_indicatorset": None,
    "indicators_indicator": None,
}
# Comment threads print their authors' names; a sign-in (last_login) changes nothing shown.
USER_COLUMNS = "username, first_name, last_name"
PLANS_OF_USER = (
    "SELECT plan_id FROM priorities_reviewcomment WHERE author_id = NEW.id "
    "OR resolved_by_id = NEW.id"
)


def _bump(row: str, plans_sql: str | None) -> str:
    where = f" WHERE plan_id IN ({plans_sql.format(row=row)})" if plans_sql else ""
    return f"UPDATE {VERSIONS} SET version = version + 1{where};"


def postgresql_forward() -> list[str]:
    statements = [
        f"""
        CREATE FUNCTION plan_content_version_create() RETURNS trigger AS $$
        BEGIN
            INSERT INTO {VERSIONS} (plan_id, version) VALUES (NEW.id, 1);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """,
        "CREATE TRIGGER plan_content_version_create AFTER INSERT ON plans_plan "
        "FOR EACH ROW EXECUTE FUNCTION plan_content_version_create();",
        f"""
        CREATE FUNCTION plan_content_version_user() RETURNS trigger AS $$
        BEGIN
            {_bump("NEW", PLANS_OF_USER)}
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"CREATE TRIGGER plan_content_version_user AFTER UPDATE OF {USER_COLUMNS} ON auth_user "
        "FOR EACH ROW EXECUTE FUNCTION plan_content_version_user();",
    ]
    for table, plans_sql in PLANS_OF_ROW.items():
        events = (
            "UPDATE"
            if table in ("plans_plan", "plans_partnership")
            else ("INSERT OR UPDATE OR DELETE")
        )
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
            f"CREATE TRIGGER plan_content_version_{table} AFTER {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION plan_content_version_{table}();",
        ]
    return statements


def postgresql_reverse() -> list[str]:
    statements = []
    for table in [*PLANS_OF_ROW, "create", "user"]:
        on = {"create": "plans_plan", "user": "auth_user"}.get(table, table)
        statements += [
            f"DROP TRIGGER plan_content_version_{table} ON {on};",
            f"DROP FUNCTION plan_content_version_{table}();",
        ]
    return statements


def sqlite_forward() -> list[str]:
    statements = [
        "CREATE TRIGGER plan_content_version_create AFTER INSERT ON plans_plan "
        f"BEGIN INSERT INTO {VERSIONS} (plan_id, version) VALUES (NEW.id, 1); END;",
        f"CREATE TRIGGER plan_content_version_user AFTER UPDATE OF {USER_COLUMNS} ON auth_user "
        f"BEGIN {_bump('NEW', PLANS_OF_USER)} END;",
    ]
    for table, plans_sql in PLANS_OF_ROW.items():
        statements.append(
            f"CREATE TRIGGER plan_content_version_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {_bump('NEW', plans_sql)} {_bump('OLD', plans_sql)} END;"
        )
        if table in ("plans_plan", "plans_partnership"):
            continue
        statements += [
            f"CREATE TRIGGER plan_content_version_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {_bump('NEW', plans_sql)} END;",
            f"CREATE TRIGGER plan_content_version_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {_bump('OLD', plans_sql)} END;",
        ]
    return statements


def sqlite_reverse() -> list[str]:
    statements = [
        "DROP TRIGGER plan_content_version_create;",
        "DROP TRIGGER plan_content_version_user;",
    ]
    for table in PLANS_OF_ROW:
        statements.append(f"DROP TRIGGER plan_content_version_{table}_update;")
        if table not in ("plans_plan", "plans_partnership"):
            statements += [
                f"DROP TRIGGER plan_content_version_{table}_insert;",
                f"DROP TRIGGER plan_content_version_{table}_delete;",
            ]
    return statements


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
    schema_editor.execute(
        f"INSERT INTO {VERSIONS} (plan_id, version) SELECT id, 1 FROM plans_plan", params=None
    )
    _run(schema_editor, postgresql_forward, sqlite_forward)


def reverse(apps, schema_editor) -> None:
    _run(schema_editor, postgresql_reverse, sqlite_reverse)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_content_version"),
        ("priorities", "0003_workflow_and_review"),
        ("indicators", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, reverse)]
