"""Scheduled agents through the official oz-agent-sdk client, sync and async (CP-6).

Firing is tested without waiting for the wall clock: in-process, the scheduler's clock is moved
forward; across a restart or two processes, ``next_run_at`` is set in the past in the database,
as if the time had come while nothing looked.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import oz_agent_sdk
import pytest
from tortoise import connections

from oz_app.control_plane.http import tenant_of
from oz_app.db.models import Run, Schedule
from oz_app.plugins import new_manager
from tests.conftest import ADMIN_KEY, TEST_DATABASE, async_sdk, eventually, in_process_app, sdk, two_servers, wait_for

YEARLY = "0 0 1 1 *"  # never due by itself while a test runs


def _call(server: Any, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, server.api + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def _environment(server: Any, token: str) -> str:
    response = _call(server, "POST", "/environments", token, json={"name": "py", "docker_image": "python:3.11"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _make_due(database_url: str, ago: timedelta) -> None:
    """Every schedule's next run ``ago`` in the past, written as the ORM writes it."""
    when = datetime.now(UTC).replace(microsecond=0) - ago
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as conn:
            conn.execute("UPDATE schedules SET next_run_at=? WHERE enabled", (str(when),))
        return

    async def write() -> None:
        import asyncpg

        connection = await asyncpg.connect(database_url, timeout=5)
        try:
            await connection.execute('UPDATE "schedules" SET "next_run_at"=$1 WHERE "enabled"', when)
        finally:
            await connection.close()

    asyncio.run(write())


# --- the API ---------------------------------------------------------------------------------


def test_create_retrieve_list_update_delete(server, token):
    """CP-6: a schedule round-trips every field in the SDK's ScheduledAgentItem; the list is by
    name; an update keeps what it leaves out; delete answers success and the schedule is gone."""
    client = sdk(server, token)
    environment_id = _environment(server, token)
    created = client.agent.schedules.create(
        name="Nightly triage",
        cron_schedule="30 2 * * *",
        prompt="Triage the new issues",
        agent_config={"environment_id": environment_id, "model_id": "claude-4", "name": "triage"},
        metadata={"team": "core"},
        mode="plan",
    )
    assert len(created.id) == 32
    assert created.enabled is True
    assert created.prompt == "Triage the new issues"
    assert created.agent_config.environment_id == environment_id
    assert created.environment.name == "py" and created.environment.docker_image == "python:3.11"
    assert created.metadata == {"team": "core"}
    assert created.created_by.uid == tenant_of(token) and created.created_by.type == "service_account"
    assert created.scope.type == "Team" and created.scope.uid == tenant_of(token)
    assert created.history.last_ran is None
    next_run = created.history.next_run
    assert next_run > datetime.now(UTC) and (next_run.hour, next_run.minute, next_run.second) == (2, 30, 0)
    assert created.last_spawn_error is None

    client.agent.schedules.create(name="A first", cron_schedule=YEARLY, prompt="x")
    assert [s.name for s in client.agent.schedules.list().schedules] == ["A first", "Nightly triage"]
    fetched = client.agent.schedules.retrieve(created.id)
    assert fetched.model_dump() == created.model_dump()

    updated = client.agent.schedules.update(created.id, name="Hourly triage", cron_schedule="0 * * * *", enabled=True)
    assert updated.name == "Hourly triage"
    assert updated.prompt == "Triage the new issues" and updated.metadata == {"team": "core"}
    assert updated.history.next_run - datetime.now(UTC) <= timedelta(hours=1)
    assert updated.updated_at > created.updated_at
    cleared = client.agent.schedules.update(
        created.id, name="Hourly triage", cron_schedule="0 * * * *", enabled=True, metadata={}, agent_config={}
    )
    assert cleared.metadata == {} and cleared.environment is None and cleared.agent_config.environment_id is None
    assert cleared.history.next_run == updated.history.next_run  # the same expression keeps its next tick

    assert client.agent.schedules.delete(created.id).success is True
    with pytest.raises(oz_agent_sdk.NotFoundError):
        client.agent.schedules.retrieve(created.id)
    assert [s.name for s in client.agent.schedules.list().schedules] == ["A first"]


