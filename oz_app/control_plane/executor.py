"""Executes runs without an environment in this process, through provider plugins (CP-4).

The executor claims QUEUED runs (compare-and-set, so several processes on one database never
take the same run), streams the provider's output into the run, and writes the terminal state
with a compare-and-set too, so a cancel that came first is never overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pluggy
from loguru import logger

from oz_app.config import ProviderSettings, Settings
from oz_app.control_plane import service
from oz_app.db.models import Run
from oz_app.plugins import collect

# PR-2: which configured provider answers each harness.
HARNESS_PROVIDER = {
    "claude-code": "claude",
    "codex": "codex",
    "gemini-cli": "gemini",
    "glm": "glm",
    "kimi": "kimi",
    "custom": "custom",
}
_SDK_HARNESS = {"claude": "claude-code", "gemini": "gemini-cli", "codex": "codex"}
_MODEL_PREFIX = (
    ("claude", "claude-code"),
    ("codex", "codex"),
    ("gemini", "gemini-cli"),
    ("glm", "glm"),
    ("kimi", "kimi"),
)
OUTPUT_FLUSH_SECONDS = 0.2


@dataclass
class CompletionRequest:
    """What a provider is asked to answer."""

    run_id: str
    prompt: str
    model: str
    system_prompt: str = ""


class Provider(Protocol):
    def stream(self, request: CompletionRequest) -> AsyncIterator[str]: ...


def harness_of(agent_config: dict[str, Any]) -> str:
    """The harness a run asks for: ``config.harness.type`` first, else read from ``model_id``."""
    harness = agent_config.get("harness") or {}
    kind = harness.get("type") if isinstance(harness, dict) else None
    if kind and kind != "oz":
        return _SDK_HARNESS.get(str(kind), str(kind))
    model = str(agent_config.get("model_id") or "").lower()
    if model in HARNESS_PROVIDER:
        return model
    for prefix, name in _MODEL_PREFIX:
        if model.startswith(prefix):
            return name
    return model or "default"


def provider_key_for(harness: str, settings: Settings) -> str:
    return HARNESS_PROVIDER.get(harness, settings.default_provider)


class Executor:
    """Claims and executes this process's share of in-process runs."""

    def __init__(
        self, settings: Settings, manager: pluggy.PluginManager, owner: str, on_change: Callable[..., Any]
    ):
        self.settings = settings
        self.owner = owner
        self.provider_types = collect(manager, "oz_register_providers", "provider type")
        self._on_change = on_change
        self._wake = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._slots = asyncio.Semaphore(64)

    def wake(self) -> None:
        """Tell the executor a run was queued (saves waiting for the next poll)."""
        self._wake.set()

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._claim_loop(), name="oz-executor")

    def cancel_local(self, run_id: str) -> None:
        """Stop the provider call of a run executing in this process, if any."""
        task = self._tasks.get(run_id)
        if task is not None:
            task.cancel()

    async def stop(self, grace: float) -> None:
        """Stop claiming, give running work ``grace`` seconds, then hand the rest back."""
        self._stopping = True
        if self._loop_task:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        running = list(self._tasks.values())
        if running:
            await asyncio.wait(running, timeout=grace)
        unfinished = [run_id for run_id, task in self._tasks.items() if not task.done()]
        for run_id in unfinished:
            self._tasks[run_id].cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        handed = await service.hand_back(self.owner, unfinished)
        if handed:
            logger.info("handed back {} unfinished runs at shutdown", handed)

    async def _claim_loop(self) -> None:
        last_upkeep = 0.0
        while not self._stopping:
            try:
                if time.monotonic() - last_upkeep > self.settings.lease_seconds / 3:
                    last_upkeep = time.monotonic()
                    await self._upkeep()
                await self._slots.acquire()
                run_id = await service.claim_next("QUEUED", self.owner, self.settings.lease_seconds)
                if run_id is None:
                    self._slots.release()
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                    continue
                task = asyncio.create_task(self._execute(run_id), name=f"oz-run-{run_id}")
                self._tasks[run_id] = task
                task.add_done_callback(functools.partial(self._finished, run_id))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("the executor loop failed; retrying in a second")
                await asyncio.sleep(1)

    def _finished(self, run_id: str, _task: object = None) -> None:
        self._tasks.pop(run_id, None)
        self._slots.release()

    async def _upkeep(self) -> None:
        """Renew our leases, stop runs we lost (cancelled elsewhere), recover dead holders' runs."""
        lost = await service.renew_leases(self.owner, list(self._tasks), self.settings.lease_seconds)
        for run_id in lost:
            self.cancel_local(run_id)
        for run_id in await service.recover_expired_leases("LOCAL"):
            self._on_change(run_id)
        self.wake()

    async def _execute(self, run_id: str) -> None:
        run = await Run.get(id=run_id)
        self._on_change(run_id, run.state, tenant=run.tenant)
        harness = harness_of(run.agent_config)
        key = provider_key_for(harness, self.settings)
        provider_settings = self.settings.providers.get(key) if key else None
        if provider_settings is None:
            hint = (
                f"set OZ_PROVIDER_{key.upper()}_TYPE (and its _MODEL, _BASE_URL, _API_KEY)"
                if key
                else "configure one with OZ_PROVIDER_<KEY>_TYPE and name it in OZ_DEFAULT_PROVIDER"
            )
            await self._fail(
                run_id,
                f"No provider configured for harness {harness!r}: {hint}.",
                "integration_not_configured",
            )
            return
        factory = self.provider_types.get(provider_settings.type)
        if factory is None:
            await self._fail(
                run_id,
                f"Provider {key!r} has type {provider_settings.type!r}, which no installed plugin provides.",
                "integration_not_configured",
            )
            return
        await self._stream(run, key, provider_settings, factory(provider_settings))

    async def _stream(
        self, run: Run, key: str, provider_settings: ProviderSettings, provider: Provider
    ) -> None:
        request = CompletionRequest(
            run_id=run.id,
            prompt=run.prompt,
            model=provider_settings.model or str(run.agent_config.get("model_id") or ""),
            system_prompt=str(run.agent_config.get("base_prompt") or ""),
        )
        chunks: list[str] = []
        last_flush = time.monotonic()
        try:
            async for chunk in provider.stream(request):
                chunks.append(chunk)
                if time.monotonic() - last_flush >= OUTPUT_FLUSH_SECONDS:
                    last_flush = time.monotonic()
                    await Run.filter(id=run.id, state="INPROGRESS").update(output="".join(chunks))
        except asyncio.CancelledError:
            await asyncio.shield(Run.filter(id=run.id).update(output="".join(chunks)))
            raise
        except Exception as exc:
            await self._fail(
                run.id,
                f"Provider {key!r} failed: {type(exc).__name__}: {exc}",
                "resource_unavailable",
                output="".join(chunks),
                provider=key,
            )
            return
        if await service.transition(
            run.id, ["INPROGRESS"], "SUCCEEDED", output="".join(chunks), provider=key, status_message=None
        ):
            self._on_change(run.id, "SUCCEEDED", tenant=run.tenant, provider=key)

    async def _fail(self, run_id: str, message: str, code: str, **changes: Any) -> None:
        if await service.transition(
            run_id,
            ["INPROGRESS"],
            "FAILED",
            status_message=message,
            error_code=code,
            retryable=False,
            **changes,
        ):
            self._on_change(run_id, "FAILED", status_message=message)
