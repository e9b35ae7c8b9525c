"""``/prds`` and ``/work_items``: PRDs and their work items through the API (WS-12).

They are what a person sees and does on a room's Work tab: list, create and read PRDs, approve
a plan, pause, resume or cancel the work, and approve, reject or reassign an item. Tenancy is
that of runs: a PRD is its room owner's, so a caller sees it when its tenant is that user's
(``user:<id>``, a personal API token) or it holds the admin key; anyone else gets 404, exactly
as for an id that does not exist. Bad input answers 400 with the sentence the Work tab shows,
a change the PRD's or item's state does not allow 409; either way nothing changes.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from tortoise.queryset import QuerySet

from oz_app.bus import Bus
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text
from oz_app.control_plane.tokens import tenant_user
from oz_app.db.models import Prd, Room, User, WorkItem
from oz_app.errors import Invalid, NotFound
from oz_app.work import PRD_STATES, actions, views

Id = Annotated[Text, Path(max_length=32)]  # longer ids name nothing
Canceller = Callable[[str, str], Awaitable[bool]]
T = TypeVar("T")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PrdCreate(_Body):
    room_id: Text = Field(max_length=32, description="The room whose agents plan and do the work.")
    text: Text = Field(description="The PRD, Markdown (at most 100,000 characters).")
    planner_id: Text | None = Field(None, max_length=32, description="A SPEC member of the room; default the first.")


class PauseBody(_Body):
    stop_running: bool = Field(False, description="Cancel the attempts under way too (their items are ready again).")


class RejectBody(_Body):
    reason: Text = Field("", max_length=10_000)


class ReassignBody(_Body):
    agent_id: Text | None = Field(None, max_length=32, description="An IMPLEMENT member of the room; null: any.")


def _scoped(query: QuerySet[Any], caller: Caller, owner_field: str) -> QuerySet[Any] | None:
    """``query`` narrowed to what ``caller`` may see (None: nothing)."""
    if caller.is_admin:
        return query
    user_id = tenant_user(caller.tenant)
    return None if user_id is None else query.filter(**{owner_field: user_id})


async def _actor(caller: Caller) -> str:
    """Who did it, for an item's history: the user's name, else ``admin``."""
    user_id = tenant_user(caller.tenant)
    user = await User.get_or_none(id=user_id) if user_id else None
    return user.username if user is not None else "admin"


def answer_errors(exc: Exception) -> ApiError:
    if isinstance(exc, actions.Conflict):
        return ApiError(409, str(exc))
    if isinstance(exc, NotFound):
        return ApiError(404, str(exc))
    return ApiError(400, str(exc))


async def _visible(query: QuerySet[Any], caller: Caller, owner_field: str, missing: str) -> Any:
    """The row of ``query`` when ``caller`` may see it; else 404 (``missing``), as for an id
    that does not exist."""
    scoped = _scoped(query, caller, owner_field)
    row = await scoped.first() if scoped is not None else None
    if row is None:
        raise ApiError(404, missing)
    return row


async def visible_prd(prd_id: str, caller: Caller) -> Prd:
    """The PRD when ``caller`` may see it (its room is theirs, or they are the admin)."""
    return await _visible(Prd.filter(id=prd_id), caller, "room__owner_id", f"PRD {prd_id} was not found.")


async def visible_item(item_id: str, caller: Caller) -> WorkItem:
    """The work item when ``caller`` may see its PRD."""
    missing = f"Work item {item_id} was not found."
    return await _visible(WorkItem.filter(id=item_id), caller, "prd__room__owner_id", missing)


async def item_view(item: WorkItem) -> dict[str, Any]:
    """The item as its PRD's item list shows it (its state in words needs the other items)."""
    prd = await Prd.get(id=item.prd_id)  # type: ignore[attr-defined]
    [view] = [view for view in await views.item_views(prd) if view["id"] == item.id]
    return view


async def item_detail(item: WorkItem) -> dict[str, Any]:
    return {**await item_view(item), "history": await views.history_of(item)}


async def checked(change: Awaitable[T]) -> T:
    """What ``change`` returns; its refusal as the answer's error (400, 404 or 409)."""
    try:
        return await change
    except (Invalid, NotFound) as exc:
        raise answer_errors(exc) from None


