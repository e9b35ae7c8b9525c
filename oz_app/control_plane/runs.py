"""``/agent/runs``: create, list, get, cancel (CP-2, CP-3, CP-4)."""

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from tortoise import connections
from tortoise.filters import escape_like

from oz_app.bus import Bus, run_topic, unseen
from oz_app.control_plane import service
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text, as_utc, check_json, text_problem
from oz_app.db.models import RUN_STATES, TERMINAL_STATES, Environment, Run

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SORT_FIELDS = ("created_at", "updated_at", "title")
NO_ENVIRONMENT = "empty-environment"
MAX_QUERY_CHARS = 1000  # q: a search in titles and prompts
# Ids longer than their column can name no record; refused before they reach the database.
RunId = Annotated[Text, Path(max_length=36)]


class RunConfigIn(BaseModel):
    """The SDK's ``AmbientAgentConfig``; fields we do not use are kept as given (as storable JSON)."""

    model_config = ConfigDict(extra="allow")
    environment_id: Text | None = Field(None, max_length=32)
    model_id: Text | None = Field(None, max_length=200)
    name: Text | None = Field(None, max_length=500)
    base_prompt: Text | None = Field(None, max_length=100_000)


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="allow")
    prompt: Text = Field(min_length=1, max_length=500_000, pattern=r"\S")
    title: Text | None = Field(None, max_length=500)
    config: Annotated[RunConfigIn | None, BeforeValidator(check_json)] = None


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


# The list reads its query itself (faster than FastAPI's parameters); this documents it: every
# filter of the SDK's RunListParams, with its types and enums (CP-14).
LIST_PARAMETERS = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, f"page size (default {DEFAULT_LIMIT})"),
    _query("cursor", {"type": "string", "maxLength": 2000}, "next_cursor of the previous page"),
    {
        **_query("state", {"type": "array", "items": {"type": "string", "enum": sorted(RUN_STATES)}}, "any of"),
        "style": "form",
        "explode": True,
    },
    _query("environment_id", {"type": "string", "maxLength": 32}, f"{NO_ENVIRONMENT!r} for runs without one"),
    _query("model_id", {"type": "string", "maxLength": 200}, "only runs of this model"),
    _query("name", {"type": "string"}, "only runs whose config.name is this"),
    _query("created_after", {"type": "string", "format": "date-time"}, "RFC 3339, with a time zone"),
    _query("created_before", {"type": "string", "format": "date-time"}, "RFC 3339, with a time zone"),
    _query("updated_after", {"type": "string", "format": "date-time"}, "RFC 3339, with a time zone"),
    _query("q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, "text in the title or prompt, any case"),
    _query("ancestor_run_id", {"type": "string", "maxLength": 36}, "only runs descended from this run"),
    _query(
        "artifact_type",
        {"type": "string", "enum": ["PLAN", "PULL_REQUEST", "SCREENSHOT", "FILE", "EXTERNAL_REFERENCE"]},
        "only runs with such an artifact",
    ),
    _query("execution_location", {"type": "string", "enum": ["LOCAL", "REMOTE"]}, "where the run executed"),
    _query(
        "source",
        {
            "type": "string",
            "enum": "LINEAR API SLACK LOCAL SCHEDULED_AGENT WEB_APP GITHUB_ACTION CLOUD_MODE CLI JIRA SELF_IMPROVEMENT "
            "GITHUB_WEBHOOK GITLAB_WEBHOOK AUTOFIX RUN_SCORER ORCHESTRATION".split(),
        },
        "what created the run",
    ),
    _query("creator", {"type": "string"}, "uid of the user or service account that created the run"),
    _query("executor", {"type": "string"}, "uid of the user or agent that executed the run"),
    _query("schedule_id", {"type": "string"}, "only runs started by this schedule"),
    _query("automation_id", {"type": "string"}, "only runs whose metadata names this automation_id"),
    _query("factory_uid", {"type": "string"}, "only runs executed by this factory's agents"),
    _query("skill", {"type": "string"}, "alias of skill_spec"),
    _query("skill_spec", {"type": "string"}, "only runs of this skill, e.g. owner/repo:path/to/SKILL.md"),
    {
        **_query(
            "metadata",
            {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 5},
            "exact key/value pairs, e.g. metadata[ticket_id]=VIS-238; several combine with AND",
        ),
        "style": "deepObject",
        "explode": True,
    },
    _query("sort_by", {"type": "string", "enum": ["updated_at", "created_at", "title", "agent"]}, "the sort field"),
    _query("sort_order", {"type": "string", "enum": ["asc", "desc"]}, "desc (default) or asc"),
]


