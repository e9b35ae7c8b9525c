"""The docker worker backend and the worker client against a fake hub, with the real engine (WK-1..WK-7)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from oz_app.worker import WS_PATH, Worker, worker_url
from oz_app.worker_backend import BackendError
from tests.conftest import free_port
from tests.docker_support import (
    assignment,
    build_task_image,
    containers_of,
    docker_client,
    new_worker_id,
    run_on,
    worker_settings,
)

WORKER_KEY = "worker-test-key"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    client = docker_client()
    return {"client": client, "image": build_task_image(client, tmp_path_factory.mktemp("task-image"))}


@pytest.fixture
def worker_id(engine: dict[str, Any]) -> Iterator[str]:
    """A fresh worker id; the test fails if a container with it is left behind."""
    wid = new_worker_id()
    yield wid
    # The engine removes an ended run's container itself (AutoRemove), a moment after the run.
    deadline = time.monotonic() + 10
    while (left := containers_of(engine["client"], wid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for container in left:
        with contextlib.suppress(Exception):
            container.remove(force=True)
    assert not left, f"containers left behind: {[c.name for c in left]}"


@pytest.fixture
async def backend(worker_id: str, engine: dict[str, Any]) -> AsyncIterator[Any]:
    from oz_worker_docker.backend import DockerBackend

    docker_backend = DockerBackend(worker_settings(), engine["client"])
    await docker_backend.start(worker_id)
    yield docker_backend
    await docker_backend.stop_all()


# --- artifacts (no engine) -----------------------------------------------------------------


def test_artifacts_and_session_link_are_extracted() -> None:
    from oz_app.worker_backend import extract_artifacts

    text = (
        "Pushed the fix.\nbranch: feature/x\nOpened https://github.com/acme/widgets/pull/7.\n"
        "Also https://github.com/acme/widgets/pull/7 again and\n"
        "https://gitlab.example.com/group/sub/proj/-/merge_requests/12\n\n\n\n\n"
        "Follow along: https://oz.example/sessions/s-1, thanks"
    )
    artifacts, session_link = extract_artifacts(text)
    assert [a["data"] for a in artifacts] == [
        {"url": "https://github.com/acme/widgets/pull/7", "branch": "feature/x"},
        {"url": "https://gitlab.example.com/group/sub/proj/-/merge_requests/12", "branch": "feature/x"},
    ]
    assert all(a["artifact_type"] == "PULL_REQUEST" and a["created_at"] for a in artifacts)
    assert session_link == "https://oz.example/sessions/s-1"
    assert extract_artifacts("no links here") == ([], "")
    only_pr, _ = extract_artifacts("https://github.com/a/b/pull/1")
    assert only_pr[0]["data"]["branch"] == ""


def test_worker_url_accepts_http_and_ws() -> None:
    assert worker_url("http://h:1", "w 1") == f"ws://h:1{WS_PATH}?worker_id=w%201"
    assert worker_url("https://h/", "w") == f"wss://h{WS_PATH}?worker_id=w"
    assert worker_url(f"ws://h:2{WS_PATH}", "w") == f"ws://h:2{WS_PATH}?worker_id=w"


# --- the docker backend --------------------------------------------------------------------


async def test_run_streams_lines_and_ends_with_output_and_artifacts(backend: Any, engine: dict[str, Any]) -> None:
    lines: list[str] = []
    result = await run_on(backend, assignment("run-ok", engine["image"], env_vars={"A": "1"}), lines.append)
    assert result.status == "succeeded", result
    assert result.exit_code == 0
    assert "prompt: fix the widgets" in lines
    assert any(line.startswith("oz-sidecar: running claude") for line in lines)
    assert result.output.startswith("prompt: fix the widgets\nflags: \n")  # agent_output.txt
    assert result.start_seconds is not None and 0 < result.start_seconds < 10
    assert [a["data"] for a in result.artifacts] == [
        {"url": "https://github.com/acme/widgets/pull/42", "branch": "oz/fix-widgets"}
    ]
    assert result.session_link == "https://oz.example/sessions/abc123"


async def test_failing_setup_fails_the_run_with_the_reason(backend: Any, engine: dict[str, Any]) -> None:
    run = assignment("run-setup", engine["image"], setup_commands=["echo ok", "false"])
    result = await run_on(backend, run)
    assert result.status == "failed"
    assert (result.exit_code, result.stage) == (1, "setup")  # from the sidecar's result.json
    assert result.message == "Setup command 2 failed with exit code 1."


async def test_cancel_removes_the_container_within_two_seconds(
    backend: Any, engine: dict[str, Any], worker_id: str
) -> None:
    started = asyncio.Event()

    def on_line(line: str) -> None:
        if line == "sleeping":
            started.set()

    run = asyncio.create_task(run_on(backend, assignment("run-cancel", engine["image"], "sleep long"), on_line))
    await asyncio.wait_for(started.wait(), 15)
    (listed,) = containers_of(engine["client"], worker_id)
    container = engine["client"].containers.get(listed.id)
    host = container.attrs["HostConfig"]
    assert (host["Memory"], host["NanoCpus"], host["PidsLimit"], host["Init"]) == (2 * 1024**3, 2 * 10**9, 1024, True)
    assert container.labels["oz.run_id"] == "run-cancel"
    mounts = sorted((m["Destination"], m["RW"]) for m in container.attrs["Mounts"])
    # the sidecar and the task document read-only, the results folder writable
    assert mounts == [("/agent", False), ("/oz/in", False), ("/workspace/.oz", True)]
    assert host["AutoRemove"] is True
    began = time.monotonic()
    assert await backend.cancel("run-cancel")
    result = await asyncio.wait_for(run, 5)
    elapsed = time.monotonic() - began
    assert result.status == "cancelled"
    assert elapsed < 2, f"cancel took {elapsed:.2f} s"
    assert containers_of(engine["client"], worker_id) == []


async def test_missing_image_fails_clearly_without_pulling(backend: Any) -> None:
    with pytest.raises(BackendError, match="not on this worker's Docker host"):
        await run_on(backend, assignment("run-missing", "oz-test-no-such-image:never"))


async def test_orphans_of_this_worker_are_removed_at_start(engine: dict[str, Any], worker_id: str) -> None:
    from oz_worker_docker.backend import DockerBackend

    client = engine["client"]
    orphan = client.containers.run(
        engine["image"], ["sleep", "30"], detach=True, labels={"oz.worker_id": worker_id, "oz.run_id": "old"}
    )
    other_id = new_worker_id()
    other = client.containers.create(engine["image"], ["true"], labels={"oz.worker_id": other_id})
    try:
        await DockerBackend(worker_settings(), client).start(worker_id)
        assert containers_of(client, worker_id) == []
        assert [c.id for c in containers_of(client, other_id)] == [other.id]  # another worker's are left alone
    finally:
        other.remove(force=True)
        if containers_of(client, worker_id):
            orphan.remove(force=True)


async def test_run_time_limit(engine: dict[str, Any], worker_id: str) -> None:
    from oz_worker_docker.backend import DockerBackend

    limited = DockerBackend(worker_settings(OZ_WORKER_RUN_TIMEOUT_SECONDS="1"), engine["client"])
    await limited.start(worker_id)
    result = await run_on(limited, assignment("run-slow", engine["image"], "sleep long"))
    assert (result.status, result.stage) == ("failed", "timeout")
    assert result.message == "The run exceeded its time limit of 1 s (OZ_WORKER_RUN_TIMEOUT_SECONDS) and was stopped."


# --- the worker client against a fake hub --------------------------------------------------


class FakeHub:
    """A tiny control-plane socket: welcomes workers, records their frames, sends what a test says."""

    def __init__(self) -> None:
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.hellos: list[dict[str, Any]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.connected = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(WS_PATH, self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bearer {WORKER_KEY}":
            return web.json_response({"error": "bad key"}, status=401)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        hello = json.loads((await ws.receive(timeout=5)).data)
        assert hello["type"] == "hello" and hello["data"]["protocol_version"] == 2
        assert hello["data"]["worker_id"] == request.query["worker_id"]
        self.hellos.append(hello["data"])
        await ws.send_json({"type": "welcome", "data": {"protocol_version": 1, "heartbeat_seconds": 0.3}})
        self.sockets.append(ws)
        self.connected.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.frames.put(json.loads(message.data))
        return ws

    async def send(self, kind: str, data: Any) -> None:
        if not isinstance(data, dict):
            data = data.model_dump(mode="json")
        await self.sockets[-1].send_json({"type": kind, "data": data})

    async def expect(self, kind: str, within: float = 15) -> dict[str, Any]:
        """The data of the next frame of this type (heartbeats and progress before it are skipped)."""
        deadline = time.monotonic() + within
        while True:
            frame = await asyncio.wait_for(self.frames.get(), max(0.01, deadline - time.monotonic()))
            if frame["type"] == kind:
                data: dict[str, Any] = frame["data"]
                return data
            assert frame["type"] in ("heartbeat", "task_progress"), (
                f"unexpected frame while waiting for {kind}: {frame}"
            )


@pytest.fixture
async def hub() -> AsyncIterator[FakeHub]:
    fake = FakeHub()
    await fake.start()
    yield fake
    await fake.stop()


async def start_worker(hub: FakeHub, worker_id: str, capacity: int = 1) -> tuple[Worker, asyncio.Task[int]]:
    from oz_worker_docker.backend import DockerBackend

    settings = worker_settings()
    worker = Worker(settings, worker_id, hub.url, DockerBackend(settings), capacity, backoff_base=0.05)
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(hub.connected.wait(), 15)
    return worker, task


async def test_worker_claims_streams_and_completes(hub: FakeHub, engine: dict[str, Any], worker_id: str) -> None:
    worker, task = await start_worker(hub, worker_id)
    await hub.send("task_assignment", assignment("t-1", engine["image"]))
    assert await hub.expect("task_claimed") == {"task_id": "t-1", "worker_id": worker_id}
    progress = ""
    while "pull/42" not in progress:
        frame = await asyncio.wait_for(hub.frames.get(), 15)
        if frame["type"] == "task_progress":
            progress += frame["data"]["output"]
    done = await hub.expect("task_completed")
    assert done["task_id"] == "t-1" and done["exit_code"] == 0
    assert "prompt: fix the widgets" in done["output"]
    assert done["artifacts"][0]["data"]["url"] == "https://github.com/acme/widgets/pull/42"
    assert done["session_link"] == "https://oz.example/sessions/abc123"
    heartbeat = await hub.expect("heartbeat")
    assert heartbeat == {"running": []}
    worker.request_stop()
    assert await asyncio.wait_for(task, 10) == 0


async def test_no_heartbeat_lists_a_run_after_its_result(hub: FakeHub, engine: dict[str, Any], worker_id: str) -> None:
    """WK-8: once a run's result is on the socket, no later heartbeat names the run, even when the
    result's send is slow (a congested socket): the hub would take it for held and cancel it."""
    worker, task = await start_worker(hub, worker_id)
    send = worker._send

    async def slow_results(frame: dict[str, Any]) -> bool:
        sent = await send(frame)
        if frame["type"] == "task_completed":
            await asyncio.sleep(1.0)  # a few heartbeats' time (the fake hub asks for one each 0.3 s)
        return sent

    worker._send = slow_results  # type: ignore[method-assign]
    await hub.send("task_assignment", assignment("t-hb-after", engine["image"]))
    await hub.expect("task_claimed")
    await hub.expect("task_completed")
    later = [await asyncio.wait_for(hub.frames.get(), 5) for _ in range(3)]
    heartbeats = [frame["data"]["running"] for frame in later if frame["type"] == "heartbeat"]
    assert heartbeats and all("t-hb-after" not in running for running in heartbeats), later
    worker.request_stop()
    assert await asyncio.wait_for(task, 10) == 0


