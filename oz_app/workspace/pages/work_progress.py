"""An approved PRD's progress (WS-12): its epics with progress bars and each item in the words
:mod:`oz_app.work.views` derives from the rows ("claimed by coder", "changes needed, round 1/3",
"needs you: …"). An item's details (description, criteria, history, its run's output) are drawn
when opened, so a PRD of a hundred items opens quickly; from there a person approves, rejects or
reassigns it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.db.models import Prd, WorkItem
from oz_app.work import CLAIM, ITEM_FINAL, actions, views
from oz_app.workspace.render import markdown
from oz_app.workspace.widgets import attempt, confirm, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.pages.work import WorkTab

SHOWN_COLORS = {"done": "text-green-700", "rejected": "text-gray-500", "cancelled": "text-gray-500"}


class Progress:
    """The items of a running, paused, done or cancelled PRD, by epic."""

    def __init__(self, tab: WorkTab, prd: Prd) -> None:
        self.tab = tab
        self.prd = prd
        self.opened: list[tuple[ui.expansion, dict[str, Any]]] = []  # details kept open across a redraw

    async def build(self) -> None:
        view = await views.prd_view(self.prd)
        items = await views.item_views(self.prd)
        progress = view["progress"]
        ui.label(f"{progress['done']}/{progress['total']} items done").classes("text-sm").mark("prd-progress")
        epics = sorted(view["epics"], key=lambda epic: epic["position"])
        known = {epic["id"] for epic in epics}
        for epic in epics:
            self.epic(epic["title"], epic["done"], epic["total"], [i for i in items if i.get("epic_id") == epic["id"]])
        loose = [item for item in items if item.get("epic_id") not in known]
        if loose:
            done = sum(item["state"] == "done" for item in loose)
            self.epic("Items", done, len(loose), loose)
        for details, item in self.opened:
            await self.fill(details, item)

    def epic(self, title: str, done: int, total: int, items: list[dict[str, Any]]) -> None:
        with ui.column().classes("w-full gap-0 border rounded p-2").mark(f"epic-{title}"):
            with ui.row().classes("w-full items-center no-wrap"):
                ui.label(title).classes("font-bold break-words grow")
                ui.label(f"{done}/{total}").classes("text-sm").mark(f"count-{title}")
            ui.linear_progress(value=done / total if total else 0, show_value=False).classes("mb-1")
            for item in items:
                self.item(item)

    def item(self, item: dict[str, Any]) -> None:
        with ui.row().classes("w-full items-center no-wrap gap-2 border-t").mark(f"item-{item['title']}"):
            ui.label(item["title"]).classes("grow min-w-0 break-words")
            shown = ui.label(item["shown"]).classes(f"text-sm {SHOWN_COLORS.get(item['state'], 'text-blue-800')}")
            shown.mark(f"shown-{item['title']}")
            opened = item["id"] in self.tab.expanded
            details = ui.expansion("Details", value=opened).props("dense").classes("shrink-0")
            details.mark(f"details-{item['title']}")
            details.on_value_change(lambda event, d=details, i=item: self.toggle(d, i, event.value))
        if opened:
            self.opened.append((details, item))

    async def toggle(self, details: ui.expansion, item: dict[str, Any], opened: bool) -> None:
        if opened:
            self.tab.expanded.add(item["id"])
            await self.fill(details, item)
        else:
            self.tab.expanded.discard(item["id"])

    async def fill(self, details: ui.expansion, item: dict[str, Any]) -> None:
        """An item's details, read when opened."""
        row = await WorkItem.get_or_none(id=item["id"], prd_id=self.prd.id)
        if row is None or details.is_deleted:
            return
        history = await views.history_of(row)
        details.clear()
        with details, ui.column().classes("w-full gap-1 min-w-[20rem]"):
            if row.description:
                markdown(row.description)
            for criterion in row.acceptance:
                ui.label(f"✓ {criterion}").classes("text-sm break-words")
            if row.run_id and not row.run_id.startswith(CLAIM):
                ui.link("Output", f"/runs?run={row.run_id}").classes("text-sm").mark(f"output-{row.title}")
            with ui.column().classes("w-full gap-0").mark(f"history-{row.title}"):
                for line in history:
                    self.history_line(line)
            if row.state not in ITEM_FINAL and self.prd.state != "cancelled":
                with ui.row().classes("gap-1"):
                    ui.button("Approve", on_click=lambda: self.approve(row)).props("flat dense color=positive").mark(
                        f"approve-{row.title}"
                    )
                    ui.button("Reject", on_click=lambda: self.reject(row)).props("flat dense color=red").mark(
                        f"reject-{row.title}"
                    )
                    ui.button("Reassign", on_click=lambda: self.reassign(row)).props("flat dense").mark(
                        f"reassign-{row.title}"
                    )

    @staticmethod
    def history_line(line: dict[str, Any]) -> None:
        """One line of an item's history: what happened, who did it, what they said, and its run."""
        with ui.row().classes("w-full items-baseline gap-1 no-wrap"):
            words = " · ".join(str(part) for part in (line["kind"], line.get("actor"), line.get("text")) if part)
            ui.label(words).classes("text-xs text-gray-700 whitespace-pre-wrap break-words grow min-w-0")
            if line.get("run_id"):
                ui.link("run", f"/runs?run={line['run_id']}").classes("text-xs shrink-0")

    # A person's decisions ------------------------------------------------------------------------

    async def fresh(self, item: WorkItem) -> WorkItem | None:
        row = await WorkItem.get_or_none(id=item.id, prd_id=self.prd.id)
        if row is None:
            ui.notify("That item is gone.", type="negative")
        return row

    async def approve(self, item: WorkItem) -> None:
        if row := await self.fresh(item):
            done = actions.approve_item(self.tab.bus, row, self.tab.user.username, self.tab.cancel_run)
            await attempt(done, "Approved.")

    async def reject(self, item: WorkItem) -> None:
        question = f"Reject “{item.title}”? Work on it stops and it is not done again."
        if await confirm("Reject this item?", question, "Reject") and (row := await self.fresh(item)):
            await attempt(actions.reject_item(self.tab.bus, row, self.tab.user.username, self.tab.cancel_run))

    async def reassign(self, item: WorkItem) -> None:
        implementers = {agent.id: agent.name for agent in await actions.members_of_type(self.tab.room, "IMPLEMENT")}
        with transient_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full"):
            ui.label(f"Reassign “{item.title}”").classes("text-lg font-bold break-words")
            ui.label("It starts again from the beginning with the agent chosen.").classes("text-sm")
            choice = ui.select({"": "any implementer", **implementers}, value=item.assignee_id or "", label="Agent")
            choice.classes("w-full").mark("reassign-agent")

            async def save() -> None:
                if not (row := await self.fresh(item)):
                    return
                action = actions.reassign_item(
                    self.tab.bus, row, self.tab.user.username, self.tab.cancel_run, choice.value or None
                )
                if await attempt(action, "Reassigned."):
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Reassign", on_click=save).mark("save-reassign")
        dialog.open()
