"""Editing a PRD's plan through the API before it is approved (WS-12).

What the Work tab's plan editor does, with the same checks and sentences: plan again, add,
change or remove an epic, add, change, move or remove a work item. Any change waits for a plan
that is ``planned`` or ``plan_failed`` (409 once approved); a dependency that is unknown or
closes a circle is a 400 that changes nothing. Tenancy is that of :mod:`.work_api`: another
user's PRD answers 404.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from oz_app.bus import Bus
from oz_app.control_plane.http import Caller
from oz_app.control_plane.inputs import Text
from oz_app.control_plane.work_api import checked, item_detail, item_view, visible_item, visible_prd
from oz_app.db.models import Prd
from oz_app.work import actions, views

Id = Annotated[Text, Path(max_length=32)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EpicCreate(_Body):
    title: Text
    description: Text = ""


class EpicChange(_Body):
    title: Text | None = None
    description: Text | None = None


class ItemCreate(_Body):
    epic_id: Text | None = Field(None, max_length=32, description="One of the PRD's epics; null: none.")
    title: Text
    description: Text = ""
    acceptance: list[Text] = Field([], description="Acceptance criteria.")
    estimate: Text = ""
    depends_on: list[Text] = Field([], description="Keys of the items it waits for.")


class ItemChange(_Body):
    epic_id: Text | None = Field(None, max_length=32, description="One of the PRD's epics; null: none.")
    title: Text | None = None
    description: Text | None = None
    acceptance: list[Text] | None = None
    estimate: Text | None = None
    depends_on: list[Text] | None = None
    position: StrictInt | None = Field(None, description="Its place in the plan's order, 0 first.")


async def _epic_view(prd: Prd, epic_id: str) -> dict[str, Any]:
    [view] = [epic for epic in (await views.prd_view(prd))["epics"] if epic["id"] == epic_id]
    return view


def build_plan_router(auth: Any, bus: Bus) -> APIRouter:
    """The plan-editing endpoints of PRDs and work items."""
    router = APIRouter(tags=["work"])
    CallerDep = Annotated[Caller, Depends(auth)]

    @router.post("/prds/{prd_id}/replan", summary="Plan a PRD again from scratch (the draft plan goes)")
    async def replan(prd_id: Id, caller: CallerDep) -> dict[str, Any]:
        prd = await checked(actions.replan(bus, await visible_prd(prd_id, caller)))
        return await views.prd_view(prd)

    @router.post("/prds/{prd_id}/epics", status_code=201, summary="Add an epic to a PRD's plan")
    async def add_epic(prd_id: Id, body: EpicCreate, caller: CallerDep) -> dict[str, Any]:
        prd = await visible_prd(prd_id, caller)
        epic = await checked(actions.add_epic(bus, prd, body.title, body.description))
        return await _epic_view(prd, epic.id)

    @router.patch("/prds/{prd_id}/epics/{epic_id}", summary="Change an epic of a PRD's plan")
    async def change_epic(prd_id: Id, epic_id: Id, body: EpicChange, caller: CallerDep) -> dict[str, Any]:
        prd = await visible_prd(prd_id, caller)
        await checked(actions.update_epic(bus, prd, epic_id, **body.model_dump(exclude_unset=True)))
        return await _epic_view(prd, epic_id)

    @router.delete("/prds/{prd_id}/epics/{epic_id}", status_code=204, summary="Remove an epic and its items")
    async def remove_epic(prd_id: Id, epic_id: Id, caller: CallerDep) -> Response:
        await checked(actions.remove_epic(bus, await visible_prd(prd_id, caller), epic_id))
        return Response(status_code=204)

    @router.post("/prds/{prd_id}/items", status_code=201, summary="Add a work item at the end of a PRD's plan")
    async def add_item(prd_id: Id, body: ItemCreate, caller: CallerDep) -> dict[str, Any]:
        prd = await visible_prd(prd_id, caller)
        item = await checked(actions.add_item(bus, prd, **body.model_dump()))
        return await item_view(item)

    @router.patch("/work_items/{item_id}", summary="Change, or move, a work item of a plan not yet approved")
    async def change_item(item_id: Id, body: ItemChange, caller: CallerDep) -> dict[str, Any]:
        item = await visible_item(item_id, caller)
        prd = await Prd.get(id=item.prd_id)  # type: ignore[attr-defined]
        item = await checked(actions.update_item(bus, prd, item.id, **body.model_dump(exclude_unset=True)))
        return await item_detail(item)

    @router.delete("/work_items/{item_id}", status_code=204, summary="Remove a work item from a plan not yet approved")
    async def remove_item(item_id: Id, caller: CallerDep) -> Response:
        item = await visible_item(item_id, caller)
        prd = await Prd.get(id=item.prd_id)  # type: ignore[attr-defined]
        await checked(actions.remove_item(bus, prd, item.id))
        return Response(status_code=204)

    return router
