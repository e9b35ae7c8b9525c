"""Signing in and signing up (WS-1, SEC-5): a team server's only page for strangers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui

from oz_app.workspace import accounts
from oz_app.workspace.pages.frame import client_address
from oz_app.workspace.widgets import attempt

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


def register(workspace: Workspace) -> None:
    @ui.page("/login", title="oz · log in")
    async def login_page(request: Request, invite: str = "") -> Response | None:
        if not workspace.login:
            return RedirectResponse("/")
        await workspace.ready.wait()
        address = client_address(request)
        policy = workspace.settings.signup

        async def submit(create: bool) -> None:
            name, secret = username.value or "", password.value or ""
            if create:
                action = accounts.sign_up(name, secret, policy=policy, invite=invite)
            else:
                action = accounts.log_in(name, secret, address)
            user = await attempt(action, public=True)
            if user:
                await workspace.sign_in(user)
                ui.navigate.to("/")

        can_sign_up = (policy == "open" or (policy == "invite" and bool(invite))) or await accounts.first_account()
        with ui.card().classes("absolute-center w-80"):
            ui.label("oz-app").classes("text-2xl font-bold")
            if invite:
                ui.label("You were invited: choose a username and password.").classes("text-gray-600")
            username = ui.input("Username").classes("w-full").mark("username")
            password = ui.input("Password", password=True).classes("w-full").mark("password")
            password.on("keydown.enter", lambda: submit(bool(invite)))
            with ui.row():
                if not invite:
                    ui.button("Log in", on_click=lambda: submit(False))
                if can_sign_up:
                    ui.button("Sign up", on_click=lambda: submit(True)).props("flat" if not invite else "")
            if not can_sign_up and policy == "invite":
                ui.label("New here? Ask an admin for an invite link.").classes("text-sm text-gray-500")
        return None
