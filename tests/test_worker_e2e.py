"""Runs through the real control plane, the real `oz-app --worker` and the real Docker engine
(CP-4, CP-13, WK-1, WK-3, WK-5, WK-7, WK-8)."""

from __future__ import annotations

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

from tests.conftest import ADMIN_KEY, sdk, wait_for
from tests.docker_support import build_task_image, containers_of, docker_client, new_worker_id


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    client = docker_client()
    return {"client": client, "image": build_task_image(client, tmp_path_factory.mktemp("task-image"))}


class Worker:
    """An `oz-app --worker` process."""

    def __init__(self, server: Any, worker_id: str, log: Path, capacity: int = 4, network: str = "") -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OZ_")}
        env.update(OZ_API_KEY=ADMIN_KEY, OZ_CONFIG_FILE="", OZ_LOG_FORMAT="json", OZ_WORKER_NETWORK=network)
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "oz_app.cli",
                    "--worker",
                    worker_id,
                    "--server",
                    server.url,
                    "--max-concurrent-runs",
                    str(capacity),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def worker(engine: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    """Start workers; afterwards every one is stopped and no container of theirs may be left."""
    started: list[tuple[Worker, str]] = []

    def start(server: Any, worker_id: str | None = None, **kwargs: Any) -> Worker:
        wid = worker_id or new_worker_id()
        process = Worker(server, wid, tmp_path / f"{wid}.log", **kwargs)
        started.append((process, wid))
        return process

    yield start
    leftovers = []
    for process, wid in started:
        process.stop()
        # the engine removes ended containers itself (AutoRemove), a moment after the run
        deadline = time.monotonic() + 10
        while containers_of(engine["client"], wid) and time.monotonic() < deadline:
            time.sleep(0.05)
        leftovers += containers_of(engine["client"], wid)
    for container in leftovers:
        container.remove(force=True)
    assert not leftovers, "containers were left behind"


def _environment(server: Any, token: str, image: str, **fields: Any) -> str:
    body = {"name": "task", "docker_image": image, **fields}
    response = httpx.post(server.api + "/environments", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _ended(client: Any, run_id: str, timeout: float = 30) -> Any:
    ended = ("SUCCEEDED", "FAILED", "CANCELLED")
    return wait_for(lambda: (run := client.agent.runs.retrieve(run_id)).state in ended and run, timeout=timeout)


def test_a_run_executes_in_a_container_and_ends_with_output_and_artifacts(make_server, worker, engine, token):
    """WK-3, WK-5: setup commands and env vars applied, the harness answers, a PR artifact is extracted."""
    srv = make_server()
    worker(srv)
    env_id = _environment(
        srv, token, engine["image"], setup_commands=['echo "setup saw $GREETING"'], env_vars={"GREETING": "hi"}
    )
    client = sdk(srv, token)
    run_id = client.agent.run(
        prompt="fix the widgets", config={"environment_id": env_id, "model_id": "claude-x"}
    ).run_id
    run = _ended(client, run_id)
    assert run.state == "SUCCEEDED", run.status_message
    assert "prompt: fix the widgets" in run.output
    assert run.execution_location == "REMOTE"
    [artifact] = run.artifacts
    assert artifact.artifact_type == "PULL_REQUEST"
    assert artifact.data.url == "https://github.com/acme/widgets/pull/42"
    assert artifact.data.branch == "oz/fix-widgets"


def test_files_a_run_leaves_are_listed_and_downloadable_through_the_sdk(make_server, worker, engine, token):
    """CP-13: what the harness leaves in $OZ_HANDOFF_DIR becomes the run's handoff attachments,
    in $OZ_ARTIFACTS_DIR and $OZ_SCREENSHOTS_DIR its FILE and SCREENSHOT artifacts, each
    downloadable; a symbolic link (here to a file of the worker's host) is never followed."""
    srv = make_server()
    worker(srv)
    client = sdk(srv, token)
    env_id = _environment(srv, token, engine["image"])
    run = _ended(client, client.agent.run(prompt="leave files", config={"environment_id": env_id}).run_id)
    assert run.state == "SUCCEEDED", run.status_message
    [notes] = client.agent.runs.list_handoff_attachments(run.run_id).attachments
    assert (notes.filename, notes.mime_type) == ("notes.md", "text/markdown")
    assert httpx.get(notes.download_url).content == b"# where I stopped\n"
    left = {a.data.filepath: a for a in run.artifacts if a.artifact_type in ("FILE", "SCREENSHOT")}
    assert set(left) == {"report.txt", "sub/deep.txt", "shot.png"}
    deep = client.agent.get_artifact(left["sub/deep.txt"].data.artifact_uid)
    assert deep.artifact_type == "FILE" and deep.data.filename == "deep.txt"
    assert httpx.get(deep.data.download_url).content == b"deep\n"
    shot = client.agent.get_artifact(left["shot.png"].data.artifact_uid)
    assert (shot.artifact_type, shot.data.content_type) == ("SCREENSHOT", "image/png")
    assert httpx.get(shot.data.download_url).content == b"PNG"


def test_a_failing_setup_command_fails_the_run_with_the_reason(make_server, worker, engine, token):
    """WK-3: the run FAILS and says which setup command failed."""
    srv = make_server()
    worker(srv)
    env_id = _environment(srv, token, engine["image"], setup_commands=["true", "exit 7"])
    client = sdk(srv, token)
    run = _ended(client, client.agent.run(prompt="x", config={"environment_id": env_id}).run_id)
    assert run.state == "FAILED"
    assert "Setup command 2 failed" in run.status_message.message


def test_cancel_removes_the_container_within_two_seconds(make_server, worker, engine, token):
    """WK-7: cancel through the API: the container is gone and the run CANCELLED within 2 s."""
    srv = make_server()
    wid = new_worker_id()
    worker(srv, wid)
    client = sdk(srv, token)
    run_id = client.agent.run(
        prompt="sleep a while", config={"environment_id": _environment(srv, token, engine["image"])}
    ).run_id
    wait_for(lambda: client.agent.runs.retrieve(run_id).state == "INPROGRESS" and containers_of(engine["client"], wid))
    started = time.monotonic()
    client.agent.runs.cancel(run_id)
    wait_for(lambda: not containers_of(engine["client"], wid), timeout=2.0, interval=0.02)
    assert time.monotonic() - started < 2.0
    assert client.agent.runs.retrieve(run_id).state == "CANCELLED"


def test_a_worker_runs_as_many_tasks_at_once_as_its_capacity(make_server, worker, engine, token):
    """WK-6: ``--max-concurrent-runs 8`` runs eight tasks at the same time: each holds blocking
    engine calls for its whole life, and none waits for another's to end."""
    srv = make_server()
    wid = new_worker_id()
    worker(srv, wid, capacity=8)
    client = sdk(srv, token)
    env_id = _environment(srv, token, engine["image"])
    runs = [client.agent.run(prompt=f"sleep {i}", config={"environment_id": env_id}).run_id for i in range(8)]

    def all_running() -> bool:
        running = engine["client"].containers.list(filters={"label": f"oz.worker_id={wid}", "status": "running"})
        return len(running) == 8

    wait_for(all_running, timeout=60, interval=0.2)
    assert all(client.agent.runs.retrieve(run_id).state == "INPROGRESS" for run_id in runs)
    for run_id in runs:
        client.agent.runs.cancel(run_id)
    wait_for(lambda: not containers_of(engine["client"], wid), timeout=30)


def test_wk11_a_killed_worker_leaves_no_container_and_no_run_stuck(make_server, worker, engine, token):
    """WK-6, WK-8, WK-11: after SIGKILL of the worker its container is gone within 30 s (the
    sidecar sees the worker's FIFO close, and the engine removes the container), and the run
    fails once its lease expires."""
    srv = make_server({"OZ_LEASE_SECONDS": "3"})
    wid = new_worker_id()
    first = worker(srv, wid)
    client = sdk(srv, token)
    run_id = client.agent.run(
        prompt="sleep long", config={"environment_id": _environment(srv, token, engine["image"])}
    ).run_id
    running = {"label": f"oz.worker_id={wid}", "status": "running"}
    wait_for(lambda: engine["client"].containers.list(sparse=True, filters=running), timeout=20)
    first.stop(signal.SIGKILL)
    killed = time.monotonic()
    wait_for(lambda: not containers_of(engine["client"], wid), timeout=30)
    assert time.monotonic() - killed < 30
    run = _ended(client, run_id, timeout=15)
    assert run.state == "FAILED"
    assert "stopped answering" in run.status_message.message


def test_stopping_a_worker_stops_its_containers_and_reports_its_runs(make_server, worker, engine, token):
    """WK-7: SIGTERM on the worker: its container is removed and the run does not stay INPROGRESS."""
    srv = make_server()
    wid = new_worker_id()
    process = worker(srv, wid)
    client = sdk(srv, token)
    run_id = client.agent.run(
        prompt="sleep on", config={"environment_id": _environment(srv, token, engine["image"])}
    ).run_id
    wait_for(lambda: client.agent.runs.retrieve(run_id).state == "INPROGRESS" and containers_of(engine["client"], wid))
    assert process.stop(signal.SIGTERM) == 0
    assert not containers_of(engine["client"], wid)
    run = _ended(client, run_id, timeout=10)
    assert run.state == "FAILED" and "shut down" in run.status_message.message


def test_a_control_plane_restart_mid_run_still_records_the_result_once(
    make_server, new_database, worker, engine, token
):
    """WK-8: the worker keeps running while the control plane restarts, reconnects, and its result counts once."""
    url = new_database()
    srv = make_server(database_url=url)
    worker(srv)
    client = sdk(srv, token)
    run_id = client.agent.run(
        prompt="nap then answer", config={"environment_id": _environment(srv, token, engine["image"])}
    ).run_id
    wait_for(lambda: client.agent.runs.retrieve(run_id).state == "INPROGRESS")
    port = int(srv.url.rsplit(":", 1)[1])
    assert srv.stop(signal.SIGTERM) == 0
    restarted = make_server(database_url=url, data_dir=srv.data_dir, port=port)
    client = sdk(restarted, token)
    run = _ended(client, run_id, timeout=30)
    assert run.state == "SUCCEEDED", run.status_message
    assert "prompt: nap then answer" in run.output
    assert len(run.artifacts) == 1


def test_a_run_clones_a_repository_served_locally(make_server, worker, engine, token, tmp_path):
    """WK-3: the environment's repository is cloned into /workspace before setup and the harness run."""
    from tests.docker_support import build_git_task_image, served_repository

    image = build_git_task_image(engine["client"], tmp_path / "images")
    srv = make_server()
    with served_repository(tmp_path / "repo", "widgets", {"README.md": "the widgets repository\n"}) as url:
        worker(srv, network="host")  # the task container reaches the repository on the host's loopback
        check = 'grep -q "the widgets repository" widgets/README.md'  # fails the run unless the clone is there
        env_id = _environment(srv, token, image, repos=[url], setup_commands=[check])
        client = sdk(srv, token)
        run = _ended(client, client.agent.run(prompt="improve the widgets", config={"environment_id": env_id}).run_id)
    assert run.state == "SUCCEEDED", run.status_message
    assert "prompt: improve the widgets" in run.output
