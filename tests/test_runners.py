"""Runner modes are plugins behind one interface: ``local`` and ``remote`` (PR-7)."""

from __future__ import annotations

import asyncio

import httpx
import oz_runner_local
import oz_runner_remote
import pytest

from oz_app.config import load_settings
from oz_app.hookspecs import hookimpl
from oz_app.plugins import new_manager
from oz_app.runners import RunnerError, load_runner
from tests.conftest import ADMIN_KEY, in_process_app, scripted_provider_env, sdk


async def _collect(runner, run_id):
    output, states = [], []
    async for event in runner.follow(run_id):
        if event["type"] == "output":
            output.append(event["text"])
        elif event["type"] == "state":
            states.append(event["state"])
    return "".join(output), states


def _remote_runner(server, token):
    manager = new_manager()
    manager.register(oz_runner_remote, name="remote")
    env = {"OZ_RUNNER_MODE": "remote", "OZ_API_BASE_URL": server.api, "OZ_API_KEY": token, "OZ_CONFIG_FILE": ""}
    return load_runner(manager, load_settings(env))


async def test_remote_runner_starts_follows_and_cancels(make_server, tmp_path, token):
    """PR-7: the remote runner drives a control plane elsewhere over HTTP and streams replies live."""
    srv = make_server(scripted_provider_env(tmp_path, OZ_TEST_CHUNKS="5", OZ_TEST_DELAY="0.02"))
    runner = _remote_runner(srv, token)
    try:
        run_id = await runner.start("hello there", title="greeting", config={"model_id": "custom-model"})
        output, states = await _collect(runner, run_id)
        assert output == "chunk0 chunk1 chunk2 chunk3 chunk4 "
        assert states[-1] == "SUCCEEDED"
        run = await runner.get(run_id)
        assert run["title"] == "greeting" and run["state"] == "SUCCEEDED"
        assert sdk(srv, token).agent.runs.retrieve(run_id).output == output  # the same run the API sees
        with pytest.raises(RunnerError, match="already ended"):
            await runner.cancel(run_id)
    finally:
        await runner.close()


async def test_remote_runner_reports_an_unreachable_control_plane(token):
    """PR-7: a remote runner pointed nowhere answers with a clear error instead of hanging."""
    from tests.conftest import free_port

    manager = new_manager()
    manager.register(oz_runner_remote, name="remote")
    env = {"OZ_RUNNER_MODE": "remote", "OZ_API_BASE_URL": f"http://127.0.0.1:{free_port()}/api/v1", "OZ_API_KEY": "t"}
    runner = load_runner(manager, load_settings({**env, "OZ_CONFIG_FILE": ""}))
    try:
        with pytest.raises(RunnerError, match="unreachable"):
            await runner.start("x")
    finally:
        await runner.close()


def test_runner_mode_configuration_errors_are_clear():
    """PR-7: an unknown mode or a remote mode without its URL says what to set."""
    manager = new_manager()
    manager.register(oz_runner_local, name="local")
    manager.register(oz_runner_remote, name="remote")
    with pytest.raises(RunnerError, match="'k8s' is not a runner mode \\(local, remote\\)"):
        load_runner(manager, load_settings({"OZ_RUNNER_MODE": "k8s", "OZ_CONFIG_FILE": ""}))
    with pytest.raises(RunnerError, match="OZ_API_BASE_URL and OZ_API_KEY"):
        load_runner(manager, load_settings({"OZ_RUNNER_MODE": "remote", "OZ_CONFIG_FILE": ""}))
    with pytest.raises(RunnerError, match="needs the control plane in this process"):
        load_runner(manager, load_settings({"OZ_RUNNER_MODE": "local", "OZ_CONFIG_FILE": ""}))


class _SlowProvider:
    def __init__(self, settings):
        self.settings = settings

    async def stream(self, request):
        for index in range(200):
            await asyncio.sleep(0.02)
            yield f"part{index} "


class _TestProviders:
    @hookimpl
    def oz_register_providers(self, register):
        register("slow", _SlowProvider)


async def test_local_runner_uses_the_control_plane_in_this_process(tmp_path):
    """PR-7: the local runner creates runs in this process, follows their output and cancels them."""
    manager = new_manager()
    manager.register(oz_runner_local, name="local")
    manager.register(_TestProviders(), name="test-providers")
    env = {"OZ_PROVIDER_SLOW_TYPE": "slow", "OZ_DEFAULT_PROVIDER": "slow", "OZ_API_KEY": "workspace-token"}
    async with in_process_app(tmp_path, manager, **env) as app:
        plane = app.state.plane
        runner = load_runner(manager, plane.settings, plane)
        run_id = await runner.start("write a lot")
        seen = []
        async for event in runner.follow(run_id):
            seen.append(event)
            if event["type"] == "output" and len(seen) > 3:
                await runner.cancel(run_id)
        assert seen[-1]["state"] == "CANCELLED"
        run = await runner.get(run_id)
        assert run["state"] == "CANCELLED"
        assert run["output"].startswith("part0 part1")
        with pytest.raises(RunnerError, match="already ended"):
            await runner.cancel(run_id)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            seen_by_api = await client.get(
                f"/api/v1/agent/runs/{run_id}", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
            )
        assert seen_by_api.json()["output"] == run["output"]  # one row, seen by the runner and the API
