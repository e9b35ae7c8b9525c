"""What the API accepts as text and JSON: only what SQLite and PostgreSQL both store (SEC-13).

Text may hold tabs and line breaks but no other control character (U+0000-U+001F, U+007F-U+009F)
and no unpaired surrogate: PostgreSQL refuses NUL, nothing encodes a lone surrogate, and the
rest are invisible in every view of a run. Such text is refused with a 4xx naming the first
offending character, never stripped: a caller's prompt reaches the agent exactly as sent or not
at all. JSON stored in a column (a run's ``config``) is bounded the same way, and also in depth
and in the size of its numbers.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, StrictStr
from pydantic_core import PydanticCustomError

MAX_JSON_DEPTH = 32
INT64 = range(-(2**63), 2**63)
INT32_MAX = 2**31 - 1
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    code = ord(found.group())
    kind = "an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"contains {kind} (U+{code:04X} at position {found.start()}); only tabs and line breaks are allowed"


def _check_text(value: str) -> str:
    if (problem := text_problem(value)) is not None:
        raise PydanticCustomError("text", problem)
    return value


Text = Annotated[StrictStr, AfterValidator(_check_text)]
"""A string the API stores: no control characters but tab, LF and CR."""


def json_problem(value: Any, depth: int = 0) -> str | None:
    """Why ``value`` (decoded JSON) cannot be stored in a JSON column, or None."""
    if depth > MAX_JSON_DEPTH:
        return f"is nested more than {MAX_JSON_DEPTH} levels deep"
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if value in INT64 else "holds an integer outside the 64-bit range"
    if isinstance(value, float):
        return None if math.isfinite(value) else "holds a number that is not finite"
    if isinstance(value, list):
        value = dict(enumerate(value))
    if not isinstance(value, dict):
        return None
    for key, item in value.items():
        problem = (text_problem(key) if isinstance(key, str) else None) or json_problem(item, depth + 1)
        if problem is not None:
            return problem
    return None


def check_json(value: Any) -> Any:
    """A before-validator for a field stored as JSON."""
    if (problem := json_problem(value)) is not None:
        raise PydanticCustomError("json", problem)
    return value


def storable(text: str) -> str:
    """Output of a provider or a worker as every database stores it: NUL and unpaired surrogates
    (which PostgreSQL or any UTF-8 encoder refuses) become U+FFFD. Output is what an agent said,
    so it is kept, not refused."""
    return _UNSTORABLE.sub("\ufffd", text)


def as_utc(value: datetime) -> datetime | None:
    """An aware ``value`` in UTC, or None where UTC cannot hold it (year 1 or 9999 with an offset)."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None
