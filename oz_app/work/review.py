"""What a reviewing agent decided, and what an implementing agent says it learned (WS-12).

The reviewer answers JSON (``{"verdict": "APPROVED" | "CHANGES_NEEDED", "comments", "learnings"}``),
bare or wrapped in prose or a fence; :func:`parse_verdict` reads it or raises ``Invalid`` with a
sentence fit for the person and for the reviewer's one retry. The implementer ends its answer
with a ``## Learnings`` section of bullets; :func:`learnings_in` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from oz_app.errors import Invalid
from oz_app.work.plan import answered_json, snippet

MAX_COMMENTS = 20_000
MAX_LEARNINGS = 10
MAX_LEARNING = 1_000
VERDICTS = ("APPROVED", "CHANGES_NEEDED")


@dataclass(frozen=True)
class Verdict:
    approved: bool
    comments: str
    learnings: tuple[str, ...]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _Verdict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    verdict: Annotated[str, BeforeValidator(_strip)]
    comments: Annotated[str, BeforeValidator(_strip)] = ""
    learnings: list[Annotated[str, BeforeValidator(_strip)]] = []


def _words(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) if isinstance(part, str) else f"[{part}]" for part in first["loc"]).replace(".[", "[")
    if first["type"] == "missing":
        return f'The verdict\'s JSON needs "{field}".'
    if first["type"] == "list_type":
        return f'The verdict\'s "{field}" must be a list of text.'
    return f'The verdict\'s "{field}" must be text.'


def parse_verdict(answer: str) -> Verdict:
    """The reviewer's verdict (case does not matter; comments required when it asks for changes).

    Overlong comments and learnings are cut rather than refused: the decision is what matters."""
    found = answered_json(answer, "verdict", "reviewer", "the verdict")
    try:
        shape = _Verdict.model_validate(found)
    except ValidationError as error:
        raise Invalid(_words(error)) from None
    verdict = re.sub(r"[\s-]+", "_", shape.verdict.upper())
    if verdict not in VERDICTS:
        raise Invalid(f'The verdict must be "APPROVED" or "CHANGES_NEEDED", not "{snippet(shape.verdict)}".')
    if verdict == "CHANGES_NEEDED" and not shape.comments:
        raise Invalid("A CHANGES_NEEDED verdict needs comments saying what to change.")
    learnings = [_cut(text, MAX_LEARNING) for text in dict.fromkeys(shape.learnings) if text]
    return Verdict(
        approved=verdict == "APPROVED",
        comments=_cut(shape.comments, MAX_COMMENTS),
        learnings=tuple(learnings[:MAX_LEARNINGS]),
    )


_LEARNINGS = re.compile(r"^\s{0,3}(?:#{1,6}\s*)?(?:\*\*|__)?\s*learnings?\s*:?\s*(?:\*\*|__)?\s*:?\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*)$")


def learnings_in(answer: str) -> list[str]:
    """The bullets under the last "Learnings" heading of an implementer's answer (at most 10,
    each at most 1000 characters); a bullet's indented continuation lines belong to it."""
    lines = answer.splitlines()
    starts = [n for n, line in enumerate(lines) if _LEARNINGS.match(line)]
    if not starts:
        return []
    bullets: list[str] = []
    for line in lines[starts[-1] + 1 :]:
        if _HEADING.match(line):
            break
        bullet = _BULLET.match(line)
        if bullet:
            bullets.append(bullet.group(1).strip())
        elif bullets and line.strip() and line[:1].isspace():
            bullets[-1] = f"{bullets[-1]} {line.strip()}"
        elif bullets and line.strip():
            break  # prose after the list: the section is over
    found = [_cut(text, MAX_LEARNING) for text in dict.fromkeys(bullets) if text]
    return found[:MAX_LEARNINGS]
