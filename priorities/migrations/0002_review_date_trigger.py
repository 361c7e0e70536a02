"""A review date may not fall before its plan starts (1 April of the plan's start year).

The rule spans three tables (action, priority, plan), which a CHECK constraint cannot see, so
each engine enforces it with triggers. They raise an integrity error named after the rule.
"""

from django.db import migrations

RULE = "action_review_date_not_before_plan_start"

POSTGRESQL_FORWARD = f"""
CREATE FUNCTION {RULE}_action() RETURNS trigger AS $$
BEGIN
    IF NEW.review_date IS NOT NULL AND NEW.review_date < (
        SELECT make_date(plan.start_year, 4, 1)
        FROM priorities_priority priority JOIN plans_plan plan ON plan.id = priority.plan_id
        WHERE priority.id = NEW.priority_id
    ) THEN
        RAISE EXCEPTION '{RULE}: review date % is before the plan starts', NEW.review_date
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {RULE}_action BEFORE INSERT OR UPDATE OF review_date, priority_id
    ON priorities_action FOR EACH ROW EXECUTE FUNCTION {RULE}_action();

CREATE FUNCTION {RULE}_plan() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM priorities_action action
        JOIN priorities_priority priority ON priority.id = action.priority_id
        WHERE priority.plan_id = NEW.id AND action.review_date < make_date(NEW.start_year, 4, 1)
    ) THEN
        RAISE EXCEPTION '{RULE}: an action''s review date is before the new start year'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {RULE}_plan BEFORE UPDATE OF start_year
    ON plans_plan FOR EACH ROW EXECUTE FUNCTION {RULE}_plan();

CREATE FUNCTION {RULE}_priority() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM priorities_action action, plans_plan plan
        WHERE action.priority_id = NEW.id AND plan.id = NEW.plan_id
        AND action.review_date < make_date(plan.start_year, 4, 1)
    ) THEN
        RAISE EXCEPTION '{RULE}: an action''s review date is before the plan starts'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {RULE}_priority BEFORE UPDATE OF plan_id
    ON priorities_priority FOR EACH ROW EXECUTE FUNCTION {RULE}_priority();
"""

POSTGRESQL_REVERSE = f"""
DROP TRIGGER {RULE}_action ON priorities_action;
DROP FUNCTION {RULE}_action();
DROP TRIGGER {RULE}_plan ON plans_plan;
DROP FUNCTION {RULE}_plan();
DROP TRIGGER {RULE}_priority ON priorities_priority;
DROP FUNCTION {RULE}_priority();
"""

_SQLITE_PLAN_START = "printf('%04d-04-01', plan.start_year)"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {RULE}_action_insert BEFORE INSERT ON priorities_action
    WHEN NEW.review_date IS NOT NULL AND NEW.review_date < (
        SELECT {_SQLITE_PLAN_START}
        FROM priorities_priority priority JOIN plans_plan plan ON plan.id = priority.plan_id
        WHERE priority.id = NEW.priority_id
    )
    BEGIN SELECT RAISE(ABORT, '{RULE}: review date is before the plan starts'); END;
    """,
    f"""
    CREATE TRIGGER {RULE}_action_update BEFORE UPDATE OF review_date, priority_id
    ON priorities_action
    WHEN NEW.review_date IS NOT NULL AND NEW.review_date < (
        SELECT {_SQLITE_PLAN_START}
        FROM priorities_priority priority JOIN plans_plan plan ON plan.id = priority.plan_id
        WHERE priority.id = NEW.priority_id
    )
    BEGIN SELECT RAISE(ABORT, '{RULE}: review date is before the plan starts'); END;
    """,
    f"""
    CREATE TRIGGER {RULE}_plan BEFORE UPDATE OF start_year ON plans_plan
    WHEN EXISTS (
        SELECT 1 FROM priorities_action action
        JOIN priorities_priority priority ON priority.id = action.priority_id
        WHERE priority.plan_id = NEW.id
        AND action.review_date < printf('%04d-04-01', NEW.start_year)
    )
    BEGIN SELECT RAISE(ABORT, '{RULE}: an action''s review date is before the new start'); END;
    """,
    f"""
    CREATE TRIGGER {RULE}_priority BEFORE UPDATE OF plan_id ON priorities_priority
    WHEN EXISTS (
        SELECT 1 FROM priorities_action action, plans_plan plan
        WHERE action.priority_id = NEW.id AND plan.id = NEW.plan_id
        AND action.review_date < {_SQLITE_PLAN_START}
    )
    BEGIN SELECT RAISE(ABORT, '{RULE}: an action''s review date is before the plan starts'); END;
    """,
]

SQLITE_REVERSE = [
    f"DROP TRIGGER {RULE}_action_insert",
    f"DROP TRIGGER {RULE}_action_update",
    f"DROP TRIGGER {RULE}_plan",
    f"DROP TRIGGER {RULE}_priority",
]


def _run(schema_editor, postgresql, sqlite) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, params=None)
    else:
        raise NotImplementedError(f"cspplan supports PostgreSQL and SQLite, not {vendor}.")


def forward(apps, schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_FORWARD, SQLITE_FORWARD)


def reverse(apps, schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_REVERSE, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("priorities", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, reverse)]
