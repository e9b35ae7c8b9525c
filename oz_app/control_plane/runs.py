"""``/agent/runs``: create, list, get, follow, cancel (CP-2, CP-3, CP-4, CP-11)."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from tortoise import connections

from oz_app.bus import Bus, run_topic, unseen
from oz_app.control_plane import artifacts, run_list, schedules, service
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text
from oz_app.control_plane.run_create import RunCreate, RunCreator, request_of
from oz_app.control_plane.run_items import LIST_SELECT, row_item, run_item
from oz_app.db import in_dialect
from oz_app.db.models import TERMINAL_STATES, Run

__all__ = ["build_router", "follow_run", "row_item", "run_item"]

# Ids longer than their column can name no record; refused before they reach the database.
RunId = Annotated[Text, Path(max_length=36)]


class FollowupIn(BaseModel):
    """The SDK's ``RunSubmitFollowupParams``."""

    model_config = ConfigDict(extra="forbid")
    message: Text = Field(min_length=1, max_length=500_000, pattern=r"\S")
    mode: Literal["normal", "plan", "orchestrate"] | None = None


async def _add_related(items: list[dict[str, Any]]) -> None:
    """What run items show from other tables: their artifacts and the schedule that made them."""
    await artifacts.attach_artifacts(items)
    made_by = await schedules.schedules_of([item["schedule_id"] for item in items if item["schedule_id"]])
    for item in items:
        item["schedule"] = made_by.get(item.pop("schedule_id") or "")


def _json_response(content: dict[str, Any]) -> Response:
    """``JSONResponse(content)``, serialised by orjson; the same JSON, several times faster.
    What orjson refuses (integers beyond 64 bits in a stored config) takes the standard path."""
    try:
        body = orjson.dumps(content)
    except orjson.JSONEncodeError:
        return JSONResponse(content)
    return Response(body, media_type="application/json")


KEEPALIVE_SECONDS = 15.0


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


def build_router(auth: Any, runs: service.RunService, creator: RunCreator) -> APIRouter:
    """The runs endpoints."""
    router = APIRouter(tags=["runs"])
    CallerDep = Annotated[Caller, Depends(auth)]

    async def visible_run(run_id: str, caller: Caller) -> Run:
        run = await Run.get_or_none(id=run_id)
        if run is None or not (caller.is_admin or run.tenant == caller.tenant):
            raise ApiError(404, f"Run {run_id} was not found.")
        return run

    async def create(body: RunCreate, caller: CallerDep) -> dict[str, Any]:
        run = await creator.create(caller, request_of(body))
        return {"run_id": run.id, "task_id": run.id, "state": run.state}

    router.add_api_route("/agent/runs", create, methods=["POST"], status_code=201, summary="Create a run")
    router.add_api_route("/agent/run", create, methods=["POST"], status_code=201, summary="Create a run (seed path)")

    @router.get(
        "/agent/runs",
        summary="List runs, newest first, with cursor pagination",
        openapi_extra={"parameters": run_list.LIST_PARAMETERS},
    )
    async def list_runs(request: Request, caller: CallerDep) -> Response:
        page = await run_list.list_runs(request, caller)
        await _add_related(page["runs"])
        return _json_response(page)

    @router.get("/agent/runs/{run_id}", summary="Get one run")
    async def get_run(run_id: RunId, caller: CallerDep) -> Response:
        # Read as a list reads a page (plain SQL, the row straight into the item): several
        # times cheaper than a Run object and FastAPI's encoder.
        statement = in_dialect(f'{LIST_SELECT} WHERE "id"=?')
        _, rows = await connections.get("default").execute_query(statement, [run_id])
        if not rows or not (caller.is_admin or rows[0]["tenant"] == caller.tenant):
            raise ApiError(404, f"Run {run_id} was not found.")
        item = row_item(rows[0])
        await _add_related([item])
        return _json_response(item)

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

    @router.post("/agent/runs/{run_id}/followups", summary="Send a follow-up message to a run")
    async def follow_up(run_id: RunId, body: FollowupIn, caller: CallerDep) -> dict[str, Any]:
        """The run answers it: at once if it ended (it is reopened), after its current execution if
        it is executing, together with its prompt if it has not started. The agent sees the earlier turns."""
        run = await visible_run(run_id, caller)
        state = await runs.follow_up(run.id, body.message, body.mode or "normal")
        return {"run_id": run.id, "state": state}

    @router.post("/agent/runs/{run_id}/cancel", response_class=PlainTextResponse, summary="Cancel a run")
    async def cancel(run_id: RunId, caller: CallerDep) -> str:
        run = await visible_run(run_id, caller)
        if await runs.cancel(run.id, "Cancelled through the API."):
            return run.id
        current = await Run.get(id=run.id)
        raise ApiError(400, f"Run {run.id} already ended as {current.state}; a finished run cannot be cancelled.")

    return router
