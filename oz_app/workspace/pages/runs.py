"""The runs page (WS-9, SEC-7, UX-8): one's own runs (an admin's: everyone's), live, with output
and Cancel; states in words, times in the browser's time zone, durations as a person says them."""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response
from nicegui import ui

from oz_app.bus import RUNS_TOPIC
from oz_app.db.models import TERMINAL_STATES
from oz_app.runners import RunnerError
from oz_app.workspace import accounts
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.widgets import attempt, listen, local_time, local_times, transient_dialog

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
                        words, color = STATES.get(run["state"], (run["state"].capitalize(), "grey"))
                        ui.badge(words, color=color).mark(f"state-{run['run_id']}")
                        ui.label(run["title"]).classes("font-bold")
                        ui.label(run.get("provider") or "no provider yet").classes("text-gray-600")
                        local_time(run["created_at"]).classes("text-gray-600").mark(f"created-{run['run_id']}")
                        ui.label(duration(run.get("run_time"))).classes("text-gray-600")
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

        local_times()
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
        if run:  # a link to one run's output (a task's card links here)
            asked = await attempt(workspace.runner.get(run[:64], owner=acting_as))
            if isinstance(asked, dict):
                ui.context.client.safe_invoke(functools.partial(show_output, asked))
        return None


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
