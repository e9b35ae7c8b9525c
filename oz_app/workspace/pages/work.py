"""A room's Work tab (WS-12): write a PRD and have the room's SPEC agent decompose it, edit and
approve the plan (:mod:`.work_plan`), follow and steer its items (:mod:`.work_progress`), set how
much runs at once, and keep the room's knowledge. Everything is read from the rows each time it
is drawn, and redrawn in every open tab when the room's topic says ``work``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.db.models import Agent, Prd, Room, User
from oz_app.work import actions, knowledge
from oz_app.workspace.live import room_topic
from oz_app.workspace.pages.work_plan import PlanEditor
from oz_app.workspace.pages.work_progress import Progress
from oz_app.workspace.render import markdown
from oz_app.workspace.widgets import Redraw, attempt, confirm, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

STATE_COLORS = {
    "planning": "blue", "planned": "purple", "plan_failed": "red", "running": "blue", "paused": "orange",
    "done": "green", "cancelled": "grey",
}  # fmt: skip
STATE_WORDS = {"plan_failed": "plan failed"}
REDRAW_DELAY = 0.15  # seconds: a burst of work events (an engine pass) redraws the tab once
NO_PLANNER = "Add an agent of type SPEC to this room (Agents → Edit → Type) to plan PRDs."


def state_badge(state: str) -> ui.badge:
    return ui.badge(STATE_WORDS.get(state, state), color=STATE_COLORS.get(state, "grey"))


class WorkTab:
    """The Work tab of ``room``: the editor is drawn once (what is typed survives live redraws);
    the PRDs, the open PRD, the settings and the knowledge are redrawn from the rows."""

    def __init__(self, workspace: Workspace, user: User, room: Room, also: Callable[[], Any] = lambda: None) -> None:
        self.workspace = workspace
        self.also = also  # what else shows work items (the board), redrawn with the tab
        self.user = user
        self.room = room
        self.open_id: str | None = None  # the PRD shown below the list (None: the newest)
        self.expanded: set[str] = set()  # items whose details are open, kept across redraws
        self.redraws = Redraw(self.redraw, delay=REDRAW_DELAY)  # a burst of work events: one redraw
        self.shown_settings: tuple[int, int] = (0, 0)

    @property
    def bus(self) -> Any:
        return self.workspace.live

    async def cancel_run(self, run_id: str, reason: str) -> bool:
        """The canceller the actions use to stop an item's run."""
        return bool(await self.workspace.plane.runs.cancel(run_id, reason))

    async def build(self) -> None:
        with ui.column().classes("w-full max-w-5xl mx-auto gap-3 p-2").mark("work-tab"):
            await self.editor()
            await self.prds()
            with ui.expansion("Work settings", icon="tune").classes("w-full").mark("work-settings"):
                await self.settings()
            with ui.expansion("Knowledge", icon="school").classes("w-full").mark("knowledge"):
                self.note_input()
                await self.knowledge()

    # The PRD editor ------------------------------------------------------------------------------

    async def editor(self) -> None:
        with ui.card().classes("w-full"):
            ui.label("New PRD").classes("text-lg font-bold")
            self.text = ui.textarea(placeholder="# Title\n\nWhat should be built, for whom, and how we know it works.")
            self.text.props("outlined autogrow").classes("w-full font-mono").mark("prd-text")
            with ui.row().classes("w-full items-center"):
                self.planner = ui.select({}, label="Planner").classes("min-w-[12rem]").mark("prd-planner")
                ui.button("Decompose", icon="account_tree", on_click=self.decompose).mark("decompose")
            self.no_planner = ui.label(NO_PLANNER).classes("text-sm text-amber-800").mark("no-planner")
        await self.refresh_planners()

    async def refresh_planners(self) -> None:
        """The planner select offers the room's SPEC members (the first one chosen)."""
        planners = await actions.members_of_type(self.room, "SPEC")
        options = {agent.id: agent.name for agent in planners}
        self.planner.set_options(options, value=self.planner.value if self.planner.value in options else None)
        if self.planner.value is None and planners:
            self.planner.set_value(planners[0].id)
        self.no_planner.set_visibility(not planners)

    async def decompose(self) -> None:
        created = await attempt(
            actions.create_prd(self.bus, self.room, self.user.id, self.text.value or "", self.planner.value or None)
        )
        if created:
            self.text.set_value("")
            await self.open_prd(created.id)

    async def create_from_chat(self, text: str) -> Prd:
        """``/prd <markdown>`` in the composer: the PRD is made as if written here (a refusal is
        raised, for the composer to show while it keeps the text)."""
        created = await actions.create_prd(self.bus, self.room, self.user.id, text)
        await self.open_prd(created.id)
        return created

    # The PRDs ------------------------------------------------------------------------------------

    async def open_prd(self, prd_id: str) -> None:
        self.open_id = prd_id
        self.expanded.clear()
        async with self.redraws.drawing:
            await self.prds.refresh()

    @ui.refreshable_method
    async def prds(self) -> None:
        prds = await actions.prds_of(self.room)  # newest first
        if not prds:
            ui.label("No PRD yet: write one above, or post /prd followed by it in the chat.").classes("text-gray-600")
            return
        shown = next((prd for prd in prds if prd.id == self.open_id), prds[0])
        with ui.row().classes("w-full gap-1").mark("prd-list"):
            for prd in prds:
                chip = ui.button(on_click=lambda p=prd.id: self.open_prd(p)).props(
                    f"no-caps dense {'unelevated' if prd is shown else 'outline'}"
                )
                with chip.mark(f"prd-{prd.id}"):
                    ui.label(prd.title).classes("truncate max-w-[16rem]")
                    state_badge(prd.state).classes("ml-1")
        with ui.card().classes("w-full").mark("open-prd"):
            await self.prd(shown)

    async def prd(self, prd: Prd) -> None:
        with ui.row().classes("w-full items-center"):
            ui.label(prd.title).classes("text-lg font-bold break-words").mark("prd-title")
            state_badge(prd.state).mark("prd-state")
            ui.space()
            self.controls(prd)
        with ui.expansion("The PRD", icon="description").classes("w-full"):
            markdown(prd.text)
        if prd.state == "planning":
            planner = await Agent.get_or_none(id=prd.planner_id or "")
            with ui.row().classes("items-center"):
                ui.spinner()
                ui.label(f"{planner.name if planner else 'The planner'} is decomposing the PRD…").mark("planning")
        elif prd.state in ("planned", "plan_failed"):
            await PlanEditor(self, prd).build()
        else:
            await Progress(self, prd).build()

    def controls(self, prd: Prd) -> None:
        if prd.state == "running":
            ui.button("Pause", on_click=lambda: self.pause(prd)).props("outline dense").mark("pause-prd")
        if prd.state == "paused":
            ui.button("Resume", on_click=lambda: self.resume(prd)).props("outline dense").mark("resume-prd")
        if prd.state not in ("done", "cancelled"):
            ui.button("Cancel", on_click=lambda: self.cancel(prd)).props("flat dense color=red").mark("cancel-prd")

    async def current(self, prd: Prd) -> Prd | None:
        """The PRD as it is now (another tab or the engine may have moved it)."""
        return await attempt(actions.prd_in(self.room, prd.id)) or None

    async def pause(self, prd: Prd) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full"):
            ui.label("Pause this PRD?").classes("text-lg font-bold")
            ui.label("No item starts while it is paused. Items being worked on now can finish, or stop now.")
            with ui.row().classes("w-full justify-end"):
                ui.button("Back", on_click=lambda: dialog.submit(None)).props("flat")
                ui.button("Let them finish", on_click=lambda: dialog.submit(False)).mark("pause-finish")
                ui.button("Stop them", on_click=lambda: dialog.submit(True)).props("color=red").mark("pause-stop")
        stop = await dialog
        if stop is None or not (now := await self.current(prd)):
            return
        await attempt(actions.pause(self.bus, now, self.cancel_run, stop_running=bool(stop)), "Paused.")

    async def resume(self, prd: Prd) -> None:
        if now := await self.current(prd):
            await attempt(actions.resume(self.bus, now), "Resumed.")

    async def cancel(self, prd: Prd) -> None:
        question = f"Cancel “{prd.title}”? Items being worked on are stopped and nothing more starts."
        if await confirm("Cancel this PRD", question, "Cancel PRD") and (now := await self.current(prd)):
            await attempt(actions.cancel(self.bus, now, self.cancel_run), "Cancelled.")

    # Settings and knowledge ---------------------------------------------------------------------

    @ui.refreshable_method
    async def settings(self) -> None:
        room = await Room.get(id=self.room.id)
        self.shown_settings = (room.work_limit, room.review_rounds)
        with ui.row().classes("items-end"):
            limit = ui.number("Items at once", value=room.work_limit, min=1, max=20, precision=0).mark("work-limit")
            rounds = ui.number("Review rounds", value=room.review_rounds, min=1, max=10, precision=0)
            rounds.mark("review-rounds")

            async def save() -> None:
                action = actions.set_work_settings(
                    self.bus, self.room, work_limit=int(limit.value or 0), review_rounds=int(rounds.value or 0)
                )
                if saved := await attempt(action, "Saved."):  # what is shown is saved: not redrawn
                    self.shown_settings = (saved.work_limit, saved.review_rounds)

            ui.button("Apply", on_click=save).props("flat").mark("save-work-settings")
        ui.label(
            "How many of the room's items agents work on at once, and how many reviews may ask for changes "
            "before an item waits for you."
        ).classes("text-sm text-gray-600")

    def note_input(self) -> None:
        """A note to add (outside the redrawn list, so what is typed survives live redraws)."""
        with ui.row().classes("w-full items-end no-wrap"):
            note = ui.textarea("A note for the agents").props("autogrow").classes("grow").mark("knowledge-text")

            async def add() -> None:
                if await attempt(knowledge.add(self.room.id, note.value or "", self.user.username), "Note kept."):
                    note.set_value("")
                    self.changed()

            ui.button("Add", on_click=add).props("flat").mark("add-knowledge")

    @ui.refreshable_method
    async def knowledge(self) -> None:
        entries = await knowledge.entries_of(self.room.id)
        if not entries:
            ui.label("Nothing learned yet: agents' learnings and your notes show here.").classes("text-gray-600")
        for entry in entries:
            with ui.row().classes("w-full items-start no-wrap border-t pt-1").mark(f"entry-{entry.id}"):
                with ui.column().classes("grow min-w-0 gap-0"):
                    ui.label(entry.text).classes("whitespace-pre-wrap break-words").mark("entry-text")
                    ui.label(entry.source).classes("text-xs text-gray-500")
                ui.button(icon="edit", on_click=lambda e=entry: self.edit_entry(e)).props("flat dense").mark(
                    f"edit-entry-{entry.id}"
                )
                ui.button(icon="delete", on_click=lambda e=entry: self.delete_entry(e)).props(
                    "flat dense color=red"
                ).mark(f"delete-entry-{entry.id}")

    async def edit_entry(self, entry: Any) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[32rem] max-w-full"):
            text = ui.textarea("Note", value=entry.text).props("autogrow").classes("w-full").mark("entry-edit")

            async def save() -> None:
                if await attempt(knowledge.update(self.room.id, entry.id, text.value or ""), "Saved."):
                    self.changed()
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).mark("save-entry")
        dialog.open()

    async def delete_entry(self, entry: Any) -> None:
        if await confirm("Delete this note?", "Agents no longer see it in their prompts."):
            if await attempt(knowledge.delete(self.room.id, entry.id), "Deleted."):
                self.changed()

    # Live ----------------------------------------------------------------------------------------

    def changed(self) -> None:
        """Knowledge is no work item: tell the room's tabs ourselves (the actions announce theirs)."""
        self.bus.publish(room_topic(self.room.id), kind="work")

    def redraw_soon(self) -> None:
        """Redraw once for a burst of events (an engine pass announces several changes)."""
        self.redraws.soon()

    async def redraw(self) -> None:
        """Everything read from the rows (through :attr:`redraws`: one redraw at a time)."""
        self.room = await Room.get_or_none(id=self.room.id) or self.room
        await self.refresh_planners()
        await self.prds.refresh()
        if self.shown_settings != (self.room.work_limit, self.room.review_rounds):  # else keep what is typed
            await self.settings.refresh()
        await self.knowledge.refresh()
        self.also()