def build_router(auth: Any, bus: Bus, cancel: Canceller) -> APIRouter:
    """The PRD and work-item endpoints; ``cancel`` stops a run (the control plane's)."""
    router = APIRouter(tags=["work"])
    CallerDep = Annotated[Caller, Depends(auth)]

    @router.get("/prds", summary="List PRDs, newest first")
    async def list_prds(
        caller: CallerDep,
        room_id: Annotated[Text | None, Query(max_length=32, description="Only this room's.")] = None,
        state: Annotated[Text | None, Query(max_length=16, description="Only PRDs in this state.")] = None,
    ) -> dict[str, Any]:
        if state is not None and state not in PRD_STATES:
            raise ApiError(400, f"state must be one of {', '.join(PRD_STATES)}.")
        query = _scoped(Prd.all(), caller, "room__owner_id")
        if query is None:
            return {"prds": []}
        if room_id is not None:
            query = query.filter(room_id=room_id)
        if state is not None:
            query = query.filter(state=state)
        return {"prds": [await views.prd_view(prd) for prd in await query.order_by("-created_at", "id")]}

    @router.post("/prds", status_code=201, summary="Write a PRD in a room; its planning agent decomposes it")
    async def create_prd(body: PrdCreate, caller: CallerDep) -> dict[str, Any]:
        room = await _visible(Room.filter(id=body.room_id), caller, "owner_id", f"Room {body.room_id} was not found.")
        prd = await checked(actions.create_prd(bus, room, tenant_user(caller.tenant), body.text, body.planner_id))
        return await views.prd_view(prd)

    @router.get("/prds/{prd_id}", summary="Get a PRD with its progress")
    async def get_prd(prd_id: Id, caller: CallerDep) -> dict[str, Any]:
        return await views.prd_view(await visible_prd(prd_id, caller))

    @router.get("/prds/{prd_id}/items", summary="List a PRD's work items in plan order")
    async def list_items(prd_id: Id, caller: CallerDep) -> dict[str, Any]:
        return {"items": await views.item_views(await visible_prd(prd_id, caller))}

    @router.post("/prds/{prd_id}/approve", summary="Approve a PRD's plan: its items become ready and go on the board")
    async def approve(prd_id: Id, caller: CallerDep) -> dict[str, Any]:
        prd = await visible_prd(prd_id, caller)
        return await changed(actions.approve(bus, prd, tenant_user(caller.tenant)))

    @router.post("/prds/{prd_id}/pause", summary="Pause a PRD: no new work starts (and, if asked, none goes on)")
    async def pause(prd_id: Id, caller: CallerDep, body: PauseBody | None = None) -> dict[str, Any]:
        prd = await visible_prd(prd_id, caller)
        stop_running = body.stop_running if body is not None else False
        return await changed(actions.pause(bus, prd, cancel, stop_running=stop_running))

    @router.post("/prds/{prd_id}/resume", summary="Resume a paused PRD")
    async def resume(prd_id: Id, caller: CallerDep) -> dict[str, Any]:
        return await changed(actions.resume(bus, await visible_prd(prd_id, caller)))

    @router.post("/prds/{prd_id}/cancel", summary="Cancel a PRD, its runs and its unfinished items")
    async def cancel_prd(prd_id: Id, caller: CallerDep) -> dict[str, Any]:
        return await changed(actions.cancel(bus, await visible_prd(prd_id, caller), cancel))

    async def changed(change: Awaitable[Prd]) -> dict[str, Any]:
        return await views.prd_view(await checked(change))

    @router.get("/work_items/{item_id}", summary="Get a work item with its history")
    async def get_item(item_id: Id, caller: CallerDep) -> dict[str, Any]:
        return await item_detail(await visible_item(item_id, caller))

    @router.post("/work_items/{item_id}/approve", summary="Approve a work item: it is done, whatever its state")
    async def approve_item(item_id: Id, caller: CallerDep) -> dict[str, Any]:
        item = await visible_item(item_id, caller)
        return await decided(actions.approve_item(bus, item, await _actor(caller), cancel))

    @router.post("/work_items/{item_id}/reject", summary="Reject a work item: it will not be done")
    async def reject_item(item_id: Id, caller: CallerDep, body: RejectBody | None = None) -> dict[str, Any]:
        item = await visible_item(item_id, caller)
        reason = body.reason if body is not None else ""
        return await decided(actions.reject_item(bus, item, await _actor(caller), cancel, reason))

    @router.post("/work_items/{item_id}/reassign", summary="Start a work item over, for another implementing agent")
    async def reassign_item(item_id: Id, caller: CallerDep, body: ReassignBody | None = None) -> dict[str, Any]:
        item = await visible_item(item_id, caller)
        agent_id = body.agent_id if body is not None else None
        return await decided(actions.reassign_item(bus, item, await _actor(caller), cancel, agent_id))

    async def decided(change: Awaitable[WorkItem]) -> dict[str, Any]:
        return await item_detail(await checked(change))

    return router
