"""Published copies become numbered versions, so a published plan can be corrected.

Existing copies are numbered per plan in the order they were published, oldest first as
version 1. Each copy also keeps the cover colour it was published with (existing copies:
none, as none had a colour yet), so its page never takes a later one. On SQLite, adding the columns and constraints rebuilds plans_publishedcopy, which
has no triggers of its own (tests/test_constraints.py checks every trigger is in place).
"""

import plans.limits
from django.db import migrations, models


def number_versions(apps, schema_editor) -> None:
    PublishedCopy = apps.get_model("plans", "PublishedCopy")
    copies = PublishedCopy.objects.order_by("plan_id", "published_at", "pk").only(
        "pk", "plan_id", "version"
    )
    numbered = []
    last_plan, version = None, 0
    for copy in copies.iterator():
        version = version + 1 if copy.plan_id == last_plan else 1
        last_plan = copy.plan_id
        if copy.version != version:
            copy.version = version
            numbered.append(copy)
    PublishedCopy.objects.bulk_update(numbered, ["version"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0013_subsections"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="publishedcopy",
            options={
                "get_latest_by": "version",
                "ordering": ["plan", "-version"],
                "verbose_name_plural": "published copies",
            },
        ),
        migrations.AddField(
            model_name="publishedcopy",
            name="change_note",
            field=models.TextField(
                blank=True,
                help_text="What the correction changed; empty for the first version.",
                validators=[plans.limits.TextLimit(4000)],
            ),
        ),
        migrations.AddField(
            model_name="publishedcopy",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="1 for the plan as first published, 2 for its first correction.",
            ),
        ),
        migrations.AddField(
            model_name="publishedcopy",
            name="cover_colour",
            field=models.CharField(
                blank=True,
                help_text="The partnership's cover colour when this version was published: its "
                "page links the stylesheet of this colour, whatever the colour is now.",
                max_length=7,
            ),
        ),
        migrations.RunPython(number_versions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="publishedcopy",
            constraint=models.UniqueConstraint(
                fields=("plan", "version"),
                name="published_copy_version_unique_in_plan",
                violation_error_message="This plan already has a published version with that "
                "number.",
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedcopy",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)),
                name="published_copy_version_from_one",
                violation_error_message="Versions are numbered from 1.",
            ),
        ),
        migrations.AddConstraint(
            model_name="publishedcopy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cover_colour", ""), ("cover_colour__regex", "^#[0-9a-f]{6}$"), _connector="OR"
                ),
                name="published_copy_cover_colour_is_hex",
                violation_error_message="Enter the colour as a # and six hexadecimal digits, "
                "for example #1d70b8.",
            ),
        ),
    ]
