"""The strategic assessment's scanning matrix (plans.models.assessment), with the triggers
that count its changes in the plan's content version, as plans 0013 does for subsections, and
the triggers that keep the rules spanning rows: a mark's category and criterion are of one
matrix; a sub-category's parent is a category (not a sub-category) of the same matrix; a
criterion or category never moves to another matrix.

The triggers come last: the AddConstraint steps above rebuild the tables on SQLite, which
would drop any trigger made before them.
"""

import django.db.models.deletion
import plans.limits
import simple_history.models
from django.conf import settings
from django.db import migrations, models

VERSIONS = "plans_plancontentversion"
MATRIX_PLAN = "SELECT plan_id FROM plans_scanningmatrix WHERE id = {row}.matrix_id"
# Each table, and how a row of it finds its plan.
PLANS_OF_ROW = {
    "plans_scanningmatrix": "SELECT {row}.plan_id",
    "plans_scanningcriterion": MATRIX_PLAN,
    "plans_scanningcategory": MATRIX_PLAN,
    "plans_scanningmark": (
        "SELECT matrix.plan_id FROM plans_scanningmatrix matrix JOIN plans_scanningcategory "
        "category ON category.matrix_id = matrix.id WHERE category.id = {row}.category_id"
    ),
}
MARK_IN_ONE_MATRIX = "scanning_mark_category_and_criterion_in_one_matrix"
PARENT_IN_MATRIX = "scanning_category_parent_is_a_top_category_of_its_matrix"
STAYS_IN_MATRIX = "scanning_row_stays_in_its_matrix"

MARK_WRONG = """(SELECT matrix_id FROM plans_scanningcategory WHERE id = NEW.category_id)
    IS NOT (SELECT matrix_id FROM plans_scanningcriterion WHERE id = NEW.criterion_id)"""
PARENT_WRONG = """NEW.parent_id IS NOT NULL AND (
    NEW.parent_id = NEW.id
    OR NOT EXISTS (
        SELECT 1 FROM plans_scanningcategory parent WHERE parent.id = NEW.parent_id
        AND parent.matrix_id = NEW.matrix_id AND parent.parent_id IS NULL
    )
    OR EXISTS (SELECT 1 FROM plans_scanningcategory child WHERE child.parent_id = NEW.id)
)"""


def _bump(table: str, row: str) -> str:
    plans = PLANS_OF_ROW[table].format(row=row)
    return f"UPDATE {VERSIONS} SET version = version + 1 WHERE plan_id IN ({plans});"


