"""The ``direct`` worker backend (WK-12, PL-5): real sidecar, real subprocesses, a fake ``claude`` on PATH."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from oz_app.worker_backend import BackendError
from tests.conftest import ADMIN_KEY, sdk, wait_for
from tests.docker_support import worker_settings

# A fake harness: `claude -p PROMPT [flags]`. It prints the prompt and acts on its first word.
FAKE_CLAUDE = r"""#!/bin/sh
prompt=$2
case "$prompt" in
sleep*) echo "sleeping $$"; [ -n "${PID_FILE:-}" ] && echo $$ >"$PID_FILE"; exec sleep 60 ;;
env*)
    printf '%s' "$MULTI" >"$OZ_ARTIFACTS_DIR/multi.txt"
    printf '%s' "$EMPTY" >"$OZ_ARTIFACTS_DIR/empty.txt"
    ;;
printenv*) env ;;
hog*) python3 -c "bytearray(600 * 1024 * 1024)" 2>&1 || echo "hog refused" ;;
fail*) echo "it went wrong"; exit 3 ;;
esac
echo "prompt: $prompt"
shift 2
echo "flags: $*"
echo "Opened https://github.com/acme/widgets/pull/42"
"""

TRICKY = "line one\nline 'two' \"quoted\" = $HOME `x` \\ back\nünïcødé ✓\n"


@pytest.fixture
def harness_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the fake ``claude``, first on PATH (the harness inherits the worker's PATH)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "claude").write_text(FAKE_CLAUDE)
    (folder / "claude").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def direct_backend(tmp_path: Path, **env: str) -> Any:
    from oz_worker_direct.backend import DirectBackend

    return DirectBackend(worker_settings(**{"OZ_WORKER_ALLOW_DIRECT": "true", **env}))


@pytest.fixture
async def backend(tmp_path: Path, harness_path: Path) -> Any:
    made = direct_backend(tmp_path)
    await made.start("direct-test")
    yield made
    await made.stop_all()
    await made.close()


def assignment(task_id: str, prompt: str, harness: str = "", **environment: Any) -> dict[str, Any]:
    """A protocol-2 ``task_assignment`` (oz_app.worker_frames.TaskAssignment) as data."""
    return {"task_id": task_id, "prompt": prompt, "environment": environment, "harness": {"type": harness}}


async def start_sleeping(backend: Any, task_id: str) -> tuple[asyncio.Task[Any], int]:
    """A ``sleep`` run started through ``backend``, once its harness says it sleeps: the run's
    task and the harness's pid."""
    seen = asyncio.Event()
    pids: list[int] = []

    def on_line(line: str) -> None:
        if line.startswith("sleeping "):
            pids.append(int(line.split()[1]))
            seen.set()

    running = asyncio.create_task(execute(backend, assignment(task_id, "sleep"), on_line))
    await asyncio.wait_for(seen.wait(), 10)
    return running, pids[0]


async def execute(backend: Any, data: dict[str, Any], on_line: Any) -> Any:
    """What the worker does with an assignment: its run folder (task document, FIFO held open),
    the backend's run, then the folder removed."""
    from oz_app.harnesses import load_harnesses
    from oz_app.task_input import prepare_run
    from oz_app.worker_frames import TaskAssignment

    frame = TaskAssignment.model_validate(data)
    folder = await asyncio.to_thread(prepare_run, frame, load_harnesses())
    try:
        return await backend.run(frame, folder, on_line)
    finally:
        await asyncio.to_thread(folder.close)


def gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"


# --- settings and refusal ---------------------------------------------------------------------


async def test_direct_is_refused_unless_the_operator_allows_it(tmp_path: Path) -> None:
    """WK-12: without OZ_WORKER_ALLOW_DIRECT=true the backend does not start, saying why."""
    from oz_worker_direct.backend import DirectBackend

    refused = DirectBackend(worker_settings(), {"allow_direct": False, **_defaults()})
    with pytest.raises(BackendError) as error:
        await refused.start("w")
    assert "OZ_WORKER_ALLOW_DIRECT=true" in str(error.value)
    assert "worker's own rights" in str(error.value)


def _defaults() -> dict[str, Any]:
    from oz_worker_direct.backend import DirectBackend

    return {setting.name: setting.fallback for setting in DirectBackend.settings}


