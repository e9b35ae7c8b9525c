"""``oz-app``: which parts start is decided here, and nothing else (CL-1..CL-5)."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NoReturn

from oz_app import __version__, startup
from oz_app.config import ConfigError, Settings, load_settings, validate_for_control_plane
from oz_app.startup import describe_database


class _Parser(argparse.ArgumentParser):
    """Reports a bad flag in one sentence instead of the usage block (CL-5)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}; see '{self.prog} --help'.\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="oz-app",
        description="Self-hosted workspace, control plane and workers for AI coding agents.",
        epilog="Commands: 'oz-app plugins' lists plugins and their hooks; 'oz-app providers check' checks "
        "every configured provider; 'oz-app db upgrade' applies migrations; 'oz-app doctor' checks the setup "
        "(add --worker ID on a worker host, --server URL for its socket).",
    )
    parser.add_argument(
        "command", nargs="*", help="plugins | providers check | db upgrade | doctor (default: start the app)"
    )
    parser.add_argument("--headless", action="store_true", help="serve in the background instead of opening a window")
    parser.add_argument("--control-plane", action="store_true", help="serve only the Oz REST API (with --headless)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8080)")
    parser.add_argument("--data-dir", help="where the SQLite database, secret key and other state live (OZ_DATA_DIR)")
    parser.add_argument(
        "--login", action="store_true", help="require sign-in even on loopback (always on beyond loopback)"
    )
    parser.add_argument("--worker", metavar="ID", help="run as a worker with this id, executing runs in containers")
    parser.add_argument(
        "--server", help="control plane the worker connects to (default OZ_WS_URL or http://127.0.0.1:8080)"
    )
    parser.add_argument(
        "--max-concurrent-runs", type=int, default=4, metavar="N", help="runs a worker executes at once"
    )
    parser.add_argument("--json", action="store_true", help="doctor: print the checks as JSON")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="doctor: seconds each check may take")
    parser.add_argument(
        "--metrics-port", type=int, metavar="N", help="a worker serves Prometheus metrics on this port (OZ_HOST)"
    )
    parser.add_argument("--version", action="version", version=f"oz-app {__version__}")
    return parser


def _fail(message: str) -> int:
    print(f"oz-app: {message}", file=sys.stderr)
    return 2


def _plugin_manager(settings: Settings) -> tuple[Any, Any]:
    from oz_app.plugins import load_entry_points, new_manager

    manager = new_manager()
    report = load_entry_points(manager, settings.load_plugins, settings.disable_plugins)
    return manager, report


def _serve_control_plane(settings: Settings) -> int:
    """Open everything (data dir, secret key, database) before a request is answered, then serve."""
    import uvicorn

    from oz_app import db
    from oz_app.control_plane.app import ControlPlane, build_api
    from oz_app.storage import prepare_data_dir

    prepare_data_dir(settings.data_dir)
    manager, _ = _plugin_manager(settings)
    plane = ControlPlane(settings, manager)
    try:
        sock = socket.create_server((settings.host, settings.port), reuse_port=False)
    except OSError as exc:
        return _fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}.")
    # create_server() leaves the socket's proto at 0, and asyncio turns Nagle off
    # (TCP_NODELAY) only on accepted sockets whose proto is IPPROTO_TCP; without this every
    # keep-alive response waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        build_api(plane), log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=30
    )
    server = uvicorn.Server(config)

    async def serve(started: Callable[[], None]) -> None:
        try:
            await plane.start()
        except BaseException:
            await db.close()
            raise
        started()
        print(
            f"oz-app control plane listening on http://{host}:{port} "
            f"(data: {settings.data_dir}, database: {describe_database(settings)}); {_tenants(settings)}",
            flush=True,
        )
        try:
            await server.serve(sockets=[sock])
        finally:
            await plane.stop()

    # The plane starts in the serving loop (uvloop when installed, as uvicorn.run would pick);
    # uvicorn's lifespan would report a failed start as a traceback.
    startup.run(serve, config.get_loop_factory())
    return 0 if server.started else 1


def _tenants(settings: Settings) -> str:
    """Which bearer tokens the control plane takes, for its start line (SEC-4)."""
    if settings.tenant_tokens == "issued":
        return "only tokens the admin issued are accepted (OZ_TENANT_TOKENS=issued)"
    return "any bearer token is a tenant of its own (OZ_TENANT_TOKENS=issued to accept only issued tokens)"


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


