"""The search page (UX-6): one box; the user's messages, rooms and tasks that contain it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from oz_app.workspace.pages.board import COLUMNS
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.search import Found, MessageHit, search
from oz_app.workspace.widgets import local_time

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

STATUS = dict(COLUMNS)  # a task's column, as the board names it


def register(workspace: Workspace) -> None:
    @ui.page("/search", title="oz · search")
    async def search_page(q: str = "") -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user

        @ui.refreshable
        async def results() -> None:
            show(await search(user, box.value or ""))

        with ui.column().classes("w-full max-w-3xl mx-auto"):
            ui.label("Search").classes("text-2xl")
            box = (
                ui.input(placeholder="Search messages, rooms and tasks", value=q)
                .props("autofocus outlined clearable debounce=250")
                .classes("w-full")
                .mark("search-box")
            )
            box.on_value_change(results.refresh)
            await results()
        return None


def show(found: Found) -> None:
    if not found.query:
        ui.label("Type to search your messages, rooms and tasks.").classes("text-gray-600")
        return
    if found.empty:
        ui.label(f"Nothing contains “{found.query}”.").classes("text-gray-600").mark("no-results")
        return
    if found.messages:
        heading("Messages", len(found.messages), found.more["messages"])
        for hit in found.messages:
            message_hit(hit)
    if found.rooms:
        heading("Rooms", len(found.rooms), found.more["rooms"])
        for room in found.rooms:
            with ui.link(target=f"/rooms/{room['id']}").classes("w-full no-underline text-inherit"):
                with ui.card().classes("w-full q-pa-sm").mark(f"room-hit-{room['id']}"):
                    ui.label(room["name"]).classes("font-bold")
                    if room["description"]:
                        ui.label(room["description"]).classes("text-gray-600 text-sm line-clamp-2")
    if found.tasks:
        heading("Tasks", len(found.tasks), found.more["tasks"])
        for task in found.tasks:
            with ui.link(target=f"/rooms/{task['room_id']}").classes("w-full no-underline text-inherit"):
                with ui.card().classes("w-full q-pa-sm").mark(f"task-hit-{task['id']}"):
                    ui.label(task["title"]).classes("font-bold")
                    ui.label(f"{task['room_name']} · {STATUS.get(task['status'], task['status'])}").classes(
                        "text-gray-600 text-sm"
                    )


def heading(kind: str, shown: int, more: int) -> None:
    text = f"{kind} ({shown}{f', and {more} more: search for more words to narrow it' if more else ''})"
    ui.label(text).classes("text-lg font-bold mt-4").mark(f"results-{kind.lower()}")


def message_hit(hit: MessageHit) -> None:
    """A message found: its room, author, time, and its text around the match (shown as text)."""
    before, match, after = hit.snippet
    with ui.link(target=f"/rooms/{hit.room_id}").classes("w-full no-underline text-inherit"):
        with ui.card().classes("w-full q-pa-sm").mark(f"message-hit-{hit.id}"):
            with ui.row().classes("w-full items-baseline gap-2 text-sm"):
                ui.label(hit.room_name).classes("font-bold")
                ui.label(hit.author).classes("text-gray-600")
                ui.space()
                local_time(hit.created_at.isoformat()).classes("text-gray-500")
            with ui.row().classes("gap-0 block whitespace-normal break-words"):
                ui.label(before).classes("inline")
                ui.label(match).classes("inline rounded-sm font-bold").style("background:#fde68a;color:#111")
                ui.label(after).classes("inline")
