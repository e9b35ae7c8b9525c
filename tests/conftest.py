"""Shared fixtures.

The database the suite runs against is chosen by ``OZ_TEST_DATABASE`` (``sqlite``, the
default, or ``postgres``); PostgreSQL is reached at ``OZ_TEST_POSTGRES_URL``. Every server
gets a fresh database. Where PostgreSQL is needed but missing, tests skip on a laptop and fail
in CI (``CI=true``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import answers_seen

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE = os.environ.get("OZ_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("OZ_TEST_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres")
ADMIN_KEY = "test-admin-key-" + secrets.token_hex(8)


def pytest_configure(config: pytest.Config) -> None:
    answers_seen.start()  # CP-14: the document must list every answer the tests see


def pytest_sessionfinish(session: pytest.Session) -> None:
    answers_seen.check(session)


def missing(reason: str) -> None:
    """Skip on a developer machine, fail in CI: CI must have every dependency."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def _postgres_admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    # on a thread of its own: async tests call this from inside their running event loop
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def postgres_available() -> bool:
    try:
        _postgres_admin("SELECT 1")
    except Exception:
        return False
    return True


def new_postgres_database() -> str:
    """Create an empty PostgreSQL database and return its URL (skips/fails if unreachable)."""
    name = f"oz_test_{uuid.uuid4().hex[:12]}"
    try:
        _postgres_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        missing(f"PostgreSQL is not reachable at OZ_TEST_POSTGRES_URL: {exc}")
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    try:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:
        pass


def new_database_url(tmp: Path, dialect: str = TEST_DATABASE) -> str:
    if dialect == "postgres":
        return new_postgres_database()
    return f"sqlite://{tmp / 'oz.db'}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A real ``oz-app --headless --control-plane`` process."""

    url: str
    data_dir: Path
    database_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return self.url + "/api/v1"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int | None = None) -> int:
        if self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(
    data_dir: Path,
    database_url: str,
    env: dict[str, str] | None = None,
    timeout: float = 20,
    port: int | None = None,
    part: str = "--control-plane",
) -> Server:
    """Start the control plane (or, ``part="--workspace"``, the headless workspace with its
    control plane) on ``port``, else a free one, and wait until ``/health`` answers 200."""
    port = port or free_port()
    full_env = {
        # PYTEST_CURRENT_TEST would make NiceGUI's ui.run behave as under its own test fixtures
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL", "PYTEST_", "NICEGUI_"))},
        "OZ_ADMIN_API_KEY": ADMIN_KEY,
        "DATABASE_URL": database_url,
        "OZ_LOG_FORMAT": "json",
        "OZ_CONFIG_FILE": "",
        **(env or {}),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "oz_app.cli", "--headless"]
            + ([] if part == "--workspace" else [part])
            + ["--port", str(port), "--data-dir", str(data_dir)],
            env=full_env,
            cwd=data_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", data_dir, database_url, full_env, process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the control plane exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(server.url + "/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"the control plane did not become healthy:\n{server.log()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One control plane for the session; tests isolate themselves with their own tokens."""
    data_dir = tmp_path_factory.mktemp("control-plane")
    url = new_database_url(data_dir)
    srv = start_server(data_dir, url)
    yield srv
    srv.stop()
    if TEST_DATABASE == "postgres":
        drop_postgres_database(url)


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Any]:
    """Start extra control planes with their own environment; all stopped after the test."""
    started: list[Server] = []
    urls: list[str] = []

    def make(
        env: dict[str, str] | None = None,
        database_url: str | None = None,
        data_dir: Path | None = None,
        port: int | None = None,
    ) -> Server:
        if database_url is None:
            database_url = new_database_url(tmp_path)
            urls.append(database_url)
        srv = start_server(data_dir or tmp_path / f"data-{len(started)}", database_url, env, port=port)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()
    for url in urls:
        if url.startswith("postgres"):
            drop_postgres_database(url)


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[Any]:
    """Make empty databases (``new_database()`` or ``new_database("postgres")``), dropped after the test."""
    urls: list[str] = []

    def make(dialect: str = TEST_DATABASE) -> str:
        folder = tmp_path / f"db-{len(urls)}"
        folder.mkdir()
        urls.append(new_database_url(folder, dialect))
        return urls[-1]

    yield make
    for url in urls:
        if url.startswith("postgres"):
            drop_postgres_database(url)


@pytest.fixture
async def database(new_database: Any) -> AsyncIterator[None]:
    """An empty database of the suite's dialect, open for the test (closed even when it fails)."""
    from oz_app import db

    await db.connect(new_database())
    try:
        yield
    finally:
        await db.close()


@pytest.fixture
def token() -> str:
    """A fresh tenant token: each test sees only its own runs and environments."""
    return "tenant-" + secrets.token_hex(12)


def sdk(server: Server, api_key: str) -> Any:
    from oz_agent_sdk import OzAPI

    return OzAPI(api_key=api_key, base_url=server.api, max_retries=0, timeout=10)


def async_sdk(server: Server, api_key: str) -> Any:
    from oz_agent_sdk import AsyncOzAPI

    return AsyncOzAPI(api_key=api_key, base_url=server.api, max_retries=0, timeout=10)


