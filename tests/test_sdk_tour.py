"""A program written only from the SDK's documentation calls each of its 23 methods with realistic
values and gets correct, typed answers (CP-6, CP-11, CP-12, CP-13, CP-14)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from oz_agent_sdk import AsyncOzAPI
from oz_agent_sdk.types import AgentRunResponse
from oz_agent_sdk.types.agent import RunItem, ScheduledAgentItem

from tests.conftest import TEST_DATABASE, drop_postgres_database, new_database_url, start_server
from tests.test_api_artifacts import EVERY_FILE, every_kind, finished_run
from tests.test_api_skills import DEPLOY, make_repo


@pytest.fixture
def plane(tmp_path: Path):
    repos = tmp_path / "repos"
    url_of_repo = make_repo(repos, "acme/tools", {".claude/skills/deploy/SKILL.md": DEPLOY})
    url = new_database_url(tmp_path)
    server = start_server(tmp_path / "data", url, {"OZ_LOCAL_REPOS_DIR": str(repos)})
    server.extra["repo"] = url_of_repo
    yield server
    server.stop()
    if TEST_DATABASE == "postgres":
        drop_postgres_database(url)


async def test_every_sdk_method_answers_typed(plane, token: str) -> None:
    """The 23 methods of ``client.agent``, in the order a team automating its work would meet them."""
    async with AsyncOzAPI(api_key=token, base_url=plane.api, max_retries=0, timeout=20) as client:
        env = await _environment(plane, token)
        # agent: list_environments, list (skills), run
        environments = await client.agent.list_environments()
        assert [e.uid for e in environments.environments] == [env]
        skills = await client.agent.list(refresh=True)
        [deploy] = skills.agents
        assert deploy.name == "deploy" and deploy.variants[0].id == "acme/tools:.claude/skills/deploy/SKILL.md"
        harness = {"type": "claude", "model_id": "claude-haiku-4-5"}
        created = await client.agent.run(
            prompt="Ship it", title="Nightly deploy", metadata={"ticket_id": "OPS-1"}, mode="plan",
            config={"environment_id": env, "name": "nightly", "harness": harness},
        )  # fmt: skip
        assert isinstance(created, AgentRunResponse) and created.state == "PENDING"
        skill_run = await client.agent.run(skill=deploy.variants[0].id)  # no prompt needed

        # runs: retrieve, list, submit_followup, cancel, list_handoff_attachments
        run = await client.agent.runs.retrieve(created.run_id)
        assert isinstance(run, RunItem) and run.metadata == {"ticket_id": "OPS-1"}
        assert run.agent_config.harness.api_model_id == "claude-haiku-4-5" and run.agent_config.name == "nightly"
        listed = await client.agent.runs.list(metadata={"ticket_id": "OPS-1"}, execution_location="REMOTE")
        assert [r.run_id for r in listed.runs] == [run.run_id]
        skilled = await client.agent.runs.retrieve(skill_run.run_id)
        assert skilled.agent_skill.full_path == deploy.variants[0].id
        assert "deploy script" in skilled.agent_config.base_prompt
        await client.agent.runs.submit_followup(run.run_id, message="Also tag the release.")
        assert await client.agent.runs.cancel(run.run_id) == run.run_id
        attachments = await client.agent.runs.list_handoff_attachments(run.run_id)
        assert attachments.attachments == []

        # conversations and sessions: check_redirect
        assert (await client.agent.sessions.check_redirect(run.run_id)).conversation_id == run.conversation_id
        assert (await client.agent.conversations.check_redirect(run.conversation_id)).session_id is None

        # agent identities: create, get, list, update, delete
        agent = await client.agent.agent.create(
            name="reviewer", agent_type="REVIEW", prompt="Review carefully.", environment_id=env
        )
        assert (await client.agent.agent.get(agent.uid)).agent_type == "REVIEW"
        assert [a.name for a in (await client.agent.agent.list()).agents] == ["reviewer"]
        updated = await client.agent.agent.update(agent.uid, description="Reviews pull requests")
        assert updated.description == "Reviews pull requests" and updated.prompt == "Review carefully."
        as_agent = await client.agent.run(prompt="Review PR 7", agent_identity_uid=agent.uid)
        as_run = await client.agent.runs.retrieve(as_agent.run_id)
        assert as_run.agent_config.base_prompt == "Review carefully." and as_run.executor.uid == agent.uid
        await client.agent.runs.cancel(as_run.run_id)  # it waits for a worker; the next one is for the worker below

        # schedules: create, retrieve, list, update, pause, resume, delete
        schedule = await client.agent.schedules.create(
            name="nightly", cron_schedule="0 3 * * *", prompt="Run the checks", metadata={"team": "ops"}
        )
        assert isinstance(schedule, ScheduledAgentItem) and schedule.enabled and schedule.history.next_run
        assert (await client.agent.schedules.retrieve(schedule.id)).name == "nightly"
        assert [s.id for s in (await client.agent.schedules.list()).schedules] == [schedule.id]
        changed = await client.agent.schedules.update(
            schedule.id, name="nightly", cron_schedule="30 4 * * 1-5", enabled=True, prompt="Run the checks"
        )
        assert changed.cron_schedule == "30 4 * * 1-5"
        assert not (await client.agent.schedules.pause(schedule.id)).enabled
        assert (await client.agent.schedules.resume(schedule.id)).enabled
        assert (await client.agent.schedules.delete(schedule.id)).success
        assert (await client.agent.agent.delete(agent.uid)) is None

    # get_artifact: what a worker's run left
    done = await finished_run(plane, token, EVERY_FILE, every_kind)
    async with AsyncOzAPI(api_key=token, base_url=plane.api, max_retries=0, timeout=20) as client:
        items = (await client.agent.runs.retrieve(done)).artifacts
        kinds = {item.artifact_type: item for item in items}
        plan = await client.agent.get_artifact(kinds["PLAN"].data.artifact_uid)
        assert plan.data.content.startswith("# Plan")
        report = await client.agent.get_artifact(kinds["FILE"].data.artifact_uid)
        async with httpx.AsyncClient() as web:
            assert (await web.get(report.data.download_url)).content == b"all good\n"
        assert [r.run_id for r in (await client.agent.runs.list(artifact_type="SCREENSHOT")).runs] == [done]


async def _environment(plane: Any, token: str) -> str:
    async with httpx.AsyncClient() as web:
        response = await web.post(
            f"{plane.api}/environments",
            json={"name": f"tools-{uuid.uuid4().hex[:6]}", "docker_image": "busybox", "repos": [plane.extra["repo"]]},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
