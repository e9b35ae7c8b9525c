"""A PRD's plan before it is approved (WS-12): epics and their items, each edited in a dialog
(title, description, acceptance criteria one per line, estimate, the items it waits for), added,
removed and moved; then approved. A failed plan says why and can be planned again or written by
hand. Every change goes through :mod:`oz_app.work.actions`, which refuses bad ones (a dependency
cycle) in one sentence and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from oz_app.db.models import Epic, Prd, WorkItem
from oz_app.work import actions
from oz_app.workspace.widgets import attempt, confirm, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.pages.work import WorkTab


class PlanEditor:
    """The editable plan of ``prd`` (state ``planned`` or ``plan_failed``)."""

    def __init__(self, tab: WorkTab, prd: Prd) -> None:
        self.tab = tab
        self.prd = prd
        self.items: list[WorkItem] = []
        self.epics: list[Epic] = []

    async def build(self) -> None:
        prd = self.prd
        if prd.state == "plan_failed":
            with ui.column().classes("w-full gap-1 bg-red-50 p-2 rounded"):
                ui.label("The plan failed:").classes("font-bold text-red-800")
                ui.label(prd.plan_error or "The planner gave no usable plan.").classes(
                    "text-red-700 whitespace-pre-wrap break-words"
                ).mark("plan-error")
                with ui.row().classes("items-center"):
                    ui.button("Plan again", icon="refresh", on_click=self.replan).props("outline dense").mark(
                        "plan-again"
                    )
                    ui.label("or add the items by hand below.").classes("text-sm")
        self.epics = epics = await Epic.filter(prd_id=prd.id).order_by("position", "id")
        self.items = await WorkItem.filter(prd_id=prd.id).order_by("position", "id")
        titles = {item.key: item.title for item in self.items}
        epic_of = {item.id: item.epic_id for item in self.items}  # type: ignore[attr-defined]
        groups: list[tuple[Epic | None, list[WorkItem]]] = [
            (epic, [item for item in self.items if epic_of[item.id] == epic.id]) for epic in epics
        ]
        loose = [item for item in self.items if epic_of[item.id] not in {epic.id for epic in epics}]
        if loose or not epics:
            groups.append((None, loose))
        for epic, items in groups:
            self.epic(epic, items, titles)
        with ui.row().classes("w-full items-center"):
            ui.button("Add epic", icon="add", on_click=self.add_epic).props("flat dense").mark("add-epic")
            ui.space()
            ui.button("Approve plan", icon="check", on_click=self.approve).props("color=positive").mark("approve-plan")

    def epic(self, epic: Epic | None, items: list[WorkItem], titles: dict[str, str]) -> None:
        name = epic.title if epic else "Items"
        with ui.column().classes("w-full gap-1 border rounded p-2").mark(f"epic-{name}"):
            with ui.row().classes("w-full items-center"):
                ui.label(name).classes("font-bold break-words")
                ui.space()
                if epic is not None:
                    ui.button(icon="edit", on_click=lambda: self.edit_epic(epic)).props("flat dense").mark(
                        f"edit-epic-{name}"
                    )
                    ui.button(icon="delete", on_click=lambda: self.remove_epic(epic)).props(
                        "flat dense color=red"
                    ).mark(f"remove-epic-{name}")
            if epic is not None and epic.description:
                ui.label(epic.description).classes("text-sm text-gray-600 whitespace-pre-wrap break-words")
            for index, item in enumerate(items):
                self.item(item, items, index, titles)
            ui.button("Add item", icon="add", on_click=lambda: self.edit_item(None, epic)).props("flat dense").mark(
                f"add-item-{name}"
            )

    def item(self, item: WorkItem, siblings: list[WorkItem], index: int, titles: dict[str, str]) -> None:
        with ui.row().classes("w-full items-start no-wrap border-t pt-1").mark(f"item-{item.title}"):
            with ui.column().classes("grow min-w-0 gap-0"):
                with ui.row().classes("items-center gap-2"):
                    ui.label(item.title).classes("font-medium break-words")
                    if item.estimate:
                        ui.badge(item.estimate, color="grey")
                if item.description:
                    ui.label(item.description).classes("text-sm whitespace-pre-wrap break-words")
                for criterion in item.acceptance:
                    ui.label(f"✓ {criterion}").classes("text-sm text-gray-700 break-words")
                if item.depends_on:
                    after = ", ".join(titles.get(key, key) for key in item.depends_on)
                    ui.label(f"after: {after}").classes("text-sm text-gray-600 break-words").mark(f"deps-{item.title}")
            up = ui.button(icon="arrow_upward", on_click=lambda: self.move(item, siblings[index - 1]))
            up.props("flat dense").mark(f"up-{item.title}").set_enabled(index > 0)
            down = ui.button(
                icon="arrow_downward", on_click=lambda: self.move(item, siblings[min(index + 1, len(siblings) - 1)])
            )
            down.props("flat dense").mark(f"down-{item.title}").set_enabled(index < len(siblings) - 1)
            ui.button(icon="edit", on_click=lambda: self.edit_item(item, None)).props("flat dense").mark(
                f"edit-{item.title}"
            )
            ui.button(icon="delete", on_click=lambda: self.remove_item(item)).props("flat dense color=red").mark(
                f"remove-{item.title}"
            )

    # Changes (each re-reads the PRD: another tab or the planner may have moved it) ------------------

    async def current(self) -> Prd | None:
        return await self.tab.current(self.prd)

    async def replan(self) -> None:
        if prd := await self.current():
            await attempt(actions.replan(self.tab.bus, prd))

    async def approve(self) -> None:
        if prd := await self.current():
            await attempt(actions.approve(self.tab.bus, prd, self.tab.user.id), "Approved: the items are on the board.")

    async def move(self, item: WorkItem, target: WorkItem) -> None:
        if prd := await self.current():
            position = next(i for i, each in enumerate(self.items) if each.id == target.id)
            await attempt(actions.move_item(self.tab.bus, prd, item.id, position))

    async def remove_item(self, item: WorkItem) -> None:
        question = f"Remove “{item.title}” from the plan? Items waiting for it no longer do."
        if await confirm("Remove this item?", question, "Remove") and (prd := await self.current()):
            await attempt(actions.remove_item(self.tab.bus, prd, item.id))

    async def remove_epic(self, epic: Epic) -> None:
        question = f"Remove the epic “{epic.title}” and its items from the plan?"
        if await confirm("Remove this epic?", question, "Remove") and (prd := await self.current()):
            await attempt(actions.remove_epic(self.tab.bus, prd, epic.id))

    async def add_epic(self) -> None:
        await self.epic_dialog(None)

    async def edit_epic(self, epic: Epic) -> None:
        await self.epic_dialog(epic)

    async def epic_dialog(self, epic: Epic | None) -> None:
        with transient_dialog() as dialog, ui.card().classes("w-[32rem] max-w-full"):
            ui.label("New epic" if epic is None else "Edit epic").classes("text-lg font-bold")
            title = ui.input("Title", value=epic.title if epic else "").classes("w-full").mark("epic-title")
            description = ui.textarea("Description", value=epic.description if epic else "").classes("w-full")

            async def save() -> None:
                if not (prd := await self.current()):
                    return
                fields = {"title": title.value or "", "description": description.value or ""}
                if epic is None:
                    done = await attempt(actions.add_epic(self.tab.bus, prd, **fields))
                else:
                    done = await attempt(actions.update_epic(self.tab.bus, prd, epic.id, **fields))
                if done:
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).mark("save-epic")
        dialog.open()

    async def edit_item(self, item: WorkItem | None, epic: Epic | None) -> None:
        """The dialog for a new item (in ``epic``) or an existing one; nothing changes on a refusal."""
        others = {each.key: each.title for each in self.items if item is None or each.id != item.id}
        with transient_dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
            ui.label("New item" if item is None else "Edit item").classes("text-lg font-bold")
            title = ui.input("Title", value=item.title if item else "").classes("w-full").mark("item-title")
            description = ui.textarea("Description", value=item.description if item else "").classes("w-full")
            description.mark("item-description")
            acceptance = ui.textarea(
                "Acceptance criteria, one per line", value="\n".join(item.acceptance) if item else ""
            ).classes("w-full")
            acceptance.mark("item-acceptance")
            estimate = ui.input("Estimate", value=item.estimate if item else "").classes("w-full").mark("item-estimate")
            epics = {"": "no epic", **{each.id: each.title for each in self.epics}}
            chosen = (item.epic_id if item else epic.id if epic else None) or ""  # type: ignore[attr-defined]
            in_epic = ui.select(epics, value=chosen if chosen in epics else "", label="Epic").classes("w-full")
            in_epic.mark("item-epic")
            wanted = [key for key in (item.depends_on if item else []) if key in others]
            depends = ui.select(others, multiple=True, value=wanted, label="Waits for").props("use-chips")
            depends.classes("w-full").mark("item-depends")

            async def save() -> None:
                if not (prd := await self.current()):
                    return
                fields: dict[str, Any] = {
                    "title": title.value or "",
                    "description": description.value or "",
                    "acceptance": [line.strip() for line in (acceptance.value or "").splitlines() if line.strip()],
                    "estimate": estimate.value or "",
                    "depends_on": list(depends.value or []),
                    "epic_id": in_epic.value or None,
                }
                if item is None:
                    done = await attempt(actions.add_item(self.tab.bus, prd, **fields))
                else:
                    done = await attempt(actions.update_item(self.tab.bus, prd, item.id, **fields))
                if done:
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).mark("save-item")
        dialog.open()
