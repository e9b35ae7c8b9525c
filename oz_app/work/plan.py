"""A PRD and the plan its planning agent makes of it (WS-12).

The planner answers JSON (``{"epics": [{"title", "description", "items": [...]}]}``), and agents
wrap it in prose or a Markdown fence as often as not: :func:`parse_plan` finds the object, checks
its shape and limits, and either returns a :class:`Plan` or raises ``Invalid`` with one sentence
that names the place in plain words (``epics[0].items[2]: a title is required.``) — the same
sentence is shown to the person and sent back to the planner for its one retry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from oz_app.errors import Invalid

MAX_PRD_CHARS = 100_000
MAX_ITEMS = 200
MAX_TITLE = 500
MAX_DESCRIPTION = 20_000
MAX_CRITERIA = 20
MAX_CRITERION = 2_000
MAX_ESTIMATE = 64
KEY = r"^[A-Za-z0-9._-]{1,64}$"
_SNIPPET = 80  # characters of a prose answer quoted in the error
_OBJECT_TRIES = 50  # "{" positions tried in a long answer before giving up: an answer cannot stall the loop


@dataclass(frozen=True)
class PlannedItem:
    """A work item as the planner proposed it; ``key`` is its id in the plan (``depends_on`` names keys)."""

    key: str
    title: str
    description: str = ""
    acceptance: tuple[str, ...] = ()
    estimate: str = ""
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedEpic:
    title: str
    description: str
    items: tuple[PlannedItem, ...]


@dataclass(frozen=True)
class Plan:
    epics: tuple[PlannedEpic, ...]

    @property
    def items(self) -> tuple[PlannedItem, ...]:
        """Every item, epic by epic."""
        return tuple(item for epic in self.epics for item in epic.items)


# The PRD ----------------------------------------------------------------------------------------


def check_prd(text: str) -> str:
    """The PRD's text, stripped; ``Invalid`` when there is none or it is too long to plan."""
    if not isinstance(text, str):
        raise Invalid("The PRD must be text.")
    text = text.strip()
    if not text:
        raise Invalid("Write the PRD first.")
    if len(text) > MAX_PRD_CHARS:
        raise Invalid(
            f"The PRD has {len(text):,} characters, more than the limit of {MAX_PRD_CHARS:,}: "
            "shorten it or split it into several PRDs."
        )
    return text


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$")


def prd_title(text: str) -> str:
    """What a PRD is called: its first Markdown heading, else its first line (at most 200 characters)."""
    lines = [line for line in text.splitlines() if line.strip()]
    title = ""
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(1)
            break
    else:
        title = lines[0] if lines else ""
    title = " ".join(title.split())
    return title if len(title) <= 200 else title[:199] + "…"


# Finding JSON in an answer ----------------------------------------------------------------------

