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
from oz_app.workspace import replies, service
from oz_app.workspace.live import room_topic
from oz_app.workspace.pages.artifacts import Artifacts
from oz_app.workspace.pages.board import Board
from oz_app.workspace.pages.message import MessageView
from oz_app.workspace.widgets import attempt, in_tab, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

STATUS_COLORS = {"idle": "grey", "running": "blue", "queued": "orange", "error": "red"}


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
        self.following: dict[str, Callable[[], None]] = {}  # run id -> unsubscribe, while it streams
        self.client = ui.context.client
        self.client.on_delete(self.stop_following)

    def stop_following(self) -> None:
        for unsubscribe in self.following.values():
            unsubscribe()
        self.following.clear()

    async def build(self) -> None:
        self.agents = {agent.id: agent for agent in await service.agents_of(self.user)}
        self.board = Board(self.workspace, self.user, self.room, self.agents)
        self.artifacts = Artifacts(self.workspace, self.user, self.room)
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
                    await self.board.show()
                with ui.tab_panel("artifacts"):
                    await self.artifacts.show()
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
        for view in await replies.views(page):
            self.add(view)
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
        """Show a message (or show it as it is now), and follow its run while it streams."""
        if view["id"] in self.views:
            self.views[view["id"]].update(view)
        else:
            with self.chat:
                self.views[view["id"]] = MessageView(view, self)
        run_id = view["run_id"]
        if run_id and view["state"] == "streaming" and run_id not in self.following:
            topic = run_topic(run_id)
            self.following[run_id] = self.workspace.live.subscribe(
                topic, lambda event: in_tab(self.client, lambda: self.on_run_event(view["id"], event))
            )
        elif run_id in self.following and view["state"] != "streaming":
            self.following.pop(run_id)()

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
        """Show these messages of the room as the database has them now."""
        messages = await Message.filter(id__in=message_ids, room_id=self.room.id).order_by("id")
        for view in await replies.views(messages):
            self.add(view)
        self.scroll_down()

    async def catch_up(self) -> None:
        """After the bus reconnected: the streaming replies and anything newer than the last message."""
        newest = max(self.views, default=0)
        unsettled = [view.id for view in self.views.values() if view.run_id in self.following]
        newer = await Message.filter(room_id=self.room.id, id__gt=newest).values_list("id", flat=True)
        await self.reload([*unsettled, *newer])  # type: ignore[list-item]

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
        for position, shown in enumerate(await replies.views(page)):
            view = MessageView(shown, self)
            view.box.move(self.chat, target_index=position)
            self.views[view.id] = view
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
            self.member_names = [agent.name for agent in chosen]
            self.workspace.live.publish(room_topic(self.room.id), kind="room")

    def show_statuses(self, members: list[Agent]) -> None:
        self.status_row.clear()
        with self.status_row:
            for agent in members:
                status = agent.status
                ui.badge(f"{agent.name}: {status}", color=STATUS_COLORS.get(status, "grey")).mark(
                    f"status-{agent.name}"
                )

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
        base = (self.workspace.settings.public_url or str(self.client.request.base_url)).rstrip("/")

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
                ui.clipboard.write(value)
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
            self.board.show.refresh()
            self.artifacts.show.refresh()
        elif kind == "tasks":
            self.board.show.refresh()
        elif kind == "artifacts":
            self.artifacts.show.refresh()
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
