"""Executes runs without an environment in this process, through provider plugins (CP-4).

The executor claims QUEUED runs (compare-and-set, so several processes on one database never
take the same run), streams the provider's output into the run, and writes the terminal state
with a compare-and-set too, so a cancel that came first is never overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import time
from typing import Any

import pluggy
from loguru import logger

from oz_app import providers
from oz_app.config import ProviderSettings, Settings
from oz_app.control_plane import conversation, service
from oz_app.control_plane.inputs import storable
from oz_app.control_plane.output import OutputStream
from oz_app.control_plane.provider_config import ProviderCatalog
from oz_app.control_plane.quotas import Quotas
from oz_app.control_plane.service import RunService
from oz_app.db.models import Run
from oz_app.metrics.control_plane import ControlPlaneMetrics
from oz_app.plugins import collect
from oz_app.providers import (
    CompletionRequest,
    ProviderError,
    ProviderMisconfigured,
    RateLimited,
    TransientError,
    Usage,
    check_options,
    make_provider,
)
from oz_app.storage import is_disk_full, note_full_write

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
DEFAULT_SATURATION_SECONDS = 60.0
CLAIM_BATCH = 16  # most runs claimed by one query
DISK_FULL_RETRY_SECONDS = 2.0


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


def _harness_model(run: Run) -> str:
    """``config.harness.model_id``: the model a third-party harness is asked to use (SDK)."""
    harness = run.agent_config.get("harness") or {}
    return str(harness.get("model_id") or "") if isinstance(harness, dict) and harness.get("type") != "oz" else ""


def requested_options(agent_config: dict[str, Any]) -> dict[str, Any]:
    """The options a run asks its provider for (PR-8): ``config.options`` (oz's own)."""
    options = agent_config.get("options") or {}
    return dict(options) if isinstance(options, dict) else {}


def _reasoning_level(agent_config: dict[str, Any]) -> str:
    """The SDK's ``harness.reasoning_level``, which a provider taking ``reasoning_effort`` gets."""
    harness = agent_config.get("harness") or {}
    return str(harness.get("reasoning_level") or "") if isinstance(harness, dict) else ""


def provider_key_for(harness: str, settings: Settings) -> str:
    return HARNESS_PROVIDER.get(harness, settings.default_provider)


class Executor:
    """Claims and executes this process's share of in-process runs."""

    def __init__(
        self,
        settings: Settings,
        manager: pluggy.PluginManager,
        owner: str,
        runs: RunService,
        catalog: ProviderCatalog,
    ):
        self.settings = settings
        self.owner = owner
        self.provider_types = collect(manager, "oz_register_providers", "provider type")
        self.runs = runs
        self.quotas = Quotas()
        self.catalog = catalog
        self._wake = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._slots = asyncio.Semaphore(64)
        self.metrics = ControlPlaneMetrics(enabled=False)  # the app's, once it gives it (OPS-1)

    def wake(self) -> None:
        """Tell the executor a run was queued (saves waiting for the next poll)."""
        self._wake.set()

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._claim_loop(), name="oz-executor")

    def cancel_local(self, run_id: str) -> None:
        """Stop the provider call of a run executing in this process, if any (a cancel made in any
        process reaches this one as an event on the bus, PR-6)."""
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
        handed = await self.runs.hand_back(self.owner, unfinished)
        if handed:
            logger.info("handed back {} unfinished runs at shutdown", len(handed))

    async def _claim_loop(self) -> None:
        last_upkeep = 0.0
        while not self._stopping:
            try:
                if time.monotonic() - last_upkeep > self.settings.lease_seconds / 3:
                    last_upkeep = time.monotonic()
                    await self._upkeep()
                await self._slots.acquire()
                free = 1
                while free < CLAIM_BATCH and not self._slots.locked():
                    await self._slots.acquire()  # free: returns at once
                    free += 1
                # Cleared before looking: a run queued while we look sets it again, so the wait
                # below cannot sleep through it.
                self._wake.clear()
                try:
                    runs = await self.runs.claim("QUEUED", self.owner, self.settings.lease_seconds, free)
                except BaseException:
                    for _ in range(free):
                        self._slots.release()
                    raise
                for _ in range(free - len(runs)):
                    self._slots.release()
                for run in runs:
                    task = asyncio.create_task(self._execute(run), name=f"oz-run-{run.id}")
                    self._tasks[run.id] = task
                    task.add_done_callback(functools.partial(self._finished, run.id))
                if not runs:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(1.0):  # not wait_for: on 3.11 it can lose a cancel
                            await self._wake.wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_disk_full(exc):  # SEC-12: a known cause, said in one line
                    note_full_write()
                    logger.warning("the executor could not write: the database's disk is full; retrying in a second")
                else:
                    logger.exception("the executor loop failed; retrying in a second")
                await asyncio.sleep(1)

    def _finished(self, run_id: str, _task: object = None) -> None:
        self._tasks.pop(run_id, None)
        self._slots.release()

    async def _upkeep(self) -> None:
        """Renew our leases, stop runs we lost (cancelled elsewhere), recover dead holders' runs."""
        lost = await self.runs.renew(self.owner, list(self._tasks), self.settings.lease_seconds)
        for run_id in lost:
            self.cancel_local(run_id)
        await self.runs.recover("LOCAL")
        await self.runs.end_idle("LOCAL")
        self.wake()

    def provider_chain(self, harness: str, providers: dict[str, ProviderSettings], chosen: str = "") -> list[str]:
        """The configured providers to try for ``harness``, in order (PR-2, PR-4): the provider
        the run's agent was given (``chosen``, UX-7) first, else the harness's default."""
        primary = chosen or self.default_provider(harness, providers)
        order = self.settings.fallback_order
        own = None if chosen else order.get(harness.replace("-", "_"))  # a chosen provider's are its own
        fallbacks = own or order.get(primary) or order.get("", [])
        chain = [primary, *fallbacks] if primary else list(fallbacks)
        return [key for key in dict.fromkeys(chain) if key in providers]

    def default_provider(self, harness: str, providers: dict[str, ProviderSettings]) -> str:
        """The provider a run with no provider of its own asks: the harness's (PR-2), else
        ``OZ_DEFAULT_PROVIDER``, else the oldest configured one (``providers`` lists them oldest
        first), so adding a provider never moves the agents using the default (UX-7)."""
        return provider_key_for(harness, self.settings) or next(iter(providers), "")

    async def _execute(self, run: Run) -> None:
        try:
            await self._route(run)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            await self._record_full_disk(run)

    async def _record_full_disk(self, run: Run) -> None:
        """A write of this run failed for want of space (SEC-12): its result is lost, and the run
        says exactly that once the database can write again (not that a provider or the process
        failed). Its lease is renewed meanwhile, as it is still ours."""
        note_full_write()
        logger.warning("run {}: a write failed, the disk holding the database is full; saying so once it can", run.id)
        message = (
            "The disk holding the database filled up while this run was executing, so its result "
            "could not be saved; create the run again."
        )
        while True:
            try:
                await self._fail(run, message, "resource_unavailable", True)
                return
            except Exception as exc:
                if not is_disk_full(exc):
                    raise
            await asyncio.sleep(DISK_FULL_RETRY_SECONDS)  # waiting for space someone else frees

    async def _route(self, run: Run) -> None:
        harness = harness_of(run.agent_config)
        providers = await self.catalog.snapshot(run.tenant)
        chosen = str(run.agent_config.get("provider") or "")
        if chosen and chosen not in providers:
            message = (
                f"Provider {chosen!r}, chosen for this agent, is no longer configured: "
                "pick another provider for the agent on the Agents page."
            )
            await self._fail(run, message, "integration_not_configured")
            return
        chain = self.provider_chain(harness, providers, chosen)
        if not chain:
            key = provider_key_for(harness, self.settings)
            hint = (
                f"set OZ_PROVIDER_{key.upper()}_TYPE (and its _MODEL, _BASE_URL, _API_KEY)"
                if key
                else "configure one with OZ_PROVIDER_<KEY>_TYPE and name it in OZ_DEFAULT_PROVIDER"
            )
            await self._fail(
                run, f"No provider configured for harness {harness!r}: {hint}.", "integration_not_configured"
            )
            return
        options = {key: self._options_for(run, key, providers[key]) for key in chain}
        if isinstance(options[chain[0]], ProviderError):  # nothing is called for a run asking the impossible
            await self._fail(run, f"The run's options cannot be used: {options[chain[0]]}", "invalid_request")
            return
        deadline = time.monotonic() + self.settings.queue_max_wait_seconds
        attempts = list(run.attempts)  # an attempt interrupted by a shutdown stays on record (ST-3)
        while True:
            soonest: float | None = None
            refusals = []
            for key in chain:
                settings = providers[key]
                taken = options[key]
                if isinstance(taken, ProviderError):  # a fallback that cannot honour the options
                    refusals.append(f"{key}: {taken}")
                    continue
                wait = await self.quotas.acquire(
                    run.tenant, settings.quota_key, settings.msg_limit, settings.window_seconds
                )
                if wait <= 0:
                    error = await self._attempt(run, key, settings, attempts, taken)
                    if error is None:
                        return
                    if not isinstance(error, RateLimited):
                        self.metrics.fallback(settings, chain)
                        refusals.append(f"{key}: {error}")
                        continue
                    wait = error.retry_after or settings.window_seconds or DEFAULT_SATURATION_SECONDS
                    await self.quotas.saturate(settings.quota_key, wait)
                self.metrics.fallback(settings, chain)
                refusals.append(f"{key}: rate-limited for {math.ceil(wait)} s")  # whole seconds, never under
                soonest = wait if soonest is None else min(soonest, wait)
            summary = "; ".join(refusals)
            if soonest is None or not self.settings.queue_on_saturation:
                await self._fail(run, f"No provider could answer ({summary}).", "resource_unavailable", True, attempts)
                return
            if time.monotonic() + soonest > deadline:
                await self._fail(
                    run,
                    f"Gave up waiting for a provider after {self.settings.queue_max_wait_seconds} s "
                    f"(OZ_QUEUE_MAX_WAIT_SECONDS): {summary}.",
                    "resource_unavailable",
                    True,
                    attempts,
                )
                return
            if not await self._wait_in_queue(run, soonest, summary):
                return

    def _options_for(self, run: Run, key: str, settings: ProviderSettings) -> dict[str, Any] | ProviderError:
        """The run's options as provider ``key`` takes them, or why it cannot (PR-8)."""
        factory = self.provider_types.get(settings.type)
        if factory is None:
            return {}  # the attempt says the type is missing
        asked = requested_options(run.agent_config)
        level = _reasoning_level(run.agent_config)
        if level and "reasoning_effort" not in asked:
            if any(option.name == "reasoning_effort" for option in providers.declared_options(factory)):
                asked["reasoning_effort"] = level
        try:
            return check_options(factory, key, asked)
        except ProviderError as exc:
            return exc

    async def _wait_in_queue(self, run: Run, seconds: float, summary: str) -> bool:
        """PR-5: wait QUEUED (still held by us) with a visible reason; False if the run was cancelled."""
        reason = f"Queued for {math.ceil(seconds)} s: every provider is saturated ({summary})."
        if not await self.runs.transition(run.id, ["INPROGRESS"], "QUEUED", status_message=reason, tenant=run.tenant):
            return False
        await asyncio.sleep(seconds)
        return await self.runs.transition(run.id, ["QUEUED"], "INPROGRESS", claimed_by=self.owner, tenant=run.tenant)

    async def _attempt(
        self,
        run: Run,
        key: str,
        settings: ProviderSettings,
        attempts: list[dict[str, Any]],
        options: dict[str, Any] | None = None,
    ) -> ProviderError | None:
        """One provider call. None when the run has ended; the error when the next provider should try."""
        model = _harness_model(run) or settings.model or run.model_id or ""
        attempt = {"provider": key, "model": model, "started_at": service.now().isoformat(), "outcome": "answering"}
        attempts.append(attempt)
        await self.runs.start_attempt(run.id, attempts)
        prompt, messages = await conversation.request_parts(run)
        request = CompletionRequest(
            run_id=run.id,
            prompt=prompt,
            model=model,
            system_prompt=str(run.agent_config.get("base_prompt") or ""),
            messages=messages,
            options=options or {},
        )
        stream = OutputStream(run.id, self.owner, self.runs)
        usage: list[Usage] = []  # the last one the provider reported (PR-8)
        started = time.perf_counter()
        try:
            factory = self.provider_types.get(settings.type)
            if factory is None:
                raise ProviderMisconfigured(f"its type {settings.type!r} is not provided by any installed plugin")
            # aclosing: a cancel that lands while we write to the database still stops the call now
            async with contextlib.aclosing(make_provider(factory, settings).stream(request)) as provider_stream:
                async for piece in provider_stream:
                    if isinstance(piece, Usage):
                        usage[:] = [piece]
                        continue
                    stream.add(storable(piece))
            if not stream.text:
                raise TransientError("it sent an empty answer, without any text")
        except asyncio.CancelledError:
            self.metrics.provider_call(settings, started, "cancelled")
            attempt["outcome"] = "cancelled"
            if self._stopping:  # a shutdown, not a person: the run is handed back and retried (ST-3)
                attempt.update(outcome="interrupted", reason=service.INTERRUPTED)
            await asyncio.shield(self._keep_cancelled(run, stream, attempts))
            raise
        except Exception as exc:
            if is_disk_full(exc):  # our write failed, not the provider
                raise
            self.metrics.provider_call(settings, started, "failed", exc)
            attempt["outcome"] = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, ProviderError) and exc.fallback and not stream.text:
                return exc
            code = "integration_not_configured" if isinstance(exc, ProviderMisconfigured) else "resource_unavailable"
            message = f"Provider {key!r} failed: {exc}"
            fallback = isinstance(exc, ProviderError) and exc.fallback
            await self._fail(run, message, code, fallback, attempts, stream, _used(run, attempt, usage))
            return None
        self.metrics.provider_call(settings, started, "answered")
        attempt["outcome"] = "answered"
        changes = {"attempts": attempts, "status_message": None, **_used(run, attempt, usage)}
        await self._end(run, stream, "SUCCEEDED", changes)
        return None

    async def _keep_cancelled(self, run: Run, stream: OutputStream, attempts: list[dict[str, Any]]) -> None:
        """A cancelled call: its output stays as stored when the cancel was committed (what its
        followers were sent, ST-2); its attempts say how it ended."""
        await stream.close()
        await self.runs.keep_attempts(run.id, attempts)

    async def _end(self, run: Run, stream: OutputStream | None, state: str, changes: dict[str, Any]) -> None:
        """End the run; the output not written yet goes with the end, in the same write (ST-2)."""
        leftover = await stream.close() if stream is not None else ""
        if stream is not None:  # after what earlier executions said (a follow-up's answer comes after)
            changes["output"] = run.output + stream.text
        if await self.runs.transition(run.id, ["INPROGRESS"], state, tenant=run.tenant, **changes) and leftover:
            self.runs.announce_output(run.id, len(changes["output"]) - len(leftover), leftover)

    async def _fail(
        self,
        run: Run,
        message: str,
        code: str,
        retryable: bool = False,
        attempts: list[dict[str, Any]] | None = None,
        stream: OutputStream | None = None,
        used: dict[str, Any] | None = None,
    ) -> None:
        changes: dict[str, Any] = {"status_message": message, "error_code": code, "retryable": retryable}
        changes.update(used or {})
        if attempts is not None:
            changes["attempts"] = attempts
        await self._end(run, stream, "FAILED", changes)


def _used(run: Run, attempt: dict[str, Any], usage: list[Usage]) -> dict[str, Any]:
    """The run's token counts with this call's added (PR-8), noted on the attempt too; nothing
    when the provider reported none."""
    if not usage:
        return {}
    attempt["usage"] = usage[0].as_dict()
    return {
        "input_tokens": (run.input_tokens or 0) + usage[0].input_tokens,
        "output_tokens": (run.output_tokens or 0) + usage[0].output_tokens,
    }