async def test_worker_rejects_beyond_capacity_and_cancels(hub: FakeHub, engine: dict[str, Any], worker_id: str) -> None:
    worker, task = await start_worker(hub, worker_id, capacity=1)
    await hub.send("task_assignment", assignment("t-slow", engine["image"], "sleep long"))
    await hub.expect("task_claimed")
    await hub.send("task_assignment", assignment("t-extra", engine["image"]))
    rejected = await hub.expect("task_rejected")
    assert rejected == {"task_id": "t-extra", "reason": "the worker is at capacity (1 runs)"}
    assert (await hub.expect("heartbeat"))["running"] == ["t-slow"]
    began = time.monotonic()
    await hub.send("task_cancel", {"task_id": "t-slow"})
    cancelled = await hub.expect("task_cancelled", within=5)
    assert cancelled["task_id"] == "t-slow"
    assert time.monotonic() - began < 2
    assert containers_of(engine["client"], worker_id) == []
    worker.request_stop()
    assert await asyncio.wait_for(task, 10) == 0


async def test_result_produced_while_disconnected_is_delivered_after_reconnect(
    hub: FakeHub, engine: dict[str, Any], worker_id: str
) -> None:
    worker, task = await start_worker(hub, worker_id)
    await hub.send("task_assignment", assignment("t-nap", engine["image"], "nap a little"))
    await hub.expect("task_claimed")
    hub.connected.clear()
    await hub.sockets[-1].close()  # the control plane restarts while the run works
    await asyncio.wait_for(hub.connected.wait(), 10)
    assert hub.hellos[-1]["running"] == ["t-nap"]
    done = await hub.expect("task_completed")
    assert done["task_id"] == "t-nap"
    assert len(hub.hellos) == 2
    worker.request_stop()
    assert await asyncio.wait_for(task, 10) == 0


