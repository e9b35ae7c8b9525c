"""A room's kanban board (WS-6, UX-9): Backlog, In progress and Done, cards dragged between them.
A card assigned to an agent is that agent's work: assigning it (or Start) starts the agent's run
on it (:mod:`oz_app.workspace.task_runs`), and the card shows how the run goes. A card of a PRD's
work item (WS-12) shows the item and sits in the column its state says; it is steered from the
Work tab, not dragged or started here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.db.models import Agent, Prd, Room, Task, User, WorkItem
from oz_app.work import views
from oz_app.workspace import service, task_runs
from oz_app.workspace.live import room_topic
from oz_app.workspace.widgets import Redraw, attempt, confirm, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

COLUMNS = (("backlog", "Backlog"), ("in_progress", "In progress"), ("done", "Done"))
WORK_COLORS = {"starting": "blue", "working": "blue", "done": "green", "failed": "red", "cancelled": "grey"}
ITEM_COLUMNS = {"implementing": "in_progress", "implemented": "in_progress", "reviewing": "in_progress", "done": "done"}
FROM_WORK_TAB = "This card follows its PRD's work item: approve, reject or reassign it on the Work tab."


class Board:
    """The board of ``room``; redrawn (``redraw``) when its tasks change."""

    def __init__(
        self,
        workspace: Workspace,
        user: User,
        room: Room,
        agents: dict[str, Agent],
        open_work: Callable[[], None] = lambda: None,
    ) -> None:
        self.workspace = workspace
        self.user = user
        self.room = room
        self.agents = agents
        self.open_work = open_work
        self.dragging: str | None = None
        self.items: dict[str, WorkItem] = {}  # task id -> the work item its card shows
        self.shown: dict[str, str] = {}  # item id -> its state in words
        self.redraw = Redraw(lambda: self.show.refresh())

    @ui.refreshable_method
    async def show(self) -> None:
        tasks = await service.tasks_of(self.room)
        work = await task_runs.work_of(tasks)
        self.items = await items_of(tasks)
        self.shown = await shown_of(self.items.values())
        with ui.row().classes("w-full items-start no-wrap"):
            for status, title in COLUMNS:
                column = ui.column().classes("w-1/3 bg-gray-100 rounded p-2 min-h-40").mark(f"column-{status}")
                column.on("dragover.prevent", lambda: None)
                column.on("drop", lambda s=status: self.drop(s))
                with column:
                    ui.label(title).classes("font-bold")
                    for task in [task for task in tasks if self.column_of(task) == status]:
                        item = self.items.get(task.id)
                        if item is not None:
                            self.item_card(task, item)
                        else:
                            self.card(task, work[task.id])
                    if status == "backlog":
                        ui.button("Add task", on_click=lambda: self.edit_task(None)).props("flat dense").mark(
                            "add-task"
                        )

    def card(self, task: Task, work: task_runs.Work) -> None:
        assignee = self.agents.get(task.assignee_id or "")
        card = ui.card().classes("w-full cursor-grab").props("draggable").mark(f"task-{task.title}")
        card.on("dragstart", lambda t=task.id: setattr(self, "dragging", t))
        with card:
            ui.label(task.title).classes("font-bold break-words")
            with ui.row().classes("gap-1 items-center"):
                ui.badge(task.priority, color={"high": "red", "low": "grey"}.get(task.priority, "blue"))
                if assignee is not None:
                    ui.badge(f"@{assignee.name}", color="purple")
                if work.state:
                    ui.badge(work.state, color=WORK_COLORS.get(work.state, "grey")).mark(f"work-{task.title}")
            if work.reason:
                ui.label(work.reason).classes("text-sm text-red-700 break-words").mark(f"failure-{task.title}")
            with ui.row().classes("gap-1 items-center"):
                ui.button("Edit", on_click=lambda t=task: self.edit_task(t)).props("flat dense").mark(
                    f"edit-{task.title}"
                )
                if assignee is not None and not work.active and task.status != "done":
                    ui.button("Start", on_click=lambda t=task: self.start(t.id)).props("flat dense color=primary").mark(
                        f"start-{task.title}"
                    )
                if work.run_id:
                    ui.link("Output", f"/runs?run={work.run_id}").classes("text-sm").mark(f"output-{task.title}")

    def column_of(self, task: Task) -> str:
        """Where a card sits: a work item's by the item's state, any other by its own status."""
        item = self.items.get(task.id)
        return task.status if item is None else ITEM_COLUMNS.get(item.state, "backlog")

    def item_card(self, task: Task, item: WorkItem) -> None:
        """A work item's card: its title and state; dragging it is refused with where to go instead."""
        card = ui.card().classes("w-full cursor-grab").props("draggable").mark(f"task-{item.title}")
        card.on("dragstart", lambda t=task.id: setattr(self, "dragging", t))
        with card:
            ui.label(item.title).classes("font-bold break-words")
            with ui.row().classes("gap-1 items-center"):
                ui.badge("PRD item", color="teal")
                ui.badge(self.shown.get(item.id, item.state), color="blue").mark(f"item-state-{item.title}")
                ui.button("Work tab", on_click=self.open_work).props("flat dense no-caps").mark(
                    f"open-work-{item.title}"
                )

    def changed(self) -> None:
        self.workspace.live.publish(room_topic(self.room.id), kind="tasks")

    async def drop(self, status: str) -> None:
        task_id, self.dragging = self.dragging, None
        if task_id in self.items:
            ui.notify(FROM_WORK_TAB, type="warning")
            return
        if task_id and await attempt(service.update_task(self.room, task_id, status=status)):
            self.changed()

    async def start(self, task_id: str) -> None:
        """Start the assignee's run on the task (the board redraws from the event it publishes)."""
        if await Task.filter(id=task_id, item_id__isnull=False).exists():
            ui.notify(FROM_WORK_TAB, type="warning")
            return
        room = await attempt(service.room_of(self.user, self.room.id))  # as it is now: paused in another tab?
        if room:
            await attempt(task_runs.start(self.workspace.conductor, room, task_id))

    async def edit_task(self, task: Task | None) -> None:
        agents = {"": "nobody", **{agent.id: agent.name for agent in self.agents.values()}}
        with transient_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full"):
            ui.label("New task" if task is None else "Edit task").classes("text-lg font-bold")
            title = ui.input("Title", value=task.title if task else "").classes("w-full").mark("task-title")
            description = ui.textarea("Description", value=task.description if task else "").classes("w-full")
            description.mark("task-description")
            with ui.row().classes("w-full no-wrap"):
                priority = ui.select(
                    list(service.PRIORITIES), label="Priority", value=task.priority if task else "medium"
                )
                priority.classes("grow").mark("task-priority")
                status = ui.select(dict(COLUMNS), label="Column", value=task.status if task else "backlog")
                status.classes("grow")
            assignee = ui.select(agents, label="Assignee", value=(task.assignee_id or "") if task else "")
            assignee.classes("w-full").mark("task-assignee")
            ui.label("Assigning the task to an agent starts its work on it.").classes("text-sm text-gray-600")

            async def save() -> None:
                fields = {
                    "title": title.value or "",
                    "description": description.value or "",
                    "priority": priority.value,
                    "status": status.value,
                    "assignee_id": assignee.value or None,
                }
                if task is None:
                    saved = await attempt(service.create_task(self.room, **fields))
                else:
                    saved = await attempt(service.update_task(self.room, task.id, **fields))
                if not saved:
                    return
                self.changed()
                if _newly_assigned(task, saved):
                    await self.start(saved.id)
                dialog.close()

            with ui.row().classes("w-full"):
                ui.button("Save", on_click=save).mark("save-task")
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.space()
                if task is not None:
                    ui.button("Delete", on_click=lambda: self.delete_task(task, dialog)).props("flat color=red").mark(
                        "delete-task"
                    )
        dialog.open()

    async def delete_task(self, task: Task, editing: Any) -> None:
        """Delete after a confirmation; a run still working on the task is stopped."""
        if not await confirm(
            "Delete this task?", f"“{task.title}” is removed from the board; a run working on it is stopped."
        ):
            return
        current = await attempt(service.task_in(self.room, task.id))
        if not current:
            return
        await task_runs.stop(self.workspace.conductor, self.room, current)
        if await attempt(service.delete_task(self.room, task.id)):
            self.changed()
            editing.close()


def _newly_assigned(before: Task | None, after: Task) -> bool:
    """Whether saving the dialog gave the task to an agent (which starts its work, UX-9)."""
    changed = before is None or before.assignee_id != after.assignee_id
    return bool(after.assignee_id) and changed and after.status != "done"


async def items_of(tasks: list[Task]) -> dict[str, WorkItem]:
    """The work items the tasks show (one query), by task id."""
    linked = {task.item_id: task.id for task in tasks if task.item_id}
    if not linked:
        return {}
    return {linked[item.id]: item for item in await WorkItem.filter(id__in=list(linked))}


async def shown_of(items: Iterable[WorkItem]) -> dict[str, str]:
    """Each item's state in the words the Work tab uses ("waiting for …", "in review by rev"), by item id."""
    prd_ids = {item.prd_id for item in items}  # type: ignore[attr-defined]
    shown: dict[str, str] = {}
    for prd in await Prd.filter(id__in=list(prd_ids)):
        shown.update({view["id"]: view["shown"] for view in await views.item_views(prd)})
    return shown
