"""``oz-app doctor`` run as an operator would, in a subprocess, against real parts (OPS-3).

A good setup (a migrated SQLite data dir, a provider answered by a fake OpenAI server, the
Docker engine, a control plane's worker socket) passes with status 0; a broken one fails with
status 1 and each failing line says how to fix it, with no traceback and no secret shown.
The provider type ``checked`` is a third-party plugin installed for the test: the built-in
providers gain their ``check()`` with the provider API v2.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_KEY, free_port, install_plugins, missing
from tests.fake_llm import FakeOpenAI
from tests.test_cli import clean_env

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = "5"

# A provider plugin with a check(): it asks the server for one word. Its error names its key on
# purpose, as a careless plugin might: doctor must still never show it.
CHECKED_PROVIDER = """
import aiohttp
from oz_app.hookspecs import hookimpl


class Checked:
    def __init__(self, settings):
        self.settings = settings

    async def stream(self, request):
        yield "OK"

    async def check(self):
        url = self.settings.base_url.rstrip("/") + "/chat/completions"
        body = {"model": self.settings.model, "stream": True, "messages": [{"role": "user", "content": "OK?"}]}
        headers = {"Authorization": f"Bearer {self.settings.api_key}"}
        try:
            async with aiohttp.ClientSession() as session:
                async with session.post(url, json=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"answered {response.status}")
        except aiohttp.ClientError as exc:
            raise RuntimeError(f"{exc} (with key {self.settings.api_key})") from None
        return f"{self.settings.base_url} answers"


