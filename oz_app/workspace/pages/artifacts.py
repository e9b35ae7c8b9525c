"""A room's artifacts (WS-7, UX-9): plans, pull requests and documents its runs produced, or that
people add from the tab ("New artifact"); each can be deleted after a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from oz_app.db.models import Artifact, Room, User
from oz_app.workspace import render, service
from oz_app.workspace.live import room_topic
from oz_app.workspace.widgets import Redraw, attempt, confirm, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

KINDS = {"plan": "Plan", "pull_request": "Pull request", "document": "Document"}


class Artifacts:
    """The artifacts of ``room``; redrawn (``redraw``) when they change."""

    def __init__(self, workspace: Workspace, user: User, room: Room) -> None:
        self.workspace = workspace
        self.user = user
        self.room = room
        self.redraw = Redraw(lambda: self.show.refresh())

    @ui.refreshable_method
    async def show(self) -> None:
        items = await service.artifacts_of(self.room)
        ui.button("New artifact", on_click=self.create).props("flat dense").mark("new-artifact")
        if not items:
            ui.label("No artifacts yet: plans, pull requests and documents from runs appear here.")
        for item in items:
            with ui.card().classes("w-full").mark(f"artifact-{item.title}"):
                with ui.row().classes("items-center gap-2 w-full"):
                    ui.badge(KINDS.get(item.kind, item.kind))
                    if item.url:
                        ui.link(item.title, item.url, new_tab=True)
                    else:
                        ui.label(item.title).classes("font-bold")
                    ui.space()
                    ui.button("Delete", on_click=lambda a=item: self.delete(a)).props("flat dense color=red").mark(
                        f"delete-artifact-{item.title}"
                    )
                if item.content:
                    render.markdown(item.content)

    def changed(self) -> None:
        self.workspace.live.publish(room_topic(self.room.id), kind="artifacts")

    async def create(self) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
            ui.label("New artifact").classes("text-lg font-bold")
            kind = ui.select(KINDS, label="Kind", value="document").classes("w-full").mark("artifact-kind")
            title = ui.input("Title").classes("w-full").mark("artifact-title")
            url = ui.input("URL (https://…)").classes("w-full").mark("artifact-url")
            content = ui.textarea("Content (Markdown)").classes("w-full").mark("artifact-content")
            ui.label("Give a link, some text, or both; a pull request needs its URL.").classes("text-sm text-gray-600")

            async def save() -> None:
                action = service.add_artifact(
                    self.user,
                    self.room.id,
                    kind.value,
                    title.value or "",
                    url=url.value or "",
                    content=content.value or "",
                )
                if await attempt(action):
                    self.changed()
                    dialog.close()

            with ui.row():
                ui.button("Save", on_click=save).mark("save-artifact")
                ui.button("Cancel", on_click=dialog.close).props("flat")
        dialog.open()

    async def delete(self, item: Artifact) -> None:
        sure = await confirm("Delete this artifact?", f"“{item.title}” is removed from the room and from the API.")
        if sure and await attempt(service.delete_artifact(self.user, self.room.id, item.id)):
            self.changed()
