"""Reading the demo data files: YAML in, plain values out, and every problem reported with the
file it came from (plans/demo.py does the loading)."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models

from plans.written_dates import WrittenDate, parse_written_date


class DemoDataError(Exception):
    """A data file that cannot be loaded; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")


class DataProblem(Exception):
    """A problem found while reading one file; the caller adds the file's path."""


@dataclass(frozen=True)
class DataFile:
    path: Path
    data: dict[str, Any]
    digest: str = ""  # SHA-256 of the file's bytes: a changed file is a newer version


def read_data_file(path: Path) -> DataFile:
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise DemoDataError(path, f"is not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise DemoDataError(path, f"cannot be read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise DemoDataError(path, f"is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise DemoDataError(path, "should hold a mapping of names to values at the top level")
    return DataFile(path=path, data=data, digest=hashlib.sha256(raw).hexdigest())


def read_data_files(directory: Path) -> list[DataFile]:
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise DemoDataError(directory, "holds no .yaml data files")
    return [read_data_file(path) for path in paths]


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn any problem met while loading one file into a DemoDataError that names it."""
    try:
        yield
    except DataProblem as problem:
        raise DemoDataError(path, str(problem)) from problem
    except ValidationError as error:
        raise DemoDataError(path, "; ".join(error.messages)) from error
    except DatabaseError as error:
        raise DemoDataError(path, f"the database refused it: {error}") from error
    except (TypeError, ValueError, AttributeError) as error:
        # A list where a text belongs, words where a year belongs, and the like.
        raise DemoDataError(path, f"a value has the wrong form ({error})") from error


def required(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping):
        raise DataProblem(f"{where} should be a mapping, not {mapping!r}")
    value = mapping.get(key)
    if value is None or value == "":
        raise DataProblem(f"{where} has no {key!r}")
    return value


def text(mapping: Mapping[str, Any], key: str, default: str = "") -> str:
    value = mapping.get(key)
    return default if value is None else str(value).strip()


def listed(mapping: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = mapping.get(key) or []
    if not isinstance(value, list):
        raise DataProblem(f"{where}: {key!r} should be a list")
    return value


def choice(value: str, choices: type[models.TextChoices], where: str) -> str:
    if value not in choices.values:
        raise DataProblem(f"{where}: {value!r} is not one of {', '.join(choices.values)}")
    return value


def date_or_none(value: Any, where: str) -> WrittenDate | None:
    """A date as the plan writes it: 2010-09-30 (YAML reads it as a day), "July 2009",
    "Q3 2010/11", "2010/11", "By December 2011"."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return WrittenDate(value)
    try:
        return parse_written_date(str(value))
    except ValidationError as error:
        raise DataProblem(f"{where}: {value!r} is not a date: {error.messages[0]}") from error


def money(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise DataProblem(f"{where}: {value!r} is not an amount of money") from error
