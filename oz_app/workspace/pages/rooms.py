"""The rooms list, the first page (WS-2, UX-10), and the route to one room
(:mod:`oz_app.workspace.pages.room`). Until a user has a provider, an agent and a conversation,
the page opens with a checklist of those three steps, each linking to where it is done and ticked
from what the database holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from oz_app.db.models import Room, User
from oz_app.workspace import service
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.pages.room import RoomView
from oz_app.workspace.widgets import attempt, local_time

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

        rooms = await service.rooms_of(user)
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            await checklist(workspace, user, rooms)
            ui.label("Rooms").classes("text-2xl")
            with ui.row().classes("w-full items-end"):
                name = ui.input("New room").mark("room-name").on("keydown.enter", create)
                description = ui.input("Description (optional)").classes("grow").mark("room-description")
                ui.button("Create room", on_click=create)
            await room_cards(user, rooms)
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


async def checklist(workspace: Workspace, user: User, rooms: list[Room]) -> None:
    """The first run's three steps (UX-10), shown until all are done."""
    room_link = f"/rooms/{rooms[0].id}" if rooms else ""
    ticks = (
        await workspace.providers_configured(user),
        await service.has_agents(user),
        await service.has_conversation(user),
    )
    steps = (
        ("Add a provider", "/settings", "so agents have a model to answer with"),
        ("Make an agent", "/agents", "give it a name and, if you like, a prompt"),
        ("Open a room and mention the agent", room_link, "add it as a member, then write @its-name"),
    )
    if all(ticks):
        return
    with ui.card().classes("w-full bg-indigo-50").mark("checklist"):
        ui.label("Get started").classes("text-lg font-bold")
        for number, ((title, target, hint), ticked) in enumerate(zip(steps, ticks, strict=True), start=1):
            with ui.row().classes("items-center gap-2 no-wrap").mark(f"step-{number}-{'done' if ticked else 'todo'}"):
                ui.icon("check_circle" if ticked else "radio_button_unchecked", color="green" if ticked else "grey")
                if target:
                    ui.link(f"{number}. {title}", target).classes("font-medium" + (" line-through" if ticked else ""))
                else:
                    ui.label(f"{number}. {title}").classes("font-medium")
                ui.label(hint if target else f"{hint} (create a room below first)").classes("text-sm text-gray-600")


async def room_cards(user: User, rooms: list[Room]) -> None:
    """One card per room: name, description, member agents and the last message's age."""
    if not rooms:
        ui.label("No rooms yet: a room is where you talk with your agents and plan their work.").classes(
            "text-gray-600"
        )
        return
    activity = {room.id: room for room in await service.room_activity(user)}
    for room in rooms:
        members = activity[room.id].members if room.id in activity else 0
        card = ui.card().classes("w-full cursor-pointer").mark(f"room-{room.name}")
        card.on("click", lambda r=room: ui.navigate.to(f"/rooms/{r.id}"))
        with card:
            with ui.row().classes("items-center w-full gap-2"):
                ui.link(room.name, f"/rooms/{room.id}").classes("text-lg break-all")
                if room.paused:
                    ui.badge("paused", color="orange")
                ui.space()
                ui.label(f"{members} agent{'' if members == 1 else 's'}").classes("text-sm text-gray-600")
                if room.id in activity and activity[room.id].unread:
                    ui.badge(str(activity[room.id].unread), color="red").mark(f"unread-{room.name}")
                when = activity[room.id].last_activity if room.id in activity else room.created_at
                local_time(when.isoformat(), relative=True).classes("text-sm text-gray-600")
            if room.description:
                ui.label(room.description).classes("text-gray-600 break-words line-clamp-2")
