"""The agents page (WS-3, UX-7): each agent with its avatar, live status and the provider that
answers it, and the dialog that makes or edits one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.responses import Response
from nicegui import ui

from oz_app.db.models import Agent, User
from oz_app.workspace import service
from oz_app.workspace.avatars import INITIALS_ICONS, STATUS_COLORS, avatar, color_of
from oz_app.workspace.live import user_topic
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.routes import Routes, providers_of
from oz_app.workspace.widgets import attempt, confirm, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

TYPE_HINTS = {  # what a room's PRD work (WS-12) asks of each type
    "SPEC": "Plans: decomposes a room's PRDs into epics and work items.",
    "IMPLEMENT": "Implements: takes a room's ready work items, several agents in parallel.",
    "REVIEW": "Reviews: approves finished work items or asks for changes.",
}


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
            agents = await service.agents_of(user)
            if not agents:
                ui.label("No agent yet: make one, then mention it in a room as @name.").classes("text-gray-600")
            routes = Routes(workspace, await providers_of(workspace, user))
            for agent in agents:
                with ui.card().classes("w-full").mark(f"agent-{agent.name}"):
                    with ui.row().classes("items-center w-full no-wrap"):
                        avatar(agent)
                        with ui.column().classes("gap-0 min-w-0"):
                            ui.label(agent.name).classes("text-lg font-bold")
                            kind = f"{agent.harness}{' · ' + agent.model if agent.model else ''}"
                            ui.label(kind).classes("text-gray-600 text-sm")
                            ui.label(routes.describe(agent)).classes("text-gray-600 text-sm").mark(
                                f"agent-provider-{agent.name}"
                            )
                        chips[agent.id] = ui.badge(agent.status, color=STATUS_COLORS.get(agent.status, "grey"))
                        ui.space()
                        ui.button("Edit", on_click=lambda a=agent: edit(a)).props("flat").mark(f"edit-{agent.name}")
                        ui.button("Delete", on_click=lambda a=agent: delete(a)).props("flat color=red").mark(
                            f"delete-{agent.name}"
                        )

        async def delete(agent: Agent) -> None:
            question = f"Delete @{agent.name}? Its earlier replies stay in the rooms; it answers no more mentions."
            if not await confirm(f"Delete @{agent.name}", question):
                return
            if await attempt(service.delete_agent(user, agent.id), f"Deleted @{agent.name}."):
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
                ui.button("New agent", on_click=lambda: edit(None)).mark("new-agent")
            await agent_list()
        return None


async def agent_dialog(workspace: Workspace, user: User, agent: Agent | None) -> bool:
    """Create (``agent`` None) or edit an agent; True when saved."""
    routes = Routes(workspace, await providers_of(workspace, user))
    current = agent.provider if agent else ""
    with transient_dialog() as dialog, ui.card().classes("w-[36rem] max-w-full"):
        ui.label("New agent" if agent is None else f"Edit @{agent.name}").classes("text-lg font-bold")
        name = ui.input("Name (mention it as @name)", value=agent.name if agent else "").classes("w-full")
        name.mark("agent-name")
        kind = ui.select(list(service.AGENT_TYPES), label="Type", value=agent.agent_type if agent else "CUSTOM")
        kind.classes("w-full").mark("agent-type")
        hint = ui.label(TYPE_HINTS.get(str(kind.value), "")).classes("text-sm text-gray-600 -mt-2")
        hint.mark("agent-type-hint")
        kind.on_value_change(lambda event: hint.set_text(TYPE_HINTS.get(str(event.value), "")))
        harness = ui.select(list(service.HARNESSES), label="Harness", value=agent.harness if agent else "default")
        harness.classes("w-full").mark("agent-harness")
        provider = ui.select(routes.choices(str(harness.value), current), label="Provider", value=current)
        provider.classes("w-full").mark("agent-provider")
        provider.set_enabled(routes.providers is not None)
        harness.on_value_change(lambda event: provider.set_options(routes.choices(str(event.value), current)))
        model = ui.input("Model (empty: the provider's)", value=agent.model if agent else "")
        model.classes("w-full").mark("agent-model")
        color = ui.color_input("Colour", value=color_of(agent) if agent else "").classes("w-full").mark("agent-color")
        icon = ui.input("Icon (empty: initials)", value=_own_icon(agent)).classes("w-full").mark("agent-icon")
        environment = ui.input("Environment id (optional)", value=(agent.environment_id or "") if agent else "")
        environment.classes("w-full").tooltip("Replies run in a worker's container of this environment")
        repository = ui.input("Repository", value=agent.repository if agent else "").classes("w-full")
        prompt = ui.textarea("System prompt", value=agent.system_prompt if agent else "").classes("w-full")
        prompt.mark("agent-prompt")

        async def save() -> None:
            fields = {
                "name": name.value or "",
                "color": color.value or "",
                "icon": icon.value or "",
                "harness": harness.value,
                "provider": provider.value or "",
                "model": model.value or "",
                "environment_id": environment.value or "",
                "repository": repository.value or "",
                "system_prompt": prompt.value or "",
                "agent_type": kind.value or "CUSTOM",
            }
            if agent is None:
                saved = await attempt(service.create_agent(user, **fields), "Agent created.")
            else:
                saved = await attempt(service.update_agent(user, agent.id, **fields), "Agent saved.")
            if saved:
                dialog.submit(True)

        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat").mark("cancel-agent")
            ui.button("Save", on_click=save).mark("save-agent")
    return bool(await dialog)


def _own_icon(agent: Agent | None) -> str:
    """The icon the agent was given; the old shared default counts as none (initials)."""
    return "" if agent is None or agent.icon in INITIALS_ICONS else agent.icon