def _worker_command(worker_id: str, server: str, **env: str) -> tuple[list[str], dict[str, str]]:
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL"))},
        "OZ_CONFIG_FILE": "",
        "OZ_API_KEY": WORKER_KEY,
        "OZ_LOG_FORMAT": "json",
        **env,
    }
    return [sys.executable, "-m", "oz_app.cli", "--worker", worker_id, "--server", server], full_env


async def test_worker_gives_up_after_max_attempts(engine: dict[str, Any], worker_id: str) -> None:
    command, env = _worker_command(worker_id, f"http://127.0.0.1:{free_port()}", OZ_RECONNECT_MAX_ATTEMPTS="2")
    process = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert "oz-app: gave up reaching the control plane at http://127.0.0.1:" in stderr.decode()
    assert "after 2 failed attempts (OZ_RECONNECT_MAX_ATTEMPTS)" in stderr.decode()


async def test_worker_needs_an_api_key(tmp_path: Path) -> None:
    command, env = _worker_command("w", "http://127.0.0.1:1")
    del env["OZ_API_KEY"]
    process = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().strip() == (
        "oz-app: OZ_API_KEY is not set: set it to the control plane's admin API key to run a worker."
    )


async def test_sigterm_stops_containers_and_reports_runs(hub: FakeHub, engine: dict[str, Any], worker_id: str) -> None:
    command, env = _worker_command(worker_id, hub.url)
    process = await asyncio.create_subprocess_exec(*command, env=env, stderr=asyncio.subprocess.PIPE)
    try:
        await asyncio.wait_for(hub.connected.wait(), 30)
        await hub.send("task_assignment", assignment("t-term", engine["image"], "sleep long"))
        await hub.expect("task_claimed")
        progress = await hub.expect("task_progress")
        while "sleeping" not in progress["output"]:
            progress = await hub.expect("task_progress")
        process.send_signal(signal.SIGTERM)
        failed = await hub.expect("task_failed", within=10)
        assert failed["task_id"] == "t-term"
        assert "shut down" in failed["message"]
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert containers_of(engine["client"], worker_id) == []


