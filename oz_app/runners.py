"""Runner modes: how the workspace sends runs to a control plane (PR-7).

A runner mode is registered with ``oz_register_runner_modes``; its factory receives the
settings and the in-process :class:`~oz_app.control_plane.app.ControlPlane` (None when there is
none) and returns an object with the methods of :class:`Runner`. ``OZ_RUNNER_MODE`` picks one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

import pluggy

from oz_app.config import Settings
from oz_app.plugins import collect


class RunnerError(Exception):
    """A runner could not do what was asked; the message is meant for the user."""


class Runner(Protocol):
    """``owner`` is the id of the workspace user a run belongs to (SEC-7): a run is started for
    its owner, and listed, read, followed or cancelled only for its owner; ``owner=None`` means
    every run of this workspace (an admin). A run that is not the owner's is "not found"."""

    async def start(
        self, prompt: str, *, title: str | None = None, config: dict[str, Any] | None = None, owner: str | None = None
    ) -> str:
        """Create a run and return its id."""

    async def get(self, run_id: str, *, owner: str | None = None) -> dict[str, Any]:
        """The run in the Oz API's ``RunItem`` shape."""

    async def list(self, limit: int = 50, *, owner: str | None = None) -> list[dict[str, Any]]:
        """The newest runs of this workspace, newest first, in the ``RunItem`` shape."""

    async def cancel(self, run_id: str, *, owner: str | None = None) -> None:
        """Cancel a run; :class:`RunnerError` if it already ended."""

    def follow(self, run_id: str, *, owner: str | None = None) -> AsyncIterator[dict[str, Any]]:
        """``{"type": "output", "text"}`` and ``{"type": "state", "state", "status_message"}`` events
        as they happen, ending after a terminal state."""

    async def close(self) -> None:
        """Release connections."""


def load_runner(manager: pluggy.PluginManager, settings: Settings, control_plane: Any = None) -> Runner:
    """The runner for ``OZ_RUNNER_MODE``; :class:`RunnerError` if no plugin provides that mode."""
    modes = collect(manager, "oz_register_runner_modes", "runner mode")
    factory = modes.get(settings.runner_mode)
    if factory is None:
        known = ", ".join(sorted(modes)) or "none installed"
        raise RunnerError(f"OZ_RUNNER_MODE={settings.runner_mode!r} is not a runner mode ({known}).")
    runner: Runner = factory(settings, control_plane)
    return runner
