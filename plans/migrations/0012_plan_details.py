"""A plan's subtitle and first publication date; a partnership's cover colour and logo.

Adding the columns and the colour and logo checks rebuilds plans_plan and plans_partnership on
SQLite, which drops their content-version triggers (plans 0005), and SQLite refuses to rename
the rebuilt plans_plan while other tables' triggers name it. So on SQLite the first step drops
every trigger plans 0009 knows, and the last puts them all back, as plans 0009 does.

The logos' bytes live in their own table, one row per image a partnership has used, named by
its SHA-256 and never overwritten, so a page published with an older logo keeps it. The
partnership's logo_sha256 says which is current and changes with each new logo, so its update
trigger still counts a new logo in every plan's content version.
"""

import importlib

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

restored = importlib.import_module("plans.migrations.0009_sqlite_triggers_restored")


def drop_sqlite_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [
        *restored.content_version.sqlite_forward(),
        *restored.review_date.SQLITE_FORWARD,
    ]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]};", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0011_hidden_comment_triggers"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PartnershipLogo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="logos",
                        to="plans.partnership",
                    ),
                ),
                ("sha256", models.CharField("fingerprint (SHA-256)", max_length=64)),
                ("content_type", models.CharField("file type", max_length=20)),
                ("content", models.BinaryField()),
            ],
            options={
                "ordering": ["partnership", "sha256"],
            },
        ),
        migrations.AddField(
            model_name="historicalpartnership",
            name="colour",
            field=models.CharField(
                "cover colour",
                blank=True,
                help_text="The plan cover's colour as #RRGGBB, for example #1d70b8.",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="historicalpartnership",
            name="logo_content_type",
            field=models.CharField("logo's file type", blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="historicalpartnership",
            name="logo_sha256",
            field=models.CharField("logo (its fingerprint)", blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="historicalplan",
            name="first_published_on",
            field=models.DateField(
                blank=True,
                help_text="The date a historical plan was first published, printed on its cover.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalplan",
            name="subtitle",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="partnership",
            name="colour",
            field=models.CharField(
                "cover colour",
                blank=True,
                help_text="The plan cover's colour as #RRGGBB, for example #1d70b8.",
                max_length=7,
            ),
        ),
        migrations.AddField(
            model_name="partnership",
            name="logo_content_type",
            field=models.CharField("logo's file type", blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="partnership",
            name="logo_sha256",
            field=models.CharField("logo (its fingerprint)", blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="plan",
            name="first_published_on",
            field=models.DateField(
                blank=True,
                help_text="The date a historical plan was first published, printed on its cover.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="subtitle",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddConstraint(
            model_name="partnership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("colour", ""), ("colour__regex", "^#[0-9a-f]{6}$"), _connector="OR"
                ),
                name="partnership_colour_is_hex",
                violation_error_message="Enter the colour as a # and six hexadecimal digits, for example #1d70b8.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("logo_content_type", ""), ("logo_sha256", "")),
                    models.Q(
                        ("logo_content_type__in", ("image/png", "image/jpeg")),
                        models.Q(("logo_sha256", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="partnership_logo_type_allowed",
                violation_error_message="A logo must be a PNG or JPEG image.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershiplogo",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("content"), 1048576
                ),
                name="partnership_logo_at_most_1_mb",
                violation_error_message="The logo must be 1 MB or smaller.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershiplogo",
            constraint=models.UniqueConstraint(
                fields=("partnership", "sha256"),
                name="partnership_logo_unique_in_partnership",
                violation_error_message="This partnership already has this logo.",
            ),
        ),
        migrations.AddConstraint(
            model_name="partnershiplogo",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("content_type__in", ("image/png", "image/jpeg")),
                    ("sha256__regex", "^[0-9a-f]{64}$"),
                ),
                name="partnership_logo_png_or_jpeg_with_hash",
                violation_error_message="A logo must be a PNG or JPEG image with its SHA-256.",
            ),
        ),
        migrations.RunPython(restored.forward, migrations.RunPython.noop),
    ]