async def test_worker_gives_up_after_the_reconnect_window(
    engine: dict[str, Any], worker_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from oz_worker_docker.backend import DockerBackend

    settings = worker_settings(OZ_RECONNECT_WINDOW_SECONDS="1")
    server = f"http://127.0.0.1:{free_port()}"
    worker = Worker(settings, worker_id, server, DockerBackend(settings, engine["client"]), backoff_base=0.05)
    began = time.monotonic()
    assert await asyncio.wait_for(worker.run(), 10) == 1
    assert 1 <= time.monotonic() - began < 5
    assert "without a connection (OZ_RECONNECT_WINDOW_SECONDS)" in capsys.readouterr().err


async def test_a_refused_key_stops_the_worker_at_once(
    hub: FakeHub, engine: dict[str, Any], worker_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from oz_worker_docker.backend import DockerBackend

    settings = worker_settings(OZ_API_KEY="wrong-key")
    worker = Worker(settings, worker_id, hub.url, DockerBackend(settings, engine["client"]), backoff_base=0.05)
    assert await asyncio.wait_for(worker.run(), 10) == 1
    assert "refused the key; set OZ_API_KEY" in capsys.readouterr().err


async def test_a_dead_heartbeat_stops_the_worker_loudly(
    hub: FakeHub, engine: dict[str, Any], worker_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    worker, task = await start_worker(hub, worker_id)
    await hub.send("task_assignment", assignment("t-hb", engine["image"], "sleep long"))
    await hub.expect("task_claimed")

    async def broken_heartbeat(ws: Any) -> None:
        raise RuntimeError("heartbeat bug")

    worker._heartbeat = broken_heartbeat  # type: ignore[method-assign]
    hub.connected.clear()
    await hub.sockets[-1].close()  # the next session starts the broken heartbeat
    assert await asyncio.wait_for(task, 15) == 1
    assert "its heartbeat failed (RuntimeError('heartbeat bug'))" in capsys.readouterr().err
    assert containers_of(engine["client"], worker_id) == []
