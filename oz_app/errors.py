"""What a person's or a caller's request may be refused with, shared by the workspace, the work
engine and the API (which answers them as 400 and 404) without either importing the other."""

from __future__ import annotations

from typing import Any


class Invalid(ValueError):
    """Input refused; the message says why, in one sentence."""


class NotFound(LookupError):
    """No such thing, or not the caller's."""


def checked_text(value: Any, what: str, max_length: int, *, required: bool = False) -> str:
    """``value`` stripped, or :class:`Invalid` naming ``what``: not text, empty when ``required``,
    or longer than ``max_length``."""
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text.")
    value = value.strip()
    if required and not value:
        raise Invalid(f"{what} cannot be empty.")
    if len(value) > max_length:
        raise Invalid(f"{what} is longer than {max_length} characters.")
    return value
