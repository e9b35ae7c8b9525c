"""The control plane's ``/metrics`` (OPS-1): what an operator graphs and alerts on.

Two kinds of numbers:

* read from the database when scraped (runs by state, how long the oldest waiting run has
  waited, provider saturation and quota use): the database is the truth, shared by every process
  on it, so any process's ``/metrics`` answers the same; the reads are one ``GROUP BY`` over the
  ``(state, created_at)`` index and lookups of the few waiting runs and limited providers;
* counted by this process as things happen (provider calls, errors, latency and fallbacks, the
  duration of the runs it ended, HTTP latency by route) and read from its memory (the workers
  connected to it): Prometheus sums them over the processes it scrapes.

Label values are bounded: a provider is its team key (every personal provider is ``personal``),
an error its exception class, an HTTP route its path template (``unmatched`` for any path no
route serves), a method one of the HTTP methods (``other`` for anything else).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.routing import iter_route_contexts
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise import connections
from tortoise.functions import Count

from oz_app import __version__
from oz_app.control_plane.http import ApiError, Authenticator, Caller
from oz_app.db.models import RUN_STATES, TERMINAL_STATES, ProviderSaturation, QuotaUse, Run
from oz_app.metrics import bearer_matches

if TYPE_CHECKING:
    from oz_app.config import ProviderSettings
    from oz_app.control_plane.provider_config import ProviderCatalog
    from oz_app.control_plane.worker_hub import WorkerHub

WAITING_STATES = ("QUEUED", "PENDING")  # waiting for this process's executor, or for a worker
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
PERSONAL_PROVIDER = "personal"
MAX_ENDED_KEPT = 50_000  # ended runs remembered until the next scrape observes their duration
IN_CHUNK = 500  # ids per IN (...) query

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PROVIDER_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
RUN_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0)

_COUNT_BY_STATE = 'SELECT "state", COUNT(*) AS "n" FROM "runs" GROUP BY "state"'


def provider_label(settings: ProviderSettings) -> str:
    """A provider as a label: its key, or ``personal`` for a user's own (users name those, and a
    label must not grow with what a member types)."""
    return PERSONAL_PROVIDER if settings.owner else settings.key


@dataclass
class DatabaseSnapshot:
    """What one scrape read from the database."""

    runs: dict[str, int] = field(default_factory=dict)
    waiting_since: dict[str, datetime] = field(default_factory=dict)
    saturated: dict[str, float] = field(default_factory=dict)  # team provider: seconds left
    quota_used: dict[str, float] = field(default_factory=dict)  # team provider: highest tenant's share
    read_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class ControlPlaneMetrics:
    """The metrics of one control-plane app. ``enabled`` False (``OZ_METRICS=false``): every call
    returns at once and nothing is registered."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.registry = CollectorRegistry()
        self._ended: deque[str] = deque(maxlen=MAX_ENDED_KEPT)  # if nobody scrapes, the newest
        self._snapshot = DatabaseSnapshot()
        self.catalog: ProviderCatalog | None = None
        self.hub: WorkerHub | None = None
        if not enabled:
            return
        registry = self.registry
        Gauge("oz_build_info", "The running oz-app version (always 1).", ["version"], registry=registry).labels(
            __version__
        ).set(1)
        ProcessCollector(registry=registry)
        self.provider_calls = Counter(
            "oz_provider_calls",
            "Provider calls this process made, by provider and outcome (answered, failed, cancelled).",
            ["provider", "outcome"],
            registry=registry,
        )
        self.provider_errors = Counter(
            "oz_provider_errors",
            "Provider calls that failed, by provider and error class (RateLimited, TransientError, ...).",
            ["provider", "error"],
            registry=registry,
        )
        self.provider_seconds = Histogram(
            "oz_provider_call_duration_seconds",
            "How long a provider call took, from the request to its last chunk or its error.",
            ["provider", "outcome"],
            buckets=PROVIDER_BUCKETS,
            registry=registry,
        )
        self.fallbacks = Counter(
            "oz_provider_fallbacks",
            "Times a provider could not answer (error, rate limit, full quota) and the run went on to the next.",
            ["provider"],
            registry=registry,
        )
        self.run_seconds = Histogram(
            "oz_run_duration_seconds",
            "How long runs this process ended executed (started to finished), by end state and location.",
            ["state", "location"],
            buckets=RUN_BUCKETS,
            registry=registry,
        )
        self.http_seconds = Histogram(
            "oz_http_request_duration_seconds",
            "HTTP requests to the API by method, route template and status, until the answer was sent.",
            ["method", "route", "status"],
            buckets=HTTP_BUCKETS,
            registry=registry,
        )
        registry.register(_DatabaseCollector(self))
        registry.register(_WorkerCollector(self))

    # -- called where things happen ----------------------------------------------------------

    def provider_call(
        self, settings: ProviderSettings, started: float, outcome: str, error: BaseException | None = None
    ) -> None:
        """A provider call that began at ``started`` (``time.perf_counter()``) ended with ``outcome``."""
        if not self.enabled:
            return
        provider = provider_label(settings)
        self.provider_calls.labels(provider, outcome).inc()
        self.provider_seconds.labels(provider, outcome).observe(time.perf_counter() - started)
        if error is not None:
            self.provider_errors.labels(provider, type(error).__name__).inc()

    def fallback(self, settings: ProviderSettings, chain: list[str]) -> None:
        """The provider ``settings`` refused a run; counted when another provider of ``chain`` comes after it."""
        if self.enabled and chain and chain[-1] != settings.key:
            self.fallbacks.labels(provider_label(settings)).inc()

    def run_ended(self, run_id: str, state: str) -> None:
        """This process moved ``run_id`` to a terminal state: its duration is read at the next
        scrape (one query for all of them, none on the run's path)."""
        if self.enabled:
            self._ended.append(run_id)

    # -- the scrape ----------------------------------------------------------------------------

    async def exposition(self) -> bytes:
        """The text format of every metric, with the database read now."""
        await self._observe_ended()
        snapshot = await read_database(self.catalog)
        # No await from here on: a concurrent scrape cannot swap the snapshot under this one.
        self._snapshot = snapshot
        return generate_latest(self.registry)

    async def _observe_ended(self) -> None:
        ended = list(self._ended)
        self._ended.clear()
        for start in range(0, len(ended), IN_CHUNK):
            rows = await Run.filter(id__in=ended[start : start + IN_CHUNK]).values_list(
                "state", "execution_location", "started_at", "finished_at"
            )
            for state, location, started_at, finished_at in rows:
                if started_at is not None and finished_at is not None and state in TERMINAL_STATES:
                    seconds = max((finished_at - started_at).total_seconds(), 0.0)
                    self.run_seconds.labels(state, location).observe(seconds)


