"""Files and start-up of a team server, run as an operator would (SEC-10, SEC-11, SEC-12).

Every test starts real ``oz-app`` processes on real folders: a damaged database, a read-only
or full disk (a small tmpfs, mounted when this runs as root; those tests skip otherwise), an
unreachable or refusing PostgreSQL, a config file with a value of the wrong type.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ADMIN_KEY

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
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


# ---------------------------------------------------------------------------------------------
# SEC-11: a start that cannot succeed ends within seconds, in one sentence, with status 2
# ---------------------------------------------------------------------------------------------


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
        'OZ_PORT = 9000\nOZ_WORKER_CPUS = 1.5\nOZ_QUEUE_ON_SATURATION = true\nOZ_LEASE_SECONDS = "40"\n'
        'OZ_PROVIDER_X_TYPE = "cli"\nOZ_PROVIDER_X_MSG_LIMIT = 3\n'
    )
    settings = load_settings({"OZ_CONFIG_FILE": str(config)}, data_dir=str(tmp_path))
    assert (settings.port, settings.worker_cpus, settings.queue_on_saturation) == (9000, 1.5, True)
    assert (settings.lease_seconds, settings.providers["x"].msg_limit) == (40, 3)

    config.write_text(
        "OZ_LEASE_SECONDS = 2.5\nOZ_WORKER_CPUS = true\nOZ_PROVIDER_X_MODEL = 4\n"
        "OZ_LOG_LEVEL = 2026-01-01\nOZ_HOST = { a = 1 }\n"
    )
    with pytest.raises(ConfigError) as refused:
        load_settings({"OZ_CONFIG_FILE": str(config), "OZ_HOST": "0.0.0.0"}, data_dir=str(tmp_path))
    assert sorted(refused.value.problems) == [
        f"OZ_LEASE_SECONDS in {config} must be a whole number, not a decimal number.",
        f"OZ_LOG_LEVEL in {config} must be a string, not a date or time.",
        f"OZ_PROVIDER_X_MODEL in {config} must be a string, not a whole number.",
        f"OZ_WORKER_CPUS in {config} must be a number, not true or false.",
    ]
