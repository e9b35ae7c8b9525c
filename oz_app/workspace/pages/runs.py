"""The runs page (WS-9, SEC-7, UX-8): one's own runs (an admin's: everyone's), live, with output
and Cancel; states in words, times in the browser's time zone, durations as a person says them."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response
from nicegui import ui

from oz_app.bus import RUNS_TOPIC
from oz_app.db.models import TERMINAL_STATES, User
from oz_app.runners import RunnerError
from oz_app.workspace import accounts
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.widgets import Redraw, attempt, listen, local_time, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

RUNS_REDRAW_SECONDS = 0.3
# A run's state as the page says it, and its badge's colour.
STATES = {
    "QUEUED": ("Queued", "blue-grey"),
    "PENDING": ("Waiting for a worker", "blue-grey"),
    "CLAIMED": ("Starting", "blue"),
    "INPROGRESS": ("In progress", "blue"),
    "SUCCEEDED": ("Succeeded", "green"),
    "FAILED": ("Failed", "red"),
    "ERROR": ("Error", "red"),
    "CANCELLED": ("Cancelled", "grey"),
    "BLOCKED": ("Blocked", "orange"),
}


def register(workspace: Workspace) -> None:
    @ui.page("/runs", title="oz · runs")
    async def runs_page(run: str = "") -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user
        await RunsView(workspace, user).build(run[:64])
        return None


class RunsView:
    """The newest runs, redrawn as runs change on the bus (from every process: no polling)."""

    def __init__(self, workspace: Workspace, user: User) -> None:
        self.workspace = workspace
        self.runner = workspace.runner
        self.user = user
        # a member sees and acts on their own runs; an admin on everyone's, filtered by user (SEC-7)
        self.acting_as = None if user.role == "admin" else user.id
        self.owner = self.acting_as
        self.redraw = Redraw(lambda: self.table.refresh(), delay=RUNS_REDRAW_SECONDS)  # a burst: one redraw

    async def build(self, open_run: str) -> None:
        with ui.column().classes("w-full max-w-4xl mx-auto"):
            with ui.row().classes("items-center w-full"):
                ui.label("Runs").classes("text-2xl")
                ui.space()
                if self.acting_as is None and self.workspace.login:
                    await self.user_filter()
            await self.table()
        listen(self.workspace, RUNS_TOPIC, self.on_run)
        if open_run:  # a link to one run's output (a task's card links here)
            asked = await attempt(self.runner.get(open_run, owner=self.acting_as))
            if isinstance(asked, dict):
                ui.context.client.safe_invoke(functools.partial(self.show_output, asked))

    async def user_filter(self) -> None:
        names = {person.id: person.username for person in await accounts.people(self.user)}

        async def pick(event: Any) -> None:
            self.owner = event.value or None
            await self.redraw.run()

        ui.select({"": "Everyone", **names}, value="", label="User", on_change=pick).classes("w-48").mark("runs-user")

    @ui.refreshable_method
    async def table(self) -> None:
        try:
            runs = await self.runner.list(50, owner=self.owner)
        except RunnerError as exc:
            ui.label(str(exc)).classes("text-red-700")
            return
        if not runs:
            ui.label("No runs yet: mention an agent in a room to start one.").classes("text-gray-600")
        for run in runs:
            self.card(run)

    def card(self, run: dict[str, Any]) -> None:
        run_id = run["run_id"]
        with ui.card().classes("w-full").mark(f"run-{run_id}"):
            with ui.row().classes("items-center w-full gap-3"):
                words, color = STATES.get(run["state"], (run["state"].capitalize(), "grey"))
                ui.badge(words, color=color).mark(f"state-{run_id}")
                ui.label(run["title"]).classes("font-bold")
                ui.label(run.get("provider") or "no provider yet").classes("text-gray-600")
                local_time(run["created_at"]).classes("text-gray-600").mark(f"created-{run_id}")
                ui.label(duration(run.get("run_time"))).classes("text-gray-600")
                if run.get("usage"):
                    ui.label(tokens(run["usage"])).classes("text-gray-600").mark(f"usage-{run_id}")
                ui.space()
                ui.button("Output", on_click=lambda: self.show_output(run)).props("flat").mark(f"output-{run_id}")
                if run["state"] not in TERMINAL_STATES:
                    ui.button("Cancel", on_click=lambda: self.cancel(run_id)).props("flat color=red").mark(
                        f"cancel-{run_id}"
                    )
            status = (run.get("status_message") or {}).get("message")
            if status:
                ui.label(status).classes("text-sm text-gray-700")

    async def cancel(self, run_id: str) -> None:
        if await attempt(self.runner.cancel(run_id, owner=self.acting_as), "Cancelled."):
            await self.redraw.run()

    async def show_output(self, run: dict[str, Any]) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[48rem] max-w-full"):
            ui.label(f"Output of {run['title']}").classes("text-lg font-bold")
            log = ui.code(run.get("output") or "", language="text").classes("w-full max-h-96 overflow-auto")
            log.mark("run-output")
            with ui.row().classes("w-full justify-end"):
                ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()
        if run["state"] in TERMINAL_STATES:
            return
        text = ""
        try:
            async for event in self.runner.follow(run["run_id"], owner=self.acting_as):
                if event["type"] == "output":
                    text = text[: event.get("offset", len(text))] + event["text"]
                    log.set_content(text)
        except RunnerError as exc:
            ui.notify(str(exc), type="warning")
        await self.redraw.run()

    def on_run(self, _event: dict[str, Any]) -> None:
        self.redraw.soon()


def duration(run_time: str | None) -> str:
    """``PT1.234S`` as a person says it: 1.2 s, 42 s, 3 min, 1 h 5 min."""
    if not run_time:
        return ""
    seconds = float(run_time.removeprefix("PT").removesuffix("S"))
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def tokens(usage: dict[str, Any]) -> str:
    """A run's token usage as the page says it (PR-8): ``1,234 tokens in · 56 out``."""
    return f"{usage.get('input_tokens') or 0:,} tokens in · {usage.get('output_tokens') or 0:,} out"
