"""The agents page (WS-3): each agent with its live status, and the dialog that makes or edits one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.responses import Response
from nicegui import ui

from oz_app.db.models import Agent, User
from oz_app.workspace import service
from oz_app.workspace.live import user_topic
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.pages.room import STATUS_COLORS
from oz_app.workspace.widgets import attempt, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


def register(workspace: Workspace) -> None:
    @ui.page("/agents", title="oz · agents")
    async def agents_page() -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user
        chips: dict[str, Any] = {}

        @ui.refreshable
        async def agent_list() -> None:
            chips.clear()
            for agent in await service.agents_of(user):
                with ui.card().classes("w-full").mark(f"agent-{agent.name}"):
                    with ui.row().classes("items-center w-full"):
                        ui.icon(agent.icon).style(f"color: {agent.color}").classes("text-2xl")
                        ui.label(agent.name).classes("text-lg font-bold")
                        ui.label(f"{agent.harness}{' · ' + agent.model if agent.model else ''}").classes(
                            "text-gray-600"
                        )
                        chips[agent.id] = ui.badge(agent.status, color=STATUS_COLORS.get(agent.status, "grey"))
                        ui.space()
                        ui.button("Edit", on_click=lambda a=agent: edit(a)).props("flat")
                        ui.button("Delete", on_click=lambda a=agent: delete(a)).props("flat color=red")

        async def delete(agent: Agent) -> None:
            if await attempt(service.delete_agent(user, agent.id), f"Deleted {agent.name}."):
                agent_list.refresh()

        async def edit(agent: Agent | None) -> None:
            saved = await agent_dialog(workspace, user, agent)
            if saved:
                agent_list.refresh()

        def on_event(event: dict[str, Any]) -> None:
            chip = chips.get(event.get("agent_id", ""))
            if event["kind"] == "agent" and chip is not None:
                chip.set_text(event["status"])
                chip.props(f"color={STATUS_COLORS.get(event['status'], 'grey')}")

        listen(workspace, user_topic(user.id), on_event)
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            with ui.row().classes("items-center w-full"):
                ui.label("Agents").classes("text-2xl")
                ui.space()
                ui.button("New agent", on_click=lambda: edit(None))
            await agent_list()
        return None


async def agent_dialog(workspace: Workspace, user: User, agent: Agent | None) -> bool:
    """Create (``agent`` None) or edit an agent; True when saved."""
    from oz_app.workspace.service import HARNESSES

    with transient_dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
        ui.label("New agent" if agent is None else f"Edit {agent.name}").classes("text-lg font-bold")
        name = ui.input("Name (mention it as @name)", value=agent.name if agent else "").mark("agent-name")
        with ui.row():
            color = ui.color_input("Colour", value=agent.color if agent else "#5c6bc0")
            icon = ui.input("Icon", value=agent.icon if agent else "smart_toy")
        harness = ui.select(list(HARNESSES), label="Harness", value=agent.harness if agent else "default")
        harness.mark("agent-harness")
        model = ui.input("Model (optional)", value=agent.model if agent else "").mark("agent-model")
        environment = ui.input(
            "Environment id (runs in a worker's container)", value=(agent.environment_id or "") if agent else ""
        )
        repository = ui.input("Repository", value=agent.repository if agent else "")
        prompt = ui.textarea("System prompt", value=agent.system_prompt if agent else "").classes("w-full")
        prompt.mark("agent-prompt")

        async def save() -> None:
            fields = {
                "name": name.value or "",
                "color": color.value or "",
                "icon": icon.value or "",
                "harness": harness.value,
                "model": model.value or "",
                "environment_id": environment.value or "",
                "repository": repository.value or "",
                "system_prompt": prompt.value or "",
            }
            if agent is None:
                saved = await attempt(service.create_agent(user, **fields), "Agent created.")
            else:
                saved = await attempt(service.update_agent(user, agent.id, **fields), "Agent saved.")
            if saved:
                dialog.submit(True)

        with ui.row():
            ui.button("Save", on_click=save)
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat")
    return bool(await dialog)
