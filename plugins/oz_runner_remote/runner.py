"""The ``remote`` runner mode: runs go to a control plane elsewhere over the Oz API (PR-7).

Configured by ``OZ_API_BASE_URL`` (e.g. ``http://cp.internal:8080/api/v1``) and ``OZ_API_KEY``
(the bearer token the runs belong to). Every user's runs go to the remote plane as that one
token; which user a run belongs to is read from this workspace's messages (SEC-7).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import aiohttp

from oz_app.config import Settings
from oz_app.db.models import Message
from oz_app.providers import sse_events
from oz_app.runners import RunnerError

TIMEOUT = aiohttp.ClientTimeout(sock_connect=10, sock_read=60)


class RemoteRunner:
    """Creates and follows runs on a remote control plane with aiohttp."""

    def __init__(self, settings: Settings, control_plane: Any = None) -> None:
        if not settings.api_base_url or not settings.api_key:
            raise RunnerError("OZ_RUNNER_MODE=remote needs OZ_API_BASE_URL and OZ_API_KEY.")
        self.base_url = settings.api_base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {settings.api_key}"}
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=TIMEOUT)
        return self._session

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            async with self._http().request(method, self.base_url + path, json=body) as response:
                if response.status >= 400:
                    raise RunnerError(await _error_of(response))
                if response.content_type == "application/json":
                    return await response.json()
                return await response.text()
        except aiohttp.ClientError as exc:
            raise RunnerError(f"The control plane at {self.base_url} is unreachable: {exc}.") from exc

    async def start(
        self, prompt: str, *, title: str | None = None, config: dict[str, Any] | None = None, owner: str | None = None
    ) -> str:
        body: dict[str, Any] = {"prompt": prompt, "config": config or {}}
        if title:
            body["title"] = title
        created = await self._call("POST", "/agent/runs", body)
        return str(created["run_id"])

    async def get(self, run_id: str, *, owner: str | None = None) -> dict[str, Any]:
        await _check_owner(run_id, owner)
        run: dict[str, Any] = await self._call("GET", f"/agent/runs/{_quoted(run_id)}")
        return run

    async def list(self, limit: int = 50, *, owner: str | None = None) -> list[dict[str, Any]]:
        page: dict[str, Any] = await self._call("GET", f"/agent/runs?limit={limit}")
        found = list(page["runs"])
        if owner is None:
            return found
        mine = await started_by(owner, [run["run_id"] for run in found])
        return [run for run in found if run["run_id"] in mine]

    async def cancel(self, run_id: str, *, owner: str | None = None) -> None:
        await _check_owner(run_id, owner)
        await self._call("POST", f"/agent/runs/{_quoted(run_id)}/cancel")

    async def follow(self, run_id: str, *, owner: str | None = None) -> AsyncIterator[dict[str, Any]]:
        await _check_owner(run_id, owner)
        run_id = _quoted(run_id)
        url = f"{self.base_url}/agent/runs/{run_id}/events"
        try:
            async with self._http().get(url) as response:
                if response.status >= 400:
                    raise RunnerError(await _error_of(response))
                async for event, data in sse_events(response.content.iter_any()):
                    yield {"type": event, **json.loads(data)}
        except aiohttp.ClientError as exc:
            raise RunnerError(f"Lost the live stream of run {run_id}: {exc}.") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def started_by(owner: str, run_ids: list[str]) -> set[str]:
    """Which of ``run_ids`` a message in one of ``owner``'s rooms started. The remote control
    plane knows only this workspace's token; this workspace's database knows whose runs they are."""
    rows = await Message.filter(run_id__in=run_ids, room__owner_id=owner).values_list("run_id", flat=True)
    return {str(run_id) for run_id in rows}


async def _check_owner(run_id: str, owner: str | None) -> None:
    if owner is not None and not await started_by(owner, [run_id]):
        raise RunnerError(f"Run {run_id} was not found.")


def _quoted(run_id: str) -> str:
    return quote(run_id, safe="")


async def _error_of(response: aiohttp.ClientResponse) -> str:
    try:
        return str((await response.json(content_type=None))["error"])
    except (ValueError, KeyError, TypeError):
        return f"The control plane answered {response.status}."
