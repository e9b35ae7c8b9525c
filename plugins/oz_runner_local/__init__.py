"""The ``local`` runner mode: runs go to the control plane in this process (PR-7)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from oz_app.config import Settings
from oz_app.control_plane import runs
from oz_app.control_plane.http import Caller, tenant_of
from oz_app.control_plane.run_create import RunRequest
from oz_app.control_plane.tokens import user_tenant
from oz_app.db.models import Run
from oz_app.hookspecs import hookimpl
from oz_app.runners import RunnerError


class LocalRunner:
    """Creates and follows runs through the in-process control plane: a user's runs are the
    tenant ``user:<id>``, the same tenant their personal API tokens act as (SEC-7)."""

    def __init__(self, settings: Settings, control_plane: Any) -> None:
        if control_plane is None:
            raise RunnerError("The local runner needs the control plane in this process; use OZ_RUNNER_MODE=remote.")
        self.plane = control_plane
        self.caller = Caller(tenant=tenant_of(settings.api_key or settings.admin_api_key or "local"), is_admin=False)

    def _caller(self, owner: str | None) -> Caller:
        return self.caller if owner is None else Caller(tenant=user_tenant(owner), is_admin=False)

    async def start(
        self, prompt: str, *, title: str | None = None, config: dict[str, Any] | None = None, owner: str | None = None
    ) -> str:
        request = RunRequest(prompt=prompt, title=title, config=dict(config or {}), source="WEB_APP")
        run = await self.plane.creator.create(self._caller(owner), request)
        return run.id

    @staticmethod
    def _runs(owner: str | None) -> Any:
        """The runs ``owner`` may see: their tenant's, or every run (None, an admin)."""
        return Run.all() if owner is None else Run.filter(tenant=user_tenant(owner))

    async def _own(self, run_id: str, owner: str | None) -> Run:
        run = await self._runs(owner).filter(id=run_id).first()
        if run is None:
            raise RunnerError(f"Run {run_id} was not found.")
        return run

    async def get(self, run_id: str, *, owner: str | None = None) -> dict[str, Any]:
        return runs.run_item(await self._own(run_id, owner))

    async def list(self, limit: int = 50, *, owner: str | None = None) -> list[dict[str, Any]]:
        newest = await self._runs(owner).order_by("-created_at").limit(limit)
        return [runs.run_item(run) for run in newest]

    async def cancel(self, run_id: str, *, owner: str | None = None) -> None:
        run = await self._own(run_id, owner)
        if not await self.plane.runs.cancel(run.id, "Cancelled."):
            raise RunnerError(f"Run {run_id} already ended; a finished run cannot be cancelled.")

    async def follow(self, run_id: str, *, owner: str | None = None) -> AsyncIterator[dict[str, Any]]:
        await self._own(run_id, owner)
        async for event in runs.follow_run(run_id, self.plane.bus):
            if event["type"] != "idle":
                yield event

    async def close(self) -> None:
        return None


@hookimpl
def oz_register_runner_modes(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("local", LocalRunner)