def test_the_backend_declares_its_settings_and_bad_values_name_their_variable(tmp_path: Path) -> None:
    """PL-5: the settings are declared and read from OZ_WORKER_*; a bad one is one sentence naming it."""
    from oz_worker_direct.backend import DirectBackend

    from oz_app.plugin_settings import declared

    names = {setting.variable("OZ_WORKER_") for setting in declared(DirectBackend)}
    assert {"OZ_WORKER_ALLOW_DIRECT", "OZ_WORKER_DIRECT_PASS_ENV", "OZ_WORKER_DIRECT_MEMORY_LIMIT"} <= names
    with pytest.raises(BackendError, match="OZ_WORKER_DIRECT_MAX_PROCESSES must be a whole number"):
        direct_backend(tmp_path, OZ_WORKER_DIRECT_MAX_PROCESSES="many")
    with pytest.raises(BackendError, match="OZ_WORKER_DIRECT_MEMORY_LIMIT must be a size"):
        direct_backend(tmp_path, OZ_WORKER_DIRECT_MEMORY_LIMIT="lots")


# --- runs ---------------------------------------------------------------------------------------


async def test_a_task_runs_with_exact_inputs_streams_and_leaves_nothing(backend: Any, tmp_path: Path) -> None:
    """WK-12, WK-9: env values with newlines, quotes and unicode arrive exactly, setup commands of
    several lines run, output streams line by line, and the result and left files are read."""
    lines: list[str] = []
    setup = ["echo setup one", 'if true; then\n  echo "setup two of $((1 + 1)) lines"\nfi']
    result = await execute(
        backend,
        assignment("run-env", "env please", env_vars={"MULTI": TRICKY, "EMPTY": ""}, setup_commands=setup),
        lines.append,
    )
    assert result.status == "succeeded", result
    assert (result.exit_code, result.stage) == (0, "")
    assert result.start_seconds is not None and 0 <= result.start_seconds < 5
    files = {left.path: left.data for left in result.files}
    assert files["multi.txt"] == TRICKY.encode()
    assert files["empty.txt"] == b""
    assert "setup one" in lines and "setup two of 2 lines" in lines
    assert lines.index("setup one") < lines.index("prompt: env please")
    assert result.output.startswith("prompt: env please\n")  # agent_output.txt, without the sidecar's lines
    assert result.artifacts[0]["data"]["url"] == "https://github.com/acme/widgets/pull/42"
    assert backend.running() == []


async def test_the_worker_s_secrets_do_not_reach_the_harness(
    tmp_path: Path, harness_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WK-12: the harness gets a minimal base environment, the task's env and what the operator passes."""
    monkeypatch.setenv("OZ_API_KEY", "admin-key-must-not-leak")
    monkeypatch.setenv("AUTH_SECRET", "auth-secret-must-not-leak")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "passed-on-purpose")
    made = direct_backend(tmp_path, OZ_WORKER_DIRECT_PASS_ENV="ANTHROPIC_API_KEY")
    await made.start("direct-env")
    result = await execute(made, assignment("run-printenv", "printenv", env_vars={"TASK_VAR": "mine"}), lambda _: None)
    assert result.status == "succeeded", result
    assert "must-not-leak" not in result.output
    assert "ANTHROPIC_API_KEY=passed-on-purpose" in result.output
    assert "TASK_VAR=mine" in result.output
    assert f"HOME={os.environ['HOME']}" in result.output


async def test_cancel_ends_the_harness_quickly(backend: Any) -> None:
    """WK-12: a cancel kills the run's process group; the run ends ``cancelled`` within 2 s."""
    running, pid = await start_sleeping(backend, "run-cancel")
    started = time.monotonic()
    assert await backend.cancel("run-cancel") is True
    result = await asyncio.wait_for(running, 5)
    assert result.status == "cancelled"
    assert time.monotonic() - started < 2
    assert wait_for(lambda: gone(pid), timeout=2)
    assert backend.running() == []


async def test_a_failing_setup_command_names_its_number(backend: Any) -> None:
    result = await execute(backend, assignment("run-setup", "x", setup_commands=["true", "exit 7"]), lambda _: None)
    assert result.status == "failed"
    assert result.stage == "setup"
    assert "Setup command 2 failed" in result.message


