"""The workspace's pages (WS-1..WS-11): rooms, chat, board, artifacts, agents, inbox, runs,
settings, sharing, login. Pages call :mod:`oz_app.workspace.service` with the signed-in user
(so another user's ids are simply "not found") and follow changes on the bus
(:class:`oz_app.bus.Bus`). A room's page is :mod:`oz_app.workspace.room_page`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui

from oz_app.bus import RUNS_TOPIC
from oz_app.db.models import TERMINAL_STATES, Agent, User
from oz_app.runners import RunnerError
from oz_app.workspace import accounts, render, replies, service
from oz_app.workspace.live import user_topic
from oz_app.workspace.room_page import STATUS_COLORS, RoomView
from oz_app.workspace.settings_page import SettingsView
from oz_app.workspace.widgets import SESSIONS, attempt, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

RUNS_REDRAW_SECONDS = 0.3


async def header(workspace: Workspace, user: User) -> None:
    with ui.header().classes("items-center gap-4 bg-indigo-700"):
        ui.link("oz", "/").classes("text-white text-xl font-bold no-underline")
        for label, target in (("Rooms", "/"), ("Agents", "/agents"), ("Runs", "/runs"), ("Settings", "/settings")):
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


def register(workspace: Workspace) -> None:
    SESSIONS["required"] = workspace.login

    async def signed_in() -> User | Response:
        """The signed-in user, with the page's header built; else the redirect to log in."""
        user = await workspace.current_user()
        if user is None:
            return RedirectResponse("/login")
        await header(workspace, user)
        return user

    # Sign-in (WS-1) --------------------------------------------------------------------------

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

    # Rooms (WS-2) ------------------------------------------------------------------------------

    @ui.page("/", title="oz · rooms")
    async def rooms_page() -> Response | None:
        user = await signed_in()
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
        user = await signed_in()
        if isinstance(user, Response):
            return user
        try:
            room = await service.room_of(user, room_id)
        except service.NotFound:
            return Response("No such room.", status_code=404)  # the page built so far is discarded
        await RoomView(workspace, user, room).build()
        return None

    # Agents (WS-3) -----------------------------------------------------------------------------

    @ui.page("/agents", title="oz · agents")
    async def agents_page() -> Response | None:
        user = await signed_in()
        if isinstance(user, Response):
            return user
        chips: dict[str, Any] = {}

        @ui.refreshable
        async def agent_list() -> None:
            chips.clear()
            for agent in await service.agents_of(user):
                with ui.card().classes("w-full").mark(f"agent-{agent.name}"):
                    with ui.row().classes("items-center w-full"):
                        ui.icon(agent.icon).style(f"color: {agent.color}").classes("text-2xl")
                        ui.label(agent.name).classes("text-lg font-bold")
                        ui.label(f"{agent.harness}{' · ' + agent.model if agent.model else ''}").classes(
                            "text-gray-600"
                        )
                        chips[agent.id] = ui.badge(agent.status, color=STATUS_COLORS.get(agent.status, "grey"))
                        ui.space()
                        ui.button("Edit", on_click=lambda a=agent: edit(a)).props("flat")
                        ui.button("Delete", on_click=lambda a=agent: delete(a)).props("flat color=red")

        async def delete(agent: Agent) -> None:
            if await attempt(service.delete_agent(user, agent.id), f"Deleted {agent.name}."):
                agent_list.refresh()

        async def edit(agent: Agent | None) -> None:
            saved = await agent_dialog(workspace, user, agent)
            if saved:
                agent_list.refresh()

        def on_event(event: dict[str, Any]) -> None:
            chip = chips.get(event.get("agent_id", ""))
            if event["kind"] == "agent" and chip is not None:
                chip.set_text(event["status"])
                chip.props(f"color={STATUS_COLORS.get(event['status'], 'grey')}")

        listen(workspace, user_topic(user.id), on_event)
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            with ui.row().classes("items-center w-full"):
                ui.label("Agents").classes("text-2xl")
                ui.space()
                ui.button("New agent", on_click=lambda: edit(None))
            await agent_list()
        return None

    # Inbox (WS-8) ------------------------------------------------------------------------------

    @ui.page("/inbox", title="oz · inbox")
    async def inbox_page() -> Response | None:
        user = await signed_in()
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
                        ui.button(
                            "Delete", on_click=lambda n=note: change(service.delete_notification(user, n.id))
                        ).mark(f"delete-{note.title}")
                    if note.body:
                        render.markdown(note.body)

        async def change(action: Awaitable[None]) -> None:
            await attempt(action)
            workspace.live.publish(user_topic(user.id), kind="inbox")

        def on_event(event: dict[str, Any]) -> None:
            if event["kind"] == "inbox":
                entries.refresh()

        listen(workspace, user_topic(user.id), on_event)
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            ui.label("Inbox").classes("text-2xl")
            await entries()
        return None

    # Runs (WS-9) -------------------------------------------------------------------------------

    @ui.page("/runs", title="oz · runs")
    async def runs_page() -> Response | None:
        user = await signed_in()
        if isinstance(user, Response):
            return user

        # a member sees and acts on their own runs; an admin on everyone's, filtered by user (SEC-7)
        acting_as = None if user.role == "admin" else user.id
        shown = {"owner": acting_as}

        @ui.refreshable
        async def table() -> None:
            try:
                runs = await workspace.runner.list(50, owner=shown["owner"])
            except RunnerError as exc:
                ui.label(str(exc)).classes("text-red-700")
                return
            if not runs:
                ui.label("No runs yet: mention an agent in a room to start one.").classes("text-gray-600")
            for run in runs:
                with ui.card().classes("w-full").mark(f"run-{run['run_id']}"):
                    with ui.row().classes("items-center w-full gap-3"):
                        ui.badge(run["state"], color=_state_color(run["state"]))
                        ui.label(run["title"]).classes("font-bold")
                        ui.label(run.get("provider") or "no provider").classes("text-gray-600")
                        ui.label(run["created_at"][:19].replace("T", " ")).classes("text-gray-600")
                        ui.label(_seconds(run.get("run_time"))).classes("text-gray-600")
                        ui.space()
                        ui.button("Output", on_click=lambda r=run: show_output(r)).props("flat").mark(
                            f"output-{run['run_id']}"
                        )
                        if run["state"] not in TERMINAL_STATES:
                            ui.button("Cancel", on_click=lambda r=run: cancel(r["run_id"])).props(
                                "flat color=red"
                            ).mark(f"cancel-{run['run_id']}")
                    status = (run.get("status_message") or {}).get("message")
                    if status:
                        ui.label(status).classes("text-sm text-gray-700")

        async def cancel(run_id: str) -> None:
            if await attempt(workspace.runner.cancel(run_id, owner=acting_as), "Cancelled."):
                table.refresh()

        async def show_output(run: dict[str, Any]) -> None:
            # in the page, not in the table: the table is redrawn as runs change (ST-4)
            with page, transient_dialog() as dialog, ui.card().classes("w-[48rem] max-w-full"):
                ui.label(run["title"]).classes("font-bold")
                log = ui.code(run.get("output") or "", language="text").classes("w-full max-h-96 overflow-auto")
                log.mark("run-output")
                ui.button("Close", on_click=dialog.close)
            dialog.open()
            if run["state"] in TERMINAL_STATES:
                return
            text = ""
            try:
                async for event in workspace.runner.follow(run["run_id"], owner=acting_as):
                    if event["type"] == "output":
                        text = text[: event.get("offset", len(text))] + event["text"]
                        log.set_content(text)
            except RunnerError as exc:
                ui.notify(str(exc), type="warning")
            table.refresh()

        redraw = {"pending": False}

        async def redraw_soon() -> None:
            await asyncio.sleep(RUNS_REDRAW_SECONDS)  # a burst of changes is one redraw
            redraw["pending"] = False
            table.refresh()

        def on_run(event: dict[str, Any]) -> None:
            if not redraw["pending"]:
                redraw["pending"] = True
                ui.context.client.safe_invoke(redraw_soon)

        with ui.column().classes("w-full max-w-4xl mx-auto") as page:
            with ui.row().classes("items-center w-full"):
                ui.label("Runs").classes("text-2xl")
                ui.space()
                if acting_as is None and workspace.login:
                    names = {person.id: person.username for person in await accounts.people(user)}
                    choices = {"": "Everyone", **names}

                    def pick(event: Any) -> None:
                        shown["owner"] = event.value or None
                        table.refresh()

                    ui.select(choices, value="", label="User", on_change=pick).classes("w-48").mark("runs-user")
            await table()
        listen(workspace, RUNS_TOPIC, on_run)  # every run's changes, from every process: no polling
        return None

    # Settings (WS-11) ----------------------------------------------------------------------------

    @ui.page("/settings", title="oz · settings")
    async def settings_page(request: Request) -> Response | None:
        user = await signed_in()
        if isinstance(user, Response):
            return user
        await SettingsView(workspace, user, str(request.base_url)).build()
        return None

    # Sharing (WS-10) -------------------------------------------------------------------------------

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


