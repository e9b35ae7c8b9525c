"""Which provider answers an agent (UX-7), in words for the pages: the agent's own pick, or the
harness's default as the executor would choose it now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from oz_app.config import ProviderSettings
from oz_app.control_plane.tokens import user_tenant
from oz_app.db.models import Agent, User

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace


async def providers_of(workspace: Workspace, user: User) -> dict[str, ProviderSettings] | None:
    """The providers ``user``'s runs can use, oldest first; None when runs go to a remote control
    plane, which picks its own."""
    if workspace.settings.runner_mode != "local":
        return None
    return await workspace.plane.catalog.snapshot(user_tenant(user.id))


def any_provider(providers: dict[str, ProviderSettings] | None) -> bool:
    """Whether runs can find a provider at all (with a remote control plane, None: it picks)."""
    return providers is None or bool(providers)


class Routes:
    """Which provider answers an agent, in words (UX-7)."""

    def __init__(self, workspace: Workspace, providers: dict[str, ProviderSettings] | None) -> None:
        self.executor = workspace.plane.executor
        self.providers = providers

    def default(self, harness: str) -> str:
        """``Harness default`` with the provider it stands for now."""
        if self.providers is None:
            return "Harness default (the control plane picks)"
        key = self.executor.default_provider(harness, self.providers)
        if key and key in self.providers:
            return f"Harness default ({key})"
        return f"Harness default ({key or 'none'}: not configured)"

    def describe(self, agent: Agent) -> str:
        if not agent.provider:
            return "Provider: " + self.default(agent.harness)
        if self.providers is not None and agent.provider not in self.providers:
            return f"Provider: {agent.provider} (removed: pick another)"
        return f"Provider: {agent.provider}"

    def choices(self, harness: str, current: str) -> dict[str, str]:
        """The picker's options: the default, every usable provider, and a removed current one."""
        options = {"": self.default(harness)}
        for key, provider in (self.providers or {}).items():
            scope = "personal" if provider.owner else "team"
            options[key] = f"{key} ({scope}{' · ' + provider.model if provider.model else ''})"
        if current and current not in options:
            options[current] = f"{current} (removed)"
        return options