async def test_a_missing_harness_cli_is_named(backend: Any) -> None:
    result = await execute(backend, assignment("run-codex", "x", harness="codex"), lambda _: None)
    assert result.status == "failed"
    assert result.stage == "harness"
    assert "'codex'" in result.message


async def test_a_failing_harness_fails_the_run(backend: Any) -> None:
    result = await execute(backend, assignment("run-fail", "fail now"), lambda _: None)
    assert (result.status, result.exit_code) == ("failed", 3)
    assert "it went wrong" in result.output


async def test_the_time_limit_stops_the_run(tmp_path: Path, harness_path: Path) -> None:
    """WK-12: OZ_WORKER_RUN_TIMEOUT_SECONDS ends the whole group and fails the run, saying so."""
    made = direct_backend(tmp_path, OZ_WORKER_RUN_TIMEOUT_SECONDS="1")
    await made.start("direct-timeout")
    pids: list[int] = []
    result = await execute(
        made,
        assignment("run-slow", "sleep"),
        lambda line: line.startswith("sleeping ") and pids.append(int(line.split()[1])),
    )
    assert (result.status, result.stage) == ("failed", "timeout")
    assert "time limit of 1 s" in result.message
    assert wait_for(lambda: gone(pids[0]), timeout=2)


async def test_the_memory_limit_is_enforced(tmp_path: Path, harness_path: Path) -> None:
    """WK-12: OZ_WORKER_DIRECT_MEMORY_LIMIT bounds each process's address space (RLIMIT_AS)."""
    made = direct_backend(tmp_path, OZ_WORKER_DIRECT_MEMORY_LIMIT="300m")
    await made.start("direct-memory")
    result = await execute(made, assignment("run-hog", "hog"), lambda _: None)
    assert "MemoryError" in result.output and "hog refused" in result.output


# --- end to end: control plane, `oz-app --worker`, the SDK --------------------------------------

# The new backends read the typed protocol-2 assignment (oz_app.worker_frames.TaskAssignment);
# until oz_app.worker speaks protocol 2 the control plane sends it the flattened protocol-1 one.
needs_protocol_2 = pytest.mark.skipif(
    __import__("oz_app.worker").worker.PROTOCOL_VERSION < 2, reason="oz-app --worker still speaks protocol 1"
)


def plugin_site(folder: Path, **modules: str) -> Path:
    """A distribution under ``folder`` registering ``{entry point: module}`` in the ``oz_app``
    group, as ``pip install -e .`` does for the built-in plugins: an installed metadata older than
    these backends lacks them, and with the same names a newer one is not loaded twice."""
    info = folder / "oz_test_backends-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: oz-test-backends\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[oz_app]\n" + "".join(f"{k} = {m}\n" for k, m in modules.items()))
    return folder


