"""The rooms sidebar on a room's page (UX-4): the user's rooms, most recently active first, each
with its unread count and last activity, kept current as messages arrive in any of them. A left
drawer: open beside the chat on a wide screen, behind the menu button on a phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.control_plane.service import now
from oz_app.db.models import User
from oz_app.workspace import service
from oz_app.workspace.live import room_topic, user_topic
from oz_app.workspace.widgets import Redraw, in_tab, listen

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

REFRESH_ON = ("message", "message_done", "room", "deleted")


def ago(stamp: datetime, at: datetime | None = None) -> str:
    """How long ago, in the few characters a sidebar has: "now", "5m", "3h", "2d", then the date."""
    seconds = max(0.0, ((at or now()) - stamp).total_seconds())
    if seconds < 60:
        return "now"
    for unit, size, below in (("m", 60, 3600), ("h", 3600, 86400), ("d", 86400, 7 * 86400)):
        if seconds < below:
            return f"{int(seconds // size)}{unit}"
    return stamp.strftime("%d %b")


class RoomsSidebar:
    """The drawer with the rooms list; ``current`` is the room on this page."""

    def __init__(self, workspace: Workspace, user: User, current: str) -> None:
        self.workspace = workspace
        self.user = user
        self.current = current
        self.client = ui.context.client
        self.followed: dict[str, Callable[[], None]] = {}
        self.redraw = Redraw(self.show)  # one read at a time; events during a read cause one more
        self.client.on_delete(self.unfollow)

    async def build(self) -> None:
        self.drawer = ui.left_drawer(value=None, bordered=True).props("width=260").classes("p-0").mark("rooms-sidebar")
        with self.drawer:
            with ui.row().classes("items-center w-full px-3 pt-3 pb-1"):
                ui.link("Rooms", "/").classes("text-lg font-bold no-underline text-inherit")
                ui.space()
                ui.button(icon="add", on_click=lambda: ui.navigate.to("/")).props("flat dense round").tooltip(
                    "New room"
                )
            self.list = ui.column().classes("w-full gap-0")
        await self.show()
        listen(self.workspace, user_topic(self.user.id), self.on_user_event)

    def toggle(self) -> None:
        self.drawer.toggle()

    async def show(self) -> None:
        rooms = await service.room_activity(self.user)
        self.list.clear()
        at = now()
        with self.list:
            for room in rooms:
                self.item(room, at)
        self.follow([room.id for room in rooms])

    def item(self, room: service.RoomActivity, at: datetime) -> None:
        link = ui.link(target=f"/rooms/{room.id}").classes(
            "oz-room-link w-full flex items-center gap-2 px-3 py-2 no-underline text-inherit hover:bg-gray-500/10"
        )
        if room.id == self.current:
            link.classes("oz-current")
        with link.mark(f"sidebar-{room.name}"):
            ui.label(room.name).classes("truncate grow min-w-0" + (" font-bold" if room.unread else ""))
            if room.paused:
                ui.icon("pause_circle", size="xs").classes("text-orange-600").tooltip("paused")
            if room.unread:
                count = f"{service.UNREAD_CAP - 1}+" if room.unread >= service.UNREAD_CAP else str(room.unread)
                ui.badge(count, color="red").mark(f"unread-{room.name}").tooltip("unread messages")
            ui.label(ago(room.last_activity, at)).classes("text-xs text-gray-500 shrink-0").mark(
                f"activity-{room.name}"
            )

    # Live -------------------------------------------------------------------------------------------

    def follow(self, room_ids: list[str]) -> None:
        """Follow the rooms listed now (a room made or deleted elsewhere joins or leaves here)."""
        for room_id in set(self.followed) - set(room_ids):
            self.followed.pop(room_id)()
        for room_id in set(room_ids) - set(self.followed):
            self.followed[room_id] = self.workspace.live.subscribe(room_topic(room_id), self.listener(room_id))

    def listener(self, room_id: str) -> Callable[[dict[str, Any]], None]:
        return lambda event: in_tab(self.client, lambda: self.on_room_event(room_id, event))

    def unfollow(self) -> None:
        for unsubscribe in self.followed.values():
            unsubscribe()
        self.followed.clear()

    def on_room_event(self, room_id: str, event: dict[str, Any]) -> None:
        # this page's own room is read as its messages arrive; that reading refreshes the list
        if event.get("kind") in REFRESH_ON and (room_id != self.current or event.get("kind") != "message"):
            self.refresh()

    def on_user_event(self, event: dict[str, Any]) -> None:
        if event.get("kind") == "rooms":
            self.refresh()

    def refresh(self) -> None:
        self.redraw.soon()
