"""The workspace's pages (WS-1..WS-11), one module per page, with the frame they share
(:mod:`.frame`). Pages call :mod:`oz_app.workspace.service` with the signed-in user (so another
user's ids are simply "not found") and follow changes on the bus (:class:`oz_app.bus.Bus`).
Plugins add pages of their own through the ``oz_register_pages`` hook (PL-2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy
from fastapi.responses import Response
from nicegui import ui

from oz_app.plugins import collect
from oz_app.workspace.pages import agents, frame, inbox, login, rooms, runs, search, settings, share
from oz_app.workspace.widgets import SESSIONS

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


def register(workspace: Workspace, manager: pluggy.PluginManager) -> None:
    SESSIONS["required"] = workspace.login
    for page in (login, rooms, agents, inbox, runs, settings, share, search):
        page.register(workspace)
    for path, build in collect(manager, "oz_register_pages", "page").items():
        plugin_page(workspace, path, build)


def plugin_page(workspace: Workspace, path: str, build: Callable[[], Any]) -> None:
    """A plugin's page at ``path``: signed in and framed like ours, then drawn by ``build()``."""

    @ui.page(path, title="oz")
    async def page() -> Response | None:
        user = await frame.signed_in(workspace)
        if isinstance(user, Response):
            return user
        with ui.column().classes("w-full max-w-5xl mx-auto"):
            build()
        return None
