"""The control plane's worker socket, driven by a scripted worker (WK-1, WK-2, WK-7, WK-8).

The Docker worker itself is tested in test_worker.py; here a test plays the worker so every
protocol path (rejection, lost workers, reconnects, duplicate results) can be forced.
"""

from __future__ import annotations

import asyncio
import json

import aiohttp
import httpx
import pytest

from tests.conftest import ADMIN_KEY, sdk


class FakeWorker:
    """A worker speaking protocol version 1 (the seed's worker) or 2 from the test."""

    def __init__(self, server, worker_id="w1", capacity=1, running=(), key=ADMIN_KEY, version=1):
        self.server, self.worker_id, self.capacity, self.running, self.key = server, worker_id, capacity, running, key
        self.version = version

    async def __aenter__(self):
        self.session = aiohttp.ClientSession()
        url = self.server.api.replace("http", "ws", 1) + f"/selfhosted/worker/ws?worker_id={self.worker_id}"
        self.ws = await self.session.ws_connect(url, headers={"Authorization": f"Bearer {self.key}"})
        hello = {
            "worker_id": self.worker_id,
            "protocol_version": self.version,
            "capacity": self.capacity,
            "running": list(self.running),
        }
        await self.send("hello", hello)
        self.welcome = await self.receive()
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()
        await self.session.close()

    async def send(self, kind, data):
        await self.ws.send_str(json.dumps({"type": kind, "data": data}))

    async def receive(self, within=5.0):
        message = await self.ws.receive(timeout=within)
        if message.type != aiohttp.WSMsgType.TEXT:
            return {"type": "closed", "code": self.ws.close_code}
        return json.loads(message.data)


def _environment(server, token, **fields):
    body = {
        "name": "task",
        "docker_image": "busybox:local",
        "repos": ["acme/api"],
        "setup_commands": ["make"],
        **fields,
    }
    response = httpx.post(server.api + "/environments", json=body, headers={"Authorization": f"Bearer {token}"})
    return response.json()["id"]


async def _state(client, run_id, want, within=5.0):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        run = await asyncio.to_thread(client.agent.runs.retrieve, run_id)
        if run.state == want:
            return run
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"run {run_id} stayed {run.state}, expected {want}")
        await asyncio.sleep(0.05)


async def test_a_worker_gets_the_run_streams_output_and_completes_it(make_server, token):
    """WK-2, WK-5: assignment with the environment, claim, live progress, result with artifacts, once."""
    srv = make_server()
    client = sdk(srv, token)
    env_id = _environment(srv, token, env_vars={"API_TOKEN": "t0ps3cret"})
    run_id = client.agent.run(prompt="fix it", config={"environment_id": env_id, "model_id": "claude-sonnet"}).run_id
    async with FakeWorker(srv) as worker:
        assert worker.welcome["type"] == "welcome" and worker.welcome["data"]["protocol_version"] == 1
        assignment = await worker.receive()
        assert assignment["type"] == "task_assignment"
        data = assignment["data"]
        assert data["task_id"] == run_id and data["docker_image"] == "busybox:local"
        assert data["task"]["task_definition"]["prompt"] == "fix it"
        assert data["env_vars"]["OZ_ENV_VARS"] == "API_TOKEN=t0ps3cret"
        assert data["env_vars"]["OZ_ENV_REPOS"] == "acme/api" and data["env_vars"]["OZ_MODEL_ID"] == "claude-sonnet"
        await _state(client, run_id, "CLAIMED")
        await worker.send("task_claimed", {"task_id": run_id, "worker_id": "w1"})
        await _state(client, run_id, "INPROGRESS")
        await worker.send("task_progress", {"task_id": run_id, "output": "cloning acme/api\n"})
        run = await _state(client, run_id, "INPROGRESS")
        pr = {
            "artifact_type": "PULL_REQUEST",
            "created_at": "2026-11-24T12:00:00Z",
            "data": {"url": "https://github.com/acme/api/pull/7", "branch": "fix"},
        }
        result = {"task_id": run_id, "output": "done\n", "artifacts": [pr], "session_link": None, "exit_code": 0}
        await worker.send("task_completed", result)
        run = await _state(client, run_id, "SUCCEEDED")
        await worker.send("task_failed", {"task_id": run_id, "message": "late duplicate"})
        await asyncio.sleep(0.3)
    run = client.agent.runs.retrieve(run_id)
    assert run.state == "SUCCEEDED" and run.output == "done\n"
    assert run.artifacts[0].artifact_type == "PULL_REQUEST"
    assert run.artifacts[0].data.url == "https://github.com/acme/api/pull/7"


