"""The ``oz-app`` command line, configuration and logs, run as a user would (CL-3, CL-5..CL-7).

Every command runs in a subprocess with a controlled environment: no ``OZ_*`` variables from
the machine, no config file unless the test writes one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from oz_app import __version__
from tests.conftest import wait_for

REPO = Path(__file__).resolve().parent.parent
_STRIPPED = ("OZ_", "DATABASE_URL", "AUTH_SECRET", "AGENT_API_KEY")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without oz-app settings, no config file, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED)}
    env["OZ_CONFIG_FILE"] = ""
    env.update(extra)
    return env


def oz(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oz_app.cli", *args],
        env=env if env is not None else clean_env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_clear_error(result: subprocess.CompletedProcess[str]) -> str:
    """Non-zero exit, no traceback, the error on stderr only."""
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip(), "the error must be on stderr"
    return result.stderr.strip()


# ---------------------------------------------------------------------------------------------
# A control plane in a subprocess, on a port it picks itself
# ---------------------------------------------------------------------------------------------


@dataclass
class Running:
    process: subprocess.Popen[str]
    first_line: str
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_records(self) -> list[dict[str, object]]:
        records = []
        for line in self.log().splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pytest.fail(f"a log line is not JSON: {line!r}")
        return records


Launch = Callable[..., Running]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    """Start ``oz-app --headless --control-plane --port 0``; every process is stopped after the test."""
    started: list[subprocess.Popen[str]] = []

    def start(env: dict[str, str], data_dir: Path, *extra_args: str) -> Running:
        log_path = tmp_path / f"server-{len(started)}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "oz_app.cli",
                    "--headless",
                    "--control-plane",
                    "--port",
                    "0",
                    "--data-dir",
                    str(data_dir),
                    *extra_args,
                ],
                env=env,
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        started.append(process)
        first: list[str] = []
        stdout = process.stdout
        assert stdout is not None
        reader = threading.Thread(target=lambda: first.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout=30)
        if not first or not first[0]:
            process.kill()
            pytest.fail(f"the control plane printed nothing (exit {process.poll()}):\n{log_path.read_text()}")
        match = re.search(r"http://[\d.]+:\d+", first[0])
        assert match, first[0]
        running = Running(process, first[0].strip(), match.group(0), log_path)

        def healthy() -> bool:
            assert process.poll() is None, running.log()
            try:
                return httpx.get(running.url + "/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, timeout=30)
        return running

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def stop(running: Running, timeout: float = 10) -> int:
    running.process.send_signal(signal.SIGTERM)
    return running.process.wait(timeout=timeout)


def is_admin(running: Running, key: str) -> bool:
    """Only the admin may create a global environment."""
    response = httpx.post(
        running.url + "/api/v1/environments",
        headers={"Authorization": f"Bearer {key}"},
        json={"name": "probe", "docker_image": "python:3.11", "scope": "global"},
        timeout=10,
    )
    assert response.status_code in (201, 403), response.text
    return response.status_code == 201


# ---------------------------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------------------------


def test_version_and_help() -> None:
    """CL-5: ``--version`` names the program and version; ``--help`` lists the modes."""
    result = oz("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"oz-app {__version__}"

    result = oz("--help")
    assert result.returncode == 0
    for flag in ("--headless", "--control-plane", "--data-dir"):
        assert flag in result.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["--port", "abc"], ["frobnicate"]])
def test_bad_flags_give_one_line_and_no_traceback(args: list[str]) -> None:
    """CL-5: a bad flag or command exits non-zero with one line of error."""
    message = assert_one_clear_error(oz(*args))
    assert len(message.splitlines()) == 1, message
    assert message.startswith("oz-app: ")


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------


def test_bad_configuration_names_every_problem(tmp_path: Path) -> None:
    """CL-5, CL-6: invalid settings exit 2 with one sentence per problem, no traceback."""
    env = clean_env(OZ_ADMIN_API_KEY="k" * 32, OZ_PORT="abc", OZ_LOG_FORMAT="xml", DATABASE_URL="mysql://x")
    result = oz("--headless", "--control-plane", "--data-dir", str(tmp_path), env=env)
    assert result.returncode == 2
    message = assert_one_clear_error(result)
    assert "OZ_PORT must be a whole number, not 'abc'." in message
    assert "OZ_LOG_FORMAT must be json or text, not 'xml'." in message
    assert "DATABASE_URL must start with sqlite:// or postgres://." in message
    assert not (tmp_path / "oz.db").exists()


def test_the_control_plane_refuses_to_start_without_an_admin_key(tmp_path: Path, launch: Launch) -> None:
    """CL-6: no OZ_ADMIN_API_KEY, no control plane, unless OZ_ALLOW_NO_ADMIN_KEY=true."""
    result = oz("--headless", "--control-plane", "--port", "0", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    message = assert_one_clear_error(result)
    assert "OZ_ADMIN_API_KEY is not set" in message
    assert len(message.splitlines()) == 1

    running = launch(clean_env(OZ_ALLOW_NO_ADMIN_KEY="true"), tmp_path / "data")
    assert httpx.get(running.url + "/health", timeout=5).json()["ok"] is True
    assert stop(running) == 0


def test_the_config_file_is_honoured_and_the_environment_wins(tmp_path: Path, launch: Launch) -> None:
    """CL-6: OZ_CONFIG_FILE (TOML, same names as the environment) is read; env vars override it."""
    file_key = "file-key-" + secrets.token_hex(8)
    env_key = "env-key-" + secrets.token_hex(8)
    config = tmp_path / "config.toml"
    config.write_text(f'OZ_ADMIN_API_KEY = "{file_key}"\nOZ_LOG_FORMAT = "json"\n')

    running = launch(clean_env(OZ_CONFIG_FILE=str(config)), tmp_path / "from-file")
    assert is_admin(running, file_key)
    assert stop(running) == 0

    env = clean_env(OZ_CONFIG_FILE=str(config), OZ_ADMIN_API_KEY=env_key)
    running = launch(env, tmp_path / "from-env")
    assert is_admin(running, env_key)
    assert not is_admin(running, file_key)
    assert stop(running) == 0


def test_a_broken_or_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    """CL-6: an unreadable config file is named in one sentence, without a traceback."""
    config = tmp_path / "config.toml"
    config.write_text('OZ_ADMIN_API_KEY = "unterminated\n')
    result = oz("--headless", "--control-plane", "--data-dir", str(tmp_path), env=clean_env(OZ_CONFIG_FILE=str(config)))
    assert result.returncode == 2
    message = assert_one_clear_error(result)
    assert str(config) in message
    assert "could not be read" in message

    missing = tmp_path / "nowhere.toml"
    result = oz("plugins", env=clean_env(OZ_CONFIG_FILE=str(missing)))
    assert result.returncode == 2
    assert str(missing) in assert_one_clear_error(result)


# ---------------------------------------------------------------------------------------------
# The control plane process
# ---------------------------------------------------------------------------------------------


def test_data_dir_holds_the_database_and_a_private_secret_key(tmp_path: Path, launch: Launch) -> None:
    """CL-3, CL-6: ``--data-dir`` holds the SQLite database and ``secret.key`` (0600); the first
    line printed says where the server listens and where its data lives."""
    data_dir = (tmp_path / "state").resolve()
    running = launch(clean_env(OZ_ADMIN_API_KEY="k" * 32), data_dir)

    assert running.first_line.startswith("oz-app control plane listening on http://127.0.0.1:")
    assert running.url in running.first_line
    assert str(data_dir) in running.first_line
    assert f"SQLite at {data_dir / 'oz.db'}" in running.first_line
    assert (data_dir / "oz.db").is_file()
    assert (data_dir / "secret.key").stat().st_mode & 0o777 == 0o600
    assert stop(running) == 0


def test_control_plane_mode_imports_no_ui_code(tmp_path: Path, launch: Launch) -> None:
    """CL-3: a running control plane, its plugins loaded and a request answered, has imported
    nothing of the workspace (NiceGUI, PySide6, pywebview, ``oz_app.workspace``): a fast start
    on a server, and no GUI libraries needed there."""
    env = clean_env(OZ_ADMIN_API_KEY="k" * 32, PYTHONPROFILEIMPORTTIME="1")
    running = launch(env, tmp_path / "data")
    token = {"Authorization": "Bearer tenant-" + secrets.token_hex(8)}
    assert httpx.get(running.url + "/api/v1/agent/runs", headers=token, timeout=5).status_code == 200
    assert stop(running) == 0

    imported = re.findall(r"^import time:\s+\d+ \|\s+\d+ \| *(\S+)$", running.log(), flags=re.MULTILINE)
    assert "oz_app.control_plane.app" in imported and "uvicorn" in imported
    workspace = ("nicegui", "PySide6", "shiboken6", "webview", "oz_app.workspace")
    assert [name for name in imported if name.startswith(workspace)] == []


def test_json_logs_carry_the_request_id_and_never_a_secret(tmp_path: Path, launch: Launch) -> None:
    """CL-7: with OZ_LOG_FORMAT=json every line is JSON and a request's lines carry its id;
    an environment variable's secret value never reaches the log."""
    secret_value = "s3cret-" + secrets.token_hex(16)
    env = clean_env(OZ_ADMIN_API_KEY="k" * 32, OZ_LOG_FORMAT="json", OZ_LOG_LEVEL="DEBUG")
    running = launch(env, tmp_path / "data")
    token = {"Authorization": "Bearer tenant-" + secrets.token_hex(8)}

    assert httpx.get(running.url + "/health", headers={"X-Request-Id": "abc123"}, timeout=5).status_code == 200
    wait_for(lambda: any(record.get("request_id") == "abc123" for record in running.log_records()))

    created = httpx.post(
        running.url + "/api/v1/environments",
        headers=token,
        json={"name": "with-secret", "docker_image": "python:3.11", "env_vars": {"TOKEN": secret_value}},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    environment_id = created.json()["id"]
    assert httpx.get(running.url + f"/api/v1/environments/{environment_id}", headers=token, timeout=10).is_success
    refused = httpx.post(
        running.url + "/api/v1/environments",
        headers=token,
        json={"name": "bad", "docker_image": "NOT AN IMAGE", "env_vars": {"TOKEN": secret_value}},
        timeout=10,
    )
    assert refused.status_code in (400, 422)
    run = httpx.post(
        running.url + "/api/v1/agent/runs",
        headers=token,
        json={"prompt": "hello", "config": {"environment_id": environment_id}},
        timeout=10,
    )
    assert run.status_code in (200, 201), run.text

    assert stop(running) == 0
    log = running.log()
    assert secret_value not in log
    records = running.log_records()
    assert records, "the server logged nothing at DEBUG"
    request_lines = [record for record in records if "/api/v1/environments" in str(record.get("message"))]
    assert request_lines
    assert all(record.get("request_id") for record in request_lines)


def test_sigterm_stops_the_server_gracefully(tmp_path: Path, launch: Launch) -> None:
    """CL-3: SIGTERM stops the control plane within seconds, with exit status 0."""
    running = launch(clean_env(OZ_ADMIN_API_KEY="k" * 32), tmp_path / "data")
    started = time.monotonic()
    assert stop(running, timeout=15) == 0
    assert time.monotonic() - started < 10
    assert "Traceback" not in running.log()
