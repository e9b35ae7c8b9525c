"""A room's artifacts (WS-7): plans, pull requests and documents its runs produced."""

from __future__ import annotations

from nicegui import ui

from oz_app.db.models import Room
from oz_app.workspace import render, service


class Artifacts:
    """The artifacts of ``room``; redrawn (``show.refresh()``) when they change."""

    def __init__(self, room: Room) -> None:
        self.room = room

    @ui.refreshable_method
    async def show(self) -> None:
        items = await service.artifacts_of(self.room)
        if not items:
            ui.label("No artifacts yet: plans, pull requests and documents from runs appear here.")
        for item in items:
            with ui.card().classes("w-full").mark(f"artifact-{item.title}"):
                with ui.row().classes("items-center gap-2"):
                    ui.badge(item.kind.replace("_", " "))
                    if item.url:
                        ui.link(item.title, item.url, new_tab=True)
                    else:
                        ui.label(item.title).classes("font-bold")
                if item.content:
                    render.markdown(item.content)
