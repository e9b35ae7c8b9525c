"""A worker's ``/metrics`` (OPS-2): ``oz-app --worker ID --metrics-port N``.

The worker's numbers are its own (no database): the tasks it holds and its free slots, read
from the :class:`~oz_app.worker.Worker` when scraped, and what its backend's runs did, counted by
:class:`MeteredBackend`, which wraps the backend so the worker itself needs no metric calls.
The endpoint is an aiohttp server on the worker's event loop, listening on ``OZ_HOST``
(127.0.0.1 unless set); with ``OZ_METRICS_TOKEN`` set it answers only to that bearer token.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from oz_app import __version__
from oz_app.config import Settings
from oz_app.metrics import CONTENT_TYPE_LATEST, bearer_matches
from oz_app.worker_backend import BackendError, RunResult

if TYPE_CHECKING:
    from oz_app.task_input import RunFolder
    from oz_app.worker import Worker
    from oz_app.worker_frames import TaskAssignment

START_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
RUN_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0)
OUTCOMES = ("succeeded", "failed", "cancelled")


class WorkerMetrics:
    """The metrics of one worker, in a registry of its own."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.registry = registry = CollectorRegistry()
        Gauge("oz_build_info", "The running oz-app version (always 1).", ["version"], registry=registry).labels(
            __version__
        ).set(1)
        ProcessCollector(registry=registry)
        self.executing = 0
        self.finished = Counter(
            "oz_worker_runs_finished",
            "Runs this worker's backend finished, by outcome (succeeded, failed, cancelled).",
            ["outcome"],
            registry=registry,
        )
        for outcome in OUTCOMES:
            self.finished.labels(outcome)
        self.failures = Counter(
            "oz_worker_failures",
            "Failed runs by the stage that failed (setup, repos, harness, input, worker_lost, timeout, start).",
            ["stage"],
            registry=registry,
        )
        self.start_seconds = Histogram(
            "oz_worker_container_start_seconds",
            "From asking the backend for a run's container (or process) to its start.",
            buckets=START_BUCKETS,
            registry=registry,
        )
        self.run_seconds = Histogram(
            "oz_worker_run_duration_seconds",
            "How long the backend took over a run, from assignment to result, by outcome.",
            ["outcome"],
            buckets=RUN_BUCKETS,
            registry=registry,
        )
        registry.register(_HeldCollector(self))

    def observe(self, result: RunResult, seconds: float) -> None:
        """Count one run's result."""
        self.finished.labels(result.status).inc()
        self.run_seconds.labels(result.status).observe(seconds)
        if result.start_seconds is not None:
            self.start_seconds.observe(result.start_seconds)
        if result.status == "failed":
            self.failures.labels(result.stage or "unknown").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _HeldCollector(Collector):
    """Read from the worker when scraped: what it holds and what it can still take."""

    def __init__(self, metrics: WorkerMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[GaugeMetricFamily]:
        worker = self.metrics.worker
        executing = self.metrics.executing
        families = [
            ("oz_worker_capacity", "Runs this worker executes at once (--max-concurrent-runs).", worker.capacity),
            ("oz_worker_running_tasks", "Runs this worker's backend is executing now.", executing),
            ("oz_worker_free_slots", "Runs this worker can take now.", max(worker.capacity - executing, 0)),
            (
                "oz_worker_held_tasks",
                "Runs held: executing, or ended with the result not yet delivered.",
                len(worker.running),
            ),
        ]
        for name, documentation, value in families:
            family = GaugeMetricFamily(name, documentation)
            family.add_metric([], value)
            yield family


class MeteredBackend:
    """A worker backend that counts what its runs did; everything else goes to ``backend``."""

    def __init__(self, backend: Any, metrics: WorkerMetrics) -> None:
        self._backend = backend
        self._metrics = metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    async def run(self, assignment: TaskAssignment, folder: RunFolder, on_line: Callable[[str], None]) -> RunResult:
        started = time.perf_counter()
        self._metrics.executing += 1
        result: RunResult | None = None
        try:
            result = await self._backend.run(assignment, folder, on_line)
            return result
        except BackendError:
            result = RunResult("failed", stage="start")
            raise
        except asyncio.CancelledError:
            result = RunResult("cancelled")
            raise
        finally:
            self._metrics.executing -= 1
            self._metrics.observe(result or RunResult("failed"), time.perf_counter() - started)


async def serve(metrics: WorkerMetrics, host: str, port: int, token: str) -> web.AppRunner:
    """Answer ``GET /metrics`` on ``host:port`` until the returned runner is cleaned up."""

    async def answer(request: web.Request) -> web.Response:
        if token and not bearer_matches(request.headers.get("Authorization", ""), token):
            return web.json_response(
                {"error": "Send OZ_METRICS_TOKEN as the bearer token to read the metrics."}, status=401
            )
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/metrics", answer)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    return runner


class MetricsUnavailable(Exception):
    """The metrics endpoint cannot listen: one sentence for the operator."""


async def serve_metrics(worker: Worker, settings: Settings, port: int) -> web.AppRunner:
    """Count ``worker``'s runs and serve them on ``OZ_HOST:port`` (``--metrics-port``)."""
    if not 1 <= port <= 65535:
        raise MetricsUnavailable(f"--metrics-port must be between 1 and 65535, not {port}.")
    metrics = WorkerMetrics(worker)
    worker.backend = MeteredBackend(worker.backend, metrics)
    try:
        return await serve(metrics, settings.host, port, settings.metrics_token)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise MetricsUnavailable(f"cannot serve metrics on {settings.host}:{port}: {reason}.") from exc


async def stop_metrics(runner: web.AppRunner | None) -> None:
    if runner is not None:
        await runner.cleanup()
