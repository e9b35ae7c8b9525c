"""Runs through the official oz-agent-sdk client, sync and async (CP-1, CP-2, CP-3, CP-4)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta, timezone

import httpx
import oz_agent_sdk
import pytest

from tests.conftest import ADMIN_KEY, async_sdk, sdk, wait_for


def test_create_returns_state_and_retrieve_shows_the_run(server, token):
    """CP-2: create answers {run_id, task_id, state}; retrieve gives a RunItem with the prompt and title."""
    client = sdk(server, token)
    created = client.agent.run(prompt="Fix the flaky test", title="Flaky test")
    assert created.state == "QUEUED"
    assert created.task_id == created.run_id
    run = client.agent.runs.retrieve(created.run_id)
    assert run.run_id == created.run_id
    assert run.prompt == "Fix the flaky test"
    assert run.title == "Flaky test"
    assert run.execution_location == "LOCAL"
    assert run.created_at.tzinfo is not None


def test_seed_create_path_and_title_from_config_name(server, token):
    """CP-2: the seed's POST /agent/run works too; config.name becomes the title."""
    response = httpx.post(
        server.api + "/agent/run",
        json={"prompt": "hello", "config": {"name": "Named by config"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"run_id", "task_id", "state"}
    assert sdk(server, token).agent.runs.retrieve(body["run_id"]).title == "Named by config"


def test_run_without_provider_fails_promptly_with_a_clear_reason(server, token):
    """CP-4: an in-process run with no provider configured fails at once, naming what to set."""
    client = sdk(server, token)
    run_id = client.agent.run(prompt="hi", config={"model_id": "gemini-2.5-pro"}).run_id
    run = wait_for(lambda: (r := client.agent.runs.retrieve(run_id)).state == "FAILED" and r, timeout=15)
    assert "No provider configured for harness 'gemini-cli'" in run.status_message.message
    assert "OZ_PROVIDER_GEMINI_TYPE" in run.status_message.message
    assert run.status_message.error_code == "integration_not_configured"


def test_a_run_naming_its_provider_is_answered_by_it_or_fails_naming_it(server, token):
    """UX-7, CP-11: ``config.provider`` (oz's own field, what a workspace agent's provider picker
    sets) names the provider that answers; one not configured fails the run naming it, and a key
    that cannot be a provider's is refused at once."""
    client = sdk(server, token)
    run_id = client.agent.run(prompt="hi", config={"provider": "gone"}).run_id
    run = wait_for(lambda: (r := client.agent.runs.retrieve(run_id)).state == "FAILED" and r, timeout=15)
    assert "Provider 'gone', chosen for this agent, is no longer configured" in run.status_message.message
    error = httpx.post(
        f"{server.url}/api/v1/agent/run",
        json={"prompt": "hi", "config": {"provider": "Not A Key"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert error.status_code in (400, 422) and "provider" in error.text


def test_run_with_environment_waits_for_a_worker(server, token):
    """CP-4: a run with config.environment_id stays PENDING for workers."""
    client = sdk(server, token)
    env = httpx.post(
        server.api + "/environments",
        json={"name": "py", "docker_image": "python:3.11"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    created = client.agent.run(prompt="in a container", config={"environment_id": env["id"]})
    assert created.state == "PENDING"
    run = client.agent.runs.retrieve(created.run_id)
    assert run.execution_location == "REMOTE"
    assert run.agent_config.environment_id == env["id"]
    listed = client.agent.runs.list(environment_id=env["id"])
    assert [r.run_id for r in listed.runs] == [created.run_id]


def test_unknown_environment_is_refused(server, token):
    """CP-8: a run naming an environment that does not exist (or is not yours) is a 404, and no run is made."""
    client = sdk(server, token)
    with pytest.raises(oz_agent_sdk.NotFoundError):
        client.agent.run(prompt="x", config={"environment_id": "doesNotExist0000000000"})
    assert client.agent.runs.list().runs == []


def test_auto_pagination_visits_every_run_once_newest_first(server, token):
    """CP-2: the SDK's auto-pagination over several pages sees each run exactly once, newest first."""
    client = sdk(server, token)
    ids = [client.agent.run(prompt=f"run {i}").run_id for i in range(23)]
    seen = [run.run_id for run in client.agent.runs.list(limit=5)]
    assert seen == list(reversed(ids))
    first = client.agent.runs.list(limit=5)
    assert first.page_info.has_next_page is True and first.page_info.next_cursor
    ascending = [run.run_id for run in client.agent.runs.list(limit=7, sort_order="asc")]
    assert ascending == ids
    by_title = [run.title for run in client.agent.runs.list(limit=4, sort_by="title", sort_order="asc")]
    assert by_title == sorted(by_title) and len(by_title) == 23


async def test_async_client_pages_and_filters(server, token):
    """CP-2: the async client lists with filters: state, q, created_after/before, model_id."""
    client = async_sdk(server, token)
    before = datetime.now(UTC) - timedelta(seconds=1)
    a = await client.agent.run(prompt="alpha task", config={"model_id": "custom"})
    b = await client.agent.run(prompt="beta task")
    ids = [run.run_id async for run in client.agent.runs.list(limit=1)]
    assert ids == [b.run_id, a.run_id]
    found = [run.run_id async for run in client.agent.runs.list(q="ALPHA")]
    assert found == [a.run_id]
    found = [run.run_id async for run in client.agent.runs.list(model_id="custom")]
    assert found == [a.run_id]
    assert [r async for r in client.agent.runs.list(created_before=before)] == []
    assert len([r async for r in client.agent.runs.list(created_after=before)]) == 2
    # the same instant written with another offset means the same thing (SQLite compares text)
    east = before.astimezone(timezone(timedelta(hours=5))).isoformat()
    west = before.astimezone(timezone(timedelta(hours=-5))).isoformat()
    async with httpx.AsyncClient(base_url=server.api, headers={"Authorization": f"Bearer {token}"}) as raw:
        after = (await raw.get("/agent/runs", params={"created_after": east})).json()["runs"]
        earlier = (await raw.get("/agent/runs", params={"created_before": west})).json()["runs"]
    assert (len(after), earlier) == (2, [])
    await client.close()


def test_state_filter(server, token):
    """CP-2, CP-3: filtering by one or several states."""
    client = sdk(server, token)
    failed = client.agent.run(prompt="will fail: no provider").run_id
    wait_for(lambda: client.agent.runs.retrieve(failed).state == "FAILED")
    env = httpx.post(
        server.api + "/environments",
        json={"name": "e", "docker_image": "busybox"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    pending = client.agent.run(prompt="waits", config={"environment_id": env["id"]}).run_id
    assert [r.run_id for r in client.agent.runs.list(state=["FAILED"])] == [failed]
    assert [r.run_id for r in client.agent.runs.list(state=["PENDING"])] == [pending]
    assert {r.run_id for r in client.agent.runs.list(state=["PENDING", "FAILED"])} == {failed, pending}
    assert list(client.agent.runs.list(state=["SUCCEEDED"])) == []


def test_cancel_pending_run_and_refuse_cancelling_a_finished_one(server, token):
    """CP-3: cancel moves an active run to CANCELLED; a terminal run is refused with 400 and keeps its state."""
    client = sdk(server, token)
    env = httpx.post(
        server.api + "/environments",
        json={"name": "e", "docker_image": "busybox"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    run_id = client.agent.run(prompt="long job", config={"environment_id": env["id"]}).run_id
    assert client.agent.runs.cancel(run_id) == run_id
    run = client.agent.runs.retrieve(run_id)
    assert run.state == "CANCELLED"
    with pytest.raises(oz_agent_sdk.BadRequestError) as refused:
        client.agent.runs.cancel(run_id)
    assert "already ended as CANCELLED" in refused.value.body["error"]

    failed = client.agent.run(prompt="fails at once").run_id
    wait_for(lambda: client.agent.runs.retrieve(failed).state == "FAILED")
    with pytest.raises(oz_agent_sdk.BadRequestError):
        client.agent.runs.cancel(failed)
    assert client.agent.runs.retrieve(failed).state == "FAILED"


def test_tenants_are_isolated_and_admin_sees_all(server, token):
    """CP-1: another tenant's run answers 404 and never appears in its list; the admin sees both."""
    other = "tenant-" + secrets.token_hex(12)
    mine = sdk(server, token).agent.run(prompt=f"mine {token}").run_id
    theirs = sdk(server, other).agent.run(prompt=f"theirs {token}").run_id
    with pytest.raises(oz_agent_sdk.NotFoundError):
        sdk(server, other).agent.runs.retrieve(mine)
    with pytest.raises(oz_agent_sdk.NotFoundError):
        sdk(server, other).agent.runs.cancel(mine)
    assert [r.run_id for r in sdk(server, token).agent.runs.list()] == [mine]
    admin = sdk(server, ADMIN_KEY)
    assert admin.agent.runs.retrieve(theirs).run_id == theirs
    assert {r.run_id for r in admin.agent.runs.list(q=token)} == {mine, theirs}


def test_missing_or_malformed_bearer_is_401(server):
    """CP-1: no header, a non-bearer scheme or an empty token answer 401 JSON."""
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}):
        response = httpx.get(server.api + "/agent/runs", headers=headers)
        assert response.status_code == 401
        assert "bearer" in response.json()["error"].lower()