_LOOKS_LIKE_JSON = re.compile(r'\{\s*"')  # a brace in prose ("use {name}") is not broken JSON
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[^\n]*\n(.*?)```", re.DOTALL)


def json_object(answer: str, key: str) -> dict[str, Any] | None:
    """The JSON object in an agent's answer: bare, in a ```json (or plain) fence, or in prose.

    An object holding ``key`` is preferred over any other; ``None`` when the answer holds no JSON
    object at all. ``ValueError`` (with the decoder's words) when it seems to hold one that does
    not parse, so the agent can be told what to fix."""
    candidates: list[dict[str, Any]] = []
    first_error: json.JSONDecodeError | None = None
    texts = [block for _, block in _FENCE.findall(answer)] + [answer]
    decoder = json.JSONDecoder()
    for text in texts:
        stripped = text.strip()
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as error:
            if stripped.startswith("{") and first_error is None:
                first_error = error
        else:
            if isinstance(value, dict):
                candidates.append(value)
                continue
        start = text.find("{")
        for _ in range(_OBJECT_TRIES):
            if start < 0:
                break
            try:
                value, end = decoder.raw_decode(text, start)
            except json.JSONDecodeError as error:
                if first_error is None and _LOOKS_LIKE_JSON.match(text, start):
                    first_error = error
                start = text.find("{", start + 1)
                continue
            if isinstance(value, dict):
                candidates.append(value)
                if key in value:
                    return value
            start = text.find("{", end)
    for candidate in candidates:
        if key in candidate:
            return candidate
    if candidates:
        return candidates[0]
    if first_error is not None:
        raise ValueError(f"{first_error.msg} at line {first_error.lineno}, column {first_error.colno}")
    return None


def snippet(answer: str) -> str:
    """The start of an answer, on one line, to quote in an error."""
    words = " ".join(answer.split())
    return words if len(words) <= _SNIPPET else words[: _SNIPPET - 1] + "…"


# The plan's shape -------------------------------------------------------------------------------


def _number_as_text(value: Any) -> Any:
    """Agents often number their items (``"id": 3``, ``"estimate": 2``): take them as text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Key = Annotated[str, BeforeValidator(_number_as_text), BeforeValidator(_strip), StringConstraints(pattern=KEY)]
Title = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=MAX_TITLE)]
Description = Annotated[str, BeforeValidator(_strip), StringConstraints(max_length=MAX_DESCRIPTION)]
Criterion = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=MAX_CRITERION)]
Estimate = Annotated[
    str, BeforeValidator(_number_as_text), BeforeValidator(_strip), StringConstraints(max_length=MAX_ESTIMATE)
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class _Item(_Shape):
    id: Key
    title: Title
    description: Description = ""
    acceptance_criteria: Annotated[list[Criterion], Field(max_length=MAX_CRITERIA)] = []
    estimate: Estimate = ""
    depends_on: list[Key] = []


class _Epic(_Shape):
    title: Title
    description: Description = ""
    items: list[_Item]


class _Plan(_Shape):
    epics: list[_Epic]


_NAMES = {
    "epics": "a list of epics",
    "items": "a list of items",
    "id": "an id",
    "title": "a title",
    "description": "a description",
    "acceptance_criteria": "a list of acceptance criteria",
    "estimate": "an estimate",
    "depends_on": "a list of ids",
}


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _problem(error: Any) -> str:
    """One pydantic error in plain words, led by where it is."""
    loc = tuple(error["loc"])
    kind = error["type"]
    context = error.get("ctx") or {}
    field = loc[-1] if loc else ""
    short = kind in ("string_too_short", "too_short")
    if short and isinstance(field, int):
        return f"{_path(loc)}: must not be empty"
    if kind == "missing" or short:
        parent = _path(loc[:-1])
        name = _NAMES.get(str(field), f'"{field}"')
        return f"{parent}: {name} is required" if parent else f'the plan needs {name} ("{field}")'
    where = _path(loc) or "the plan"
    if kind in ("string_too_long", "too_long"):
        unit = "characters" if isinstance(error.get("input"), str) else "entries"
        return f"{where}: more than {context['max_length']:,} {unit}"
    if kind == "string_pattern_mismatch":
        return f"{where}: an id is 1 to 64 letters, digits, dots, dashes or underscores"
    if kind == "string_type":
        return f"{where}: must be text"
    if kind == "list_type":
        return f"{where}: must be a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{where}: must be an object"
    return f"{where}: {str(error['msg']).lower()}"


def _first_problem(error: ValidationError) -> str:
    problems = error.errors()
    more = len(problems) - 1
    sentence = _problem(problems[0])
    sentence = sentence[0].upper() + sentence[1:] if sentence.startswith("the plan") else sentence
    return sentence + (f" (and {more} more problem{'s' if more > 1 else ''})." if more else ".")


def answered_json(answer: str, key: str, who: str, what: str) -> dict[str, Any]:
    """The JSON object holding ``key`` in the answer of ``who`` (the planner, the reviewer);
    ``Invalid`` says what was wrong with ``what`` (the plan, the verdict) in one sentence."""
    if not answer.strip():
        raise Invalid(f"The {who} answered nothing; {what}'s JSON was expected.")
    try:
        found = json_object(answer, key)
    except ValueError as error:
        raise Invalid(f"{what[0].upper()}{what[1:]}'s JSON could not be read: {error}.") from None
    if found is None:
        raise Invalid(f'The {who} answered prose, not {what}\'s JSON: "{snippet(answer)}".')
    return found


def parse_plan(answer: str) -> Plan:
    """The plan in a planner's answer; ``Invalid`` with a sentence fit for the person and the planner."""
    found = answered_json(answer, "epics", "planner", "the plan")
    try:
        shape = _Plan.model_validate(found)
    except ValidationError as error:
        raise Invalid(_first_problem(error)) from None
    count = sum(len(epic.items) for epic in shape.epics)
    if count == 0:
        raise Invalid("The plan has no work items; it needs at least one.")
    if count > MAX_ITEMS:
        raise Invalid(f"The plan has {count} work items, more than the limit of {MAX_ITEMS}: plan larger items.")
    seen: dict[str, str] = {}
    for e, epic in enumerate(shape.epics):
        for i, item in enumerate(epic.items):
            if item.id in seen:
                raise Invalid(f'epics[{e}].items[{i}]: the id "{item.id}" is already used by {seen[item.id]}.')
            seen[item.id] = f"epics[{e}].items[{i}]"
    check_dependencies({item.id: item.depends_on for epic in shape.epics for item in epic.items})
    return Plan(
        epics=tuple(
            PlannedEpic(
                title=epic.title,
                description=epic.description,
                items=tuple(
                    PlannedItem(
                        key=item.id,
                        title=item.title,
                        description=item.description,
                        acceptance=tuple(item.acceptance_criteria),
                        estimate=item.estimate,
                        depends_on=tuple(dict.fromkeys(item.depends_on)),
                    )
                    for item in epic.items
                ),
            )
            for epic in shape.epics
        )
    )


# Dependencies -----------------------------------------------------------------------------------


def _quoted(keys: list[str]) -> str:
    names = [f'"{key}"' for key in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check_dependencies(deps: dict[str, list[str]]) -> None:
    """``Invalid`` when an item waits for an item that is not there, or items wait for each other
    in a circle (named as ``a → b → a``; an item waiting for itself is one), since such items
    could never start."""
    for key, waits_for in deps.items():
        unknown = [dep for dep in dict.fromkeys(waits_for) if dep not in deps]
        if unknown:
            which = "which is" if len(unknown) == 1 else "which are"
            raise Invalid(f'Item "{key}" depends on {_quoted(unknown)}, {which} not in the plan.')
    cycle = _cycle(deps)
    if cycle:
        raise Invalid(f"Items depend on each other in a circle, so none of them could start: {' → '.join(cycle)}.")


def _cycle(deps: dict[str, list[str]]) -> list[str] | None:
    """A circle of dependencies (first key repeated at the end), found by an iterative depth-first walk."""
    done: set[str] = set()
    for start in deps:
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(deps[start])]
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if dep in on_path:
                return [*path[path.index(dep) :], dep]
            if dep in done:
                continue
            path.append(dep)
            on_path.add(dep)
            stack.append(iter(deps[dep]))
    return None
