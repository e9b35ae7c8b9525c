"""A room's kanban board (WS-6): Backlog, In progress and Done, cards dragged between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.db.models import Agent, Room, User
from oz_app.workspace import service
from oz_app.workspace.live import room_topic
from oz_app.workspace.widgets import attempt, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

COLUMNS = (("backlog", "Backlog"), ("in_progress", "In progress"), ("done", "Done"))


class Board:
    """The board of ``room``; redrawn (``show.refresh()``) when its tasks change."""

    def __init__(self, workspace: Workspace, user: User, room: Room, agents: dict[str, Agent]) -> None:
        self.workspace = workspace
        self.user = user
        self.room = room
        self.agents = agents
        self.dragging: str | None = None

    @ui.refreshable_method
    async def show(self) -> None:
        tasks = await service.tasks_of(self.room)
        names = {agent.id: agent.name for agent in self.agents.values()}
        with ui.row().classes("w-full items-start no-wrap"):
            for status, title in COLUMNS:
                column = ui.column().classes("w-1/3 bg-gray-100 rounded p-2 min-h-40").mark(f"column-{status}")
                column.on("dragover.prevent", lambda: None)
                column.on("drop", lambda s=status: self.drop(s))
                with column:
                    ui.label(title).classes("font-bold")
                    for task in [task for task in tasks if task.status == status]:
                        card = ui.card().classes("w-full cursor-grab").props("draggable").mark(f"task-{task.title}")
                        card.on("dragstart", lambda t=task.id: setattr(self, "dragging", t))
                        with card:
                            ui.label(task.title).classes("font-bold")
                            with ui.row().classes("gap-1"):
                                ui.badge(task.priority, color={"high": "red", "low": "grey"}.get(task.priority, "blue"))
                                if task.assignee_id in names:
                                    ui.badge(f"@{names[task.assignee_id]}", color="purple")
                            ui.button("Edit", on_click=lambda t=task: self.edit_task(t)).props("flat dense")
                    if status == "backlog":
                        ui.button("Add task", on_click=lambda: self.edit_task(None)).props("flat dense").mark(
                            "add-task"
                        )

    async def drop(self, status: str) -> None:
        task_id, self.dragging = self.dragging, None
        if task_id and await attempt(service.update_task(self.room, task_id, status=status)):
            self.workspace.live.publish(room_topic(self.room.id), kind="tasks")

    async def edit_task(self, task: Any) -> None:
        agents = {"": "nobody", **{agent.id: agent.name for agent in self.agents.values()}}
        with transient_dialog() as dialog, ui.card().classes("w-96"):
            title = ui.input("Title", value=task.title if task else "").classes("w-full").mark("task-title")
            description = ui.textarea("Description", value=task.description if task else "").classes("w-full")
            priority = ui.select(list(service.PRIORITIES), label="Priority", value=task.priority if task else "medium")
            priority.mark("task-priority")
            status = ui.select(dict(COLUMNS), label="Column", value=task.status if task else "backlog")
            assignee = ui.select(agents, label="Assignee", value=(task.assignee_id or "") if task else "")

            async def save() -> None:
                fields = {
                    "title": title.value or "",
                    "description": description.value or "",
                    "priority": priority.value,
                    "status": status.value,
                    "assignee_id": assignee.value or None,
                }
                if task is None:
                    action = service.create_task(self.room, **fields)
                else:
                    action = service.update_task(self.room, task.id, **fields)
                if await attempt(action):
                    self.workspace.live.publish(room_topic(self.room.id), kind="tasks")
                    dialog.close()

            async def remove() -> None:
                if await attempt(service.delete_task(self.room, task.id)):
                    self.workspace.live.publish(room_topic(self.room.id), kind="tasks")
                    dialog.close()

            with ui.row():
                ui.button("Save", on_click=save).mark("save-task")
                if task is not None:
                    ui.button("Delete", on_click=remove).props("flat color=red")
        dialog.open()