async def eventually(predicate: Callable[[], Any], within: float = 10) -> Any:
    """Poll an async or sync predicate until it holds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


def wait_for(predicate: Any, timeout: float = 10, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(interval)


def follow_events(server: Server, token: str, run_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Read a run's server-sent events from ``server`` until the stream ends: [(event, data)]."""
    received: list[tuple[str, dict[str, Any]]] = []
    event = ""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", f"{server.api}/agent/runs/{run_id}/events", headers=headers, timeout=20) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                received.append((event, json.loads(line.removeprefix("data: "))))
    return received


def openai_provider_env(fake: Any, **settings: str) -> dict[str, str]:
    """Settings of a provider ``primary`` (the default) answered by the OpenAI-compatible ``fake``."""
    return {
        "OZ_PROVIDER_PRIMARY_TYPE": "openai_compatible",
        "OZ_PROVIDER_PRIMARY_BASE_URL": fake.url,
        "OZ_PROVIDER_PRIMARY_MODEL": "primary-model",
        "OZ_PROVIDER_PRIMARY_API_KEY": "sk-" + secrets.token_hex(8),
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_SHUTDOWN_GRACE_SECONDS": "1",
        **settings,
    }


def two_servers(make_server: Any, tmp_path: Path, env: dict[str, str]) -> tuple[Server, Server]:
    """Control planes A and B on one new database (dropped after both have stopped)."""
    first = make_server(env, data_dir=tmp_path / "a")
    return first, make_server(env, database_url=first.database_url, data_dir=tmp_path / "b")


@asynccontextmanager
async def in_process_app(tmp_path: Path, manager: Any, **env: str) -> AsyncIterator[Any]:
    """The control plane app in this process (for tests that register plugins in a fixture)."""
    from oz_app.config import load_settings
    from oz_app.control_plane.app import create_app

    database_url = new_database_url(tmp_path)
    settings = load_settings(
        {"OZ_ADMIN_API_KEY": ADMIN_KEY, "DATABASE_URL": database_url, "OZ_CONFIG_FILE": "", **env},
        data_dir=str(tmp_path),
    )
    app = create_app(settings, manager)
    try:
        async with app.router.lifespan_context(app):
            yield app
    finally:
        if database_url.startswith("postgres"):
            drop_postgres_database(database_url)


def install_plugins(site: Path, plugins: dict[str, str], dist: str = "oz_test_plugins") -> Path:
    """Write ``{entry point name: module source}`` as an installed distribution under ``site``.

    Each module is named after its entry point and registered under the ``oz_app`` group, exactly
    as ``pip install`` would; put ``site`` on ``sys.path`` or ``PYTHONPATH`` to load them.
    """
    dist_info = site / f"{dist}-0.1.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist.replace('_', '-')}\nVersion: 0.1\n")
    lines = [f"{name} = {name}" for name in plugins]
    (dist_info / "entry_points.txt").write_text("[oz_app]\n" + "\n".join(lines) + "\n")
    for name, source in plugins.items():
        (site / f"{name}.py").write_text(source)
    return site


# A provider for tests: streams OZ_TEST_CHUNKS chunks, OZ_TEST_DELAY seconds apart, and appends
# "start <run>" / "stop <run>" / "done <run>" to OZ_TEST_EVENTS so tests can count executions.
SCRIPTED_PROVIDER = """
import asyncio, os
from oz_app.hookspecs import hookimpl


def _note(line):
    with open(os.environ["OZ_TEST_EVENTS"], "a") as handle:
        handle.write(line + "\\n")


class Scripted:
    def __init__(self, settings):
        self.settings = settings

    async def stream(self, request):
        _note(f"start {request.run_id}")
        try:
            for index in range(int(os.environ.get("OZ_TEST_CHUNKS", "3"))):
                await asyncio.sleep(float(os.environ.get("OZ_TEST_DELAY", "0")))
                yield f"chunk{index} "
        except BaseException:
            _note(f"stop {request.run_id}")
            raise
        _note(f"done {request.run_id}")


@hookimpl
def oz_register_providers(register):
    register("scripted", Scripted)
"""


def scripted_provider_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """Environment for a control plane whose default provider is the scripted test provider."""
    site = install_plugins(tmp_path / "site", {"oz_test_scripted": SCRIPTED_PROVIDER})
    events = tmp_path / "events.txt"
    events.touch()
    return {
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "OZ_PROVIDER_TEST_TYPE": "scripted",
        "OZ_DEFAULT_PROVIDER": "test",
        "OZ_TEST_EVENTS": str(events),
        **settings,
    }


def events(env: dict[str, str]) -> list[str]:
    return Path(env["OZ_TEST_EVENTS"]).read_text().split("\n")[:-1]


class Mounts:
    """tmpfs mounts made by a test, unmounted after it; a test skips where mounting is refused."""

    def __init__(self) -> None:
        self.points: list[Path] = []

    def tmpfs(self, point: Path, size: str) -> Path:
        point.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(point)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"a small disk for this test needs mounting a tmpfs, refused here: {done.stderr.strip()}")
        self.points.append(point)
        return point

    def read_only(self, point: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


@pytest.fixture
def mounts() -> Iterator[Mounts]:
    made = Mounts()
    yield made
    for point in reversed(made.points):
        subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until its disk is full."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:  # unbuffered: nothing is left to fail at close
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler
