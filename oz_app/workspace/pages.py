"""The workspace's pages (WS-1..WS-11): rooms, chat, board, artifacts, agents, inbox, runs,
settings, sharing, login. Pages call :mod:`oz_app.workspace.service` with the signed-in user
(so another user's ids are simply "not found") and follow changes through :class:`Live`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui

from oz_app.db.models import TERMINAL_STATES, Agent, Room, User
from oz_app.runners import RunnerError
from oz_app.workspace import accounts, render, service
from oz_app.workspace.dispatch import message_view
from oz_app.workspace.live import room_topic, user_topic
from oz_app.workspace.settings_page import SettingsView
from oz_app.workspace.widgets import SESSIONS, attempt, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

STATUS_COLORS = {"idle": "grey", "running": "blue", "error": "red"}
COLUMNS = (("backlog", "Backlog"), ("in_progress", "In progress"), ("done", "Done"))


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
            with transient_dialog() as dialog, ui.card().classes("w-[48rem] max-w-full"):
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

        with ui.column().classes("w-full max-w-4xl mx-auto"):
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
        ui.timer(2.0, table.refresh)
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
            for message in await service.messages_of(room):
                with ui.column().classes("gap-0 w-full"):
                    ui.label(message.author_name).classes("font-bold")
                    render.markdown(message.content)
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


class MessageView:
    """One message in the chat; an agent's reply fills in live while its run streams."""

    def __init__(self, view: dict[str, Any], agents: dict[str, Agent], on_cancel: Callable[[int], Any]) -> None:
        self.id = view["id"]
        self.text = view["content"]
        agent = agents.get(view.get("agent_id") or "")
        with ui.column().classes("w-full gap-0 py-1").mark(f"message-{self.id}") as self.box:
            with ui.row().classes("items-center gap-2"):
                if agent is not None:
                    ui.icon(agent.icon).style(f"color: {agent.color}")
                kind = view["author_kind"]
                style = "text-gray-500" if kind == "system" else "font-bold"
                ui.label(view["author_name"]).classes(style)
                # most messages are finished: they get no status or Stop (a room opens faster)
                self.status: ui.label | None = None
                self.stop: ui.button | None = None
                if view["state"] != "done":
                    self.status = ui.label("").classes("text-sm text-gray-500 italic")
                    self.stop = ui.button("Stop", on_click=lambda: on_cancel(self.id)).props("flat dense color=red")
            self.body = render.markdown(self.text).classes("w-full")
        self.update(view)

    def update(self, view: dict[str, Any]) -> None:
        state = view["state"]
        self.text = view["content"]
        self.body.set_content(self.text)
        if self.stop is not None and self.status is not None:
            self.stop.set_visibility(state == "streaming")
            labels = {"streaming": f"{view['author_name']} is thinking…", "failed": "failed", "cancelled": "cancelled"}
            self.status.set_text(labels.get(state, ""))

    def chunk(self, text: str) -> None:
        self.text += text
        self.body.set_content(self.text)


class RoomView:
    """A room: chat (WS-4), board (WS-6), artifacts (WS-7), members, pause and sharing (WS-2, WS-10)."""

    def __init__(self, workspace: Workspace, user: User, room: Room) -> None:
        self.workspace = workspace
        self.user = user
        self.room = room
        self.conductor = workspace.conductor
        self.views: dict[int, MessageView] = {}
        self.agents: dict[str, Agent] = {}
        self.oldest: int | None = None
        self.loading = False
        self.dragging: str | None = None

    async def build(self) -> None:
        self.agents = {agent.id: agent for agent in await service.agents_of(self.user)}
        members = await service.members_of(self.room)
        with ui.column().classes("w-full max-w-5xl mx-auto"):
            with ui.row().classes("items-center w-full"):
                self.title = ui.label(self.room.name).classes("text-2xl").mark("room-title")
                self.paused_badge = ui.badge("paused", color="orange")
                self.paused_badge.set_visibility(self.room.paused)
                ui.space()
                self.pause_button = ui.button("Resume" if self.room.paused else "Pause", on_click=self.toggle_pause)
                ui.button("Edit", on_click=self.edit).props("flat").mark("edit-room")
                ui.button("Share", on_click=self.share).props("flat")
                ui.button("Delete", on_click=self.delete).props("flat color=red")
            self.description = ui.label(self.room.description).classes("text-gray-600")
            self.member_select = (
                ui.select(
                    {agent.id: agent.name for agent in self.agents.values()},
                    multiple=True,
                    value=[agent.id for agent in members],
                    label="Member agents",
                    on_change=self.set_members,
                )
                .classes("w-full")
                .mark("members")
            )
            with ui.row().classes("gap-2") as self.status_row:
                pass
            self.show_statuses(members)
            with ui.tabs() as tabs:
                ui.tab("chat", "Chat")
                ui.tab("tasks", "Tasks")
                ui.tab("artifacts", "Artifacts")
            with ui.tab_panels(tabs, value="chat").classes("w-full"):
                with ui.tab_panel("chat"):
                    await self.build_chat(members)
                with ui.tab_panel("tasks"):
                    await self.board()
                with ui.tab_panel("artifacts"):
                    await self.artifacts()
        listen(self.workspace, room_topic(self.room.id), self.on_event)

    # Chat ----------------------------------------------------------------------------------------

    async def build_chat(self, members: list[Agent]) -> None:
        self.scroller = ui.scroll_area(on_scroll=self.on_scroll).classes("w-full h-[60vh] border rounded")
        with self.scroller:
            self.older = ui.button("Load older messages", on_click=self.load_older).props("flat dense")
            self.chat = ui.column().classes("w-full gap-1").mark("chat")
        ui.context.client.on_connect(self.scroll_down)
        page = await service.messages_of(self.room)
        self.older.set_visibility(len(page) == service.PAGE)
        self.oldest = page[0].id if page else None
        with self.chat:
            for message in page:
                self.add(message_view(message))
        if not await self.workspace.providers_configured(self.user):
            with ui.row().classes("items-center bg-amber-100 p-2 rounded w-full").mark("no-provider"):
                ui.label("No provider is configured yet, so agents cannot answer.")
                ui.link("Add one in Settings", "/settings")
        with ui.row().classes("w-full items-center"):
            self.input = ui.input(placeholder="Message — @name to ask an agent").classes("grow").mark("message")
            self.input.on("keydown.enter", self.send)
            self.input.on_value_change(self.suggest)
            ui.button("Send", on_click=self.send).mark("send")
        self.suggestions = ui.row().classes("gap-1").mark("suggestions")
        self.member_names = [agent.name for agent in members]

    def add(self, view: dict[str, Any]) -> None:
        if view["id"] in self.views:
            self.views[view["id"]].update(view)
            return
        if view["state"] == "streaming":
            view = {**view, "content": self.conductor.streaming(view["id"]) or view["content"]}
        with self.chat:
            self.views[view["id"]] = MessageView(view, self.agents, self.cancel_reply)

    def scroll_down(self) -> None:
        self.scroller.scroll_to(percent=1.0)

    async def on_scroll(self, event: Any) -> None:
        """Scrolled to the top: load the page before (WS-4; a room opens with its latest page only)."""
        if event.vertical_position <= 0 and self.older.visible and not self.loading:
            await self.load_older()

    async def load_older(self) -> None:
        if self.oldest is None or self.loading:
            return
        self.loading = True
        try:
            page = await service.messages_of(self.room, before=self.oldest)
        finally:
            self.loading = False
        if not page:
            self.older.set_visibility(False)
            return
        self.oldest = page[0].id
        for position, message in enumerate(page):
            view = MessageView(message_view(message), self.agents, self.cancel_reply)
            view.box.move(self.chat, target_index=position)
            self.views[message.id] = view
        self.older.set_visibility(len(page) == service.PAGE)

    def suggest(self) -> None:
        """``@`` autocomplete: the member agents matching the word being typed."""
        self.suggestions.clear()
        words = (self.input.value or "").split(" ")
        if not words[-1].startswith("@"):
            return
        typed = words[-1][1:].lower()
        with self.suggestions:
            for name in self.member_names:
                if name.lower().startswith(typed):
                    ui.button(f"@{name}", on_click=lambda n=name: self.complete(n)).props("dense outline no-caps")

    def complete(self, name: str) -> None:
        words = (self.input.value or "").split(" ")
        self.input.set_value(" ".join([*words[:-1], f"@{name} "]))
        self.suggestions.clear()
        self.input.run_method("focus")

    async def send(self) -> None:
        text = self.input.value or ""
        if await attempt(self.conductor.post(self.room, self.user.username, text)):
            self.input.set_value("")

    async def cancel_reply(self, message_id: int) -> None:
        if not await self.conductor.cancel(message_id):
            ui.notify("That reply already ended.")

    # Room settings -------------------------------------------------------------------------------

    async def set_members(self) -> None:
        wanted = list(self.member_select.value or [])
        current = [agent.id for agent in await service.members_of(self.room)]
        if sorted(wanted) == sorted(current):  # another tab's change arriving here: nothing to do
            return
        chosen = await attempt(service.set_members(self.user, self.room.id, wanted))
        if chosen:
            self.member_names = [agent.name for agent in chosen]
            self.workspace.live.publish(room_topic(self.room.id), kind="room")

    def show_statuses(self, members: list[Agent]) -> None:
        self.status_row.clear()
        with self.status_row:
            for agent in members:
                status = self.agents[agent.id].status if agent.id in self.agents else agent.status
                ui.badge(f"{agent.name}: {status}", color=STATUS_COLORS.get(status, "grey")).mark(
                    f"status-{agent.name}"
                )

    async def toggle_pause(self) -> None:
        paused = not self.room.paused
        room = await attempt(service.set_paused(self.user, self.room.id, paused))
        if not room:
            return
        if paused:
            cancelled = await self.conductor.pause(room)
            ui.notify(f"Paused; cancelled {cancelled} running repl{'y' if cancelled == 1 else 'ies'}.")
        self.workspace.live.publish(room_topic(self.room.id), kind="room")

    async def edit(self) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-96"):
            name = ui.input("Name", value=self.room.name).classes("w-full").mark("edit-room-name")
            description = ui.textarea("Description", value=self.room.description).classes("w-full")

            async def save() -> None:
                action = service.update_room(
                    self.user, self.room.id, name=name.value or "", description=description.value or ""
                )
                if await attempt(action):
                    self.workspace.live.publish(room_topic(self.room.id), kind="room")
                    dialog.close()

            ui.button("Save", on_click=save)
        dialog.open()

    async def share(self) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[32rem]"):
            ui.label("Anyone with the link can read this room's messages (not its agents' settings).")
            link = ui.label(f"/share/{self.room.share_token}" if self.room.share_token else "Not shared.")
            link.mark("share-link")

            async def create() -> None:
                token = await attempt(service.share(self.user, self.room.id))
                if token:
                    self.room.share_token = token
                    link.set_text(f"/share/{token}")

            async def revoke() -> None:
                if await attempt(service.unshare(self.user, self.room.id), "The link no longer works."):
                    self.room.share_token = None
                    link.set_text("Not shared.")

            with ui.row():
                ui.button("New link", on_click=create)
                ui.button("Revoke", on_click=revoke).props("flat color=red")
                ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()

    async def delete(self) -> None:
        with transient_dialog() as dialog, ui.card():
            ui.label(f"Delete {self.room.name} with its messages, tasks and artifacts?")
            with ui.row():
                ui.button("Delete", on_click=lambda: dialog.submit(True)).props("color=red").mark("confirm-delete")
                ui.button("Keep", on_click=lambda: dialog.submit(False)).props("flat")
        if await dialog:
            await self.conductor.pause(self.room)
            if await attempt(service.delete_room(self.user, self.room.id)):
                self.workspace.live.publish(room_topic(self.room.id), kind="deleted")
                ui.navigate.to("/")

    # Board (WS-6) and artifacts (WS-7) -------------------------------------------------------------

    @ui.refreshable_method
    async def board(self) -> None:
        tasks = await service.tasks_of(self.room)
        names = {agent.id: agent.name for agent in self.agents.values()}
        with ui.row().classes("w-full items-start no-wrap"):
            for status, title in COLUMNS:
                column = ui.column().classes("w-1/3 bg-gray-100 rounded p-2 min-h-40").mark(f"column-{status}")
                column.on("dragover.prevent", lambda: None)
                column.on("drop", lambda s=status: self.drop(s))
                with column:
                    ui.label(title).classes("font-bold")
                    for task in [task for task in tasks if task.status == status]:
                        card = ui.card().classes("w-full cursor-grab").props("draggable").mark(f"task-{task.title}")
                        card.on("dragstart", lambda t=task.id: setattr(self, "dragging", t))
                        with card:
                            ui.label(task.title).classes("font-bold")
                            with ui.row().classes("gap-1"):
                                ui.badge(task.priority, color={"high": "red", "low": "grey"}.get(task.priority, "blue"))
                                if task.assignee_id in names:
                                    ui.badge(f"@{names[task.assignee_id]}", color="purple")
                            ui.button("Edit", on_click=lambda t=task: self.edit_task(t)).props("flat dense")
                    if status == "backlog":
                        ui.button("Add task", on_click=lambda: self.edit_task(None)).props("flat dense").mark(
                            "add-task"
                        )

    async def drop(self, status: str) -> None:
        task_id, self.dragging = self.dragging, None
        if task_id and await attempt(service.update_task(self.room, task_id, status=status)):
            self.workspace.live.publish(room_topic(self.room.id), kind="tasks")

    async def edit_task(self, task: Any) -> None:
        agents = {"": "nobody", **{agent.id: agent.name for agent in self.agents.values()}}
        with transient_dialog() as dialog, ui.card().classes("w-96"):
            title = ui.input("Title", value=task.title if task else "").classes("w-full").mark("task-title")
            description = ui.textarea("Description", value=task.description if task else "").classes("w-full")
            priority = ui.select(list(service.PRIORITIES), label="Priority", value=task.priority if task else "medium")
            priority.mark("task-priority")
            status = ui.select(dict(COLUMNS), label="Column", value=task.status if task else "backlog")
            assignee = ui.select(agents, label="Assignee", value=(task.assignee_id or "") if task else "")

            async def save() -> None:
                fields = {
                    "title": title.value or "",
                    "description": description.value or "",
                    "priority": priority.value,
                    "status": status.value,
                    "assignee_id": assignee.value or None,
                }
                if task is None:
                    action = service.create_task(self.room, **fields)
                else:
                    action = service.update_task(self.room, task.id, **fields)
                if await attempt(action):
                    self.workspace.live.publish(room_topic(self.room.id), kind="tasks")
                    dialog.close()

            async def remove() -> None:
                if await attempt(service.delete_task(self.room, task.id)):
                    self.workspace.live.publish(room_topic(self.room.id), kind="tasks")
                    dialog.close()

            with ui.row():
                ui.button("Save", on_click=save).mark("save-task")
                if task is not None:
                    ui.button("Delete", on_click=remove).props("flat color=red")
        dialog.open()

    @ui.refreshable_method
    async def artifacts(self) -> None:
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

    # Live updates (WS-13) ---------------------------------------------------------------------------

    def on_event(self, event: dict[str, Any]) -> None:
        kind = event["kind"]
        if kind in ("message", "message_done"):
            self.add(event["message"])
            self.scroll_down()
        elif kind == "chunk" and event["message_id"] in self.views:
            self.views[event["message_id"]].chunk(event["text"])
        elif kind == "agent":
            if event["agent_id"] in self.agents:
                self.agents[event["agent_id"]].status = event["status"]
            ui.context.client.safe_invoke(self.refresh_members)
        elif kind == "tasks":
            self.board.refresh()
        elif kind == "artifacts":
            self.artifacts.refresh()
        elif kind == "room":
            ui.context.client.safe_invoke(self.reload_room)
        elif kind == "deleted":
            ui.navigate.to("/")

    async def refresh_members(self) -> None:
        self.show_statuses(await service.members_of(self.room))

    async def reload_room(self) -> None:
        room = await Room.get_or_none(id=self.room.id)
        if room is None:
            return
        self.room = room
        self.title.set_text(room.name)
        self.description.set_text(room.description)
        self.paused_badge.set_visibility(room.paused)
        self.pause_button.set_text("Resume" if room.paused else "Pause")
        members = await service.members_of(room)
        self.member_names = [agent.name for agent in members]
        self.member_select.set_value([agent.id for agent in members])
        self.show_statuses(members)
