"""Files and start-up of a team server, run as an operator would (SEC-10, SEC-11, SEC-12).

Every test starts real ``oz-app`` processes on real folders: a damaged database, a read-only
or full disk (a small tmpfs, mounted when this runs as root; those tests skip otherwise), an
unreachable or refusing PostgreSQL, a config file with a value of the wrong type.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from cryptography.fernet import Fernet

from oz_app.db import POSTGRES_CONNECT_TIMEOUT
from tests.conftest import ADMIN_KEY, POSTGRES_URL, Mounts, fill, free_port, missing, postgres_available, wait_for
from tests.fake_llm import FakeOpenAI

REPO = Path(__file__).resolve().parent.parent
ENDS_WITHIN = 15.0  # seconds a refused start may take, on a busy 2-core machine
COMMANDS = {
    "workspace": ["--headless", "--port", "0"],
    "control plane": ["--headless", "--control-plane", "--port", "0"],
    "db upgrade": ["db", "upgrade"],
}
SERVERS = ["workspace", "control plane"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without oz-app's settings or pytest's markers (NiceGUI reads those), no
    config file, the admin key set, plus ``extra``."""
    stripped = ("OZ_", "DATABASE_URL", "AUTH_SECRET", "AGENT_API_KEY", "PYTEST_", "NICEGUI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(stripped)}
    return env | {"OZ_CONFIG_FILE": "", "OZ_ADMIN_API_KEY": ADMIN_KEY, "OZ_LOG_FORMAT": "json"} | extra


@dataclass
class Refusal:
    status: int
    stdout: str
    stderr: str
    seconds: float


def start(command: str, data_dir: Path, env: dict[str, str] | None = None) -> Refusal:
    """Run ``oz-app`` (one of :data:`COMMANDS`) on ``data_dir`` to its end."""
    began = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "oz_app.cli", *COMMANDS[command], "--data-dir", str(data_dir)],
            env=env or clean_env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"oz-app {command} was still running after 60 s: {exc.stderr!r}")
    return Refusal(done.returncode, done.stdout, done.stderr, time.monotonic() - began)


def assert_refused(refusal: Refusal, *expected: str, within: float = ENDS_WITHIN) -> str:
    """Status 2 within seconds, one line on stderr starting ``oz-app: ``, no traceback."""
    assert refusal.status == 2, refusal
    assert "Traceback" not in refusal.stdout + refusal.stderr, refusal.stderr
    lines = refusal.stderr.splitlines()
    assert len(lines) == 1, refusal.stderr
    assert lines[0].startswith("oz-app: "), lines[0]
    assert refusal.seconds < within, refusal
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True)
    return path


