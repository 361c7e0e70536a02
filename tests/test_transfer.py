"""Moving a partnership: export_partnership writes it to a file, import_partnership reads it
back under new keys. The round trip deletes the demo's East Cambridgeshire partnership after
exporting it, imports the file, and compares what the plans print, the published copies'
bytes and the history."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import LocalTarget, TargetColumn
from plans.document import plan_document
from plans.models import (
    Group,
    HiddenComment,
    Membership,
    Partnership,
    PartnershipLogo,
    Plan,
    PlanImport,
    PlanTransition,
    Section,
)
from plans.publishing import document_html, latest_copy, sha256
from plans.transfer import FORMAT_VERSION
from priorities.models import Action, Priority, ProgressUpdate, ReviewComment
from tests.plan_builders import full_plan
from tests.test_scanning_matrix import build_matrix

pytestmark = pytest.mark.django_db(transaction=False)

SLUG = "east-cambridgeshire"
LOGO = b"\x89PNG\r\n\x1a\n" + b"a small logo" * 10


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> Partnership:
    call_command("load_demo", stdout=StringIO())
    partnership = Partnership.objects.get(slug=SLUG)
    plan = partnership.plans.get()
    # What the demo lacks and a partnership in use has: a logo, a member keeping a task
    # group, a workflow move, a progress update, a review thread with a hidden comment.
    logo_hash = hashlib.sha256(LOGO).hexdigest()
    PartnershipLogo.objects.create(
        partnership=partnership, sha256=logo_hash, content_type="image/png", content=LOGO
    )
    partnership.logo_sha256, partnership.logo_content_type = logo_hash, "image/png"
    partnership.save()
    editor = User.objects.create_user("ec-editor", "editor@example.org", "x", first_name="Eve")
    membership = Membership.objects.create(user=editor, partnership=partnership, role="editor")
    membership.task_groups.add(partnership.groups.first())
    action = Action.objects.filter(priority__plan=plan).first()
    ProgressUpdate.objects.create(
        action=action,
        reported_on=datetime.date(2009, 5, 1),
        rag="green",
        note="Done",
        author=editor,
    )
    comment = ReviewComment.objects.create(plan=plan, action=action, author=editor, body="Why?")
    ReviewComment.objects.create(plan=plan, action=action, parent=comment, body="Because.")
    HiddenComment.objects.create(review_comment=comment, hidden_by=editor, reason="Rude")
    PlanTransition.objects.create(plan=plan, from_status="approved", to_status="published")
    latest_copy(plan, "pdf")
    return partnership


def export(path: Path, slug: str = SLUG) -> dict:
    run("export_partnership", slug, "--output", str(path))
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def delete_partnership(partnership: Partnership) -> None:
    """The partnership, everything in it and its history, as if it had never been here."""
    history_before = {
        model: model.objects.order_by("-history_id").values_list("history_id", flat=True).first()
        for model in _history_models()
    }
    plans = Plan.objects.filter(partnership=partnership)
    Action.objects.filter(priority__plan__in=plans).delete()
    Priority.objects.filter(plan__in=plans).delete()
    LocalTarget.objects.filter(measure__plan__in=plans).delete()
    plans.delete()
    Group.objects.filter(partnership=partnership).update(reports_to=None)
    partnership.delete()
    for model, last in history_before.items():
        # The records of the deleted rows, old and new: the import brings the old ones back.
        model.objects.filter(history_id__gt=last or 0).delete()
    for model in _history_models():
        model.objects.filter(**_owned_by_deleted(model)).delete()


def _history_models():
    from plans.transfer.parts import PARTS

    return [
        part.history
        for part in PARTS
        if part.history and part.history._meta.pk.name == "history_id"
    ]


def _owned_by_deleted(model) -> dict:
    """History records whose row no longer exists, which only the deleted partnership had."""
    live = model.instance_type._default_manager.values_list("pk", flat=True)
    return {"id__in": list(set(model.objects.values_list("id", flat=True)) - set(live))}


def printed(plan: Plan) -> str:
    """The plan's page as rendered now, with the row numbers in its anchors taken out (they
    are the only thing a move changes)."""
    html = document_html(plan_document(Plan.objects.select_related("partnership").get(pk=plan.pk)))
    return re.sub(r"(?<=[a-z]-)\d+\b", "N", html)


def copies(partnership: Partnership) -> list[tuple]:
    return [
        (
            copy.plan.slug,
            copy.version,
            sha256(copy.html),
            sha256(bytes(copy.pdf)),
            sha256(bytes(copy.large_print_pdf)),
            copy.published_by_id is None,
        )
        for copy in partnership.plans.get().published_copies.all()
    ]


def test_a_partnership_exported_deleted_and_imported_prints_and_publishes_as_before(demo, tmp_path):
    plan = demo.plans.get()
    page_before, copies_before = printed(plan), copies(demo)
    manifest = export(tmp_path / "before.zip")
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["counts"]["plans.publishedcopy"] == 1
    assert manifest["counts"]["plans.partnershiplogo"] == 1
    assert manifest["counts"]["plans.historicalplan"] >= 1

    delete_partnership(demo)
    assert not Partnership.objects.filter(slug=SLUG).exists()
    output = run("import_partnership", str(tmp_path / "before.zip"))

    imported = Partnership.objects.get(slug=SLUG)
    assert printed(imported.plans.get()) == page_before
    assert copies(imported) == copies_before
    assert bytes(imported.logos.get().content) == LOGO
    # Exported again, the imported partnership has the same rows and history as the first.
    assert export(tmp_path / "after.zip")["counts"] == manifest["counts"]
    membership = imported.memberships.get(user__username="ec-editor")
    assert list(membership.task_groups.values_list("name", flat=True)) == [
        demo.groups.model.objects.filter(partnership=imported).first().name
    ]
    assert HiddenComment.objects.get(review_comment__plan__partnership=imported).reason == "Rude"
    assert "Imported East Cambridgeshire" in output


def test_people_the_instance_lacks_are_created_inactive_without_a_password(demo, tmp_path):
    export(tmp_path / "ec.zip")
    delete_partnership(demo)
    User.objects.filter(username="ec-editor").delete()

    output = run("import_partnership", str(tmp_path / "ec.zip"))

    created = User.objects.get(username="ec-editor")
    assert not created.is_active
    assert not created.has_usable_password()
    assert created.email == "editor@example.org"
    assert "inactive and with no password" in output and "ec-editor" in output


def test_an_existing_partnership_is_not_overwritten(demo, tmp_path):
    export(tmp_path / "ec.zip")
    counts = Plan.objects.count(), Action.objects.count()

    with pytest.raises(CommandError, match="already has a partnership at 'east-cambridgeshire'"):
        run("import_partnership", str(tmp_path / "ec.zip"))
    assert (Plan.objects.count(), Action.objects.count()) == counts


def _rewrite(path: Path, manifest_change=None, content: bytes | None = None) -> None:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        body = archive.read("content.json")
    if manifest_change:
        manifest_change(manifest)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("content.json", content if content is not None else body)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda path: path.write_bytes(path.read_bytes()[:2000]),
            "not a complete partnership export",
        ),
        (lambda path: _rewrite(path, content=b'{"records": []}'), "damaged"),
        (
            lambda path: _rewrite(path, lambda m: m.update(format_version=FORMAT_VERSION + 1)),
            "newer than this instance reads",
        ),
        (
            lambda path: _rewrite(path, lambda m: m["migrations"]["plans"].append("9999_future")),
            "written by a newer version",
        ),
    ],
    ids=["truncated", "checksum", "future format", "future migrations"],
)
def test_a_damaged_or_newer_file_is_refused_and_nothing_is_written(demo, tmp_path, damage, message):
    export(tmp_path / "ec.zip")
    delete_partnership(demo)
    damage(tmp_path / "ec.zip")
    counts = Partnership.objects.count(), Plan.objects.count(), User.objects.count()

    with pytest.raises(CommandError, match=message):
        run("import_partnership", str(tmp_path / "ec.zip"))
    assert (Partnership.objects.count(), Plan.objects.count(), User.objects.count()) == counts


def test_a_file_failing_half_way_leaves_nothing_behind(demo, tmp_path):
    export(tmp_path / "ec.zip")
    delete_partnership(demo)
    with zipfile.ZipFile(tmp_path / "ec.zip") as archive:
        content = json.loads(archive.read("content.json"))
    # A section with no title, late in the file: sound as a file, impossible to load.
    section = next(row for row in content["records"] if row["model"] == "plans.section")
    section["fields"]["title"] = None
    body = json.dumps(content).encode()
    _rewrite(
        tmp_path / "ec.zip",
        lambda m: m.update(content_sha256=hashlib.sha256(body).hexdigest()),
        body,
    )
    counts = Partnership.objects.count(), Plan.objects.count(), User.objects.count()

    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import_partnership", str(tmp_path / "ec.zip"))
    assert (Partnership.objects.count(), Plan.objects.count(), User.objects.count()) == counts


def test_a_file_naming_models_no_export_holds_is_refused(demo, tmp_path):
    export(tmp_path / "ec.zip")
    delete_partnership(demo)
    with zipfile.ZipFile(tmp_path / "ec.zip") as archive:
        content = json.loads(archive.read("content.json"))
    content["records"].append(
        {"model": "auth.user", "pk": 999, "fields": {"username": "mallory", "is_superuser": True}}
    )
    body = json.dumps(content).encode()
    _rewrite(
        tmp_path / "ec.zip",
        lambda m: m.update(content_sha256=hashlib.sha256(body).hexdigest()),
        body,
    )

    with pytest.raises(CommandError, match=r"rows a partnership export never has \(auth.user\)"):
        run("import_partnership", str(tmp_path / "ec.zip"))
    assert not User.objects.filter(username="mallory").exists()
    assert not Partnership.objects.filter(slug=SLUG).exists()


def test_exporting_a_partnership_that_does_not_exist_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="There is no partnership 'nowhere'"):
        run("export_partnership", "nowhere", "--output", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_every_demo_partnership_survives_the_round_trip(tmp_path):
    """The other demo plans have what East Cambridgeshire lacks: aims, lead partners,
    indicators and members keeping task groups."""
    call_command("load_demo", stdout=StringIO())
    for partnership in Partnership.objects.exclude(slug=SLUG):
        plans = list(partnership.plans.order_by("slug"))
        pages = [printed(plan) for plan in plans]
        path = tmp_path / f"{partnership.slug}.zip"
        run("export_partnership", partnership.slug, "--output", str(path))
        with zipfile.ZipFile(path) as archive:
            counts = json.loads(archive.read("manifest.json"))["counts"]
        delete_partnership(partnership)

        run("import_partnership", str(path))

        imported = Partnership.objects.get(slug=partnership.slug)
        assert [printed(plan) for plan in imported.plans.order_by("slug")] == pages
        run("export_partnership", imported.slug, "--output", str(tmp_path / "again.zip"))
        with zipfile.ZipFile(tmp_path / "again.zip") as archive:
            assert json.loads(archive.read("manifest.json"))["counts"] == counts


def test_a_plan_with_every_part_and_deleted_rows_in_its_history_survives_the_round_trip(
    plan, action, national_indicators, editor, tmp_path
):
    """The parts no demo plan has: a scanning matrix with sub-categories, targets tables by
    area, a budget; and the history of a section deleted since, which keeps its records."""
    full_plan(plan, national_indicators)
    matrix = build_matrix(plan)
    action.priority.assessment_categories.set(matrix.categories.filter(decision="included"))
    TargetColumn.objects.create(measure=plan.target_measures.get(), year=2010, is_baseline=True)
    plan.sections.create(order=9, title="Dropped later").delete()
    # An import made and deleted first, so the one kept has a key the move cannot keep.
    PlanImport.objects.create(plan=plan, source="word", file_name="x.docx", summary="-").delete()
    imported_from = PlanImport.objects.create(
        plan=plan, source="word", file_name="plan.docx", summary="One section"
    )
    section = Section(plan=plan, order=10, title="From Word")
    section._change_reason = imported_from.history_reason
    section.save()
    partnership = plan.partnership
    page = printed(plan)
    path = tmp_path / "full.zip"
    counts = export(path, partnership.slug)["counts"]
    assert counts["plans.scanningmark"] == 25 and counts["indicators.localtargetvalue"] == 6
    assert counts["plans.historicalsection"] == counts["plans.section"] + 2
    delete_partnership(partnership)

    run("import_partnership", str(path))

    imported = Plan.objects.get(partnership__slug=partnership.slug)
    assert printed(imported) == page
    assert export(tmp_path / "again.zip", partnership.slug)["counts"] == counts
    assert sorted(
        imported.priorities.get().assessment_categories.values_list("name", flat=True)
    ) == ["Acquisitive crime", "Anti-social behaviour", "Burglary dwelling"]
    # The deleted section's records moved too, under a number no row of this instance has.
    dropped = Section.history.filter(title="Dropped later")
    assert dropped.count() == 2
    assert not Section.objects.filter(pk=dropped.first().id).exists()
    # The audit log still finds what the Word import wrote, by the import's new key.
    moved_import = PlanImport.objects.get(plan=imported)
    assert moved_import.pk != imported_from.pk
    assert Section.history.get(history_change_reason=moved_import.history_reason).title == (
        "From Word"
    )


def test_importing_a_file_that_is_not_there_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run("import_partnership", str(tmp_path / "missing.zip"))
