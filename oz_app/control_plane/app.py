"""The control plane as a FastAPI application (imports no UI code, CL-3)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pluggy
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse, Response
from loguru import logger
from starlette.middleware.cors import CORSMiddleware

from oz_app import __version__, db
from oz_app.bus import RUNS_TOPIC, Bus
from oz_app.config import Settings
from oz_app.control_plane import (
    artifacts,
    environments,
    identities,
    openapi,
    provider_config,
    redirects,
    runs,
    schedules,
    service,
    skills,
    tokens,
    work_api,
    work_plan_api,
)
from oz_app.control_plane.executor import Executor
from oz_app.control_plane.http import ApiError, Authenticator, RequestContextMiddleware, install_error_handlers
from oz_app.control_plane.provider_config import ProviderCatalog
from oz_app.control_plane.run_create import RunCreator
from oz_app.control_plane.worker_hub import WorkerHub
from oz_app.metrics import CONTENT_TYPE_LATEST
from oz_app.metrics.control_plane import ControlPlaneMetrics, HttpMetrics, ScrapeAuthenticator
from oz_app.secrets import Vault, load_or_create_key
from oz_app.storage import space_problem

API_PREFIX = "/api/v1"
SWEEP_INTERVAL_SECONDS = 3600


class ControlPlane:
    """The parts of a running control plane, shared by its routes and the workspace."""

    def __init__(self, settings: Settings, manager: pluggy.PluginManager) -> None:
        self.settings = settings
        self.manager = manager
        self.owner = service.process_owner()
        self.vault = Vault(load_or_create_key(settings.data_dir, settings.secret_key))
        self.links = artifacts.FileLinks(self.vault.derive("file links"), settings.public_url)
        self.auth = Authenticator(settings.admin_api_key, settings.tenant_tokens)
        self.bus = Bus()
        self.catalog = ProviderCatalog(settings, self.vault)
        self.metrics = ControlPlaneMetrics(settings.metrics)
        self.runs = service.RunService(self.bus, manager.hook)
        self.runs.on_end = self.metrics.run_ended
        self.creator = RunCreator(self.runs)
        self.executor = Executor(settings, manager, self.owner, self.runs, self.catalog)
        self.executor.metrics = self.metrics
        self.hub = WorkerHub(settings, self.vault, self.runs)
        self.metrics.catalog, self.metrics.hub = self.catalog, self.hub
        self.scheduler = schedules.Scheduler(self.bus, self.creator)
        self.skills = skills.SkillLibrary(
            settings.data_dir / "skills", settings.local_repos_dir, settings.skill_repo_hosts
        )
        skills.install(self.skills)  # runs of a skill and agents' skills find them here
        self.creator.identity_defaults = identities.identity_defaults
        self.creator.resolve_skill = skills.skill_for_run
        self._sweeper: asyncio.Task[None] | None = None
        self._side_tasks: set[asyncio.Task[None]] = set()

    def _on_runs_event(self, event: dict[str, Any]) -> None:
        """A run queued in any process wakes this one's executor or worker hub; one cancelled in
        any process stops where it executes (PR-6)."""
        state = event.get("state")
        if state == "QUEUED":
            self.executor.wake()
        elif state == "PENDING":
            self.hub.wake()
        elif state == "CANCELLED":
            self.executor.cancel_local(event["run_id"])
            task = asyncio.get_running_loop().create_task(self.hub.cancel(event["run_id"]))
            self._side_tasks.add(task)  # the loop keeps only weak references to tasks
            task.add_done_callback(self._side_tasks.discard)

    def router(self) -> APIRouter:
        router = APIRouter(prefix=API_PREFIX)
        router.include_router(runs.build_router(self.auth, self.runs, self.creator))
        router.include_router(artifacts.build_router(self.auth, self.links))
        router.include_router(environments.build_router(self.auth, self.vault, self.settings.local_repos_dir))
        router.include_router(redirects.build_router())
        router.include_router(schedules.build_router(self.auth, self.creator, self.bus))
        router.include_router(self.hub.router())
        router.include_router(
            provider_config.build_router(self.auth, self.catalog, self.vault, self.executor.provider_types)
        )
        router.include_router(tokens.build_router(self.auth.admin))
        router.include_router(identities.build_router(self.auth, self.vault))
        router.include_router(skills.build_router(self.auth, self.skills))
        router.include_router(work_api.build_router(self.auth, self.bus, self.runs.cancel))
        router.include_router(work_plan_api.build_plan_router(self.auth, self.bus))
        return router

    async def start(self) -> None:
        """Open the database, migrate, recover, and start executing runs."""
        await db.connect(self.settings.database_url)
        await self.bus.start(self.settings.database_url)
        self.bus.subscribe(RUNS_TOPIC, self._on_runs_event)
        recovered = await self.runs.recover("LOCAL")
        if recovered:
            logger.warning("recovered {} runs left behind by a stopped process", len(recovered))
        self.executor.start()
        self.hub.start()
        self.scheduler.start()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="oz-retention")
        self.manager.hook.oz_startup(context={"settings": self.settings, "part": "control-plane"})

    async def stop(self) -> None:
        """Stop taking work, finish or hand back in-flight runs, close the database."""
        if self._sweeper:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.scheduler.stop()
        await self.hub.stop()
        await self.executor.stop(self.settings.shutdown_grace_seconds)
        self.manager.hook.oz_shutdown(context={"settings": self.settings, "part": "control-plane"})
        await self.bus.stop()
        await db.close()

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await service.sweep_retention(self.settings.run_retention_days)
            except Exception:
                logger.exception("the retention sweep failed; it will run again")
            await asyncio.sleep(SWEEP_INTERVAL_SECONDS)


def create_app(settings: Settings, manager: pluggy.PluginManager) -> FastAPI:
    """The headless control plane: ``/api/v1``, ``/health`` and the OpenAPI document."""
    plane = ControlPlane(settings, manager)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await plane.start()
        try:
            yield
        finally:
            await plane.stop()

    app = build_api(plane)
    app.router.lifespan_context = lifespan
    return app


def build_api(plane: ControlPlane) -> FastAPI:
    """The API application of ``plane``; whoever serves it starts and stops ``plane``."""
    settings = plane.settings
    app = FastAPI(title="oz-app control plane", version=__version__, openapi_url=f"{API_PREFIX}/openapi.json")
    app.state.plane = plane
    install_error_handlers(app)
    app.include_router(plane.router())

    sqlite_file = db.sqlite_path(settings.database_url)
    database_folder = sqlite_file.parent if sqlite_file else None

    @app.get("/health", tags=["health"], summary="200 when the database answers and has room to write")
    async def health() -> JSONResponse:
        full = space_problem(database_folder)  # one statvfs: /health stays cheap (SEC-12)
        if full:
            return JSONResponse({"ok": False, "db": "full", "error": full}, status_code=503)
        if await db.ping():
            return JSONResponse({"ok": True, "db": "ok"})
        return JSONResponse({"ok": False, "db": "unavailable", "error": "The database does not answer."}, 503)

    scraper = ScrapeAuthenticator(plane.auth, settings.metrics_token)

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics (OPS-1)", dependencies=[Depends(scraper)])
    async def metrics() -> Response:
        if not plane.metrics.enabled:
            raise ApiError(404, "Metrics are off on this server (OZ_METRICS=false).")
        return Response(await plane.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    if plane.metrics.enabled:  # innermost: it sees the route the router picked and the status sent
        app.add_middleware(HttpMetrics, histogram=plane.metrics.http_seconds, routes=lambda: app.routes)
    if settings.cors_origin:
        origins = [origin.strip() for origin in settings.cors_origin.split(",") if origin.strip()]
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-Id"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        larger_bodies={artifacts.UPLOAD_PATH: artifacts.MAX_FILE_BYTES},
    )
    openapi.install(app, API_PREFIX)
    return app
