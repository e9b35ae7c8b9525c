"""The rooms list (WS-2) and the route to one room (:mod:`oz_app.workspace.pages.room`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from oz_app.workspace import service
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.pages.room import RoomView
from oz_app.workspace.widgets import attempt

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


def register(workspace: Workspace) -> None:
    @ui.page("/", title="oz · rooms")
    async def rooms_page() -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user

        async def create() -> None:
            room = await attempt(service.create_room(user, name.value or "", description.value or ""))
            if room:
                ui.navigate.to(f"/rooms/{room.id}")

        with ui.column().classes("w-full max-w-3xl mx-auto"):
            ui.label("Rooms").classes("text-2xl")
            with ui.row().classes("w-full items-end"):
                name = ui.input("New room").mark("room-name").on("keydown.enter", create)
                description = ui.input("Description (optional)").classes("grow").mark("room-description")
                ui.button("Create room", on_click=create)
            for room in await service.rooms_of(user):
                with (
                    ui.card()
                    .classes("w-full cursor-pointer")
                    .on("click", lambda r=room: ui.navigate.to(f"/rooms/{r.id}"))
                ):
                    ui.link(room.name, f"/rooms/{room.id}").classes("text-lg")
                    if room.description:
                        ui.label(room.description).classes("text-gray-600")
                    if room.paused:
                        ui.badge("paused", color="orange")
        return None

    @ui.page("/rooms/{room_id}", title="oz · room")
    async def room_page(room_id: str) -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user
        try:
            room = await service.room_of(user, room_id)
        except service.NotFound:
            return Response("No such room.", status_code=404)  # the page built so far is discarded
        await RoomView(workspace, user, room).build()
        return None
