"""A room's public read-only page (WS-10): its messages, nothing of its agents' settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from oz_app.workspace import render, replies, service
from oz_app.workspace.pages.frame import client_address

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


def register(workspace: Workspace) -> None:
    @ui.page("/share/{token}", title="oz · shared room")
    async def shared_page(token: str, request: Request) -> Response | None:
        await workspace.ready.wait()
        if not workspace.share_views.allow(client_address(request)):
            return Response("Too many requests: try again in a minute.", status_code=429)
        try:
            room = await service.shared_room(token)
        except service.NotFound as exc:
            return Response(str(exc), status_code=404)
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            ui.label(room.name).classes("text-2xl")
            if room.description:
                ui.label(room.description).classes("text-gray-600")
            ui.label("Read-only view").classes("text-sm text-gray-500")
            for message in await replies.views(await service.messages_of(room)):
                with ui.column().classes("gap-0 w-full"):
                    ui.label(message["author_name"]).classes("font-bold")
                    render.markdown(message["content"])
        return None
