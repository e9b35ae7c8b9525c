"""The workspace: NiceGUI pages over an in-process control plane (CL-1, CL-2, WS-1..WS-13).

One NiceGUI app serves the pages, the internal agent API, and (through :class:`ApiMount`) the
very same control-plane API that ``oz-app --headless --control-plane`` serves, so the SDK,
workers and the pages all see one set of runs.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pluggy
from loguru import logger
from nicegui import app, ui
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oz_app import db, startup
from oz_app.config import Settings
from oz_app.control_plane.app import API_PREFIX, ControlPlane, build_api
from oz_app.db.models import User
from oz_app.runners import load_runner
from oz_app.secrets import KeyFile, load_or_create_key
from oz_app.storage import prepare_data_dir
from oz_app.work.engine import WorkEngine
from oz_app.workspace import accounts, service
from oz_app.workspace.dispatch import Conductor
from oz_app.workspace.routes import any_provider, providers_of

AUTH_KEY_FILE = "auth.key"


class Workspace:
    """Everything the pages share: the control plane, the runner, live updates, the conductor."""

    def __init__(self, settings: Settings, manager: pluggy.PluginManager, *, login: bool) -> None:
        self.settings = settings
        self.login = login
        # The API in a workspace answers only to the admin key and tokens it issued (SEC-4).
        self.plane = ControlPlane(replace(settings, tenant_tokens="issued"), manager)
        self.live = self.plane.bus
        self.runner = load_runner(manager, settings, self.plane)
        self.conductor = Conductor(self.runner, self.live)
        self.work = WorkEngine(self.plane, self.live, settings)
        self.ready = asyncio.Event()
        self.share_views = service.Throttle(limit=60, window=60)
        self.failure: Exception | None = None

    async def start(self) -> None:
        """NiceGUI runs this once it listens; :func:`prepare` has already opened and migrated the
        database, so a failure here is rare: the server stops and :func:`serve` raises it."""
        try:
            await self.plane.start()
            if not self.login:
                await accounts.local_user()
            await self.conductor.start()
            await self.work.start()
        except Exception as exc:  # the shutdown that follows stops what did start (stop())
            logger.opt(exception=exc).debug("the workspace could not start")
            self.failure = exc
            app.shutdown()
        self.ready.set()  # after a failure too: a waiting request then fails fast and cannot hold the stop

    async def stop(self) -> None:
        await self.work.close()
        await self.conductor.close()
        await self.runner.close()
        await self.plane.stop()

    async def current_user(self) -> User | None:
        """The signed-in user of this browser (the local user when login is off); None once the
        session expired, was closed or its user was disabled (SEC-5)."""
        await self.ready.wait()
        if not self.login:
            return await accounts.local_user()
        return await accounts.session_user(browser_id())

    async def sign_in(self, user: User) -> None:
        await accounts.open_session(user, self.settings.session_days, str(browser_id()))

    async def sign_out(self) -> None:
        await accounts.close_session(browser_id())

    def public_url(self, request_base: str) -> str:
        """Where people reach this server: ``OZ_PUBLIC_URL``, else the address this request came to."""
        return (self.settings.public_url or request_base).rstrip("/")

    async def providers_configured(self, user: User) -> bool:
        """False when ``user``'s runs could not find any provider, team or personal (first start)."""
        return any_provider(await providers_of(self, user))


def browser_id() -> str | None:
    """This browser's random id, from its signed session cookie (NiceGUI's ``app.storage.browser``)."""
    value = app.storage.browser.get("id")
    return str(value) if value else None


