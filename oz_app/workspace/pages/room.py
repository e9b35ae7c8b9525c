"""A room's page (WS-2, WS-4..WS-7, WS-10, WS-13): the chat, where each agent's reply is read from
its run and follows it live on the bus (ST-1, ST-4), the board, artifacts, members, pause and
sharing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.bus import run_topic
from oz_app.db.models import Agent, Message, Room, User
from oz_app.workspace import render, replies, service
from oz_app.workspace.avatars import STATUS_COLORS, avatar
from oz_app.workspace.live import room_topic, user_topic
from oz_app.workspace.pages import room_layout
from oz_app.workspace.pages.artifacts import Artifacts
from oz_app.workspace.pages.board import Board
from oz_app.workspace.pages.composer import Composer
from oz_app.workspace.pages.message import MessageView
from oz_app.workspace.pages.sidebar import RoomsSidebar
from oz_app.workspace.pages.work import WorkTab
from oz_app.workspace.routes import Routes, any_provider, providers_of
from oz_app.workspace.widgets import attempt, confirm, in_tab, later, lazy_menu, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

READ_DELAY = 0.25  # seconds: arriving messages are marked read together, after they are shown


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
        self.unread_up_to: int | None = None  # the newest message shown but not yet marked read
        self.following: dict[str, Callable[[], None]] = {}  # run id -> unsubscribe, while it streams
        self.client = ui.context.client
        self.client.on_delete(self.stop_following)

    def stop_following(self) -> None:
        for unsubscribe in self.following.values():
            unsubscribe()
        self.following.clear()

    async def build(self) -> None:
        room_layout.install()
        self.agents = {agent.id: agent for agent in await service.agents_of(self.user)}
        self.routes = Routes(self.workspace, await providers_of(self.workspace, self.user))
        self.board = Board(self.workspace, self.user, self.room, self.agents, self.open_work)
        self.work = WorkTab(self.workspace, self.user, self.room, also=self.board.redraw.soon)
        self.artifacts = Artifacts(self.workspace, self.user, self.room)
        self.sidebar = RoomsSidebar(self.workspace, self.user, self.room.id)
        members = await service.members_of(self.room)
        await self.build_head(members)
        with ui.tab_panels(self.tabs, value="chat").props("keep-alive").classes("oz-room-panels w-full"):
            with ui.tab_panel("chat"):
                await self.build_chat(members)
            with ui.tab_panel("tasks").classes("oz-scroll-panel"):
                await self.board.show()
            with ui.tab_panel("artifacts").classes("oz-scroll-panel"):
                await self.artifacts.show()
            with ui.tab_panel("work").classes("oz-scroll-panel"):
                await self.work.build()
        await self.sidebar.build()
        listen(self.workspace, room_topic(self.room.id), self.on_event)

    async def build_head(self, members: list[Agent]) -> None:
        """The room's name, state and actions in two short rows, so the chat keeps the screen (UX-4);
        the less-used actions are in a menu."""
        with ui.column().classes("oz-room-head w-full gap-0 px-2 pt-1 border-b"):
            with ui.row().classes("items-center w-full gap-1 no-wrap"):
                ui.button(icon="forum", on_click=lambda: self.sidebar.toggle()).props("flat dense round").tooltip(
                    "Rooms"
                ).mark("toggle-rooms")
                with ui.column().classes("gap-0 min-w-0 grow"):
                    with ui.row().classes("items-center gap-2 no-wrap min-w-0"):
                        self.title = ui.label(self.room.name).classes("text-xl font-medium truncate").mark("room-title")
                        self.paused_badge = ui.badge("paused", color="orange")
                        self.paused_badge.set_visibility(self.room.paused)
                    self.description = ui.label(self.room.description).classes("text-sm text-gray-500 truncate")
                self.pause_button = (
                    ui.button("Resume" if self.room.paused else "Pause", on_click=self.toggle_pause)
                    .props("outline dense no-caps")
                    .classes("px-2")
                )
                ui.button("Share", on_click=self.share).props("flat dense no-caps").classes("max-sm:hidden")
                more = ui.button(icon="more_vert").props('flat dense round aria-label="More"').mark("room-menu")
                lazy_menu(more, self.room_menu, auto_close=True)
            with ui.row().classes("items-center w-full gap-x-3 gap-y-0"):
                with ui.tabs().props("dense no-caps inline-label").classes("shrink-0") as self.tabs:
                    ui.tab("chat", "Chat")
                    ui.tab("tasks", "Tasks")
                    ui.tab("artifacts", "Artifacts")
                    ui.tab("work", "Work").mark("work-tab-button")
                with ui.row().classes("items-center gap-1") as self.status_row:
                    pass
                self.show_statuses(members)
                ui.space()
                self.member_select = (
                    ui.select(
                        {agent.id: agent.name for agent in self.agents.values()},
                        multiple=True,
                        value=[agent.id for agent in members],
                        label="Member agents",
                        on_change=self.set_members,
                    )
                    .props("dense options-dense use-chips")
                    .classes("min-w-[12rem] max-w-full pb-1")
                    .mark("members")
                )

    def room_menu(self) -> None:
        """The room's less-used actions (Share is here on a phone only)."""
        with ui.column().classes("gap-0 py-1"):
            ui.button("Edit", icon="edit", on_click=self.edit).props("flat no-caps align=left").classes("w-full").mark(
                "edit-room"
            )
            ui.button("Share", icon="share", on_click=self.share).props("flat no-caps align=left").classes(
                "w-full sm:hidden"
            )
            ui.button("Delete", icon="delete", on_click=self.delete).props("flat no-caps align=left color=red").classes(
                "w-full"
            )

    # Chat ----------------------------------------------------------------------------------------

    async def build_chat(self, members: list[Agent]) -> None:
        with ui.element("div").classes("oz-chat-area w-full"):
            with (
                ui.element("div").classes("oz-chat-scroll w-full"),
                ui.column().classes("w-full max-w-5xl mx-auto gap-0 px-3 py-2"),
            ):
                self.older = ui.button("Load older messages", on_click=self.load_older).props("flat dense no-caps")
                self.chat = ui.column().classes("w-full gap-1").mark("chat")
            ui.button("New messages", icon="arrow_downward", on_click=self.jump_down).props(
                "rounded dense no-caps color=primary"
            ).classes("oz-new-pill px-3").mark("new-messages")
        ui.on("oz_older", self.on_near_top)
        page = await service.messages_of(self.room)
        self.older.set_visibility(len(page) == service.PAGE)
        self.oldest = page[0].id if page else None
        for view in await replies.views(page):
            self.add(view)
        if page:
            await self.mark_read(page[-1].id)
        if not any_provider(self.routes.providers):  # read once for the page, with the agents' routes
            with ui.row().classes("items-center bg-amber-100 p-2 rounded w-full max-w-5xl mx-auto").mark("no-provider"):
                ui.label("No provider is configured yet, so agents cannot answer.")
                ui.link("Add one in Settings", "/settings")
        self.composer = Composer(self.user, self.room, self.post, self.jump_down)
        await self.composer.build(members)

    def add(self, view: dict[str, Any]) -> bool:
        """Show a message (or show it as it is now), and follow its run while it streams; True
        when it was not shown before."""
        new = view["id"] not in self.views
        if new:
            with self.chat:
                self.views[view["id"]] = MessageView(view, self)
        else:
            self.views[view["id"]].update(view)
        run_id = view["run_id"]
        if run_id and view["state"] == "streaming" and run_id not in self.following:
            topic = run_topic(run_id)
            self.following[run_id] = self.workspace.live.subscribe(
                topic, lambda event: in_tab(self.client, lambda: self.on_run_event(view["id"], event))
            )
        elif run_id in self.following and view["state"] != "streaming":
            self.following.pop(run_id)()
        return new

    def on_run_event(self, message_id: int, event: dict[str, Any]) -> None:
        """A chunk goes where it belongs; anything else (a state change, a gap) is read from the run."""
        shown = self.views.get(message_id)
        if shown is None:
            return
        if event.get("type") == "output" and event.get("text") is not None:
            if shown.place(int(event["offset"]), str(event["text"])):
                return
        if event.get("type") == "reset":
            shown.text = ""
        self.client.safe_invoke(functools.partial(self.reload, [message_id]))

    async def reload(self, message_ids: list[int]) -> None:
        """Show these messages of the room as the database has them now; new ones below are read
        at once (this tab has the room open) and, if the reader scrolled up, announced by the pill."""
        messages = await Message.filter(id__in=message_ids, room_id=self.room.id).order_by("id")
        added = [view["id"] for view in await replies.views(messages) if self.add(view)]
        if added:
            self.client.run_javascript("ozChat.arrived()")
            self.read_soon(max(added))

    def read_soon(self, message_id: int) -> None:
        """Mark the room read a moment after messages arrive, once for a burst: off the path that
        shows a message to its readers."""
        first = self.unread_up_to is None
        self.unread_up_to = max(self.unread_up_to or 0, message_id)
        if first:
            later(READ_DELAY, self.client, self.read_now)

    async def read_now(self) -> None:
        message_id, self.unread_up_to = self.unread_up_to, None
        if message_id is not None:
            await self.mark_read(message_id)

    async def mark_read(self, message_id: int) -> None:
        """This tab shows the room up to ``message_id``: the user's other tabs hear it's read."""
        if await service.mark_room_read(self.user, self.room, message_id):
            self.workspace.live.publish(user_topic(self.user.id), kind="rooms")

    async def catch_up(self) -> None:
        """After the bus reconnected: the streaming replies and anything newer than the last message."""
        newest = max(self.views, default=0)
        unsettled = [view.id for view in self.views.values() if view.run_id in self.following]
        newer = await Message.filter(room_id=self.room.id, id__gt=newest).values_list("id", flat=True)
        await self.reload([*unsettled, *newer])  # type: ignore[list-item]

    def jump_down(self) -> None:
        self.client.run_javascript("ozChat.down()")

    async def on_near_top(self) -> None:
        """Scrolled near the top: load the page before (a room opens with its latest page only);
        the column-reverse box keeps what is in view where it is."""
        try:
            if self.older.visible:
                await self.load_older()
        finally:
            self.client.run_javascript("ozChat.loaded()")

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
        for position, shown in enumerate(await replies.views(page)):
            view = MessageView(shown, self)
            view.box.move(self.chat, target_index=position)
            self.views[view.id] = view
        self.older.set_visibility(len(page) == service.PAGE)

    async def post(self, text: str) -> Any:
        """Send a message; ``/prd <markdown>`` makes a PRD instead (sent to no agent) and shows it."""
        stripped = text.lstrip()
        if stripped == "/prd" or stripped.startswith(("/prd ", "/prd\n")):
            created = await self.work.create_from_chat(stripped[len("/prd") :])
            self.open_work()
            return created
        return await self.conductor.post(self.room, self.user.username, text)

    def open_work(self) -> None:
        self.tabs.set_value("work")

    async def cancel_reply(self, message_id: int) -> None:
        if not await self.conductor.cancel(self.room, message_id):
            ui.notify("That reply already ended.")

    # Room settings -------------------------------------------------------------------------------

    async def set_members(self) -> None:
        wanted = list(self.member_select.value or [])
        current = [agent.id for agent in await service.members_of(self.room)]
        if sorted(wanted) == sorted(current):  # another tab's change arriving here: nothing to do
            return
        chosen = await attempt(service.set_members(self.user, self.room.id, wanted))
        if chosen:
            self.composer.set_members(chosen)
            self.workspace.live.publish(room_topic(self.room.id), kind="room")

    def show_statuses(self, members: list[Agent]) -> None:
        self.status_row.clear()
        with self.status_row:
            for agent in members:
                status = agent.status
                chip = (
                    ui.badge(color=STATUS_COLORS.get(status, "grey")).classes("gap-1 pl-0").mark(f"status-{agent.name}")
                )
                with chip:
                    avatar(agent, size=1.1)
                    ui.label(f"{agent.name}: {status}")
                chip.tooltip(self.routes.describe(agent))

    async def toggle_pause(self) -> None:
        paused = not self.room.paused
        room = await attempt(service.set_paused(self.user, self.room.id, paused))
        if not room:
            return
        self.workspace.live.publish(room_topic(self.room.id), kind="room")
        if paused:
            cancelled = await self.conductor.pause(room)
            ui.notify(f"Paused; cancelled {cancelled} running repl{'y' if cancelled == 1 else 'ies'}.")
        else:
            await self.conductor.resume(room)

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
        """The room's public read-only link, as a full URL to copy (WS-10, UX-9)."""
        base = self.workspace.public_url(str(self.client.request.base_url))

        def address() -> str:
            return f"{base}/share/{self.room.share_token}" if self.room.share_token else ""

        with transient_dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
            ui.label("Share this room").classes("text-lg font-bold")
            ui.label("Anyone with the link can read this room's messages (not its agents' settings).")
            with ui.row().classes("w-full items-center no-wrap"):
                link = ui.input("Link", value=address(), placeholder="Not shared: make a link")
                link.props("readonly outlined dense").classes("grow font-mono").mark("share-link")
                copy = ui.button("Copy", on_click=lambda: copied(link.value)).props("flat").mark("copy-share-link")
                copy.bind_enabled_from(link, "value", backward=bool)

            def copied(value: str) -> None:
                render.copy_text(value)
                ui.notify("Link copied.", type="positive")

            async def create() -> None:
                token = await attempt(service.share(self.user, self.room.id))
                if token:
                    self.room.share_token = token
                    link.set_value(address())

            async def revoke() -> None:
                if await attempt(service.unshare(self.user, self.room.id), "The link no longer works."):
                    self.room.share_token = None
                    link.set_value("")

            with ui.row():
                ui.button("New link", on_click=create).mark("new-share-link")
                ui.button("Revoke", on_click=revoke).props("flat color=red")
                ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()

    async def delete(self) -> None:
        question = f"Delete “{self.room.name}” with its messages, tasks and artifacts?"
        if await confirm(f"Delete {self.room.name}", question):
            await self.conductor.pause(self.room)
            if await attempt(service.delete_room(self.user, self.room.id)):
                self.workspace.live.publish(room_topic(self.room.id), kind="deleted")
                ui.navigate.to("/")

    # Live updates (WS-13) ---------------------------------------------------------------------------

    def on_event(self, event: dict[str, Any]) -> None:
        kind = event["kind"]
        if kind in ("message", "message_done"):
            self.client.safe_invoke(functools.partial(self.reload, [int(event["message_id"])]))
        elif kind == "message_deleted" and (gone := self.views.pop(int(event["message_id"]), None)):
            gone.remove()
        elif kind == "agent":
            self.client.safe_invoke(self.refresh_members)
        elif kind == "resync":  # the bus lost events: read everything shown again
            self.client.safe_invoke(self.catch_up)
            self.client.safe_invoke(self.reload_room)
            self.board.redraw.soon()
            self.artifacts.redraw.soon()
            self.work.redraw_soon()
        elif kind == "work":
            self.work.redraw_soon()  # the board's cards of work items too
        elif kind == "tasks":
            self.board.redraw.soon()
        elif kind == "artifacts":
            self.artifacts.redraw.soon()
        elif kind == "room":
            ui.context.client.safe_invoke(self.reload_room)
        elif kind == "deleted":
            ui.navigate.to("/")

    async def refresh_members(self) -> None:
        members = await service.members_of(self.room)
        self.show_statuses(members)
        self.composer.set_members(members)  # the statuses offered with @ too
        await self.work.refresh_planners()

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
        self.composer.set_members(members)
        self.member_select.set_value([agent.id for agent in members])
        self.show_statuses(members)
        await self.work.refresh_planners()
