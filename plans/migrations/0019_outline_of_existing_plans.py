"""Every existing plan's outline, in the order its document printed before outlines existed
(plans.outline.default_keys): sections before the priorities, the priorities, the targets,
sections after, governance chart, related strategies, budget, the appendices marker (off, so
nothing is lettered that was not before), appendix sections, indicator list, glossary."""

from django.db import migrations

GENERATED_BEFORE_PRIORITIES = ["scanning_matrix"]
GENERATED_AFTER_SECTIONS = ["governance", "related_strategies", "budget", "appendices"]
GENERATED_LAST = ["indicators", "glossary"]


def forward(apps, schema_editor) -> None:
    Plan = apps.get_model("plans", "Plan")
    Section = apps.get_model("plans", "Section")
    Priority = apps.get_model("priorities", "Priority")
    OutlineBlock = apps.get_model("plans", "OutlineBlock")
    blocks = []
    for plan in Plan.objects.order_by("pk").iterator():
        sections = list(Section.objects.filter(plan=plan).order_by("order"))

        def placed(placement, sections=sections):
            return [{"kind": "section", "section": s} for s in sections if s.placement == placement]

        def generated(kinds):
            return [{"kind": kind} for kind in kinds]

        parts = [
            *placed("before"),
            *generated(GENERATED_BEFORE_PRIORITIES),
            *(
                {"kind": "priority", "priority": p}
                for p in Priority.objects.filter(plan=plan).order_by("order")
            ),
            *generated(["targets"]),
            *placed("after"),
            *generated(GENERATED_AFTER_SECTIONS),
            *placed("appendix"),
            *generated(GENERATED_LAST),
        ]
        blocks += [
            OutlineBlock(plan=plan, order=order, is_shown=part["kind"] != "appendices", **part)
            for order, part in enumerate(parts, start=1)
        ]
    OutlineBlock.objects.bulk_create(blocks, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0018_document_outline"),
        ("priorities", "0008_priority_assessment_categories"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
