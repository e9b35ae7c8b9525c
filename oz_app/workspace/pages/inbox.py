"""The inbox (WS-8): notifications to the signed-in user, live."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response
from nicegui import ui

from oz_app.db.models import Notification
from oz_app.workspace import render, service
from oz_app.workspace.live import user_topic
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.widgets import Redraw, attempt, confirm, listen

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


def register(workspace: Workspace) -> None:
    @ui.page("/inbox", title="oz · inbox")
    async def inbox_page() -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user

        @ui.refreshable
        async def entries() -> None:
            notes = await service.inbox_of(user)
            if not notes:
                ui.label("Nothing here yet: agents write to you here.").classes("text-gray-600")
            for note in notes:
                with ui.card().classes("w-full").mark(f"note-{note.title}"):
                    with ui.row().classes("items-center w-full"):
                        ui.label(note.title).classes("font-bold" if not note.read else "")
                        ui.space()
                        if not note.read:
                            ui.button("Mark read", on_click=lambda n=note: change(service.mark_read(user, n.id))).mark(
                                f"read-{note.title}"
                            )
                        ui.button("Delete", on_click=lambda n=note: delete(n)).props("flat color=red").mark(
                            f"delete-{note.title}"
                        )
                    if note.body:
                        render.markdown(note.body)

        async def delete(note: Notification) -> None:
            if await confirm("Delete notification", f"Delete the notification “{note.title}”?"):
                await change(service.delete_notification(user, note.id))

        async def change(action: Awaitable[None]) -> None:
            await attempt(action)
            workspace.live.publish(user_topic(user.id), kind="inbox")

        redraw = Redraw(entries.refresh)

        def on_event(event: dict[str, Any]) -> None:
            if event["kind"] == "inbox":
                redraw.soon()

        listen(workspace, user_topic(user.id), on_event)
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            ui.label("Inbox").classes("text-2xl")
            await entries()
        return None