async def test_pause_and_resume(server, token):
    """CP-6: pause answers the schedule disabled with no next run; resume enables it again from
    its next tick; an update with enabled=false pauses too."""
    client = async_sdk(server, token)
    created = await client.agent.schedules.create(name="s", cron_schedule="*/5 * * * *", prompt="p")
    paused = await client.agent.schedules.pause(created.id)
    assert paused.enabled is False and paused.history.next_run is None
    assert (await client.agent.schedules.retrieve(created.id)).enabled is False
    resumed = await client.agent.schedules.resume(created.id)
    assert resumed.enabled is True
    assert resumed.history.next_run > datetime.now(UTC) and resumed.history.next_run.minute % 5 == 0
    updated = await client.agent.schedules.update(created.id, name="s", cron_schedule="*/5 * * * *", enabled=False)
    assert updated.enabled is False and updated.history.next_run is None


def test_cron_time_zone_prefix(server, token):
    """CP-6: CRON_TZ=Area/City reads the fields in that zone: 09:00 in Tokyo is 00:00 UTC."""
    created = sdk(server, token).agent.schedules.create(
        name="tokyo", cron_schedule="CRON_TZ=Asia/Tokyo 0 9 * * *", prompt="good morning"
    )
    assert created.cron_schedule == "CRON_TZ=Asia/Tokyo 0 9 * * *"
    assert (created.history.next_run.hour, created.history.next_run.minute) == (0, 0)


BAD_BODIES = {
    "bad-minute": ({"cron_schedule": "61 * * * *"}, 400, "'61 * * * *'"),
    "seconds-field": ({"cron_schedule": "0 0 9 * * *"}, 400, "five fields"),
    "nickname": ({"cron_schedule": "@daily"}, 400, "'@daily'"),
    "never": ({"cron_schedule": "0 0 30 2 *"}, 400, "'0 0 30 2 *'"),
    "bad-zone": ({"cron_schedule": "CRON_TZ=Mars/Olympus 0 9 * * *"}, 400, "'Mars/Olympus' is not a time zone"),
    "zone-as-path": ({"cron_schedule": "CRON_TZ=../../etc/passwd 0 9 * * *"}, 400, "is not a time zone"),
    "zone-alone": ({"cron_schedule": "CRON_TZ=UTC"}, 400, "five fields"),
    "no-prompt": ({"prompt": "  "}, 422, "prompt is required"),
    "bad-metadata-key": ({"metadata": {"no spaces": "x"}}, 400, "metadata key 'no spaces'"),
    "metadata-not-text": ({"metadata": {"n": 1}}, 400, "metadata[n] must be text"),
    "too-much-metadata": ({"metadata": {f"k{i}": "v" for i in range(21)}}, 400, "at most 20"),
    "unknown-config": ({"agent_config": {"bogus": True}}, 422, "agent_config.bogus"),
    "refused-config": ({"agent_config": {"runner_id": "r"}}, 400, "agent_config.runner_id is not supported"),
    "unknown-environment": ({"agent_config": {"environment_id": "nope"}}, 404, "Environment nope"),
    "unknown-agent": ({"agent_uid": "agent1"}, 404, "Agent agent1 was not found"),
    "unknown-field": ({"schedule": "daily"}, 422, "schedule"),
    "blank-name": ({"name": " "}, 422, "name"),
    "nul-in-prompt": ({"prompt": "a\u0000"}, 422, "prompt"),
}