async def test_nul_in_a_workers_output_is_stored_as_a_replacement_character(make_server, token):
    """SEC-13: an agent printing NUL or an unpaired surrogate (binary output) still completes its
    run on every database; each shows as U+FFFD."""
    srv = make_server()
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="cat a binary", config={"environment_id": _environment(srv, token)}).run_id
    async with FakeWorker(srv) as worker:
        await worker.receive()  # the assignment
        await worker.send("task_claimed", {"task_id": run_id, "worker_id": "w1"})
        await _state(client, run_id, "INPROGRESS")
        await worker.send("task_progress", {"task_id": run_id, "output": "\u007fELF\u0000\u0000\n"})
        await asyncio.sleep(0.3)
        await worker.send("task_completed", {"task_id": run_id, "output": "ELF\u0000 \udc80", "exit_code": 0})
        run = await _state(client, run_id, "SUCCEEDED")
    assert run.output == "ELF\ufffd \ufffd"


async def test_the_socket_needs_the_admin_key_and_unique_worker_ids(make_server, token):
    """WK-1, WK-8: a tenant token is refused; a second worker with a connected id is refused."""
    srv = make_server()
    async with FakeWorker(srv, key=token) as intruder:
        assert intruder.welcome["type"] == "error"
        assert (await intruder.receive())["code"] == 4401
    async with FakeWorker(srv, worker_id="same") as first:
        assert first.welcome["type"] == "welcome"
        async with FakeWorker(srv, worker_id="same") as second:
            assert second.welcome["type"] == "error" and "already connected" in second.welcome["data"]["message"]


async def test_capacity_and_rejection_leave_runs_for_other_workers(make_server, token):
    """WK-6: a worker gets no more runs than its capacity; a rejected run goes to another worker."""
    srv = make_server()
    client = sdk(srv, token)
    env_id = _environment(srv, token)
    first = client.agent.run(prompt="one", config={"environment_id": env_id}).run_id
    second = client.agent.run(prompt="two", config={"environment_id": env_id}).run_id
    async with FakeWorker(srv, worker_id="small", capacity=1) as small:
        assignment = await small.receive()
        assert assignment["data"]["task_id"] == first
        with pytest.raises(TimeoutError):
            await small.receive(within=1.0)  # at capacity: the second run is not offered
        await small.send("task_rejected", {"task_id": first, "reason": "at capacity"})
        await _state(client, first, "PENDING")
        async with FakeWorker(srv, worker_id="big", capacity=2) as big:
            offered = {(await big.receive())["data"]["task_id"], (await big.receive())["data"]["task_id"]}
            assert offered == {first, second}


async def test_cancel_reaches_the_worker(make_server, token):
    """WK-7: cancelling through the API sends task_cancel to the worker holding the run at once."""
    srv = make_server()
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="long", config={"environment_id": _environment(srv, token)}).run_id
    async with FakeWorker(srv) as worker:
        await worker.receive()
        await worker.send("task_claimed", {"task_id": run_id, "worker_id": "w1"})
        await _state(client, run_id, "INPROGRESS")
        await asyncio.to_thread(client.agent.runs.cancel, run_id)
        message = await worker.receive(within=10)
        assert message == {"type": "task_cancel", "data": {"task_id": run_id}}
        await worker.send("task_completed", {"task_id": run_id, "output": "too late", "artifacts": []})
        await asyncio.sleep(0.3)
    assert client.agent.runs.retrieve(run_id).state == "CANCELLED"


async def test_a_vanished_worker_loses_its_runs_after_the_lease(make_server, token):
    """WK-8: a started run fails with a reason, an unstarted one goes back to PENDING."""
    srv = make_server({"OZ_LEASE_SECONDS": "2"})
    client = sdk(srv, token)
    env_id = _environment(srv, token)
    started = client.agent.run(prompt="started", config={"environment_id": env_id}).run_id
    unstarted = client.agent.run(prompt="unstarted", config={"environment_id": env_id}).run_id
    async with FakeWorker(srv, capacity=2) as worker:
        await worker.receive()
        await worker.receive()
        await worker.send("task_claimed", {"task_id": started, "worker_id": "w1"})
        await _state(client, started, "INPROGRESS")
    failed = await _state(client, started, "FAILED", within=8)
    assert "worker running this run stopped answering" in failed.status_message.message
    await _state(client, unstarted, "PENDING", within=8)


