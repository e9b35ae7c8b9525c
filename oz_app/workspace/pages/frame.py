"""The frame every signed-in page shares: the header with its navigation and the Inbox's unread
count, and :func:`signed_in`, which each page starts with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui

from oz_app.db.models import User
from oz_app.workspace import service
from oz_app.workspace.live import user_topic
from oz_app.workspace.widgets import listen

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

NAVIGATION = (("Rooms", "/"), ("Agents", "/agents"), ("Runs", "/runs"), ("Settings", "/settings"))


async def signed_in(workspace: Workspace) -> User | Response:
    """The signed-in user, with the page's header built; else the redirect to log in."""
    user = await workspace.current_user()
    if user is None:
        return RedirectResponse("/login")
    await header(workspace, user)
    return user


async def header(workspace: Workspace, user: User) -> None:
    with ui.header().classes("items-center gap-4 bg-indigo-700"):
        ui.link("oz", "/").classes("text-white text-xl font-bold no-underline")
        for label, target in NAVIGATION:
            ui.link(label, target).classes("text-white no-underline")
        with ui.link(target="/inbox").classes("text-white no-underline"):
            ui.label("Inbox").classes("inline")
            unread = ui.badge("", color="red").mark("unread").props("floating")
        ui.space()
        ui.label(user.username).classes("text-white opacity-80")
        if workspace.login:
            ui.button("Log out", on_click=lambda: log_out()).props("flat color=white").mark("log-out")

    async def log_out() -> None:
        await workspace.sign_out()
        ui.navigate.to("/login")

    async def refresh(_: dict[str, Any] | None = None) -> None:
        count = await service.unread_count(user)
        unread.set_text(str(count) if count else "")
        unread.set_visibility(bool(count))

    def on_event(event: dict[str, Any]) -> None:
        if event["kind"] == "inbox":
            ui.context.client.safe_invoke(refresh)
        elif event["kind"] == "signed_out":  # disabled by an admin: this tab leaves at once (SEC-5)
            ui.navigate.to("/login")

    listen(workspace, user_topic(user.id), on_event)
    await refresh()  # in the page's HTML: no wait for the socket (a timer would send the page early)


def client_address(request: Request) -> str:
    """The client's address: the socket's peer (uvicorn rewrites it from X-Forwarded-For only for
    a proxy listed in OZ_TRUSTED_PROXIES, SEC-8)."""
    return request.client.host if request.client else "unknown"
