"""Strict readers for settings that come from the environment.

A typo in a deployment's environment should stop the server at start-up with a message that
names the variable, not surface later as a surprising default.
"""

import os
import re
from email.utils import formataddr, getaddresses

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_META_HEADER = re.compile(r"HTTP_[A-Z0-9_]+")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be true or false (got {value!r})."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number (got {value!r})."
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a comma-separated list with no empty "
            f"items (got {value!r})."
        )
    return items


def env_choice(name: str, choices: list[str], default: str) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value not in choices:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be one of {', '.join(choices)} (got {value!r})."
        )
    return value


def env_addresses(name: str) -> list[str]:
    """Email addresses such as `Ann Admin <ann@example.org>, ops@example.org`.

    Every item must hold one valid address, so a typo does not silently drop an address
    that server errors are meant to reach.
    """
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return []
    parsed = getaddresses([value])
    # A stray comma or an item without an address parses as an empty pair.
    if len(parsed) != len(_split_outside_quotes(value)) or any(not addr for _, addr in parsed):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a comma-separated list of email "
            f"addresses such as 'Ann Admin <ann@example.org>' (got {value!r})."
        )
    addresses = []
    for display_name, address in parsed:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"The environment variable {name} holds an invalid email address {address!r}."
            ) from None
        addresses.append(formataddr((display_name, address)))
    return addresses


def _split_outside_quotes(value: str) -> list[str]:
    items, current, quoted = [], "", False
    for character in value:
        if character == '"':
            quoted = not quoted
        if character == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += character
    return [*items, current]


def env_header(name: str) -> str | None:
    """A request header as Django's META names it, such as HTTP_X_FORWARDED_PROTO."""
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    if not _META_HEADER.fullmatch(value):
        raise ImproperlyConfigured(
            f"The environment variable {name} must name a header the way Django's "
            f"request.META does, such as HTTP_X_FORWARDED_PROTO (got {value!r})."
        )
    return value