def _postgresql_rule(name: str, table: str, events: str, wrong: str, message: str) -> list[str]:
    wrong = wrong.replace(" IS NOT ", " IS DISTINCT FROM ")
    return [
        f"""
        CREATE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            IF {wrong} THEN
                RAISE EXCEPTION '{name}: {message}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"CREATE TRIGGER {name} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();",
    ]


RULES = [
    # (name, table, PostgreSQL events, SQLite events, condition, message)
    (
        MARK_IN_ONE_MATRIX,
        "plans_scanningmark",
        "INSERT OR UPDATE OF category_id, criterion_id",
        ("INSERT", "UPDATE OF category_id, criterion_id"),
        MARK_WRONG,
        "a mark''s category and criterion are of different matrices",
    ),
    (
        PARENT_IN_MATRIX,
        "plans_scanningcategory",
        "INSERT OR UPDATE OF parent_id, matrix_id",
        ("INSERT", "UPDATE OF parent_id, matrix_id"),
        PARENT_WRONG,
        "a sub-category''s parent must be a category of the same matrix, not a sub-category",
    ),
    (
        f"{STAYS_IN_MATRIX}_category",
        "plans_scanningcategory",
        "UPDATE OF matrix_id",
        ("UPDATE OF matrix_id",),
        "NEW.matrix_id <> OLD.matrix_id",
        "a category cannot move to another matrix",
    ),
    (
        f"{STAYS_IN_MATRIX}_criterion",
        "plans_scanningcriterion",
        "UPDATE OF matrix_id",
        ("UPDATE OF matrix_id",),
        "NEW.matrix_id <> OLD.matrix_id",
        "a criterion cannot move to another matrix",
    ),
]


def _postgresql_forward() -> list[str]:
    statements = []
    for table in PLANS_OF_ROW:
        statements += [
            f"""
            CREATE FUNCTION plan_content_version_{table}() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN {_bump(table, "NEW")} END IF;
                IF TG_OP <> 'INSERT' THEN {_bump(table, "OLD")} END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql;
            """,
            f"CREATE TRIGGER plan_content_version_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION plan_content_version_{table}();",
        ]
    for name, table, events, _, wrong, message in RULES:
        statements += _postgresql_rule(name, table, events, wrong, message)
    return statements


def _postgresql_reverse() -> list[str]:
    statements = []
    for table in PLANS_OF_ROW:
        statements += [
            f"DROP TRIGGER plan_content_version_{table} ON {table};",
            f"DROP FUNCTION plan_content_version_{table}();",
        ]
    for name, table, *_ in RULES:
        statements += [f"DROP TRIGGER {name} ON {table};", f"DROP FUNCTION {name}();"]
    return statements


def _sqlite_event_name(event: str) -> str:
    return event.split()[0].lower()


def _sqlite_forward() -> list[str]:
    statements = []
    for table in PLANS_OF_ROW:
        statements += [
            f"CREATE TRIGGER plan_content_version_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {_bump(table, 'NEW')} END;",
            f"CREATE TRIGGER plan_content_version_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {_bump(table, 'NEW')} {_bump(table, 'OLD')} END;",
            f"CREATE TRIGGER plan_content_version_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {_bump(table, 'OLD')} END;",
        ]
    for name, table, _, events, wrong, message in RULES:
        for event in events:
            statements.append(
                f"CREATE TRIGGER {name}_{_sqlite_event_name(event)} BEFORE {event} ON {table} "
                f"WHEN {wrong} BEGIN SELECT RAISE(ABORT, '{name}: {message}'); END;"
            )
    return statements


def _sqlite_reverse() -> list[str]:
    statements = [
        f"DROP TRIGGER plan_content_version_{table}_{event};"
        for table in PLANS_OF_ROW
        for event in ("insert", "update", "delete")
    ]
    for name, _, _, events, *_ in RULES:
        statements += [f"DROP TRIGGER {name}_{_sqlite_event_name(event)};" for event in events]
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
    _run(schema_editor, _postgresql_forward, _sqlite_forward)


def reverse(apps, schema_editor) -> None:
    _run(schema_editor, _postgresql_reverse, _sqlite_reverse)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0016_partner_role_not_stated"),
        ("priorities", "0007_dates_as_written"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ScanningCriterion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField()),
                ("name", models.CharField(max_length=100)),
            ],
            options={
                "verbose_name_plural": "scanning criteria",
                "ordering": ["matrix", "order"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalScanningMatrix",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=200)),
                (
                    "introduction",
                    models.TextField(blank=True, validators=[plans.limits.TextLimit(4000)]),
                ),
                (
                    "key",
                    models.TextField(
                        blank=True,
                        help_text="What the marks mean, for example “H: high, M: medium, L: low”.",
                        validators=[plans.limits.TextLimit(2000)],
                        verbose_name="key to the marks",
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
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scanning matrix",
                "verbose_name_plural": "historical scanning matrices",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ScanningCategory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField()),
                ("name", models.CharField(max_length=200)),
                (
                    "comment",
                    models.TextField(blank=True, validators=[plans.limits.TextLimit(2000)]),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("undecided", "Not decided"),
                            ("included", "Included"),
                            ("excluded", "Excluded"),
                        ],
                        default="undecided",
                        max_length=10,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="The category this is a sub-category of; empty for a category of its own.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subcategories",
                        to="plans.scanningcategory",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "scanning categories",
                "ordering": ["matrix", "order"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalScanningMark",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=10)),
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
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.scanningcategory",
                    ),
                ),
                (
                    "criterion",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.scanningcriterion",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scanning mark",
                "verbose_name_plural": "historical scanning marks",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ScanningMatrix",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=200)),
                (
                    "introduction",
                    models.TextField(blank=True, validators=[plans.limits.TextLimit(4000)]),
                ),
                (
                    "key",
                    models.TextField(
                        blank=True,
                        help_text="What the marks mean, for example “H: high, M: medium, L: low”.",
                        validators=[plans.limits.TextLimit(2000)],
                        verbose_name="key to the marks",
                    ),
                ),
                (
                    "plan",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scanning_matrix",
                        to="plans.plan",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "scanning matrices",
                "ordering": ["plan"],
            },
        ),
        migrations.AddField(
            model_name="scanningcriterion",
            name="matrix",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="criteria",
                to="plans.scanningmatrix",
            ),
        ),
        migrations.AddField(
            model_name="scanningcategory",
            name="matrix",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="categories",
                to="plans.scanningmatrix",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalScanningCriterion",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField()),
                ("name", models.CharField(max_length=100)),
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
                    "matrix",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.scanningmatrix",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scanning criterion",
                "verbose_name_plural": "historical scanning criteria",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalScanningCategory",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveSmallIntegerField()),
                ("name", models.CharField(max_length=200)),
                (
                    "comment",
                    models.TextField(blank=True, validators=[plans.limits.TextLimit(2000)]),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("undecided", "Not decided"),
                            ("included", "Included"),
                            ("excluded", "Excluded"),
                        ],
                        default="undecided",
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
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The category this is a sub-category of; empty for a category of its own.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.scanningcategory",
                    ),
                ),
                (
                    "matrix",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="plans.scanningmatrix",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical scanning category",
                "verbose_name_plural": "historical scanning categories",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ScanningMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=10)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="marks",
                        to="plans.scanningcategory",
                    ),
                ),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="marks",
                        to="plans.scanningcriterion",
                    ),
                ),
            ],
            options={
                "ordering": ["category", "criterion"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("category", "criterion"),
                        name="scanning_mark_one_per_cell",
                        violation_error_message="This category already has a mark for that criterion.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("text", ""), _negated=True),
                        name="scanning_mark_not_empty",
                        violation_error_message="An empty cell has no mark: leave it out.",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="scanningcriterion",
            constraint=models.UniqueConstraint(
                fields=("matrix", "order"),
                name="scanning_criterion_order_unique_in_matrix",
                violation_error_message="Another criterion of this matrix already has that place.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scanningcriterion",
            constraint=models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True),
                name="scanning_criterion_has_a_name",
                violation_error_message="Enter the criterion's name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scanningcategory",
            constraint=models.UniqueConstraint(
                fields=("matrix", "order"),
                name="scanning_category_order_unique_in_matrix",
                violation_error_message="Another category of this matrix already has that place.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scanningcategory",
            constraint=models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True),
                name="scanning_category_has_a_name",
                violation_error_message="Enter the category's name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scanningcategory",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision__in", ["undecided", "included", "excluded"])),
                name="scanning_category_decision_is_known",
                violation_error_message="Choose whether the category is included, excluded or not decided.",
            ),
        ),
        migrations.RunPython(forward, reverse),
    ]
