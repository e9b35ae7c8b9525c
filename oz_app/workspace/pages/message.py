"""One message in a room's chat (WS-4, UX-1, UX-2): an agent's reply fills in live while its run
streams (ST-1); every message has its time and a Copy action, one's own can be edited and
deleted, a failed reply retried, and a long one is collapsed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from nicegui import ui

from oz_app.bus import unseen
from oz_app.db.models import Agent, Room, User
from oz_app.workspace import render, replies, service
from oz_app.workspace.avatars import avatar
from oz_app.workspace.dispatch import Conductor
from oz_app.workspace.live import room_topic
from oz_app.workspace.widgets import attempt, confirm, lazy_menu, local_time, transient_dialog

LONG_CHARACTERS = 2_500  # a message longer than this (or with more lines) starts collapsed
LONG_LINES = 30

# Once per page: how a collapsed message and a message's small print look (its time is
# formatted in the browser: widgets.local_time).
ASSETS = """
<style>
.oz-collapsed { max-height: 40rem; overflow: hidden;
  -webkit-mask-image: linear-gradient(to bottom, #000 85%, transparent);
  mask-image: linear-gradient(to bottom, #000 85%, transparent); }
.oz-time, .oz-edited, .oz-asked { font-size: 0.75rem; color: #6b7280; }
.body--dark .oz-time, .body--dark .oz-edited, .body--dark .oz-asked { color: #9ca3af; }
.oz-actions { opacity: 0.45; transition: opacity 0.15s; }
.oz-more { cursor: pointer; padding: 0 0.35rem; border-radius: 4px; color: #6b7280; }
.oz-more:hover, .oz-more:focus { background: rgba(127, 127, 127, 0.15); }
.oz-message:hover .oz-actions, .oz-actions:focus-within { opacity: 1; }
@media (hover: none) { .oz-actions { opacity: 1; } }
</style>
"""


class Chat(Protocol):
    """What a message needs of the room showing it (the room page's RoomView)."""

    agents: dict[str, Agent]
    user: User
    room: Room
    conductor: Conductor
    workspace: Any

    def cancel_reply(self, message_id: int) -> Awaitable[None]: ...


def is_long(text: str) -> bool:
    return len(text) > LONG_CHARACTERS or text.count("\n") > LONG_LINES


class MessageView:
    """One message in the chat; an agent's reply fills in live while its run streams."""

    def __init__(self, view: dict[str, Any], chat: Chat) -> None:
        render.add_once(ASSETS)
        self.chat = chat
        self.id = view["id"]
        self.run_id: str | None = view["run_id"]
        self.text = view["content"]
        self.more: ui.button | None = None
        own = view["author_kind"] == "user" and view["author_name"] == chat.user.username
        with ui.column().classes("oz-message w-full gap-0 py-1").mark(f"message-{self.id}") as self.box:
            with ui.row().classes("items-center gap-2 w-full") as self.head:
                self._header(view)
                self._actions(view, own)
            self.body = render.markdown(self.text).classes("w-full")
        self.update(view)

    def _header(self, view: dict[str, Any]) -> None:
        agent = self.chat.agents.get(view.get("agent_id") or "")
        if agent is not None:
            avatar(agent, size=1.5, named=False)
        kind = view["author_kind"]
        ui.label(view["author_name"]).classes("text-gray-500" if kind == "system" else "font-bold")
        if view.get("asked_by"):
            ui.label(f"asked by @{view['asked_by']}").classes("oz-asked").mark(f"asked-{self.id}")
        self.time = local_time(view["created_at"], relative=True).classes("oz-time").mark(f"time-{self.id}")
        self.edited: ui.label | None = None  # made when first needed: most messages never are
        # most messages are finished: they get no status or Stop (a room opens faster)
        self.status: ui.label | None = None
        self.stop: ui.button | None = None
        if view["state"] != "done" or view["status"]:
            self.status = ui.label("").classes("text-sm text-gray-500 italic")
            self.stop = ui.button("Stop", on_click=lambda: self.chat.cancel_reply(self.id))
            self.stop.props("flat dense color=red")

    def _actions(self, view: dict[str, Any], own: bool) -> None:
        """Retry on a failed reply, and one "more" icon whose menu (Copy; Edit and Delete on one's
        own) is built when first opened: a room of fifty messages draws fifty small icons, not a
        hundred and fifty buttons, so it opens and takes new messages faster."""
        self.own = own
        self.retry: ui.button | None = None
        more = ui.icon("more_horiz", size="xs").classes("oz-more oz-actions ml-auto").mark(f"actions-{self.id}")
        more.props('role=button tabindex=0 aria-label="Message actions" title="Message actions"')
        lazy_menu(more, self.menu_items)
        if view["author_kind"] == "agent" and view["state"] == "failed":
            self.add_retry()

    def add_retry(self) -> None:
        with self.head:
            self.retry = _action("refresh", "Retry", f"retry-{self.id}", self.retry_reply).classes("oz-actions")

    def menu_items(self) -> None:
        ui.menu_item("Copy", self.copy).mark(f"copy-{self.id}")
        if self.own:
            ui.menu_item("Edit", self.edit).mark(f"edit-{self.id}")
            ui.menu_item("Delete", self.delete).mark(f"delete-{self.id}")

    def update(self, view: dict[str, Any]) -> None:
        state = view["state"]
        self.run_id = view["run_id"]
        self.show_text(view["content"])
        if view.get("edited_at") and self.edited is None:
            with self.head:
                self.edited = ui.label("(edited)").classes("oz-edited").mark(f"edited-{self.id}")
            self.edited.move(self.head, target_index=self.head.default_slot.children.index(self.time) + 1)
        if self.retry is not None:
            self.retry.set_visibility(state == "failed")
        elif state == "failed" and view["author_kind"] == "agent":
            self.add_retry()
        if self.stop is not None and self.status is not None:
            self.stop.set_visibility(state in replies.ACTIVE_REPLY)
            labels = {"streaming": f"{view['author_name']} is thinking…", "queued": "queued"}
            label = labels.get(state, "" if state == "done" else state)
            self.status.set_text(" · ".join(part for part in (label, view["status"]) if part))

    def show_text(self, text: str) -> None:
        """Show ``text``; once it is long it is collapsed, with Show more."""
        self.text = text
        self.body.set_content(text)
        if self.more is None and is_long(text):
            self.body.classes("oz-collapsed")
            with self.box:
                self.more = ui.button("Show more", on_click=self.toggle).props("flat dense no-caps size=sm")
                self.more.mark(f"more-{self.id}")

    def toggle(self) -> None:
        assert self.more is not None
        collapsed = "oz-collapsed" in self.body.classes
        self.body.classes(remove="oz-collapsed") if collapsed else self.body.classes("oz-collapsed")
        self.more.set_text("Show less" if collapsed else "Show more")

    def place(self, offset: int, text: str) -> bool:
        """Show streamed ``text`` that goes at ``offset``; False when text before it is missing."""
        try:
            piece = unseen(len(self.text), offset, text)
        except LookupError:
            return False
        if piece:
            self.show_text(self.text + piece)
        return True

    def remove(self) -> None:
        """The message was deleted (here or in another tab)."""
        self.box.delete()

    # Actions (UX-2) ------------------------------------------------------------------------------

    def copy(self) -> None:
        render.copy_text(self.text)
        ui.notify("Copied.")

    async def retry_reply(self) -> None:
        if await attempt(self.chat.conductor.retry(self.chat.room, self.id)) and self.retry is not None:
            self.retry.set_visibility(False)

    async def edit(self) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[40rem] max-w-full"):
            ui.label("Edit message").classes("text-lg font-bold")
            box = ui.textarea(value=self.text).props("autogrow outlined autofocus").classes("w-full")
            box.mark("edit-message-text")
            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=lambda: dialog.submit(box.value or "")).mark("save-message")
        text = await dialog
        if text is not None and await attempt(service.edit_message(self.chat.user, self.id, text)):
            self._announce("message")

    async def delete(self) -> None:
        sure = await confirm("Delete this message?", "It is removed for everyone; the replies it asked for stay.")
        if sure and await attempt(service.delete_message(self.chat.user, self.id)):
            self._announce("message_deleted")

    def _announce(self, kind: str) -> None:
        """Every tab showing the room (this one too) shows the change."""
        self.chat.workspace.live.publish(room_topic(self.chat.room.id), kind=kind, message_id=self.id)


def _action(icon: str, label: str, marker: str, handler: Callable[[], Any]) -> ui.button:
    """An icon button; its name is said on hover (title) and to screen readers (aria-label)."""
    button = ui.button(icon=icon, on_click=handler)
    return button.props(f'flat dense round size=sm color=grey-7 aria-label="{label}" title="{label}"').mark(marker)
