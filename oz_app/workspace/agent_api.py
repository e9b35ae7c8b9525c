"""The internal API agents call to create and move tasks, post artifacts and notify (WS-6..WS-8).

Every route needs ``X-Agent-Key: $AGENT_API_KEY`` (compared in constant time); without
``AGENT_API_KEY`` configured the API is off (503). A room id is all an agent needs: what it
creates belongs to that room and its owner.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from oz_app.db.models import Room
from oz_app.workspace import service
from oz_app.workspace.live import room_topic, user_topic

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

PREFIX = "/internal/agent"


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr
    description: StrictStr = ""
    status: StrictStr = "backlog"
    priority: StrictStr = "medium"
    assignee_id: StrictStr | None = None


class TaskChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr | None = None
    description: StrictStr | None = None
    status: StrictStr | None = None
    priority: StrictStr | None = None
    assignee_id: StrictStr | None = None


class ArtifactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: StrictStr
    title: StrictStr
    url: StrictStr = ""
    content: StrictStr = ""
    run_id: StrictStr | None = Field(None, max_length=36)
    branch: StrictStr = Field("", max_length=500)


class NotificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr
    body: StrictStr = ""


def task_view(task: Any) -> dict[str, Any]:
    fields = ("id", "title", "description", "status", "priority", "assignee_id", "position")
    return {name: getattr(task, name) for name in fields}


def build_router(workspace: Workspace) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["agent API"])

    async def agent_key(x_agent_key: Annotated[str | None, Header()] = None) -> None:
        expected = workspace.settings.agent_api_key
        if not expected:
            raise HTTPException(503, "The agent API is off: set AGENT_API_KEY.")
        if not x_agent_key or not hmac.compare_digest(x_agent_key.encode(), expected.encode()):
            raise HTTPException(401, "A valid X-Agent-Key header is required.")

    router.dependencies.append(Depends(agent_key))

    async def room_for(room_id: str) -> Room:
        await workspace.ready.wait()
        room = await Room.get_or_none(id=room_id)
        if room is None:
            raise HTTPException(404, "No such room.")
        return room

    def refused(exc: Exception) -> HTTPException:
        return HTTPException(404 if isinstance(exc, service.NotFound) else 422, str(exc))

    @router.post("/rooms/{room_id}/tasks", status_code=201, summary="Create a task")
    async def create_task(room_id: str, body: TaskIn) -> dict[str, Any]:
        room = await room_for(room_id)
        try:
            task = await service.create_task(room, **body.model_dump())
        except (service.Invalid, service.NotFound) as exc:
            raise refused(exc) from None
        workspace.live.publish(room_topic(room.id), kind="tasks")
        return task_view(task)

    @router.patch("/rooms/{room_id}/tasks/{task_id}", summary="Change or move a task")
    async def change_task(room_id: str, task_id: str, body: TaskChange) -> dict[str, Any]:
        room = await room_for(room_id)
        try:
            task = await service.update_task(room, task_id, **body.model_dump(exclude_unset=True))
        except (service.Invalid, service.NotFound) as exc:
            raise refused(exc) from None
        workspace.live.publish(room_topic(room.id), kind="tasks")
        return task_view(task)

    @router.post("/rooms/{room_id}/artifacts", status_code=201, summary="Post an artifact")
    async def post_artifact(room_id: str, body: ArtifactIn) -> dict[str, Any]:
        room = await room_for(room_id)
        try:
            artifact = await service.create_artifact(room, **body.model_dump())
        except service.Invalid as exc:
            raise refused(exc) from None
        workspace.live.publish(room_topic(room.id), kind="artifacts")
        return {
            "id": artifact.id,
            "artifact_uid": artifact.id,
            "artifact_type": artifact.artifact_type,
            "kind": artifact.kind,
            "title": artifact.title,
            "url": artifact.url,
        }

    @router.post("/rooms/{room_id}/notifications", status_code=201, summary="Notify the room's owner")
    async def notify(room_id: str, body: NotificationIn) -> dict[str, Any]:
        room = await room_for(room_id)
        owner_id = room.owner_id  # type: ignore[attr-defined]
        try:
            note = await service.notify(owner_id, body.title, body.body, room_id=room.id)
        except service.Invalid as exc:
            raise refused(exc) from None
        workspace.live.publish(user_topic(owner_id), kind="inbox")
        return {"id": note.id, "title": note.title}

    return router