DESKTOP_HINT = 'For the desktop window instead of the browser: pip install "oz-app[desktop]"'


def _desktop_problem() -> str | None:
    """Why a desktop window cannot open here (one sentence), else None; picks pywebview's Qt
    backend (the LGPL PySide6 binding of the ``desktop`` extra)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "there is no display for the desktop window (DISPLAY is not set); use 'oz-app --headless' and a browser."
    os.environ.setdefault("PYWEBVIEW_GUI", "qt")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Qt's browser engine refuses to run as root in its sandbox
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    return None


def _has_desktop() -> bool:
    """Whether the ``desktop`` extra (pywebview, which draws the window) is installed (UX-11)."""
    try:
        import webview  # noqa: F401
    except ImportError:
        return False
    return True


def _serve_workspace(settings: Settings, *, native: bool, login: bool, any_port: bool) -> int:
    """The workspace with the control plane in-process: a desktop window (without the ``desktop``
    extra, the user's browser), or the web UI headless. The in-process API needs no admin key
    (without one it simply has no admin); a window or browser takes any free port unless
    ``--port`` names one."""
    try:
        validate_for_control_plane(replace(settings, allow_no_admin_key=True))
    except ConfigError as exc:
        return _fail(" ".join(exc.problems))
    browser = False
    if native:
        problem = _desktop_problem()
        if problem:
            return _fail(problem)
        browser = not _has_desktop()  # without the desktop extra: the user's browser (UX-11)
        native = not browser
    if any_port:
        with socket.socket() as probe:
            probe.bind((settings.host, 0))
            settings = replace(settings, port=probe.getsockname()[1])
    try:
        socket.create_server((settings.host, settings.port)).close()
    except OSError as exc:
        return _fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}.")
    # NiceGUI keeps each browser's session storage in NICEGUI_STORAGE_PATH (read when it is
    # imported; default ".nicegui" in whatever folder oz-app was started from): keep it with the data.
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.data_dir / "nicegui"))
    from oz_app.runners import RunnerError
    from oz_app.workspace.app import prepare, serve

    manager, _ = _plugin_manager(settings)
    try:
        workspace, secret = prepare(settings, manager, login=login)
    except RunnerError as exc:  # e.g. OZ_RUNNER_MODE=remote without its URL and key
        return _fail(str(exc))
    where = f"http://{settings.host}:{settings.port}" + (" in a desktop window" if native else "")
    where += " in your browser" if browser else ""
    database = describe_database(settings)
    print(f"oz-app workspace on {where} (data: {settings.data_dir}, database: {database})", flush=True)
    if browser:
        print(DESKTOP_HINT, flush=True)
    serve(workspace, secret, native=native, browser=browser)
    return 0


def _plugins_command(settings: Settings) -> int:
    from oz_app.plugins import describe

    manager, report = _plugin_manager(settings)
    rows = describe(manager)
    if not rows:
        print("No plugins loaded.")
    for name, hooks in rows:
        print(f"{name}: {', '.join(hooks) or '(no hooks)'}")
    for name, reason in report.skipped.items():
        print(f"{name}: skipped ({reason})")
    for name, error in report.broken.items():
        print(f"{name}: BROKEN, not loaded ({error})")
    return 0


def _providers_check(settings: Settings) -> int:
    """One line per configured provider, ok or what failed; status 1 when any failed (PR-8)."""
    from oz_app.control_plane.provider_config import check_configured
    from oz_app.plugins import collect

    manager, _ = _plugin_manager(settings)
    provider_types = collect(manager, "oz_register_providers", "provider type")
    results = asyncio.run(check_configured(settings, provider_types))
    if not results:
        print("No provider configured: set OZ_PROVIDER_<KEY>_TYPE (and its _MODEL, _BASE_URL, _API_KEY).")
        return 1
    for name, works, detail in results:
        print(f"{'ok  ' if works else 'FAIL'}  {name}: {detail}")
    return 0 if all(works for _, works, _ in results) else 1


def _db_upgrade(settings: Settings) -> int:
    from oz_app import db
    from oz_app.storage import prepare_data_dir

    if db.sqlite_path(settings.database_url) == settings.data_dir / "oz.db":
        prepare_data_dir(settings.data_dir)

    async def upgrade(_started: Callable[[], None]) -> list[str]:
        await db.connect(settings.database_url, migrate=False)
        try:
            return await db.upgrade(settings.database_url)
        finally:
            await db.close()

    applied = startup.run(upgrade)
    print(f"Applied: {', '.join(applied)}" if applied else "The database is up to date.")
    return 0


def _run_worker(
    settings: Settings, worker_id: str, server: str | None, max_runs: int, metrics_port: int | None = None
) -> int:
    from oz_app.worker import DEFAULT_SERVER, run_worker

    if not settings.api_key:
        return _fail("OZ_API_KEY is not set: set it to the control plane's admin API key to run a worker.")
    if max_runs < 1:
        return _fail(f"--max-concurrent-runs must be at least 1, not {max_runs}.")
    manager, _ = _plugin_manager(settings)
    server_url = server or settings.ws_url or DEFAULT_SERVER
    return asyncio.run(run_worker(settings, worker_id, server_url, manager, max_runs, metrics_port))


def _doctor(args: argparse.Namespace) -> int:
    """``oz-app doctor``: a line per check of what this setup needs; 0 when all pass, 1 when any
    fails (OPS-3). ``--worker ID`` checks a worker host (Docker), ``--server`` its socket."""
    from oz_app import doctor
    from oz_app.logging import setup_logging

    if args.timeout is not None and not args.timeout > 0:
        return _fail(f"--timeout must be a positive number of seconds, not {args.timeout:g}.")
    setup_logging("ERROR", "text")  # the report is the output; plugins' chatter stays out of it
    options = doctor.Options(args.data_dir, args.worker, args.server, args.timeout or doctor.DEFAULT_TIMEOUT)
    try:
        report = doctor.run(options)
    except KeyboardInterrupt:
        return 1
    print(doctor.as_json(report) if args.json else doctor.as_text(report), flush=True)
    code = 0 if report.passed else 1
    if report.abandoned:  # a timed-out call still blocks a thread, which Python would wait for
        sys.stderr.flush()
        os._exit(code)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oz-app``: any problem while starting ends here as one sentence and status 2, and
    Ctrl-C or SIGTERM before the start is complete end it quietly with status 0 (SEC-11)."""
    args = _parser().parse_args(argv)
    if args.command == ["doctor"]:  # before the settings: doctor reports what does not load
        return _doctor(args)
    try:
        settings = load_settings(data_dir=args.data_dir, host=args.host, port=args.port)
    except ConfigError as exc:
        return _fail(" ".join(exc.problems))
    from loguru import logger

    from oz_app.logging import setup_logging

    setup_logging(settings.log_level, settings.log_format)
    try:
        return _dispatch(args, settings)
    except (startup.Interrupted, KeyboardInterrupt):
        return 0
    except ConfigError as exc:
        return _fail(" ".join(exc.problems))
    except Exception as exc:
        logger.opt(exception=exc).debug("oz-app could not start")
        return _fail(startup.explain(exc, settings))


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = list(args.command)
    if command == ["plugins"]:
        return _plugins_command(settings)
    if command == ["db", "upgrade"]:
        return _db_upgrade(settings)
    if command == ["providers", "check"]:
        return _providers_check(settings)
    if command:
        return _fail(
            f"unknown command {' '.join(command)!r}; use 'plugins', 'providers check', 'db upgrade' or 'doctor'."
        )
    if args.metrics_port is not None and not args.worker:
        return _fail("--metrics-port is for a worker (--worker ID); a control plane serves /metrics on its port.")
    if args.worker:
        return _run_worker(settings, args.worker, args.server, args.max_concurrent_runs, args.metrics_port)
    if args.headless and args.control_plane:
        validate_for_control_plane(settings)
        return _serve_control_plane(settings)
    if args.control_plane:
        return _fail("--control-plane runs headless: use 'oz-app --headless --control-plane'.")
    native = not args.headless
    login = args.login or not _is_loopback(settings.host)
    return _serve_workspace(settings, native=native, login=login, any_port=native and args.port is None)


if __name__ == "__main__":
    sys.exit(main())