async def test_a_result_delivered_after_reconnecting_is_recorded_once(make_server, token):
    """WK-8: a worker that reconnects within its lease still owns its run and its result counts."""
    srv = make_server({"OZ_LEASE_SECONDS": "6"})
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="x", config={"environment_id": _environment(srv, token)}).run_id
    async with FakeWorker(srv) as worker:
        await worker.receive()
        await worker.send("task_claimed", {"task_id": run_id, "worker_id": "w1"})
        await _state(client, run_id, "INPROGRESS")
    async with FakeWorker(srv, running=[run_id]) as worker:
        assert worker.welcome["type"] == "welcome"
        await worker.send("task_completed", {"task_id": run_id, "output": "finished offline", "artifacts": []})
        run = await _state(client, run_id, "SUCCEEDED")
    assert run.output == "finished offline"


async def test_wk9_a_protocol_2_worker_gets_each_input_once_and_exactly(make_server, token):
    """WK-9, WK-10: env values, setup commands, harness, mode and MCP servers as typed fields."""
    from oz_app.worker_frames import TaskAssignment

    srv = make_server()
    client = sdk(srv, token)
    env_vars = {"PEM": "-----BEGIN-----\nabc\n-----END-----\n", "QUOTED": 'a "b" = c é'}
    setup = ["if true; then\n  echo two lines\nfi"]
    env_id = _environment(srv, token, env_vars=env_vars, setup_commands=setup)
    config = {
        "environment_id": env_id,
        "model_id": "claude-sonnet",
        "harness": {"type": "codex", "model_id": "gpt-5-codex", "reasoning_level": "high"},
        "mcp_servers": {"fs": {"command": "mcp-fs"}},
    }
    run_id = client.agent.run(prompt="fix it", config=config).run_id
    async with FakeWorker(srv, version=2) as worker:
        assert worker.welcome["data"]["protocol_version"] == 2
        frame = await worker.receive()
        assignment = TaskAssignment.model_validate(frame["data"])
        assert assignment.task_id == run_id and assignment.prompt == "fix it"
        assert assignment.environment.env_vars == env_vars
        assert assignment.environment.setup_commands == setup and assignment.environment.repos == ["acme/api"]
        assert assignment.environment.image == "busybox:local"
        harness = {"type": "codex", "model_id": "gpt-5-codex", "reasoning_effort": "high"}
        assert assignment.harness.model_dump() == harness
        assert assignment.mcp_servers == {"fs": {"command": "mcp-fs"}}
        assert "env_vars" not in frame["data"] and "task" not in frame["data"]  # nothing twice
        await worker.send("task_claimed", {"task_id": run_id, "worker_id": "w1"})
        await _state(client, run_id, "INPROGRESS")
        failed = {"task_id": run_id, "message": "Setup command 1 failed with exit code 2.", "stage": "setup"}
        await worker.send("task_failed", failed)
        run = await _state(client, run_id, "FAILED")
    assert run.status_message.message == "Setup command 1 failed with exit code 2."


def test_the_assignment_carries_the_runs_harness_mode_and_mcp_servers() -> None:
    """CP-11: what the run's config asks of its harness goes to the sidecar, and nothing unset."""
    from oz_app.control_plane.worker_hub import harness_inputs
    from oz_app.db.models import Run

    config = {
        "harness": {"type": "codex", "model_id": "gpt-5-codex", "reasoning_level": "high"},
        "mcp_servers": {"fs": {"command": "mcp-fs"}},
    }
    inputs = harness_inputs(Run(agent_config=config, mode="plan"))
    assert inputs == {
        "OZ_HARNESS": "codex",
        "OZ_HARNESS_MODEL": "gpt-5-codex",
        "OZ_REASONING_LEVEL": "high",
        "OZ_RUN_MODE": "plan",
        "OZ_MCP_CONFIG": '{"mcpServers": {"fs": {"command": "mcp-fs"}}}',
    }
    assert harness_inputs(Run(agent_config={"harness": {"type": "oz"}}, mode="normal")) == {}
