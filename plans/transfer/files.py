"""The file itself: a zip of manifest.json and content.json, checked before anything is read
into the database."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.migrations.loader import MigrationLoader

FORMAT_NAME = "cspplan-partnership"
# Raised whenever a reader of an older version could not read a file correctly.
FORMAT_VERSION = 1
APPS = ("auth", "plans", "priorities", "indicators")
MANIFEST = "manifest.json"
CONTENT = "content.json"


class TransferFileError(Exception):
    """The file cannot be imported: damaged, of another format, or from a newer instance."""


def known_migrations() -> dict[str, list[str]]:
    """Each app's migrations as this instance's code has them (a migrated database has applied
    them all)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        app: sorted(name for label, name in loader.disk_migrations if label == app) for app in APPS
    }


def write_file(path: Path, manifest: dict[str, Any], content: dict[str, Any]) -> None:
    body = json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        **manifest,
        "migrations": known_migrations(),
        "content_sha256": hashlib.sha256(body).hexdigest(),
    }
    # Written beside the file and renamed: a failure half-way never leaves a file that looks
    # whole, nor spoils an earlier export of the same name.
    partial = path.with_name(f".{path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.writestr(CONTENT, body)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def read_file(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and content of a file this instance can import, or TransferFileError
    saying why not."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            body = archive.read(CONTENT)
    except FileNotFoundError:
        raise TransferFileError(f"There is no file {path}.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise TransferFileError(
            f"{path} is not a complete partnership export (a zip with {MANIFEST} and "
            f"{CONTENT}): {error}."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise TransferFileError(f"{path} is not a partnership export of cspplan.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise TransferFileError(
            f"{path} is in format version {version}, newer than this instance reads "
            f"({FORMAT_VERSION}): upgrade this instance first."
        )
    unknown = _unknown_migrations(manifest.get("migrations"))
    if unknown:
        raise TransferFileError(
            f"{path} was written by a newer version of cspplan (migrations this instance does "
            f"not have: {', '.join(unknown)}): upgrade this instance first."
        )
    if hashlib.sha256(body).hexdigest() != manifest.get("content_sha256"):
        raise TransferFileError(f"{path} is damaged: its content does not match its checksum.")
    try:
        content = json.loads(body)
    except ValueError as error:
        raise TransferFileError(f"{path} is damaged: {error}.") from None
    return manifest, content


def _unknown_migrations(migrations: object) -> list[str]:
    if not isinstance(migrations, dict):
        return ["(none listed)"]
    ours = known_migrations()
    return sorted(
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in (names if isinstance(names, list) else [str(names)])
        if name not in ours.get(app, [])
    )
