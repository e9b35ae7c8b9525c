"""``GET /agent/runs``: every filter and sort of the SDK's ``RunListParams`` (CP-2, CP-11).

A filter is applied or refused, never ignored: an unknown parameter or value is a 400 that names
it. The list reads rows with plain SQL and turns them straight into items (Tortoise's query
builder and Run objects cost more than the rest of a request); filters on metadata, ancestors
and artifacts are indexed lookups in their own tables.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from tortoise import connections
from tortoise.filters import escape_like

from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import as_utc, text_problem
from oz_app.control_plane.run_config import LABEL_KEY, MAX_LABEL_FILTERS, check_label
from oz_app.control_plane.run_items import LIST_SELECT, row_item
from oz_app.db.models import RUN_STATES, Run

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SORT_FIELDS = ("created_at", "updated_at", "title", "agent")
NO_ENVIRONMENT = "empty-environment"
MAX_QUERY_CHARS = 1000  # q: a search in titles, prompts and skills
SOURCES = (
    "LINEAR", "API", "SLACK", "LOCAL", "SCHEDULED_AGENT", "WEB_APP", "GITHUB_ACTION", "CLOUD_MODE", "CLI", "JIRA",
    "SELF_IMPROVEMENT", "GITHUB_WEBHOOK", "GITLAB_WEBHOOK", "AUTOFIX", "RUN_SCORER", "ORCHESTRATION",
)  # fmt: skip
ARTIFACT_TYPES = ("PLAN", "PULL_REQUEST", "SCREENSHOT", "FILE", "EXTERNAL_REFERENCE")
LOCATIONS = ("LOCAL", "REMOTE")
# Columns filtered by equality: query parameter -> (column, longest value).
EQUALS = {
    "model_id": ("model_id", 200),
    "name": ("name", 500),
    "creator": ("creator", 64),
    "executor": ("executor", 64),
    "schedule_id": ("schedule_id", 32),
}
KNOWN = {
    "limit", "cursor", "state", "environment_id", "created_after", "created_before", "updated_after", "q",
    "sort_by", "sort_order", "execution_location", "source", "artifact_type", "ancestor_run_id", "skill",
    "skill_spec", "automation_id", "factory_uid", *EQUALS,
}  # fmt: skip


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_TEXT = {"type": "string", "maxLength": 100}
_TIME = {"type": "string", "format": "date-time"}
# The list reads its query itself (faster than FastAPI's parameters); this documents it.
LIST_PARAMETERS = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, f"page size (default {DEFAULT_LIMIT})"),
    _query("cursor", {"type": "string", "maxLength": 2000}, "next_cursor of the previous page"),
    _query(
        "state", {"type": "array", "items": {"type": "string", "enum": sorted(RUN_STATES)}}, "only runs in these states"
    ),
    _query("environment_id", {"type": "string", "maxLength": 32}, f"{NO_ENVIRONMENT!r} for runs without one"),
    _query("created_after", _TIME, "RFC 3339, with a time zone"),
    _query("created_before", _TIME, "RFC 3339, with a time zone"),
    _query("updated_after", _TIME, "RFC 3339, with a time zone"),
    _query("q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, "text in the title, prompt or skill, any case"),
    _query("execution_location", {"type": "string", "enum": list(LOCATIONS)}, "where the run executed"),
    _query("source", {"type": "string", "enum": list(SOURCES)}, "what created the run"),
    _query("artifact_type", {"type": "string", "enum": list(ARTIFACT_TYPES)}, "runs with an artifact of this type"),
    _query("ancestor_run_id", {"type": "string", "maxLength": 36}, "runs below this run (it must be yours)"),
    _query("skill_spec", {"type": "string", "maxLength": 1000}, "runs of this skill (owner/repo:path)"),
    _query("skill", {"type": "string", "maxLength": 1000}, "alias of skill_spec"),
    _query("automation_id", _TEXT, "runs whose metadata has this automation_id"),
    _query("factory_uid", _TEXT, "runs of a factory; there are no factories here, so this matches nothing"),
    *(
        _query(name, {"type": "string", "maxLength": size}, f"exactly this {name}")
        for name, (_, size) in EQUALS.items()
    ),
    {
        "name": "metadata",
        "in": "query",
        "required": False,
        "style": "deepObject",
        "explode": True,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "description": f"metadata[key]=value pairs, all must match (at most {MAX_LABEL_FILTERS})",
    },
    _query(
        "sort_by",
        {"type": "string", "enum": list(SORT_FIELDS)},
        "created_at (default), updated_at, title or agent (skill)",
    ),
    _query("sort_order", {"type": "string", "enum": ["asc", "desc"]}, "desc (default) or asc"),
]


class _Sql:
    """A WHERE clause and its values, with the connection's placeholders ("?" or "$1")."""

    def __init__(self, numbered: bool) -> None:
        self.numbered = numbered
        self.clauses: list[str] = []
        self.values: list[Any] = []

    def param(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.numbered else "?"

    def where(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


def _one(request: Request, name: str, max_length: int = 100) -> str | None:
    """The query parameter ``name``, given at most once, as text of at most ``max_length`` characters."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"Give {name} at most once.")
    if not values:
        return None
    value = values[0]
    if len(value) > max_length:
        raise ApiError(400, f"{name} is longer than {max_length} characters.")
    if (problem := text_problem(value)) is not None:
        raise ApiError(400, f"{name} {problem}.")
    return value


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = _one(request, name)
    if value is not None and value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}; {value[:40]!r} is not.")
    return value


def _timestamp(request: Request, name: str) -> datetime | None:
    raw = _one(request, name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z.") from exc
    if value.tzinfo is None:
        raise ApiError(400, f"{name} must include a time zone, e.g. a trailing Z.")
    utc = as_utc(value)  # SQLite compares stored UTC timestamps as text
    if utc is None:
        raise ApiError(400, f"{name} is out of range: in UTC it falls outside the years 1 to 9999.")
    return utc


def _labels(request: Request) -> dict[str, str]:
    """``metadata[key]=value`` pairs, and ``automation_id`` (a metadata key the SDK names)."""
    pairs: dict[str, str] = {}
    for name in dict.fromkeys(request.query_params.keys()):
        if not name.startswith("metadata[") or not name.endswith("]"):
            continue
        key = name[len("metadata[") : -1]
        if not LABEL_KEY.fullmatch(key):
            raise ApiError(400, f"{name[:80]!r}: a metadata key is 1-64 characters from a-z, A-Z, 0-9, '.', '_', '-'.")
        value = _one(request, name, max_length=256)
        check_label(key, value, "metadata filter")
        pairs[key] = value or ""
    if len(pairs) > MAX_LABEL_FILTERS:
        raise ApiError(400, f"Filter on at most {MAX_LABEL_FILTERS} metadata pairs; {len(pairs)} were given.")
    if (automation := _one(request, "automation_id")) is not None:
        pairs.setdefault("automation_id", automation)
        if pairs["automation_id"] != automation:
            raise ApiError(400, "automation_id and metadata[automation_id] differ; give one of them.")
    return pairs


def _skill(request: Request) -> str | None:
    skill, spec = _one(request, "skill", 1000), _one(request, "skill_spec", 1000)
    if skill is not None and spec is not None and skill != spec:
        raise ApiError(400, "skill and skill_spec differ; skill is an alias of skill_spec, give one of them.")
    return spec if spec is not None else skill


async def _filters(request: Request, caller: Caller, sql: _Sql) -> None:
    """Every filter of the request as clauses of ``sql``."""
    where = sql.clauses
    if not caller.is_admin:
        where.append(f'"tenant"={sql.param(caller.tenant)}')
    states = request.query_params.getlist("state")
    unknown = [state for state in states if state not in RUN_STATES]
    if unknown:
        raise ApiError(400, f"Unknown state {unknown[0][:40]!r}; use one of {', '.join(sorted(RUN_STATES))}.")
    if states:
        where.append(f'"state" IN ({",".join(sql.param(state) for state in states)})')
    environment_id = _one(request, "environment_id", max_length=32)
    if environment_id == NO_ENVIRONMENT:
        where.append('"environment_id" IS NULL')
    elif environment_id:
        where.append(f'"environment_id"={sql.param(environment_id)}')
    for name, (column, size) in EQUALS.items():
        if (value := _one(request, name, max_length=size)) is not None:
            where.append(f'"{column}"={sql.param(value)}')
    if (location := _choice(request, "execution_location", LOCATIONS)) is not None:
        where.append(f'"execution_location"={sql.param(location)}')
    if (source := _choice(request, "source", SOURCES)) is not None:
        where.append(f'"source"={sql.param(source)}')
    if (skill := _skill(request)) is not None:
        where.append(f'"skill_spec"={sql.param(skill)}')
    for name, column, op in (
        ("created_after", "created_at", ">"),
        ("created_before", "created_at", "<"),
        ("updated_after", "updated_at", ">"),
    ):
        if (stamp := _timestamp(request, name)) is not None:
            where.append(f'"{column}"{op}{sql.param(stamp)}')
    if text := _one(request, "q", max_length=MAX_QUERY_CHARS):
        pattern = f"%{escape_like(text)}%"
        columns = ('CAST("title" AS VARCHAR)', 'CAST("prompt" AS VARCHAR)', "COALESCE(\"skill_spec\", '')")
        like = [f"UPPER({column}) LIKE UPPER({sql.param(pattern)}) ESCAPE '\\'" for column in columns]
        where.append(f"({' OR '.join(like)})")
    for key, value in _labels(request).items():
        pair = f'"key"={sql.param(key)} AND "value"={sql.param(value)}'
        where.append(f'"id" IN (SELECT "run_id" FROM "run_labels" WHERE {pair})')
    if (kind := _choice(request, "artifact_type", ARTIFACT_TYPES)) is not None:
        where.append(f'"id" IN (SELECT "run_id" FROM "artifacts" WHERE "artifact_type"={sql.param(kind)})')
    if (ancestor := _one(request, "ancestor_run_id", max_length=36)) is not None:
        root = await Run.get_or_none(id=ancestor).only("tenant")
        if root is None or not (caller.is_admin or root.tenant == caller.tenant):
            raise ApiError(400, f"ancestor_run_id {ancestor} names no run you can see.")
        where.append(f'"id" IN (SELECT "run_id" FROM "run_ancestors" WHERE "ancestor_id"={sql.param(ancestor)})')
    if _one(request, "factory_uid") is not None:
        where.append("1=0")  # no run belongs to a factory here; the SDK: an unknown factory matches nothing


def _sort_value(sort_by: str, item: dict[str, Any]) -> Any:
    if sort_by == "agent":
        return (item["agent_skill"] or {}).get("full_path")
    return item[sort_by]


def _encode_cursor(sort_by: str, order: str, item: dict[str, Any]) -> str:
    raw = {"s": sort_by, "o": order, "v": _sort_value(sort_by, item), "i": item["run_id"]}
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort_by: str, order: str) -> tuple[Any, str]:
    invalid = ApiError(400, "The cursor is not valid; use the next_cursor of a previous page.")
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw["s"] != sort_by or raw["o"] != order:
            raise ApiError(400, "The cursor belongs to a different sort order; start again without a cursor.")
        value, last_id = raw["v"], raw["i"]
        if sort_by == "agent" and value is None and isinstance(last_id, str) and text_problem(last_id) is None:
            return None, last_id
        if not isinstance(value, str) or not isinstance(last_id, str) or text_problem(value + last_id):
            raise invalid
        if sort_by in ("title", "agent"):
            return value, last_id
        stamp = datetime.fromisoformat(value)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise invalid from exc
    # A cursor this API wrote is aware; Tortoise took any other timestamp as UTC.
    utc = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else as_utc(stamp)
    if utc is None:
        raise invalid
    return utc, last_id


def _after_cursor(sql: _Sql, sort_by: str, order: str, value: Any, last_id: str) -> str:
    """Rows after the cursor's row in the list's order (runs without a skill last, for ``agent``)."""
    op = "<" if order == "desc" else ">"
    column = "skill_spec" if sort_by == "agent" else sort_by
    if sort_by == "agent" and value is None:
        return f'("skill_spec" IS NULL AND "id"{op}{sql.param(last_id)})'
    past = f'"{column}"{op}{sql.param(value)}'
    tied = f'"{column}"={sql.param(value)} AND "id"{op}{sql.param(last_id)}'
    nulls = ' OR "skill_spec" IS NULL' if sort_by == "agent" else ""
    return f"({past} OR ({tied}){nulls})"


def _order(sort_by: str, order: str) -> str:
    direction = order.upper()
    if sort_by == "agent":
        return f' ORDER BY ("skill_spec" IS NULL),"skill_spec" {direction},"id" {direction}'
    return f' ORDER BY "{sort_by}" {direction},"id" {direction}'


async def list_runs(request: Request, caller: Caller) -> dict[str, Any]:
    """One page of the caller's runs: ``{"runs": [...], "page_info": {...}}``."""
    unknown = [name for name in request.query_params if name not in KNOWN and not name.startswith("metadata[")]
    if unknown:
        raise ApiError(400, f"Unknown query parameter {unknown[0][:60]!r}; a filter this API lacks is never ignored.")
    raw_limit = _one(request, "limit")
    try:
        limit = DEFAULT_LIMIT if raw_limit is None else int(raw_limit)
    except ValueError:
        raise ApiError(400, f"limit must be a whole number between 1 and {MAX_LIMIT}.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be a whole number between 1 and {MAX_LIMIT}.")
    sort_by = _choice(request, "sort_by", SORT_FIELDS) or "created_at"
    order = (_one(request, "sort_order") or "desc").lower()
    if order not in ("asc", "desc"):
        raise ApiError(400, "sort_order must be asc or desc.")
    connection = connections.get("default")
    sql = _Sql(numbered=connection.capabilities.dialect == "postgres")
    await _filters(request, caller, sql)
    if cursor := _one(request, "cursor", max_length=2000):
        value, last_id = _decode_cursor(cursor, sort_by, order)
        sql.clauses.append(_after_cursor(sql, sort_by, order, value, last_id))
    statement = LIST_SELECT + sql.where() + _order(sort_by, order) + f" LIMIT {sql.param(limit + 1)}"
    _, rows = await connection.execute_query(statement, sql.values)
    has_next = len(rows) > limit
    items = [row_item(row) for row in rows[:limit]]
    next_cursor = _encode_cursor(sort_by, order, items[-1]) if has_next else None
    return {"runs": items, "page_info": {"has_next_page": has_next, "next_cursor": next_cursor}}