def write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a valid, migrated SQLite database, made by ``oz-app db upgrade``."""
    data_dir = tmp_path_factory.mktemp("template")
    done = start("db upgrade", data_dir)
    assert done.status == 0, done
    return (data_dir / "oz.db").read_bytes()


# ---------------------------------------------------------------------------------------------
# SEC-11: a start that cannot succeed ends within seconds, in one sentence, with status 2
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_database_is_named_not_served(tmp_path: Path, command: str, migrated_db: bytes) -> None:
    """SEC-11: a database file of random bytes, or a valid one cut to half its size, stops every
    start with one sentence naming the file; nothing listens, nothing hangs."""
    for name, content in [("random", os.urandom(16384)), ("truncated", migrated_db[: len(migrated_db) // 2])]:
        data_dir = private_dir(tmp_path / name)
        write_private(data_dir / "oz.db", content)
        message = assert_refused(start(command, data_dir), str(data_dir / "oz.db"), "damaged", "restore it")
        assert (data_dir / "oz.db").read_bytes() == content, message


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path, command: str) -> None:
    """SEC-11: ``--data-dir`` naming a file says so, and the file is left as it was."""
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine")
    assert_refused(start(command, not_a_folder), str(not_a_folder), "is a file, not a folder")
    assert not_a_folder.read_text() == "mine"


@pytest.mark.parametrize("command", SERVERS)
@pytest.mark.parametrize("content", [b"", b"not a fernet key\n"], ids=["empty", "damaged"])
def test_a_damaged_secret_key_is_never_replaced(tmp_path: Path, command: str, content: bytes) -> None:
    """SEC-11: an empty or damaged ``secret.key`` stops the start saying which file and what to
    do; it is not replaced by a new key, which would lose every stored secret."""
    data_dir = private_dir(tmp_path / "data")
    write_private(data_dir / "secret.key", content)
    assert_refused(start(command, data_dir), str(data_dir / "secret.key"), "restore it from your backup")
    assert (data_dir / "secret.key").read_bytes() == content


@pytest.mark.parametrize("content", [b"", os.urandom(48)], ids=["empty", "damaged"])
def test_a_damaged_auth_key_is_never_replaced(tmp_path: Path, content: bytes) -> None:
    """SEC-11: the workspace's ``auth.key`` empty or damaged stops the start, naming the file and
    the way out (delete it, or set AUTH_SECRET); the file is left as it was."""
    data_dir = private_dir(tmp_path / "data")
    write_private(data_dir / "auth.key", content)
    assert_refused(start("workspace", data_dir), str(data_dir / "auth.key"), "AUTH_SECRET")
    assert (data_dir / "auth.key").read_bytes() == content


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_data_dir_is_refused(tmp_path: Path, command: str, mounts: Mounts) -> None:
    """SEC-11: a data dir on a read-only disk (a tmpfs remounted read-only; as a user without root,
    a folder without write permission) stops the start with one sentence."""
    data_dir = tmp_path / "data"
    if os.geteuid() == 0:
        mounts.tmpfs(data_dir, "4m")
        assert start("db upgrade", data_dir).status == 0
        mounts.read_only(data_dir)
    else:
        private_dir(data_dir)
        assert start("db upgrade", data_dir).status == 0
        data_dir.chmod(0o500)
    assert_refused(start(command, data_dir), str(data_dir), "cannot write")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_is_refused_and_leaves_no_empty_key(tmp_path: Path, command: str, mounts: Mounts) -> None:
    """SEC-10, SEC-11: on a full disk the start stops with one sentence saying so, and no empty or
    partial key file is left behind; once there is room the same data dir starts."""
    data_dir = mounts.tmpfs(tmp_path / "data", "64k")
    filler = fill(data_dir)
    assert_refused(start(command, data_dir), f"the disk holding {data_dir} is full")
    assert sorted(path.name for path in data_dir.iterdir()) == ["filler"]

    filler.unlink()
    small = mounts.tmpfs(tmp_path / "small", "128k")  # room for a key, not for the database
    assert_refused(start(command, small), f"the disk holding {small} is full")
    key = small / "secret.key"
    assert not key.exists() or Fernet(key.read_bytes())  # whole, or not there at all


@pytest.mark.parametrize("command", COMMANDS)
def test_postgresql_that_cannot_be_reached_is_named(tmp_path: Path, command: str) -> None:
    """SEC-11: a ``DATABASE_URL`` whose port has nothing listening stops the start in one sentence."""
    url = f"postgres://oz:pw@127.0.0.1:{free_port()}/oz"
    refusal = start(command, private_dir(tmp_path / "data"), clean_env(DATABASE_URL=url))
    assert_refused(refusal, "cannot reach the database", "connection refused", "DATABASE_URL")


@pytest.mark.parametrize("command", COMMANDS)
def test_postgresql_refusing_the_password_is_named(tmp_path: Path, command: str) -> None:
    """SEC-11: PostgreSQL refusing the password of ``DATABASE_URL`` stops the start in one sentence."""
    if not postgres_available():
        missing("PostgreSQL is not reachable at OZ_TEST_POSTGRES_URL")
    parts = urlsplit(POSTGRES_URL)
    netloc = f"{parts.username}:wrong-{secrets.token_hex(4)}@{parts.hostname}:{parts.port or 5432}"
    url = urlunsplit(parts._replace(netloc=netloc))
    refusal = start(command, private_dir(tmp_path / "data"), clean_env(DATABASE_URL=url))
    assert_refused(refusal, "refused the user name or password in DATABASE_URL")


@pytest.fixture
def silent_postgres() -> Iterator[str]:
    """A PostgreSQL URL whose server accepts connections and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"postgres://oz:pw@127.0.0.1:{server.getsockname()[1]}/oz"