async def read_database(catalog: ProviderCatalog | None) -> DatabaseSnapshot:
    """Runs by state, the oldest waiting run of each waiting state, and the team providers'
    saturation and quota use, as the database has them now."""
    snapshot = DatabaseSnapshot()
    now = snapshot.read_at
    rows = await connections.get("default").execute_query_dict(_COUNT_BY_STATE)
    snapshot.runs = {str(row["state"]): int(row["n"]) for row in rows}
    for state in WAITING_STATES:
        if snapshot.runs.get(state):
            oldest = await Run.filter(state=state).order_by("updated_at").first().values_list("updated_at", flat=True)
            if oldest is not None:
                snapshot.waiting_since[state] = oldest  # type: ignore[assignment]
    providers = await catalog.snapshot() if catalog is not None else {}
    for key, until in await ProviderSaturation.filter(key__in=list(providers), until__gt=now).values_list(
        "key", "until"
    ):
        snapshot.saturated[str(key)] = (until - now).total_seconds()
    for key, settings in providers.items():
        if settings.msg_limit > 0 and settings.window_seconds > 0:
            since = datetime.fromtimestamp(now.timestamp() - settings.window_seconds, UTC)
            by_tenant = QuotaUse.filter(key=key, at__gt=since).annotate(n=Count("id")).group_by("tenant")
            counts: list[int] = await by_tenant.values_list("n", flat=True)  # type: ignore[assignment]
            snapshot.quota_used[key] = min(max(counts, default=0) / settings.msg_limit, 1.0)
        snapshot.saturated.setdefault(key, 0.0)
    return snapshot