def client_address(request: Request) -> str:
    """The client's address: the socket's peer (uvicorn rewrites it from X-Forwarded-For only for
    a proxy listed in OZ_TRUSTED_PROXIES, SEC-8)."""
    return request.client.host if request.client else "unknown"


def _state_color(state: str) -> str:
    return {"SUCCEEDED": "green", "FAILED": "red", "ERROR": "red", "CANCELLED": "grey"}.get(state, "blue")


def _seconds(run_time: str | None) -> str:
    if not run_time:
        return ""
    return f"{float(run_time.removeprefix('PT').removesuffix('S')):.1f} s"


async def agent_dialog(workspace: Workspace, user: User, agent: Agent | None) -> bool:
    """Create (``agent`` None) or edit an agent; True when saved."""
    from oz_app.workspace.service import HARNESSES

    with transient_dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
        ui.label("New agent" if agent is None else f"Edit {agent.name}").classes("text-lg font-bold")
        name = ui.input("Name (mention it as @name)", value=agent.name if agent else "").mark("agent-name")
        with ui.row():
            color = ui.color_input("Colour", value=agent.color if agent else "#5c6bc0")
            icon = ui.input("Icon", value=agent.icon if agent else "smart_toy")
        harness = ui.select(list(HARNESSES), label="Harness", value=agent.harness if agent else "default")
        harness.mark("agent-harness")
        model = ui.input("Model (optional)", value=agent.model if agent else "").mark("agent-model")
        environment = ui.input(
            "Environment id (runs in a worker's container)", value=(agent.environment_id or "") if agent else ""
        )
        repository = ui.input("Repository", value=agent.repository if agent else "")
        prompt = ui.textarea("System prompt", value=agent.system_prompt if agent else "").classes("w-full")
        prompt.mark("agent-prompt")

        async def save() -> None:
            fields = {
                "name": name.value or "",
                "color": color.value or "",
                "icon": icon.value or "",
                "harness": harness.value,
                "model": model.value or "",
                "environment_id": environment.value or "",
                "repository": repository.value or "",
                "system_prompt": prompt.value or "",
            }
            if agent is None:
                saved = await attempt(service.create_agent(user, **fields), "Agent created.")
            else:
                saved = await attempt(service.update_agent(user, agent.id, **fields), "Agent saved.")
            if saved:
                dialog.submit(True)

        with ui.row():
            ui.button("Save", on_click=save)
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat")
    return bool(await dialog)