def run_item(run: Run) -> dict[str, Any]:
    """A run in the SDK's ``RunItem`` shape (plus ``output`` and ``provider``)."""
    return _item(
        run.id, run.title, run.prompt, run.state, run.created_at.isoformat(), run.updated_at.isoformat(),
        run.started_at.isoformat() if run.started_at else None, _run_time(run.started_at, run.finished_at),
        run.agent_config, run.artifacts, run.status_message, run.error_code, run.retryable, run.session_link,
        run.execution_location, run.output, run.provider, run.provider_model, run.attempts,
    )  # fmt: skip


def _item(
    run_id: str, title: str, prompt: str, state: str, created_at: str, updated_at: str, started_at: str | None,
    run_time: str | None, agent_config: Any, artifacts: Any, status_message: str | None, error_code: str | None,
    retryable: bool | None, session_link: str | None, execution_location: str, output: str, provider: str | None,
    provider_model: str | None, attempts: Any,
) -> dict[str, Any]:  # fmt: skip
    status = None
    if status_message:
        status = {"message": status_message, "error_code": error_code, "retryable": retryable}
    return {
        "run_id": run_id,
        "task_id": run_id,
        "title": title,
        "prompt": prompt,
        "state": state,
        "created_at": created_at,
        "updated_at": updated_at,
        "started_at": started_at,
        "agent_config": agent_config,
        "artifacts": artifacts,
        "status_message": status,
        "session_link": session_link,
        "execution_location": execution_location,
        "run_time": run_time,
        "is_run_type_cancellable": True,
        "source": "API",
        "output": output,
        "provider": provider,
        "provider_model": provider_model,
        "attempts": attempts,
    }


def _run_time(started_at: datetime | None, finished_at: datetime | None) -> str | None:
    if started_at is None:
        return None
    seconds = max(0.0, ((finished_at or service.now()) - started_at).total_seconds())
    return f"PT{seconds:.3f}S"


# What a list reads, in the order row_item unpacks it.
LIST_COLUMNS = (
    "id", "title", "prompt", "state", "created_at", "updated_at", "started_at", "finished_at", "agent_config",
    "artifacts", "status_message", "error_code", "retryable", "session_link", "execution_location", "output",
    "provider", "provider_model", "attempts",
)  # fmt: skip
LIST_SELECT = "SELECT " + ",".join(f'"{column}"' for column in LIST_COLUMNS) + ' FROM "runs"'


def _stored_time(value: Any) -> datetime | None:
    """A stored timestamp as Tortoise reads it: SQLite gives text, asyncpg a datetime; either
    way it ends up aware, in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _stored_iso(value: Any) -> str | None:
    """``_stored_time(value).isoformat()``. Text exactly as Tortoise writes a UTC time to SQLite,
    ``2026-01-31 12:00:00[.123456]+00:00`` (no fraction when it is zero), is that already but for
    the "T", and is taken as is: a page has sixty timestamps and isoformat() is not cheap."""
    if (
        isinstance(value, str)
        and value[10:11] == " "
        and value.endswith("+00:00")
        and (len(value) == 25 or (len(value) == 32 and value[19] == "." and value[20:26] != "000000"))
    ):
        return f"{value[:10]}T{value[11:]}"
    stamp = _stored_time(value)
    return None if stamp is None else stamp.isoformat()


def _stored_json(value: Any) -> Any:
    """A JSON column: text on SQLite (and from asyncpg without a codec), decoded as Tortoise does."""
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def row_item(row: Sequence[Any]) -> dict[str, Any]:
    """A row of :data:`LIST_COLUMNS` (a ``sqlite3.Row`` or an asyncpg ``Record``) exactly as
    :func:`run_item` shows the run; building a Run object costs more than the rest of a list."""
    (
        run_id, title, prompt, state, created_at, updated_at, started_at, finished_at, agent_config, artifacts,
        status_message, error_code, retryable, session_link, execution_location, output, provider, provider_model,
        attempts,
    ) = row  # fmt: skip
    return _item(
        run_id, title, prompt, state, _stored_iso(created_at), _stored_iso(updated_at),  # type: ignore[arg-type]
        _stored_iso(started_at), _run_time(_stored_time(started_at), _stored_time(finished_at)),
        _stored_json(agent_config), _stored_json(artifacts), status_message, error_code,
        None if retryable is None else bool(retryable), session_link, execution_location, output, provider,
        provider_model, _stored_json(attempts),
    )  # fmt: skip


class _Sql:
    """A WHERE clause and its values, with the connection's placeholders ("?" or "$1")."""

    def __init__(self, numbered: bool) -> None:
        self.numbered = numbered
        self.clauses: list[str] = []
        self.values: list[Any] = []

    def param(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.numbered else "?"


def _encode_cursor(sort_by: str, order: str, item: dict[str, Any]) -> str:
    raw = {"s": sort_by, "o": order, "v": item[sort_by], "i": item["run_id"]}
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def _json_response(content: dict[str, Any]) -> Response:
    """``JSONResponse(content)``, serialised by orjson; the same JSON, several times faster.
    What orjson refuses (integers beyond 64 bits in a stored config) takes the standard path."""
    try:
        body = orjson.dumps(content)
    except orjson.JSONEncodeError:
        return JSONResponse(content)
    return Response(body, media_type="application/json")


def _decode_cursor(cursor: str, sort_by: str, order: str) -> tuple[Any, str]:
    invalid = ApiError(400, "The cursor is not valid; use the next_cursor of a previous page.")
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw["s"] != sort_by or raw["o"] != order:
            raise ApiError(400, "The cursor belongs to a different sort order; start again without a cursor.")
        value, last_id = raw["v"], raw["i"]
        if not isinstance(value, str) or not isinstance(last_id, str) or text_problem(value + last_id):
            raise invalid
        if sort_by == "title":
            return value, last_id
        stamp = datetime.fromisoformat(value)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise invalid from exc
    # A cursor this API wrote is aware; Tortoise took any other timestamp as UTC.
    utc = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else as_utc(stamp)
    if utc is None:
        raise invalid
    return utc, last_id


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


KEEPALIVE_SECONDS = 15.0


async def create_run(
    runs: service.RunService, caller: Caller, prompt: str, title: str | None, config: dict[str, Any]
) -> Run:
    """Store a new run: QUEUED for an executor, or PENDING for workers when it names
    an environment the caller may use. Its announcement wakes whoever takes it, in every process."""
    environment_id = config.get("environment_id")
    if environment_id:
        environment = await Environment.get_or_none(id=environment_id)
        if environment is None or not caller.can_see(environment.tenant):
            raise ApiError(404, f"Environment {environment_id} was not found.")
    first_line = (prompt.strip().splitlines() or [""])[0][:80]
    return await runs.create(
        tenant=caller.tenant,
        title=title or config.get("name") or first_line,
        prompt=prompt,
        state="PENDING" if environment_id else "QUEUED",
        agent_config=config,
        environment_id=environment_id,
        model_id=config.get("model_id"),
        execution_location="REMOTE" if environment_id else "LOCAL",
    )


class _Follower:
    """What one follower has been sent of a run: its output and state."""

    def __init__(self) -> None:
        self.text = ""
        self.state = ""

    def read(self, run: Run) -> list[dict[str, Any]]:
        """The events that bring the follower to ``run`` as stored."""
        events = []
        if run.output != self.text:
            start = len(self.text) if run.output.startswith(self.text) else 0
            events.append({"type": "output", "offset": start, "text": run.output[start:]})
            self.text = run.output
        if run.state != self.state:
            self.state = run.state
            events.append({"type": "state", "state": run.state, "status_message": run.status_message})
        return events

    def place(self, offset: int, text: str) -> dict[str, Any] | None:
        """The part of a chunk at ``offset`` not sent yet, as an event; None when there is nothing new.
        Raises LookupError when something before it was missed (the run must be read)."""
        have = len(self.text)
        piece = unseen(have, offset, text)
        if not piece:
            return None
        self.text += piece
        return {"type": "output", "offset": have, "text": piece}


async def follow_run(run_id: str, bus: Bus) -> AsyncIterator[dict[str, Any]]:
    """Output and state changes of one run, wherever it executes (ST-4): ``{"type": "output",
    "offset", "text"}`` (the output so far first; text goes at ``offset``, so an offset of 0
    after other output means the run started over), ``{"type": "state", "state",
    "status_message"}``, and ``{"type": "idle"}`` when nothing happened for a while. Ends after a
    terminal state. Subscribed before the run is read: nothing said in between is lost."""
    follower = _Follower()
    with bus.queue(run_topic(run_id)) as queue:
        run = await Run.get_or_none(id=run_id)
        while run is not None:
            for event in follower.read(run):
                yield event
            if follower.state in TERMINAL_STATES:
                return
            run = None
            while run is None:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield {"type": "idle"}
                    continue
                try:
                    if event.get("type") != "output" or event.get("text") is None:
                        raise LookupError(event.get("type"))
                    placed = follower.place(int(event["offset"]), str(event["text"]))
                    if placed is not None:
                        yield placed
                except LookupError:  # a state change, a restart, a resync or a gap: read the run
                    if event.get("type") == "reset":
                        follower.text = ""
                    run = await Run.get_or_none(id=run_id)
                    if run is None:
                        return


async def _sse(run_id: str, bus: Bus) -> AsyncIterator[bytes]:
    async for event in follow_run(run_id, bus):
        kind = event.pop("type")
        yield b": keep-alive\n\n" if kind == "idle" else f"event: {kind}\ndata: {json.dumps(event)}\n\n".encode()


def build_router(auth: Any, runs: service.RunService) -> APIRouter:
    """The runs endpoints."""
    router = APIRouter(tags=["runs"])
    CallerDep = Annotated[Caller, Depends(auth)]

    async def visible_run(run_id: str, caller: Caller) -> Run:
        run = await Run.get_or_none(id=run_id)
        if run is None or not (caller.is_admin or run.tenant == caller.tenant):
            raise ApiError(404, f"Run {run_id} was not found.")
        return run

    async def create(body: RunCreate, caller: CallerDep) -> dict[str, Any]:
        config = body.config.model_dump(exclude_none=True) if body.config else {}
        run = await create_run(runs, caller, body.prompt, body.title, config)
        return {"run_id": run.id, "task_id": run.id, "state": run.state}

    router.add_api_route("/agent/runs", create, methods=["POST"], status_code=201, summary="Create a run")
    router.add_api_route("/agent/run", create, methods=["POST"], status_code=201, summary="Create a run (seed path)")

    @router.get(
        "/agent/runs",
        summary="List runs, newest first, with cursor pagination",
        openapi_extra={"parameters": LIST_PARAMETERS},
    )
    async def list_runs(request: Request, caller: CallerDep) -> Response:
        raw_limit = _one(request, "limit")
        try:
            limit = DEFAULT_LIMIT if raw_limit is None else int(raw_limit)
        except ValueError:
            raise ApiError(400, f"limit must be a whole number between 1 and {MAX_LIMIT}.") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise ApiError(400, f"limit must be a whole number between 1 and {MAX_LIMIT}.")
        sort_by = _one(request, "sort_by") or "created_at"
        if sort_by not in SORT_FIELDS:
            raise ApiError(400, f"sort_by must be one of {', '.join(SORT_FIELDS)}.")
        order = (_one(request, "sort_order") or "desc").lower()
        if order not in ("asc", "desc"):
            raise ApiError(400, "sort_order must be asc or desc.")
        states = request.query_params.getlist("state")
        unknown = [state for state in states if state not in RUN_STATES]
        if unknown:
            raise ApiError(400, f"Unknown state {unknown[0]!r}; use one of {', '.join(sorted(RUN_STATES))}.")

        # Plain SQL and rows straight into items: Tortoise's query builder and Run objects cost
        # more than the rest of a list request. The same filters as Run.filter(...) would write.
        connection = connections.get("default")
        sql = _Sql(numbered=connection.capabilities.dialect == "postgres")
        where = sql.clauses
        if not caller.is_admin:
            where.append(f'"tenant"={sql.param(caller.tenant)}')
        if states:
            where.append(f'"state" IN ({",".join(sql.param(state) for state in states)})')
        environment_id = _one(request, "environment_id", max_length=32)
        if environment_id == NO_ENVIRONMENT:
            where.append('"environment_id" IS NULL')
        elif environment_id:
            where.append(f'"environment_id"={sql.param(environment_id)}')
        if model_id := _one(request, "model_id", max_length=200):
            where.append(f'"model_id"={sql.param(model_id)}')
        if after := _timestamp(request, "created_after"):
            where.append(f'"created_at">{sql.param(after)}')
        if before := _timestamp(request, "created_before"):
            where.append(f'"created_at"<{sql.param(before)}')
        if text := _one(request, "q", max_length=MAX_QUERY_CHARS):
            pattern = f"%{escape_like(text)}%"
            title = f"UPPER(CAST(\"title\" AS VARCHAR)) LIKE UPPER({sql.param(pattern)}) ESCAPE '\\'"
            prompt = f"UPPER(CAST(\"prompt\" AS VARCHAR)) LIKE UPPER({sql.param(pattern)}) ESCAPE '\\'"
            where.append(f"({title} OR {prompt})")
        if cursor := _one(request, "cursor", max_length=2000):
            value, last_id = _decode_cursor(cursor, sort_by, order)
            op = "<" if order == "desc" else ">"
            past = f'"{sort_by}"{op}{sql.param(value)}'
            tied = f'"{sort_by}"={sql.param(value)} AND "id"{op}{sql.param(last_id)}'
            where.append(f"({past} OR ({tied}))")
        direction = order.upper()
        statement = (
            LIST_SELECT
            + (" WHERE " + " AND ".join(where) if where else "")
            + f' ORDER BY "{sort_by}" {direction},"id" {direction} LIMIT {sql.param(limit + 1)}'
        )
        _, rows = await connection.execute_query(statement, sql.values)
        has_next = len(rows) > limit
        items = [row_item(row) for row in rows[:limit]]
        next_cursor = _encode_cursor(sort_by, order, items[-1]) if has_next else None
        return _json_response({"runs": items, "page_info": {"has_next_page": has_next, "next_cursor": next_cursor}})

    @router.get("/agent/runs/{run_id}", summary="Get one run")
    async def get_run(run_id: RunId, caller: CallerDep) -> dict[str, Any]:
        return run_item(await visible_run(run_id, caller))

    @router.get("/agent/runs/{run_id}/events", summary="Follow a run live (server-sent events)")
    async def follow(run_id: RunId, caller: CallerDep) -> StreamingResponse:
        """``event: output`` carries ``{"offset", "text"}`` chunks (the output so far first), ``event: state``
        carries ``{"state", "status_message"}``; the stream ends after a terminal state."""
        await visible_run(run_id, caller)
        return StreamingResponse(
            _sse(run_id, runs.bus),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @router.post("/agent/runs/{run_id}/cancel", response_class=PlainTextResponse, summary="Cancel a run")
    async def cancel(run_id: RunId, caller: CallerDep) -> str:
        run = await visible_run(run_id, caller)
        if await runs.cancel(run.id, "Cancelled through the API."):
            return run.id
        current = await Run.get(id=run.id)
        raise ApiError(400, f"Run {run.id} already ended as {current.state}; a finished run cannot be cancelled.")

    return router
