"""Word and spreadsheet files brought into a plan: refused with a clear message before any
content is read when they are too large, of the wrong kind, password-protected or damaged.

.docx and .xlsx files are zip archives of XML. A password-protected one is not a zip at all but
an OLE compound file (as the old .doc and .xls formats are), so it is recognised by its first
bytes. A zip is checked whole and for its unpacked size before a converter opens it, so a
damaged file or a zip bomb never reaches mammoth or openpyxl. Macros are never read: the
converters ignore vbaProject.bin, and macro-enabled types (.docm, .xlsm) are refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

# What each accepted kind's zip must contain, so a renamed zip of something else is refused.
_ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
}
_KIND_NAMES = {
    "docx": "a Word document (.docx)",
    "xlsx": "an Excel workbook (.xlsx)",
    "csv": "a CSV file (.csv)",
}
_MACRO_TYPES = {".docm": "docx", ".xlsm": "xlsx", ".dotm": "docx", ".xltm": "xlsx"}


@dataclass(frozen=True)
class Upload:
    """A file that passed the checks: its kind, name as uploaded, and bytes."""

    kind: str
    name: str
    content: bytes

    def as_file(self) -> io.BytesIO:
        return io.BytesIO(self.content)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _expected(kinds: tuple[str, ...]) -> str:
    names = [_KIND_NAMES[kind] for kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def read_upload(uploaded: UploadedFile, *, kinds: tuple[str, ...]) -> Upload:
    """The upload's bytes once they are of one of the kinds asked for and safe to open, or a
    ValidationError whose message says what is wrong and what to do."""
    name = PurePath(uploaded.name or "").name
    limit = settings.IMPORT_MAX_MEGABYTES * 1024 * 1024
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            f"“{name}” is {_megabytes(uploaded.size)}; files up to "
            f"{settings.IMPORT_MAX_MEGABYTES} MB can be imported. Remove pictures or split the "
            "file, and try again.",
            code="too_large",
        )
    suffix = PurePath(name).suffix.lower()
    if suffix in _MACRO_TYPES and _MACRO_TYPES[suffix] in kinds:
        raise ValidationError(
            f"“{name}” is a macro-enabled file, and macros are never read here. Save it as "
            f"{_expected((_MACRO_TYPES[suffix],))} and try again.",
            code="macros",
        )
    kind = suffix.lstrip(".")
    if kind not in kinds:
        raise ValidationError(
            f"“{name}” is not {_expected(kinds)}. Save it in that format and try again.",
            code="wrong_type",
        )
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            f"“{name}” is over {settings.IMPORT_MAX_MEGABYTES} MB, the most that can be imported.",
            code="too_large",
        )
    if not content:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    if kind == "csv":
        return Upload(kind=kind, name=name, content=_checked_csv(name, content))
    _check_zip(name, kind, content)
    return Upload(kind=kind, name=name, content=content)


def _checked_csv(name: str, content: bytes) -> bytes:
    if content.startswith((OLE_SIGNATURE, ZIP_SIGNATURE)):
        raise ValidationError(
            f"“{name}” is not a CSV file, though its name ends in .csv. Save it as CSV (comma "
            "delimited) and try again.",
            code="wrong_type",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text.encode("utf-8")
    raise ValidationError(
        f"“{name}” could not be read as text. Save it as CSV UTF-8 and try again.",
        code="corrupt",
    )


def _check_zip(name: str, kind: str, content: bytes) -> None:
    if content.startswith(OLE_SIGNATURE):
        raise ValidationError(
            f"“{name}” is password-protected, or saved in the old .{kind[:-1]} format. Remove the "
            f"password (or save it as {_expected((kind,))}) and try again.",
            code="protected",
        )
    damaged = ValidationError(
        f"“{name}” is damaged or is not really {_expected((kind,))}: it could not be opened. "
        "Open it in its program, save it again, and try again.",
        code="corrupt",
    )
    if not content.startswith(ZIP_SIGNATURE):
        raise damaged
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if _ZIP_MARKERS[kind] not in {member.filename for member in members}:
                raise damaged
            # The declared sizes are checked before anything is unpacked; unpacking stops at a
            # member's declared size, so testzip below cannot be made to inflate more.
            unpacked = sum(member.file_size for member in members)
            if unpacked > settings.IMPORT_MAX_UNPACKED_MEGABYTES * 1024 * 1024:
                raise ValidationError(
                    f"“{name}” unpacks to {_megabytes(unpacked)}, more than the "
                    f"{settings.IMPORT_MAX_UNPACKED_MEGABYTES} MB a plan's file can hold. It may "
                    "be damaged or built to overload the service.",
                    code="too_large_unpacked",
                )
            if archive.testzip() is not None:
                raise damaged
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError) as error:
        raise damaged from error
