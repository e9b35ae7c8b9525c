"""A room's composer (UX-3): a box that grows as one writes, Enter sends and Shift+Enter starts a
new line, ``@`` offers the room's agents with their colour and status, and what is typed but not
sent is kept per room and user (``room_readers.draft``) so it survives a reload or another device."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from oz_app.db.models import Agent, Room, User
from oz_app.workspace import service
from oz_app.workspace.avatars import STATUS_COLORS, color_of
from oz_app.workspace.widgets import attempt, later

DRAFT_DELAY = 0.6  # seconds of quiet typing before the draft is written
MENTION_AT_END = re.compile(r"(?:^|\s)@([A-Za-z0-9_-]*)$")

# In the browser, before the textarea sees the key: Enter sends (the newline is never inserted),
# Shift+Enter is left to the textarea; an IME composing text keeps its Enter. While agents are
# offered, arrows move through them and Enter or Tab takes the one marked.
KEYDOWN_JS = """(e) => {
  if (e.isComposing || e.keyCode === 229) return;
  const offered = [...document.querySelectorAll('.oz-suggestion')];
  if (offered.length && ['ArrowDown', 'ArrowUp', 'Enter', 'Tab'].includes(e.key) && !e.shiftKey) {
    e.preventDefault();
    let at = offered.findIndex((item) => item.classList.contains('oz-active'));
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      at = e.key === 'ArrowDown' ? (at + 1) % offered.length : (at <= 0 ? offered.length : at) - 1;
      offered.forEach((item, i) => item.classList.toggle('oz-active', i === at));
    } else {
      offered[Math.max(at, 0)].click();
    }
    return;
  }
  if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
    e.preventDefault();
    emit(e.target.value);
  }
}"""


class Composer:
    """The message box under a room's chat, with its ``@`` suggestions and its kept draft."""

    def __init__(
        self, user: User, room: Room, post: Callable[[str], Awaitable[Any]], on_sent: Callable[[], None]
    ) -> None:
        self.user = user
        self.room = room
        self.post = post
        self.on_sent = on_sent
        self.members: list[Agent] = []
        self.saved = ""
        self.pending: asyncio.TimerHandle | None = None

    async def build(self, members: list[Agent]) -> None:
        self.members = members
        self.saved = await service.draft_of(self.user, self.room)
        self.suggestions = ui.row().classes("oz-suggestions gap-1 px-3 w-full max-w-5xl mx-auto").mark("suggestions")
        with ui.row().classes("oz-composer w-full max-w-5xl mx-auto items-end gap-2 px-3 pb-2 pt-1 no-wrap"):
            self.input = (
                ui.textarea(placeholder="Message — @name to ask an agent", value=self.saved)
                .props("autogrow outlined dense rows=1")
                .classes("grow")
                .mark("message")
            )
            self.input.on("keydown", self.on_enter, js_handler=KEYDOWN_JS)
            self.input.on_value_change(self.changed)
            ui.button(icon="send", on_click=self.send).props("round unelevated").mark("send").tooltip("Send (Enter)")
        ui.label("Enter sends · Shift+Enter for a new line").classes(
            "text-xs text-gray-500 px-3 pb-1 w-full max-w-5xl mx-auto max-sm:hidden"
        )
        ui.context.client.on_disconnect(self.flush)

    # Sending ---------------------------------------------------------------------------------------

    async def on_enter(self, event: Any) -> None:
        """Enter in the box (the browser sends the text it holds, so no keystroke is lost)."""
        args = event.args
        text = args[0] if isinstance(args, list) and args else args
        await self.send(text if isinstance(text, str) else None)

    async def send(self, text: str | None = None) -> None:
        text = (self.input.value or "") if text is None else text
        if await attempt(self.post(text)):
            self.input.set_value("")
            self.suggestions.clear()
            await self.flush()
            self.on_sent()

    # Drafts ----------------------------------------------------------------------------------------

    def changed(self) -> None:
        """Offer agents for an ``@`` being typed, and write the draft once typing pauses."""
        self.suggest()
        if self.pending is not None:
            self.pending.cancel()
        self.pending = later(DRAFT_DELAY, ui.context.client, self.flush)

    async def flush(self) -> None:
        """Write the draft now if it changed (typing paused, a message went out, or the tab closed)."""
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        text = self.input.value or ""
        if text == self.saved:
            return
        self.saved = text
        try:
            await service.save_draft(self.user, self.room.id, text)
        except (service.Invalid, service.NotFound):  # too long to keep, or the room is gone: nothing to save
            self.saved = ""

    # @ completion ----------------------------------------------------------------------------------

    def set_members(self, members: list[Agent]) -> None:
        self.members = members
        self.suggest()

    def suggest(self) -> None:
        """The member agents whose name starts with the ``@word`` at the end of the text."""
        match = MENTION_AT_END.search(self.input.value or "")
        if match is None and not self.suggestions.default_slot.children:
            return  # most keystrokes: nothing offered before or now, nothing to send the browser
        self.suggestions.clear()
        if match is None:
            return
        typed = match.group(1).lower()
        offered = [agent for agent in self.members if agent.name.lower().startswith(typed)]
        with self.suggestions:
            for agent in offered:
                self.suggestion(agent)

    def suggestion(self, agent: Agent) -> None:
        status = agent.status
        button = ui.button(f"@{agent.name}", icon="circle", on_click=lambda name=agent.name: self.complete(name))
        button.props("dense outline no-caps").classes("oz-suggestion").style(f"--oz-agent: {color_of(agent)}")
        button.mark(f"suggest-{agent.name}")
        with button:
            ui.badge(status, color=STATUS_COLORS.get(status, "grey")).classes("ml-1")

    def complete(self, name: str) -> None:
        text = self.input.value or ""
        match = MENTION_AT_END.search(text)
        start = match.start(1) - 1 if match else len(text)
        self.input.set_value(f"{text[:start]}@{name} ")
        self.suggestions.clear()
        self.input.run_method("focus")
