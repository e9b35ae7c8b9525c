"""The ``local`` runner mode: runs go to the control plane in this process (PR-7)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from oz_app.config import Settings
from oz_app.control_plane import runs
from oz_app.control_plane.http import Caller, tenant_of
from oz_app.db.models import Run
from oz_app.hookspecs import hookimpl
from oz_app.runners import RunnerError


class LocalRunner:
    """Creates and follows runs through the in-process control plane, as one tenant."""

    def __init__(self, settings: Settings, control_plane: Any) -> None:
        if control_plane is None:
            raise RunnerError("The local runner needs the control plane in this process; use OZ_RUNNER_MODE=remote.")
        self.plane = control_plane
        self.caller = Caller(tenant=tenant_of(settings.api_key or settings.admin_api_key or "local"), is_admin=False)

    async def start(self, prompt: str, *, title: str | None = None, config: dict[str, Any] | None = None) -> str:
        run = await runs.create_run(self.caller, prompt, title, config or {})
        self.plane.run_created(run)
        return run.id

    async def _own(self, run_id: str) -> Run:
        run = await Run.get_or_none(id=run_id, tenant=self.caller.tenant)
        if run is None:
            raise RunnerError(f"Run {run_id} was not found.")
        return run

    async def get(self, run_id: str) -> dict[str, Any]:
        return runs.run_item(await self._own(run_id))

    async def list(self, limit: int = 50) -> list[dict[str, Any]]:
        newest = await Run.filter(tenant=self.caller.tenant).order_by("-created_at").limit(limit)
        return [runs.run_item(run) for run in newest]

    async def cancel(self, run_id: str) -> None:
        run = await self._own(run_id)
        if not await runs.cancel_run(run.id, self.plane.events, "Cancelled."):
            raise RunnerError(f"Run {run_id} already ended; a finished run cannot be cancelled.")
        self.plane.run_cancelled(run.id)

    async def follow(self, run_id: str) -> AsyncIterator[dict[str, Any]]:
        await self._own(run_id)
        async for event in runs.follow_run(run_id, self.plane.events):
            if event["type"] != "idle":
                yield event

    async def close(self) -> None:
        return None


@hookimpl
def oz_register_runner_modes(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("local", LocalRunner)