def test_postgresql_that_never_answers_stops_the_start_in_seconds(tmp_path: Path, silent_postgres: str) -> None:
    """SEC-11: a PostgreSQL server that accepts the connection but never answers is given 10 s,
    then the start stops in one sentence (asyncpg alone would wait a minute)."""
    refusal = start("control plane", private_dir(tmp_path / "data"), clean_env(DATABASE_URL=silent_postgres))
    assert_refused(refusal, "cannot reach the database", "did not answer in time", within=POSTGRES_CONNECT_TIMEOUT + 8)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_sigterm_or_ctrl_c_stop_a_start_that_waits(tmp_path: Path, command: str, stop_signal: int) -> None:
    """SEC-11: while the start waits for a database that does not answer, SIGTERM or Ctrl-C end
    the process at once, quietly, with status 0."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(30)
        url = f"postgres://oz:pw@127.0.0.1:{server.getsockname()[1]}/oz"
        process = subprocess.Popen(
            [sys.executable, "-m", "oz_app.cli", *COMMANDS[command], "--data-dir", str(tmp_path / "data")],
            env=clean_env(DATABASE_URL=url),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            connection, _ = server.accept()  # oz-app now waits for the database's answer
            with connection:
                began = time.monotonic()
                process.send_signal(stop_signal)
                stdout, stderr = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert time.monotonic() - began < 5
    assert process.returncode == 0, stderr
    assert "Traceback" not in stdout + stderr
    assert stderr == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_a_config_file_value_of_the_wrong_type_is_named(tmp_path: Path, command: str) -> None:
    """SEC-11: a value of the wrong TOML type in the config file (a table for the admin key, an
    array for a number of seconds, a number for a flag) is refused naming the setting and the type it needs."""
    config = tmp_path / "config.toml"
    config.write_text("OZ_ADMIN_API_KEY = { x = 1 }\nOZ_LEASE_SECONDS = [30]\nOZ_QUEUE_ON_SATURATION = 1\n")
    env = clean_env(OZ_CONFIG_FILE=str(config))
    del env["OZ_ADMIN_API_KEY"]
    data_dir = tmp_path / "data"
    message = assert_refused(start(command, data_dir, env))
    assert f"OZ_ADMIN_API_KEY in {config} must be a string, not a table." in message
    assert f"OZ_LEASE_SECONDS in {config} must be a whole number, not an array." in message
    assert f"OZ_QUEUE_ON_SATURATION in {config} must be true or false, not a whole number." in message
    assert not data_dir.exists()


def test_every_setting_read_from_the_file_is_type_checked(tmp_path: Path) -> None:
    """SEC-11: numbers, flags and strings in the config file each accept their TOML type (and a
    string, as in the environment), and refuse the others; the environment still wins."""
    from oz_app.config import ConfigError, load_settings

    config = tmp_path / "config.toml"
    config.write_text(
        'OZ_PORT = 9000\nOZ_PROVIDER_IDLE_TIMEOUT = 1.5\nOZ_QUEUE_ON_SATURATION = true\nOZ_LEASE_SECONDS = "40"\n'
        'OZ_PROVIDER_X_TYPE = "cli"\nOZ_PROVIDER_X_MSG_LIMIT = 3\n'
    )
    settings = load_settings({"OZ_CONFIG_FILE": str(config)}, data_dir=str(tmp_path))
    assert (settings.port, settings.provider_idle_timeout, settings.queue_on_saturation) == (9000, 1.5, True)
    assert (settings.lease_seconds, settings.providers["x"].msg_limit) == (40, 3)

    config.write_text(
        "OZ_LEASE_SECONDS = 2.5\nOZ_PROVIDER_IDLE_TIMEOUT = true\nOZ_PROVIDER_X_MODEL = 4\n"
        "OZ_LOG_LEVEL = 2026-01-01\nOZ_HOST = { a = 1 }\n"
    )
    with pytest.raises(ConfigError) as refused:
        load_settings({"OZ_CONFIG_FILE": str(config), "OZ_HOST": "0.0.0.0"}, data_dir=str(tmp_path))
    assert sorted(refused.value.problems) == [
        f"OZ_LEASE_SECONDS in {config} must be a whole number, not a decimal number.",
        f"OZ_LOG_LEVEL in {config} must be a string, not a date or time.",
        f"OZ_PROVIDER_IDLE_TIMEOUT in {config} must be a number, not true or false.",
        f"OZ_PROVIDER_X_MODEL in {config} must be a string, not a whole number.",
    ]


# ---------------------------------------------------------------------------------------------
# SEC-10: owner-only files, tightened when found open, keys written whole
# ---------------------------------------------------------------------------------------------


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


Serve = Callable[..., Running]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start the workspace or the control plane on ``data_dir`` (umask 000 unless told) until healthy."""
    started: list[Running] = []

    def run(command: str, data_dir: Path, umask: int = 0, env: dict[str, str] | None = None) -> Running:
        port = free_port()
        args = [a if a != "0" else str(port) for a in COMMANDS[command]]
        log_path = tmp_path / f"{command.replace(' ', '-')}-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "oz_app.cli", *args, "--data-dir", str(data_dir)],
                env=env or clean_env(),
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
                umask=umask,
            )
        running = Running(process, f"http://127.0.0.1:{port}", log_path)
        started.append(running)

        def healthy() -> bool:
            assert process.poll() is None, running.log()
            try:
                return httpx.get(running.url + "/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, timeout=60, interval=0.1)
        return running

    yield run
    for running in started:
        if running.process.poll() is None:
            running.stop()


@pytest.mark.parametrize("command", SERVERS)
def test_new_files_are_owner_only_whatever_the_umask(tmp_path: Path, command: str, serve: Serve) -> None:
    """SEC-10: started with umask 000, the data dir is 0700 and the database (with its -wal and
    -shm), secret.key and the workspace's auth.key are 0600."""
    data_dir = tmp_path / "data"
    running = serve(command, data_dir)
    assert mode(data_dir) == 0o700
    private = ["oz.db", "oz.db-wal", "oz.db-shm", "secret.key"] + (["auth.key"] if command == "workspace" else [])
    for name in private:
        assert mode(data_dir / name) == 0o600, name
    assert not [path.name for path in data_dir.iterdir() if path.name.startswith(".")]  # no temporary files left
    assert running.stop() == 0


def test_open_permissions_are_tightened_at_start_and_logged_once(tmp_path: Path, serve: Serve) -> None:
    """SEC-10: a data dir, database and key file others could read are made owner-only when the
    server starts, with a warning for each; the next start has nothing to tighten or say."""
    data_dir = private_dir(tmp_path / "data")
    assert start("db upgrade", data_dir).status == 0
    (data_dir / "secret.key").write_bytes(Fernet.generate_key())
    for path, wide in [(data_dir, 0o755), (data_dir / "oz.db", 0o644), (data_dir / "secret.key", 0o644)]:
        path.chmod(wide)

    running = serve("control plane", data_dir, umask=0o022)
    assert (mode(data_dir), mode(data_dir / "oz.db"), mode(data_dir / "secret.key")) == (0o700, 0o600, 0o600)
    assert running.stop() == 0
    warnings = [line for line in running.log().splitlines() if "owner-only" in line]
    assert len(warnings) == 3, warnings
    assert any("data dir" in line for line in warnings)

    again = serve("control plane", data_dir, umask=0o022)
    assert again.stop() == 0
    assert "owner-only" not in again.log()


def test_processes_creating_the_key_at_once_all_get_the_same_whole_key(tmp_path: Path) -> None:
    """SEC-10: eight processes creating ``secret.key`` in one data dir at the same moment all end
    with the same, complete key: the file is written aside and linked, never overwritten."""
    data_dir = private_dir(tmp_path / "data")
    code = (
        "import sys; from pathlib import Path; from oz_app.secrets import load_or_create_key; "
        "print(load_or_create_key(Path(sys.argv[1])).decode())"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code, str(data_dir)], stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert keys == {(data_dir / "secret.key").read_text()}
    Fernet(keys.pop().encode())
    assert [path.name for path in data_dir.iterdir()] == ["secret.key"]


# ---------------------------------------------------------------------------------------------
# SEC-12: the disk fills up while the server runs
# ---------------------------------------------------------------------------------------------


def test_a_full_disk_while_running_answers_503_and_recovers(tmp_path: Path, mounts: Mounts, serve: Serve) -> None:
    """SEC-12: when the disk holding the database fills up, /health answers 503 naming the cause
    and creating a run answers 503 in the API's error shape; once space is freed both work again
    without a restart."""
    data_dir = mounts.tmpfs(tmp_path / "data", "16m")
    running = serve("control plane", data_dir)
    token = {"Authorization": "Bearer tenant-" + secrets.token_hex(8)}
    assert httpx.post(running.url + "/api/v1/agent/runs", headers=token, json={"prompt": "hi"}).status_code == 201

    filler = fill(data_dir)
    health = httpx.get(running.url + "/health", timeout=5)
    assert health.status_code == 503
    body = health.json()
    assert (body["ok"], body["db"]) == (False, "full")
    assert f"The disk holding {data_dir} is full" in body["error"]

    refused = httpx.post(running.url + "/api/v1/agent/runs", headers=token, json={"prompt": "x" * 100_000}, timeout=10)
    assert refused.status_code == 503, refused.text
    assert set(refused.json()) == {"error", "request_id"}
    assert "disk holding the database is full" in refused.json()["error"]
    assert refused.json()["request_id"] == refused.headers["x-request-id"]

    filler.unlink()
    assert httpx.get(running.url + "/health", timeout=5).json() == {"ok": True, "db": "ok"}
    created = httpx.post(running.url + "/api/v1/agent/runs", headers=token, json={"prompt": "again"}, timeout=10)
    assert created.status_code == 201, created.text
    assert running.stop() == 0
    assert "Traceback" not in running.log()


def test_a_run_whose_result_cannot_be_saved_says_so(tmp_path: Path, mounts: Mounts, serve: Serve) -> None:
    """SEC-12: the disk fills up while a provider streams a run's answer: the run neither blames
    the provider nor claims its process stopped; once space is freed it ends FAILED saying its
    result could not be saved."""
    llm = FakeOpenAI(words=["x" * 50_000] * 60, delay=0.1)
    try:
        data_dir = mounts.tmpfs(tmp_path / "data", "16m")
        provider = {"OZ_PROVIDER_FAKE_TYPE": "openai_compatible", "OZ_PROVIDER_FAKE_BASE_URL": llm.url}
        running = serve("control plane", data_dir, env=clean_env(**provider, OZ_DEFAULT_PROVIDER="fake"))
        token = {"Authorization": "Bearer tenant-" + secrets.token_hex(8)}
        run_id = httpx.post(running.url + "/api/v1/agent/runs", headers=token, json={"prompt": "hi"}).json()["run_id"]

        def run() -> dict[str, Any]:
            return dict(httpx.get(f"{running.url}/api/v1/agent/runs/{run_id}", headers=token, timeout=5).json())

        wait_for(lambda: run()["state"] == "INPROGRESS", timeout=20)
        filler = fill(data_dir)
        wait_for(lambda: "the disk holding the database is full" in running.log(), timeout=20)
        filler.unlink()
        ended = wait_for(lambda: (found := run())["state"] in ("SUCCEEDED", "FAILED") and found, timeout=20)
        assert ended["state"] == "FAILED"
        message = ended["status_message"]["message"]
        assert "disk holding the database filled up" in message and "Provider" not in message, message
        assert running.stop() == 0
    finally:
        llm.close()
