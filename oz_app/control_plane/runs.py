"""``/agent/runs``: create, list, get, cancel (CP-2, CP-3, CP-4)."""

import asyncio
import base64
import binascii
import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from tortoise.expressions import Q

from oz_app.control_plane import service
from oz_app.control_plane.http import ApiError, Caller
from oz_app.db.models import RUN_STATES, TERMINAL_STATES, Environment, Run
from oz_app.events import RunEvents

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SORT_FIELDS = ("created_at", "updated_at", "title")
NO_ENVIRONMENT = "empty-environment"


class RunConfigIn(BaseModel):
    """The SDK's ``AmbientAgentConfig``; fields we do not use are kept as given."""

    model_config = ConfigDict(extra="allow")
    environment_id: StrictStr | None = Field(None, max_length=64)
    model_id: StrictStr | None = Field(None, max_length=200)
    name: StrictStr | None = Field(None, max_length=500)
    base_prompt: StrictStr | None = Field(None, max_length=100_000)


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="allow")
    prompt: StrictStr = Field(min_length=1, max_length=500_000, pattern=r"\S")
    title: StrictStr | None = Field(None, max_length=500)
    config: RunConfigIn | None = None


def run_item(run: Run) -> dict[str, Any]:
    """A run in the SDK's ``RunItem`` shape (plus ``output`` and ``provider``)."""
    status = None
    if run.status_message:
        status = {"message": run.status_message, "error_code": run.error_code, "retryable": run.retryable}
    return {
        "run_id": run.id,
        "task_id": run.id,
        "title": run.title,
        "prompt": run.prompt,
        "state": run.state,
        "created_at": run.created_at.isoformat(),
        "updated_at": run.updated_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "agent_config": run.agent_config,
        "artifacts": run.artifacts,
        "status_message": status,
        "session_link": run.session_link,
        "execution_location": run.execution_location,
        "run_time": _duration(run),
        "is_run_type_cancellable": True,
        "source": "API",
        "output": run.output,
        "provider": run.provider,
        "provider_model": run.provider_model,
        "attempts": run.attempts,
    }


def _duration(run: Run) -> str | None:
    if run.started_at is None:
        return None
    end = run.finished_at or service.now()
    seconds = max(0.0, (end - run.started_at).total_seconds())
    return f"PT{seconds:.3f}S"


def _encode_cursor(sort_by: str, order: str, run: Run) -> str:
    value = getattr(run, sort_by)
    raw = {
        "s": sort_by,
        "o": order,
        "v": value.isoformat() if isinstance(value, datetime) else value,
        "i": run.id,
    }
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort_by: str, order: str) -> tuple[Any, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw["s"] != sort_by or raw["o"] != order:
            raise ApiError(400, "The cursor belongs to a different sort order; start again without a cursor.")
        value = datetime.fromisoformat(raw["v"]) if sort_by != "title" else str(raw["v"])
        return value, str(raw["i"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(400, "The cursor is not valid; use the next_cursor of a previous page.") from exc


def _one(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ApiError(400, f"Give {name} at most once.")
    return values[0] if values else None


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
    return value


FOLLOW_POLL_SECONDS = 0.5


async def create_run(caller: Caller, prompt: str, title: str | None, config: dict[str, Any]) -> Run:
    """Store a new run: QUEUED for this process's executor, or PENDING for workers when it names
    an environment the caller may use. The caller then tells the runner (``run_created``)."""
    environment_id = config.get("environment_id")
    if environment_id:
        environment = await Environment.get_or_none(id=environment_id)
        if environment is None or not caller.can_see(environment.tenant):
            raise ApiError(404, f"Environment {environment_id} was not found.")
    stamp = service.now()
    first_line = prompt.strip().splitlines()[0][:80]
    return await Run.create(
        id=str(uuid.uuid4()),
        tenant=caller.tenant,
        title=title or config.get("name") or first_line,
        prompt=prompt,
        state="PENDING" if environment_id else "QUEUED",
        agent_config=config,
        environment_id=environment_id,
        model_id=config.get("model_id"),
        execution_location="REMOTE" if environment_id else "LOCAL",
        created_at=stamp,
        updated_at=stamp,
    )


async def cancel_run(run_id: str, events: RunEvents, reason: str) -> bool:
    """Cancel an active run; False if it had already ended. A run streaming in this process keeps
    its output so far in the same write, so it never reads as CANCELLED without it."""
    changes = {"status_message": reason}
    if (streamed := events.streamed(run_id)) is not None:
        changes["output"] = streamed
    return await service.transition(run_id, service.ACTIVE_STATES, "CANCELLED", **changes)


async def follow_run(run_id: str, events: RunEvents) -> AsyncIterator[dict[str, Any]]:
    """Output and state changes of one run: ``{"type": "output", "text"}``, ``{"type": "state",
    "state", "status_message"}`` and, while nothing happens, ``{"type": "idle"}`` every half second.

    A run streaming in this process is followed through the event bus, which hands over its
    output so far atomically with the subscription; a run executed elsewhere (another process, a
    worker) through its stored output. Ends after a terminal state.
    """
    with events.subscribe(run_id) as (queue, streamed):
        live = streamed is not None
        sent = 0
        if streamed:
            yield {"type": "output", "text": streamed}
            sent = len(streamed)
        state = ""
        while True:
            run = await Run.get_or_none(id=run_id)
            if run is None:
                return
            if not live and len(run.output) > sent:
                yield {"type": "output", "text": run.output[sent:]}
                sent = len(run.output)
            if run.state != state:
                state = run.state
                yield {"type": "state", "state": state, "status_message": run.status_message}
            if state in TERMINAL_STATES:
                return
            try:
                event = await asyncio.wait_for(queue.get(), timeout=FOLLOW_POLL_SECONDS)
            except TimeoutError:
                yield {"type": "idle"}
                continue
            while event["type"] == "output":
                live = True
                text = event["text"][max(0, sent - event["offset"]) :]  # skip what the database already gave
                if text:
                    yield {"type": "output", "text": text}
                    sent += len(text)
                if queue.empty():
                    break
                event = queue.get_nowait()


async def _sse(run_id: str, events: RunEvents) -> AsyncIterator[bytes]:
    async for event in follow_run(run_id, events):
        kind = event.pop("type")
        yield b": keep-alive\n\n" if kind == "idle" else f"event: {kind}\ndata: {json.dumps(event)}\n\n".encode()


def build_router(auth: Any, on_created: Any, on_cancelled: Any, events: RunEvents) -> APIRouter:
    """The runs endpoints; ``on_created(run)`` and ``on_cancelled(run_id)`` notify the runner."""
    router = APIRouter(tags=["runs"])
    CallerDep = Annotated[Caller, Depends(auth)]

    async def visible_run(run_id: str, caller: Caller) -> Run:
        run = await Run.get_or_none(id=run_id)
        if run is None or not (caller.is_admin or run.tenant == caller.tenant):
            raise ApiError(404, f"Run {run_id} was not found.")
        return run

    async def create(body: RunCreate, caller: CallerDep) -> dict[str, Any]:
        config = body.config.model_dump(exclude_none=True) if body.config else {}
        run = await create_run(caller, body.prompt, body.title, config)
        on_created(run)
        return {"run_id": run.id, "task_id": run.id, "state": run.state}

    router.add_api_route("/agent/runs", create, methods=["POST"], status_code=201, summary="Create a run")
    router.add_api_route("/agent/run", create, methods=["POST"], status_code=201, summary="Create a run (seed path)")

    @router.get("/agent/runs", summary="List runs, newest first, with cursor pagination")
    async def list_runs(request: Request, caller: CallerDep) -> JSONResponse:
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

        query = Run.all() if caller.is_admin else Run.filter(tenant=caller.tenant)
        if states:
            query = query.filter(state__in=states)
        environment_id = _one(request, "environment_id")
        if environment_id == NO_ENVIRONMENT:
            query = query.filter(environment_id__isnull=True)
        elif environment_id:
            query = query.filter(environment_id=environment_id)
        if model_id := _one(request, "model_id"):
            query = query.filter(model_id=model_id)
        if after := _timestamp(request, "created_after"):
            query = query.filter(created_at__gt=after)
        if before := _timestamp(request, "created_before"):
            query = query.filter(created_at__lt=before)
        if text := _one(request, "q"):
            query = query.filter(Q(title__icontains=text) | Q(prompt__icontains=text))
        if cursor := _one(request, "cursor"):
            value, last_id = _decode_cursor(cursor, sort_by, order)
            op = "lt" if order == "desc" else "gt"
            query = query.filter(
                Q(**{f"{sort_by}__{op}": value}) | Q(Q(**{sort_by: value}), Q(**{f"id__{op}": last_id}))
            )
        prefix = "-" if order == "desc" else ""
        runs = await query.order_by(f"{prefix}{sort_by}", f"{prefix}id").limit(limit + 1)
        has_next = len(runs) > limit
        runs = runs[:limit]
        next_cursor = _encode_cursor(sort_by, order, runs[-1]) if has_next else None
        # Every value is JSON already: skip FastAPI's generic encoder, most of a list's cost.
        page = {"has_next_page": has_next, "next_cursor": next_cursor}
        return JSONResponse({"runs": [run_item(run) for run in runs], "page_info": page})

    @router.get("/agent/runs/{run_id}", summary="Get one run")
    async def get_run(run_id: str, caller: CallerDep) -> dict[str, Any]:
        return run_item(await visible_run(run_id, caller))

    @router.get("/agent/runs/{run_id}/events", summary="Follow a run live (server-sent events)")
    async def follow(run_id: str, caller: CallerDep) -> StreamingResponse:
        """``event: output`` carries ``{"text"}`` chunks (the output so far first), ``event: state``
        carries ``{"state", "status_message"}``; the stream ends after a terminal state."""
        await visible_run(run_id, caller)
        return StreamingResponse(
            _sse(run_id, events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @router.post("/agent/runs/{run_id}/cancel", response_class=PlainTextResponse, summary="Cancel a run")
    async def cancel(run_id: str, caller: CallerDep) -> str:
        run = await visible_run(run_id, caller)
        if await cancel_run(run.id, events, "Cancelled through the API."):
            on_cancelled(run.id)
            return run.id
        current = await Run.get(id=run.id)
        raise ApiError(400, f"Run {run.id} already ended as {current.state}; a finished run cannot be cancelled.")

    return router