class ApiMount:
    """Hands ``/api/v1/*``, ``/health`` and ``/metrics`` to the control-plane app, the rest to NiceGUI."""

    def __init__(self, app: ASGIApp, api: ASGIApp, ready: asyncio.Event) -> None:
        self.app = app
        self.api = api
        self.ready = ready

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        ours = path.startswith(API_PREFIX + "/") or path in ("/health", "/metrics")
        if scope["type"] in ("http", "websocket") and ours:
            await self.ready.wait()
            await self.api(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class SecurityHeaders:
    """Headers on every response (SEC-9): no framing, no MIME sniffing, and a Content-Security-
    Policy that allows only this origin (NiceGUI's Vue needs inline scripts and eval)."""

    HEADERS = (
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (
            b"content-security-policy",
            b"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            b"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            b"form-action 'self'; base-uri 'self'; object-src 'none'",
        ),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _is_session_key(key: bytes) -> bool:
    return len(key) >= 16 and key.isascii() and key.decode().isprintable()


AUTH_KEY = KeyFile(
    AUTH_KEY_FILE,
    lambda: secrets.token_urlsafe(32).encode(),
    _is_session_key,
    "delete it to make a new one (everyone signs in again), or set AUTH_SECRET",
)


def storage_secret(settings: Settings) -> str:
    """``AUTH_SECRET``, else a random one kept in the data dir (owner-only)."""
    return load_or_create_key(settings.data_dir, settings.auth_secret, AUTH_KEY).decode()


def session_cookie(settings: Settings) -> dict[str, Any]:
    """The browser's session cookie (SEC-5): HttpOnly (Starlette's default), SameSite=Lax, Secure
    when the public URL is https, and as long-lived as a session."""
    return {
        "same_site": "lax",
        "https_only": settings.public_url.startswith("https://"),
        "max_age": settings.session_days * 86400,
    }


def setup(settings: Settings, manager: pluggy.PluginManager, *, login: bool) -> Workspace:
    """Register the workspace's pages, API and lifecycle on NiceGUI's app."""
    from oz_app.workspace import agent_api, pages

    workspace = Workspace(settings, manager, login=login)
    app.add_middleware(ApiMount, api=build_api(workspace.plane), ready=workspace.ready)
    app.add_middleware(SecurityHeaders)
    app.on_startup(workspace.start)
    app.on_shutdown(workspace.stop)
    app.include_router(agent_api.build_router(workspace))
    pages.register(workspace, manager)
    return workspace


def prepare(settings: Settings, manager: pluggy.PluginManager, *, login: bool) -> tuple[Workspace, str]:
    """Everything that can stop the start, done before NiceGUI listens (SEC-11): the data dir,
    the key files, the pages, and the database opened and migrated (then closed again: NiceGUI
    serves in an event loop of its own). Returns the workspace and the session secret."""
    prepare_data_dir(settings.data_dir)
    secret = storage_secret(settings)
    workspace = setup(settings, manager, login=login)

    async def open_database(_started: Callable[[], None]) -> None:
        await db.connect(settings.database_url)
        await db.close()

    startup.run(open_database)
    return workspace, secret


def serve(workspace: Workspace, secret: str, *, native: bool, browser: bool = False) -> None:
    """Serve the workspace until stopped (a window's close or Ctrl-C/SIGTERM); a start that
    failed once listening is raised here. ``browser``: open it in the user's browser once listening."""

    def stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    # uvicorn re-raises the signal it stopped for; as SystemExit the process unwinds normally and
    # the native window's child process is shut down with it instead of being orphaned.
    signal.signal(signal.SIGTERM, stop)
    options: dict[str, Any] = {"window_size": (1280, 860)} if native else {}
    settings = workspace.settings
    ui.run(
        host=settings.host,
        port=settings.port,
        native=native,
        title="oz-app",
        reload=False,
        show=browser,
        storage_secret=secret,
        session_middleware_kwargs=session_cookie(settings),
        # the client address is the socket's; X-Forwarded-For counts only from OZ_TRUSTED_PROXIES (SEC-8)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        show_welcome_message=False,
        uvicorn_logging_level="warning",
        **options,
    )
    if workspace.failure is not None:
        raise workspace.failure