@hookimpl
def oz_register_providers(register):
    register("checked", Checked)
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PYTHONPATH with the ``checked`` provider plugin installed in front."""
    site = install_plugins(tmp_path_factory.mktemp("site"), {"oz_doctor_checked": CHECKED_PROVIDER})
    return os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI(words=["OK"])
    yield server
    server.close()


def doctor_env(plugin_path: str, **extra: str) -> dict[str, str]:
    return clean_env(PYTHONPATH=plugin_path, **extra)


def oz(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oz_app.cli", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=90
    )


def doctor(env: dict[str, str], *args: str) -> tuple[int, dict[str, tuple[str, str]], str]:
    """Run ``oz-app doctor``: its status, ``{check name: (status, message)}`` and everything it printed."""
    result = oz("doctor", *(() if "--timeout" in args else ("--timeout", TIMEOUT)), *args, env=env)
    printed = result.stdout + result.stderr
    assert "Traceback" not in printed
    lines: dict[str, tuple[str, str]] = {}
    for line in result.stdout.splitlines():
        status, name, message = re.split(r"\s{2,}", line, maxsplit=2)
        assert status in ("ok", "FAILED", "skipped"), line
        lines.setdefault(name, (status, message))
    return result.returncode, lines, printed


def docker_reachable() -> None:
    try:
        import docker

        docker.from_env(timeout=10).ping()
    except Exception as exc:
        missing(f"the Docker engine is not reachable: {exc}")


def test_a_good_worker_host_passes_every_check(tmp_path: Path, plugin_path: str, fake: FakeOpenAI, make_server: Any):
    """OPS-3: migrated database, valid key, a provider that answers, Docker with the sidecar, the
    worker socket taking the key: exit 0, and the probe never shows up as a worker."""
    docker_reachable()
    control_plane = make_server()
    provider_key = "sk-" + secrets.token_hex(8)
    env = doctor_env(
        plugin_path,
        OZ_API_KEY=ADMIN_KEY,
        OZ_PROVIDER_MAIN_TYPE="checked",
        OZ_PROVIDER_MAIN_BASE_URL=fake.url,
        OZ_PROVIDER_MAIN_MODEL="fake-model",
        OZ_PROVIDER_MAIN_API_KEY=provider_key,
        OZ_PROVIDER_PLAIN_TYPE="openai_compatible",
        OZ_PROVIDER_PLAIN_BASE_URL=fake.url,
    )
    data = tmp_path / "data"
    assert oz("db", "upgrade", "--data-dir", str(data), env=env).returncode == 0

    code, lines, printed = doctor(env, "--data-dir", str(data), "--worker", "w-doctor", "--server", control_plane.url)

    assert code == 0, printed
    for name in ("settings", "plugins", "database", "secret key", "provider main", "docker", "worker socket"):
        assert lines[name][0] == "ok", printed
    assert re.search(r"at migration (\d+) of \1", lines["database"][1])
    assert "will be created at the first start" in lines["secret key"][1]
    assert "fake-model" in lines["provider main"][1]
    # a built-in provider answers once it has a check() (provider API v2); until then it is skipped
    assert lines["provider plain"][0] == "ok" or "no check()" in lines["provider plain"][1]
    assert "sidecar image" in lines["docker"][1]
    assert ADMIN_KEY not in printed and provider_key not in printed
    assert not (data / "secret.key").exists(), "doctor must not create the key"
    assert "-probe-" not in control_plane.log(), "a probe must not register as a worker"
    assert fake.requests, "the provider was really asked"

    as_json = json.loads(oz("doctor", "--json", "--data-dir", str(data), env=env).stdout)
    assert as_json["ok"] is True
    assert {check["name"] for check in as_json["checks"]} >= {"database", "secret key", "provider main"}


def test_a_broken_worker_host_says_how_to_fix_each_failure(tmp_path: Path, plugin_path: str, make_server: Any):
    """OPS-3: no database, a provider at a dead port, a wrong OZ_API_KEY and a DOCKER_HOST that
    points nowhere: exit 1, a line each saying what to do, no secret shown, nothing created."""
    control_plane = make_server()
    wrong_key = "wrong-" + secrets.token_hex(8)
    provider_key = "sk-" + secrets.token_hex(8)
    env = doctor_env(
        plugin_path,
        OZ_API_KEY=wrong_key,
        OZ_PROVIDER_MAIN_TYPE="checked",
        OZ_PROVIDER_MAIN_BASE_URL=f"http://127.0.0.1:{free_port()}",
        OZ_PROVIDER_MAIN_API_KEY=provider_key,
        DOCKER_HOST=f"tcp://127.0.0.1:{free_port()}",
    )
    data = tmp_path / "data"

    code, lines, printed = doctor(env, "--data-dir", str(data), "--worker", "w-doctor", "--server", control_plane.url)

    assert code == 1
    assert lines["database"][0] == "FAILED" and "run 'oz-app db upgrade'" in lines["database"][1]
    assert lines["provider main"][0] == "FAILED" and "OZ_PROVIDER_MAIN_*" in lines["provider main"][1]
    assert lines["worker socket"][0] == "FAILED" and "set OZ_API_KEY" in lines["worker socket"][1]
    assert lines["docker"][0] == "FAILED" and "start dockerd or set DOCKER_HOST" in lines["docker"][1]
    assert lines["secret key"][0] == "ok", "a fresh setup has no key yet, which is fine"
    assert wrong_key not in printed and provider_key not in printed
    assert not (data / "oz.db").exists(), "doctor must never create a database"


def test_an_unmigrated_or_unreachable_database_and_bad_settings_are_named(tmp_path: Path, plugin_path: str):
    """OPS-3: an empty SQLite file says to migrate it; an unreachable PostgreSQL is named by host
    and port, never with its password; a setting that does not load is a line, and the rest runs."""
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    env = doctor_env(plugin_path, DATABASE_URL=f"sqlite://{empty}", OZ_LOG_LEVEL="chatty")
    code, lines, printed = doctor(env, "--data-dir", str(tmp_path / "data"))
    assert code == 1
    assert lines["settings"][0] == "FAILED" and "OZ_LOG_LEVEL" in lines["settings"][1]
    assert lines["database"] == ("FAILED", f"SQLite at {empty} has no tables yet; run 'oz-app db upgrade'.")

    password = "pw-" + secrets.token_hex(8)
    port = free_port()
    env = doctor_env(plugin_path, DATABASE_URL=f"postgres://oz:{password}@127.0.0.1:{port}/oz", OZ_SECRET_KEY="nope")
    code, lines, printed = doctor(env, "--data-dir", str(tmp_path / "data"))
    assert code == 1
    assert lines["database"][0] == "FAILED" and f"127.0.0.1:{port}" in lines["database"][1]
    assert "check DATABASE_URL" in lines["database"][1]
    assert lines["secret key"][0] == "FAILED" and "OZ_SECRET_KEY is not a valid key" in lines["secret key"][1]
    assert password not in printed and "nope" not in printed.replace("OZ_SECRET_KEY", "")


def test_stored_providers_are_checked_and_a_lost_key_is_caught(
    tmp_path: Path, plugin_path: str, fake: FakeOpenAI, make_server: Any
):
    """OPS-3: on the control plane's host, a provider added in Settings is checked with its stored
    key; the same database with a data dir that lacks the key says to restore it."""
    control_plane = make_server(env={"PYTHONPATH": plugin_path})
    provider_key = "sk-" + secrets.token_hex(8)
    stored = httpx.put(
        control_plane.api + "/providers/team",
        json={"type": "checked", "base_url": fake.url, "api_key": provider_key},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert stored.status_code == 200
    env = doctor_env(plugin_path, DATABASE_URL=control_plane.database_url)

    code, lines, printed = doctor(env, "--data-dir", str(control_plane.data_dir))
    assert code == 0, printed
    assert lines["secret key"][0] == "ok" and "opens the stored secrets" in lines["secret key"][1]
    assert lines["provider team"][0] == "ok"
    assert provider_key not in printed

    code, lines, printed = doctor(env, "--data-dir", str(tmp_path / "elsewhere"))
    assert code == 1
    assert lines["secret key"][0] == "FAILED" and "restore secret.key" in lines["secret key"][1]
    assert lines["providers"][0] == "skipped"
    assert provider_key not in printed


def test_a_service_that_never_answers_costs_its_line_not_the_command(tmp_path: Path, plugin_path: str):
    """OPS-3: a PostgreSQL port, a Docker host and a control plane that accept connections and
    then say nothing each fail within the timeout, and the command ends right after."""
    with socket.create_server(("127.0.0.1", 0)) as silent:  # never accepts: connections wait in its backlog
        port = silent.getsockname()[1]
        env = doctor_env(
            plugin_path,
            DATABASE_URL=f"postgres://oz:oz@127.0.0.1:{port}/oz",
            DOCKER_HOST=f"tcp://127.0.0.1:{port}",
            OZ_API_KEY="some-key",
        )
        started = time.monotonic()
        server = f"http://127.0.0.1:{port}"
        code, lines, _ = doctor(
            env, "--timeout", "1", "--data-dir", str(tmp_path), "--worker", "w1", "--server", server
        )
        took = time.monotonic() - started
    assert code == 1
    assert took < 10, f"doctor took {took:.1f} s"
    assert lines["database"] == ("FAILED", "no answer within 1 s; check DATABASE_URL and that the server runs.")
    assert lines["docker"] == ("FAILED", "Docker did not answer within 1 s; start dockerd or fix DOCKER_HOST.")
    assert lines["worker socket"][0] == "FAILED" and "within 1 s" in lines["worker socket"][1]


@pytest.mark.postgres
def test_doctor_follows_a_postgres_database_from_empty_to_migrated(plugin_path: str, new_database: Any, tmp_path: Path):
    """OPS-3 on PostgreSQL: an empty database says to migrate it; after 'oz-app db upgrade' it passes."""
    env = doctor_env(plugin_path, DATABASE_URL=new_database("postgres"))
    code, lines, _ = doctor(env, "--data-dir", str(tmp_path / "data"))
    assert code == 1 and lines["database"][0] == "FAILED" and "run 'oz-app db upgrade'" in lines["database"][1]

    assert oz("db", "upgrade", "--data-dir", str(tmp_path / "data"), env=env).returncode == 0
    code, lines, printed = doctor(env, "--data-dir", str(tmp_path / "data"))
    assert code == 0, printed
    assert lines["database"][0] == "ok" and lines["database"][1].startswith("PostgreSQL at ")