@pytest.mark.parametrize(("fields", "status", "says"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_input_is_refused_and_changes_nothing(server, token, fields, status, says):
    """CP-6, CP-8: a bad cron expression or time zone, a missing prompt, bad metadata or config
    are refused with a 4xx naming what is wrong; nothing is created, and an update with the
    same fields leaves the schedule as it was."""
    body = {"name": "n", "cron_schedule": YEARLY, "prompt": "p", **fields}
    response = _call(server, "POST", "/agent/schedules", token, json=body)
    assert response.status_code == status, response.text
    assert says in response.json()["error"] and response.json()["request_id"]
    client = sdk(server, token)
    assert client.agent.schedules.list().schedules == []

    kept = client.agent.schedules.create(name="keep", cron_schedule=YEARLY, prompt="p", metadata={"a": "b"})
    response = _call(server, "PUT", f"/agent/schedules/{kept.id}", token, json={**body, "enabled": True})
    assert response.status_code == status, response.text
    assert client.agent.schedules.retrieve(kept.id).model_dump() == kept.model_dump()


def test_a_skill_stands_in_for_the_prompt_only_where_skills_exist(server, token):
    """CP-6: without a prompt, agent_config.skill_spec (or skills) is required; a control plane
    that lists no skills refuses it by name rather than failing at every tick."""
    body = {"name": "n", "cron_schedule": YEARLY, "agent_config": {"skills": ["acme/repo:review"]}}
    response = _call(server, "POST", "/agent/schedules", token, json=body)
    assert response.status_code == 400 and "'acme/repo:review'" in response.json()["error"]


def test_other_tenants_get_404_and_the_admin_sees_all(server, token):
    """CP-6: another tenant can neither see nor retrieve, update, pause, resume or delete a
    schedule (404 each, nothing changes); the admin lists and pauses it."""
    owner = sdk(server, token)
    mine = owner.agent.schedules.create(name="mine", cron_schedule=YEARLY, prompt="p")
    intruder = sdk(server, "tenant-" + secrets.token_hex(12))
    assert intruder.agent.schedules.list().schedules == []
    attacks = [
        lambda: intruder.agent.schedules.retrieve(mine.id),
        lambda: intruder.agent.schedules.update(mine.id, name="x", cron_schedule="* * * * *", enabled=True),
        lambda: intruder.agent.schedules.pause(mine.id),
        lambda: intruder.agent.schedules.resume(mine.id),
        lambda: intruder.agent.schedules.delete(mine.id),
    ]
    for attack in attacks:
        with pytest.raises(oz_agent_sdk.NotFoundError):
            attack()
    assert owner.agent.schedules.retrieve(mine.id).model_dump() == mine.model_dump()

    admin = sdk(server, ADMIN_KEY)
    assert mine.id in [s.id for s in admin.agent.schedules.list().schedules]
    paused = admin.agent.schedules.pause(mine.id)
    assert paused.enabled is False and paused.updated_by.uid == tenant_of(ADMIN_KEY)
    assert paused.created_by.uid == tenant_of(token)


def test_an_environment_of_another_tenant_is_not_yours_to_schedule(server, token):
    """CP-6: a schedule may not name another tenant's environment (404, as for runs)."""
    theirs = _environment(server, "tenant-" + secrets.token_hex(12))
    body = {"name": "n", "cron_schedule": YEARLY, "prompt": "p", "agent_config": {"environment_id": theirs}}
    assert _call(server, "POST", "/agent/schedules", token, json=body).status_code == 404


@pytest.mark.parametrize("schedule_id", ["x" * 33, "a%00", "nope", "..%2F..%2Fhealth", "é" * 8])
def test_ids_of_any_kind_are_404_or_400(server, token, schedule_id):
    """CP-8: a schedule id that names nothing is a 404, one too long or with NUL a 400."""
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/pause"), ("POST", "/resume")):
        body = {"name": "n", "cron_schedule": YEARLY, "enabled": True} if method == "PUT" else None
        response = _call(server, method, f"/agent/schedules/{schedule_id}{suffix}", token, json=body)
        assert response.status_code in (400, 404), response.text
        assert response.json()["error"]


# --- the scheduler ---------------------------------------------------------------------------


@asynccontextmanager
async def _plane(tmp_path: Path) -> AsyncIterator[tuple[Any, Any]]:
    """A control plane in this process (its scheduler's clock can be moved) and an async SDK client."""
    async with in_process_app(tmp_path, new_manager()) as app:
        http_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        token = "tenant-" + secrets.token_hex(12)
        client = oz_agent_sdk.AsyncOzAPI(
            api_key=token, base_url="http://test/api/v1", http_client=http_client, max_retries=0
        )
        async with client:
            yield app.state.plane, client


def _freeze(plane: Any) -> datetime:
    """Stop the scheduler's clock at now, before a schedule exists: a real minute passing while
    the test runs must not fire a tick the test did not ask for."""
    start = datetime.now(UTC)
    plane.scheduler.clock = lambda: start
    return start


async def _runs_of(schedule_id: str, count: int, within: float = 10) -> list[Run]:
    deadline = time.monotonic() + within
    while True:
        runs = await Run.filter(schedule_id=schedule_id).order_by("created_at")
        if len(runs) >= count:
            return list(runs)
        if time.monotonic() > deadline:
            pytest.fail(f"schedule {schedule_id} made {len(runs)} runs, not {count}, within {within} s")
        await asyncio.sleep(0.05)


async def test_a_due_schedule_starts_one_run_per_tick(tmp_path):
    """CP-6: at each tick a schedule creates exactly one run, as its tenant, from its prompt,
    config, metadata and mode, with source SCHEDULED_AGENT; history says when it last ran and
    when it runs next. A paused schedule starts nothing."""
    async with _plane(tmp_path) as (plane, client):
        start = _freeze(plane)
        created = await client.agent.schedules.create(
            name="every minute", cron_schedule="* * * * *", prompt="Check the build",
            agent_config={"model_id": "gpt-5", "name": "builder"}, metadata={"kind": "check"}, mode="plan",
        )  # fmt: skip
        plane.scheduler.clock = lambda: start + timedelta(seconds=61)
        plane.scheduler.wake()
        [run] = await _runs_of(created.id, 1)
        assert run.source == "SCHEDULED_AGENT" and run.prompt == "Check the build"
        assert run.tenant == created.scope.uid and run.labels == {"kind": "check"} and run.mode == "plan"
        assert run.agent_config["model_id"] == "gpt-5" and run.title == "builder"
        listed = (await client.agent.runs.list()).runs
        assert [(r.run_id, r.source) for r in listed] == [(run.id, "SCHEDULED_AGENT")]
        after = await client.agent.schedules.retrieve(created.id)
        assert after.history.last_ran is not None
        assert after.history.next_run == (start + timedelta(seconds=121)).replace(second=0, microsecond=0)

        plane.scheduler.wake()  # the same tick again: nothing new
        await asyncio.sleep(0.3)
        assert await Run.filter(schedule_id=created.id).count() == 1
        plane.scheduler.clock = lambda: start + timedelta(seconds=121)
        plane.scheduler.wake()
        assert len(await _runs_of(created.id, 2)) == 2

        await client.agent.schedules.pause(created.id)
        plane.scheduler.clock = lambda: start + timedelta(seconds=600)
        plane.scheduler.wake()
        await asyncio.sleep(0.3)
        assert await Run.filter(schedule_id=created.id).count() == 2


async def test_a_run_that_cannot_be_created_is_reported_and_the_scheduler_goes_on(tmp_path):
    """CP-6: a schedule whose environment was deleted records why its run could not be created
    (last_spawn_error), moves to its next tick, and the other schedules due with it still run;
    the next successful run clears the error."""
    async with _plane(tmp_path) as (plane, client):
        start = _freeze(plane)
        environment = await client.post(
            "/environments", cast_to=httpx.Response, body={"name": "py", "docker_image": "python:3.11"}
        )
        environment_id = environment.json()["id"]
        broken = await client.agent.schedules.create(
            name="a broken", cron_schedule="* * * * *", prompt="p", agent_config={"environment_id": environment_id}
        )
        healthy = await client.agent.schedules.create(name="b healthy", cron_schedule="* * * * *", prompt="p")
        await client.delete(f"/environments/{environment_id}", cast_to=httpx.Response)
        plane.scheduler.clock = lambda: start + timedelta(seconds=61)
        plane.scheduler.wake()
        await _runs_of(healthy.id, 1)
        await eventually(lambda: Schedule.exists(id=broken.id, last_spawn_error__isnull=False))  # either may go first
        failed = await client.agent.schedules.retrieve(broken.id)
        assert failed.last_spawn_error == f"Environment {environment_id} was not found."
        assert failed.history.last_ran is None and failed.history.next_run > start + timedelta(seconds=61)
        assert await Run.filter(schedule_id=broken.id).count() == 0

        await client.agent.schedules.update(
            broken.id, name="a broken", cron_schedule="* * * * *", enabled=True, agent_config={}
        )
        plane.scheduler.clock = lambda: start + timedelta(seconds=121)
        plane.scheduler.wake()
        await _runs_of(broken.id, 1)
        assert (await client.agent.schedules.retrieve(broken.id)).last_spawn_error is None


REFUSE_RUNS = {
    "sqlite": [
        "CREATE TRIGGER refuse_runs BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no runs today'); END",
    ],
    "postgres": [
        "CREATE FUNCTION refuse_runs() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no runs today'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_runs BEFORE INSERT ON runs FOR EACH ROW EXECUTE FUNCTION refuse_runs()",
    ],
}


async def test_a_tick_and_its_run_are_one_transaction(tmp_path):
    """CP-6: claiming a tick and storing its run commit together. When the database refuses the
    run, the claim is rolled back with it (no last_ran), and only then is the tick passed with
    the reason recorded: the compare-and-set that records it matches the due tick only because
    the claim was undone. A process that dies between the two leaves the tick due likewise."""
    async with _plane(tmp_path) as (plane, client):
        await plane.scheduler.stop()  # this test drives the scheduler itself
        created = await client.agent.schedules.create(name="s", cron_schedule="* * * * *", prompt="p")
        due = (await Schedule.get(id=created.id)).next_run_at
        connection = connections.get("default")
        for statement in REFUSE_RUNS[connection.capabilities.dialect]:
            await connection.execute_script(statement)
        plane.scheduler.clock = lambda: due + timedelta(seconds=1)
        assert await plane.scheduler.fire_due() == 0
        stored = await Schedule.get(id=created.id)
        assert stored.last_spawn_error and "internal error" in stored.last_spawn_error
        assert stored.last_ran_at is None
        assert stored.next_run_at == due + timedelta(minutes=1)
        assert await Run.filter(schedule_id=created.id).count() == 0


def test_ticks_missed_while_down_run_once_at_start(make_server, tmp_path):
    """CP-6: a daily schedule whose control plane was down for three days runs once when it
    starts again, not three times, and its next run is the next tick from now."""
    first = make_server(data_dir=tmp_path / "data")
    token = "tenant-" + secrets.token_hex(12)
    created = sdk(first, token).agent.schedules.create(name="daily", cron_schedule="0 9 * * *", prompt="report")
    first.stop()
    _make_due(first.database_url, timedelta(days=3))

    again = make_server(database_url=first.database_url, data_dir=tmp_path / "data")
    client = sdk(again, token)
    [run] = wait_for(lambda: client.agent.runs.list().runs)
    assert run.source == "SCHEDULED_AGENT" and run.prompt == "report"
    schedule = client.agent.schedules.retrieve(created.id)
    assert schedule.history.last_ran is not None
    assert datetime.now(UTC) < schedule.history.next_run <= datetime.now(UTC) + timedelta(days=1)
    time.sleep(1)
    assert len(client.agent.runs.list().runs) == 1


on_postgres = pytest.mark.skipif(TEST_DATABASE != "postgres", reason="processes share a database on PostgreSQL")
SCHEDULES = 20


async def _runs_per_schedule(database_url: str) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(database_url, timeout=5)
    try:
        rows = await connection.fetch(
            'SELECT "schedule_id", COUNT(*) AS runs FROM "runs" WHERE "schedule_id" IS NOT NULL GROUP BY "schedule_id"'
        )
    finally:
        await connection.close()
    return {str(row["schedule_id"]): int(row["runs"]) for row in rows}


@on_postgres
@pytest.mark.postgres
def test_two_control_planes_start_each_tick_once(make_server, tmp_path, token):
    """CP-6, CP-10: with two control planes on one database, schedules made in either become due
    at once and both schedulers race for them, woken together by an edit in one (the bus carries
    it to the other): every schedule gets exactly one run."""
    first, second = two_servers(make_server, tmp_path, {})
    clients = (sdk(first, token), sdk(second, token))
    ids = [
        clients[index % 2].agent.schedules.create(name=f"s{index:02}", cron_schedule=YEARLY, prompt=f"p{index}").id
        for index in range(SCHEDULES)
    ]
    _make_due(first.database_url, timedelta(minutes=5))
    clients[1].agent.schedules.update(ids[0], name="s00", cron_schedule=YEARLY, enabled=True)  # wakes both

    wait_for(lambda: len(asyncio.run(_runs_per_schedule(first.database_url))) == SCHEDULES)
    time.sleep(1)
    assert asyncio.run(_runs_per_schedule(first.database_url)) == dict.fromkeys(ids, 1)
    for schedule in clients[0].agent.schedules.list().schedules:
        assert schedule.history.last_ran is not None and schedule.history.next_run.year > datetime.now(UTC).year