class WorkerProcess:
    """An ``oz-app --worker`` process with a given backend."""

    def __init__(self, server: Any, worker_id: str, log: Path, site: Path, **env: str) -> None:
        full = {k: v for k, v in os.environ.items() if not k.startswith("OZ_")}
        full.update(
            OZ_API_KEY=ADMIN_KEY,
            OZ_CONFIG_FILE="",
            OZ_LOG_FORMAT="json",
            PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
            **env,
        )
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "oz_app.cli", "--worker", worker_id, "--server", server.url],
                env=full,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Any]:
    started: list[WorkerProcess] = []

    def start(server: Any, worker_id: str, **env: str) -> WorkerProcess:
        site = plugin_site(tmp_path / "site", direct="oz_worker_direct", command="oz_worker_command")
        started.append(WorkerProcess(server, worker_id, tmp_path / f"{worker_id}.log", site, **env))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def environment(server: Any, token: str, **fields: Any) -> str:
    body = {"name": "direct", "docker_image": "unused-by-direct", **fields}
    response = httpx.post(server.api + "/environments", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def ended(client: Any, run_id: str, timeout: float = 30) -> Any:
    states = ("SUCCEEDED", "FAILED", "CANCELLED")
    return wait_for(lambda: (run := client.agent.runs.retrieve(run_id)).state in states and run, timeout=timeout)


@needs_protocol_2
def test_a_run_created_with_the_sdk_executes_on_a_direct_worker(
    make_server: Any, workers: Any, token: str, tmp_path: Path, harness_path: Path
) -> None:
    """WK-12 end to end: the SDK creates the run, `oz-app --worker` with OZ_WORKER_BACKEND=direct
    executes it; the exact env value comes back as an uploaded artifact."""
    server = make_server()
    workers(server, "direct-e2e", OZ_WORKER_BACKEND="direct", OZ_WORKER_ALLOW_DIRECT="true")
    client = sdk(server, token)
    env_id = environment(server, token, env_vars={"MULTI": TRICKY, "EMPTY": ""}, setup_commands=["echo set up"])
    run = ended(client, client.agent.run(prompt="env check", config={"environment_id": env_id}).run_id)
    assert run.state == "SUCCEEDED", run.status_message
    assert "prompt: env check" in run.output
    multi = next(a for a in run.artifacts if a.artifact_type == "FILE" and a.data.filepath == "multi.txt")
    artifact = client.agent.get_artifact(multi.data.artifact_uid)
    assert httpx.get(artifact.data.download_url).content == TRICKY.encode()


def test_a_direct_worker_refused_without_the_setting_exits_saying_why(
    make_server: Any, workers: Any, tmp_path: Path
) -> None:
    worker = workers(make_server(), "direct-refused", OZ_WORKER_BACKEND="direct")
    assert worker.process.wait(timeout=30) == 1
    assert "OZ_WORKER_ALLOW_DIRECT=true" in worker.log.read_text()


@needs_protocol_2
def test_a_killed_worker_leaves_no_harness_running(
    make_server: Any, workers: Any, token: str, tmp_path: Path, harness_path: Path
) -> None:
    """WK-12, WK-11: `kill -9` of a direct worker mid-run; its harness is gone within 30 s (the
    sidecar's watchdog reads end-of-file on the FIFO the worker held)."""
    server = make_server()
    worker = workers(server, "direct-kill", OZ_WORKER_BACKEND="direct", OZ_WORKER_ALLOW_DIRECT="true")
    pid_file = tmp_path / "harness.pid"
    client = sdk(server, token)
    env_id = environment(server, token, env_vars={"PID_FILE": str(pid_file)})
    client.agent.run(prompt="sleep long", config={"environment_id": env_id})
    wait_for(lambda: pid_file.is_file() and pid_file.read_text().strip(), timeout=30)
    pid = int(pid_file.read_text())
    assert not gone(pid)
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait()
    assert wait_for(lambda: gone(pid), timeout=30, interval=0.2)


RUN_ONE = """
import asyncio, sys
from oz_app.config import load_settings
from oz_app.harnesses import load_harnesses
from oz_app.task_input import prepare_run
from oz_app.worker_frames import TaskAssignment
from oz_worker_direct.backend import DirectBackend

async def main():
    options = {"allow_direct": True, "direct_pass_env": "PID_FILE",
               "direct_memory_limit": "", "direct_max_processes": 0}
    backend = DirectBackend(load_settings({"OZ_CONFIG_FILE": "", "OZ_API_KEY": "k"}), options)
    await backend.start("killed")
    frame = TaskAssignment(task_id="t", prompt="sleep")
    await backend.run(frame, prepare_run(frame, load_harnesses(), sys.argv[1]), print)

asyncio.run(main())
"""


def test_a_killed_worker_process_leaves_no_harness_running(tmp_path: Path, harness_path: Path) -> None:
    """WK-12, WK-11: the process running the backend is killed with SIGKILL mid-run; the sidecar's
    watchdog sees end-of-file on the FIFO it held and the harness is gone within 30 s."""
    pid_file = tmp_path / "harness.pid"
    env = {**os.environ, "PID_FILE": str(pid_file)}
    holder = subprocess.Popen([sys.executable, "-c", RUN_ONE, str(tmp_path)], env=env)
    try:
        wait_for(lambda: pid_file.is_file() and pid_file.read_text().strip(), timeout=30)
        pid = int(pid_file.read_text())
        assert not gone(pid)
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert wait_for(lambda: gone(pid), timeout=30, interval=0.1)
    finally:
        holder.kill()
        holder.wait()
