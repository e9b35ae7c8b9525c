"""One message in a room's chat (WS-4): an agent's reply fills in live while its run streams (ST-1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from oz_app.bus import unseen
from oz_app.db.models import Agent
from oz_app.workspace import render, replies


class MessageView:
    """One message in the chat; an agent's reply fills in live while its run streams."""

    def __init__(self, view: dict[str, Any], agents: dict[str, Agent], on_cancel: Callable[[int], Any]) -> None:
        self.id = view["id"]
        self.run_id: str | None = view["run_id"]
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
                if view["state"] != "done" or view["status"]:
                    self.status = ui.label("").classes("text-sm text-gray-500 italic")
                    self.stop = ui.button("Stop", on_click=lambda: on_cancel(self.id)).props("flat dense color=red")
            self.body = render.markdown(self.text).classes("w-full")
        self.update(view)

    def update(self, view: dict[str, Any]) -> None:
        state = view["state"]
        self.run_id = view["run_id"]
        self.text = view["content"]
        self.body.set_content(self.text)
        if self.stop is not None and self.status is not None:
            self.stop.set_visibility(state in replies.ACTIVE_REPLY)
            labels = {"streaming": f"{view['author_name']} is thinking…", "queued": "queued"}
            label = labels.get(state, "" if state == "done" else state)
            self.status.set_text(" · ".join(part for part in (label, view["status"]) if part))

    def place(self, offset: int, text: str) -> bool:
        """Show streamed ``text`` that goes at ``offset``; False when text before it is missing."""
        try:
            piece = unseen(len(self.text), offset, text)
        except LookupError:
            return False
        if piece:
            self.text += piece
            self.body.set_content(self.text)
        return True
