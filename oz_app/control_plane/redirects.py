"""Where to watch a run (CP-11): the SDK's public ``check_redirect`` of sessions and conversations.

A run's live session is the run itself (its ``session_id`` is its id): while it executes it is
watched live, on the workspace's room page when a room's message started it, otherwise through
``GET /agent/runs/{id}/events``. Once it ended, its conversation holds what it said. Both routes
are public, as in the SDK, and answer only ids a caller already holds: they reveal no text.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from oz_app.control_plane.service import ACTIVE_STATES
from oz_app.db.models import TERMINAL_STATES, Message, Run

MAX_ID = 36  # longer ids name nothing


def _watch_link(request: Request, run: Run, room_id: Any) -> str | None:
    if room_id:
        return str(request.base_url).rstrip("/") + f"/rooms/{room_id}"
    return run.session_link


def build_router() -> APIRouter:
    router = APIRouter(tags=["sessions"])

    @router.get("/agent/sessions/{session_uuid}/redirect", summary="Where an ended session's conversation is")
    async def session_redirect(session_uuid: str) -> dict[str, Any]:
        """``{"conversation_id"}`` once the run has ended; ``{}`` while it runs or for an unknown id."""
        if len(session_uuid) > MAX_ID:
            return {}
        run = await Run.get_or_none(id=session_uuid).only("conversation_id", "state")
        if run is None or run.state not in TERMINAL_STATES:
            return {}
        return {"conversation_id": run.conversation_id}

    @router.get("/agent/conversations/{conversation_id}/redirect", summary="Where a conversation's live run is")
    async def conversation_redirect(conversation_id: str, request: Request) -> dict[str, Any]:
        """``{"session_id", "session_link"}`` while a run of the conversation executes; ``{}`` otherwise."""
        if len(conversation_id) > MAX_ID:
            return {}
        live = Run.filter(conversation_id=conversation_id, state__in=ACTIVE_STATES).order_by("-created_at")
        run = await live.first()
        if run is None:
            return {}
        room_id = await Message.filter(run_id=run.id).first().values_list("room_id", flat=True)
        return {"session_id": run.id, "session_link": _watch_link(request, run, room_id)}

    return router