class _DatabaseCollector(Collector):
    """The numbers :func:`read_database` read for the scrape under way."""

    def __init__(self, metrics: ControlPlaneMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot = self.metrics._snapshot
        runs = GaugeMetricFamily("oz_runs", "Runs in the database by state (every process's).", labels=["state"])
        for state in sorted(RUN_STATES | set(snapshot.runs)):
            runs.add_metric([state], snapshot.runs.get(state, 0))
        yield runs
        depth = GaugeMetricFamily(
            "oz_run_queue_depth",
            "Runs waiting to start: QUEUED for a control plane's executor, PENDING for a worker.",
            labels=["state"],
        )
        age = GaugeMetricFamily(
            "oz_run_queue_oldest_age_seconds",
            "Seconds since the longest-waiting run of the state was queued (0 when none waits).",
            labels=["state"],
        )
        for state in WAITING_STATES:
            depth.add_metric([state], snapshot.runs.get(state, 0))
            since = snapshot.waiting_since.get(state)
            age.add_metric([state], max((snapshot.read_at - since).total_seconds(), 0.0) if since else 0.0)
        yield depth
        yield age
        saturated = GaugeMetricFamily(
            "oz_provider_saturated",
            "1 while a team provider is refused for every tenant after a 429 (PR-3), else 0.",
            labels=["provider"],
        )
        left = GaugeMetricFamily(
            "oz_provider_saturated_seconds",
            "Seconds until a saturated team provider is asked again.",
            labels=["provider"],
        )
        for key, seconds in sorted(snapshot.saturated.items()):
            saturated.add_metric([key], 1.0 if seconds > 0 else 0.0)
            left.add_metric([key], seconds)
        yield saturated
        yield left
        used = GaugeMetricFamily(
            "oz_provider_quota_used_ratio",
            "Share of a team provider's rolling-window quota (OZ_PROVIDER_<KEY>_MSG_LIMIT) used by the busiest tenant.",
            labels=["provider"],
        )
        for key, share in sorted(snapshot.quota_used.items()):
            used.add_metric([key], share)
        yield used


class _WorkerCollector(Collector):
    """The workers connected to this process, read from its worker hub when scraped."""

    def __init__(self, metrics: ControlPlaneMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[GaugeMetricFamily]:
        hub = self.metrics.hub
        workers = list(hub.workers.values()) if hub is not None else []
        connected = GaugeMetricFamily("oz_workers_connected", "Workers connected to this process.")
        connected.add_metric([], len(workers))
        capacity = GaugeMetricFamily(
            "oz_connected_worker_capacity", "Runs a connected worker executes at once.", labels=["worker"]
        )
        free = GaugeMetricFamily(
            "oz_connected_worker_free_slots", "Runs a connected worker can take now.", labels=["worker"]
        )
        running = GaugeMetricFamily(
            "oz_connected_worker_running_runs", "Runs a connected worker holds.", labels=["worker"]
        )
        for worker in sorted(workers, key=lambda worker: worker.worker_id):
            capacity.add_metric([worker.worker_id], worker.capacity)
            free.add_metric([worker.worker_id], worker.free)
            running.add_metric([worker.worker_id], len(worker.running))
        return [connected, capacity, free, running]


class HttpMetrics:
    """Times each HTTP request and labels it with its route's full path template (never the raw
    path: ids would make a series per run). The router leaves the route it chose in the scope;
    its full template (prefixes of included routers too) is looked up once in ``routes``."""

    def __init__(self, app: ASGIApp, histogram: Histogram, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.histogram = histogram
        self._routes = routes
        self._templates: dict[int, str] | None = None

    def template(self, route: Any) -> str:
        """The full path template of the route the router chose (``unmatched`` for none)."""
        if route is None:
            return UNMATCHED_ROUTE
        if self._templates is None:
            self._templates = {
                id(context.original_route): context.path_format
                for context in iter_route_contexts(self._routes())
                if context.path_format
            }
        return self._templates.get(id(route)) or getattr(route, "path_format", None) or UNMATCHED_ROUTE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the answer started becomes a 500 outside

        async def noting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        finally:
            method = scope["method"] if scope["method"] in HTTP_METHODS else "other"
            route = self.template(scope.get("route"))
            self.histogram.labels(method, route, str(status)).observe(time.perf_counter() - started)


class ScrapeAuthenticator(Authenticator):
    """Who may read ``/metrics``: the holder of ``OZ_METRICS_TOKEN`` (a token for Prometheus
    that opens nothing else), or the admin (the admin key, or an issued admin token). Members and
    anonymous callers are refused: the numbers describe every tenant's work."""

    def __init__(self, auth: Authenticator, token: str) -> None:
        super().__init__("", auth.tokens)  # the admin is recognised by ``auth``
        self._auth = auth
        self._token = token

    async def __call__(self, request: Request) -> Caller:
        if bearer_matches(request.headers.get("authorization", ""), self._token):
            return Caller(tenant="", is_admin=False)
        caller = await self._auth(request)
        if not caller.is_admin:
            raise ApiError(403, "Only the admin, or the holder of OZ_METRICS_TOKEN, may read the metrics.")
        return caller
