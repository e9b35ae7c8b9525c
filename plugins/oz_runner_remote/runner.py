"""The ``remote`` runner mode: runs go to a control plane elsewhere over the Oz API (PR-7).

Configured by ``OZ_API_BASE_URL`` (e.g. ``http://cp.internal:8080/api/v1``) and ``OZ_API_KEY``
(the bearer token the runs belong to).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from oz_app.config import Settings
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

    async def start(self, prompt: str, *, title: str | None = None, config: dict[str, Any] | None = None) -> str:
        body: dict[str, Any] = {"prompt": prompt, "config": config or {}}
        if title:
            body["title"] = title
        created = await self._call("POST", "/agent/runs", body)
        return str(created["run_id"])

    async def get(self, run_id: str) -> dict[str, Any]:
        run: dict[str, Any] = await self._call("GET", f"/agent/runs/{run_id}")
        return run

    async def list(self, limit: int = 50) -> list[dict[str, Any]]:
        page: dict[str, Any] = await self._call("GET", f"/agent/runs?limit={limit}")
        return list(page["runs"])

    async def cancel(self, run_id: str) -> None:
        await self._call("POST", f"/agent/runs/{run_id}/cancel")

    async def follow(self, run_id: str) -> AsyncIterator[dict[str, Any]]:
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


async def _error_of(response: aiohttp.ClientResponse) -> str:
    try:
        return str((await response.json(content_type=None))["error"])
    except (ValueError, KeyError, TypeError):
        return f"The control plane answered {response.status}."
