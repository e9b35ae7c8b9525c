"""Agents through the official oz-agent-sdk client, sync and async: ``/agent/identities`` create,
list, retrieve, update and delete, their refusals, secrets and tenancy, and one agents table
shared with the workspace (CP-12)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import oz_agent_sdk
import pytest
from nicegui import core

from oz_app.control_plane import tokens
from oz_app.control_plane.http import ApiError, Caller, tenant_of
from oz_app.control_plane.identities import identity_defaults
from oz_app.plugins import new_manager
from oz_app.workspace import accounts, service
from tests.conftest import ADMIN_KEY, async_sdk, in_process_app, sdk
from tests.test_workspace import Tabs, llm, tabs, workspace_env  # noqa: F401 (fixtures)


def environment(server: Any, token: str, **fields: Any) -> dict[str, Any]:
    body = {"name": "py", "docker_image": "python:3.11", **fields}
    response = httpx.post(server.api + "/environments", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_list_retrieve_update_delete(server: Any, token: str) -> None:
    """CP-12: an agent is created with the SDK's fields, listed, retrieved, changed field by field
    (left out or null: unchanged; empty: cleared) and deleted."""
    client = sdk(server, token)
    env = environment(server, token)
    created = client.agent.agent.create(
        name="Reviewer",
        agent_type="REVIEW",
        description="Reviews pull requests",
        prompt="Be strict.",
        base_model="gpt-5",
        environment_id=env["id"],
        worker_host="worker-1",
        mcp_servers={"docs": {"url": "https://mcp.example.com/sse"}},
        credential_strategy="EXECUTOR",
    )
    assert (created.name, created.agent_type, created.base_model, created.prompt) == (
        "Reviewer",
        "REVIEW",
        "gpt-5",
        "Be strict.",
    )
    assert created.available and created.environment_id == env["id"] and created.worker_host == "worker-1"
    assert created.harness.type == "oz" and created.secrets == [] and created.skills == []
    assert created.mcp_servers["docs"].url == "https://mcp.example.com/sse"
    assert created.memory.attached_stores == [] and created.default_runner_uid == ""
    assert [agent.uid for agent in client.agent.agent.list().agents] == [created.uid]
    assert client.agent.agent.get(created.uid).description == "Reviews pull requests"

    changed = client.agent.agent.update(
        created.uid, description="", prompt=None, base_model="gpt-5-mini", mcp_servers={}
    )
    assert changed.description is None and changed.prompt == "Be strict." and changed.base_model == "gpt-5-mini"
    assert (
        changed.mcp_servers is None and changed.worker_host == "worker-1" and changed.updated_at >= created.updated_at
    )
    cleared = client.agent.agent.update(created.uid, environment_id="", worker_host="", base_model="")
    assert cleared.environment_id is None and cleared.worker_host is None and cleared.base_model is None
    client.agent.agent.delete(created.uid)
    with pytest.raises(oz_agent_sdk.NotFoundError):
        client.agent.agent.get(created.uid)
    assert client.agent.agent.list().agents == []


async def test_harness_and_model_rules_async(server: Any, token: str) -> None:
    """CP-12: a claude, gemini or codex harness carries its own model (base_model must then be
    empty); base_harness may not contradict harness; a new harness drops the old one's model."""
    client = async_sdk(server, token)
    agent = await client.agent.agent.create(
        name="coder", harness={"type": "claude", "model_id": "claude-haiku-4-5", "reasoning_level": "high"}
    )
    assert (agent.harness.type, agent.harness.api_model_id, agent.harness.reasoning_level) == (
        "claude",
        "claude-haiku-4-5",
        "high",
    )
    assert agent.base_model is None and agent.base_harness == "claude"
    for fields, words in (
        ({"base_model": "gpt-5"}, "base_model must be empty"),
        ({"harness": {"type": "codex"}, "base_harness": "gemini"}, "base_harness conflicts"),
        ({"harness": {"type": "oz", "model_id": "x"}, "base_model": ""}, "harness.model_id"),
        ({"base_harness": "emacs"}, "is no harness"),
    ):
        with pytest.raises(oz_agent_sdk.BadRequestError, match=words):
            await client.agent.agent.update(agent.uid, **fields)
    assert (await client.agent.agent.get(agent.uid)).harness.api_model_id == "claude-haiku-4-5"  # nothing changed
    moved = await client.agent.agent.update(agent.uid, harness={"type": "oz"}, base_model="gpt-5")
    assert moved.harness.type == "oz" and moved.base_model == "gpt-5" and moved.base_harness is None
    gemini = await client.agent.agent.update(agent.uid, base_harness="gemini")
    assert gemini.harness.type == "gemini" and gemini.harness.api_model_id is None


def test_names_are_unique_per_tenant_in_any_case(server: Any, token: str) -> None:
    """CP-12: a second agent named like the first in another case is a 409 naming the clash, on
    create and on rename; another tenant may use the name."""
    client = sdk(server, token)
    first = client.agent.agent.create(name="Helper")
    second = client.agent.agent.create(name="other")
    with pytest.raises(oz_agent_sdk.ConflictError, match=f"'Helper' already exists \\({first.uid}\\)"):
        client.agent.agent.create(name="helper")
    with pytest.raises(oz_agent_sdk.ConflictError, match="'Helper' already exists"):
        client.agent.agent.update(second.uid, name="HELPER")
    with pytest.raises(oz_agent_sdk.BadRequestError, match="name cannot be empty"):
        client.agent.agent.update(second.uid, name="  ")
    assert sorted(agent.name for agent in client.agent.agent.list().agents) == ["Helper", "other"]
    assert sdk(server, "tenant-" + secrets.token_hex(8)).agent.agent.create(name="helper").name == "helper"


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"memory": {"attached_stores": [{"access": "read_only", "instructions": "x", "uid": "m1"}]}}, "memory"),
        ({"memory": {"auto_memory": {"enabled": True}}}, "memory"),
        ({"inference_providers": {"aws": {"role_arn": "arn:aws:iam::1:role/x"}}}, "inference_providers"),
        ({"default_runner_uid": "runner-1"}, "default_runner_uid"),
        ({"factory_uid": "factory-1"}, "factory_uid"),
        ({"on_behalf_of_enabled": True}, "on_behalf_of_enabled"),
        ({"credential_strategy": "CREATOR"}, "credential_strategy"),
        ({"harness_auth_secrets": {"claude_auth_secret_name": "KEY"}}, "harness_auth_secrets"),
        ({"mcp_servers": {"linear": {"warp_id": "linear"}}}, "mcp_servers.linear.warp_id"),
    ],
)
def test_settings_the_server_cannot_honour_are_refused(server: Any, token: str, fields: Any, named: str) -> None:
    """CP-12: a setting this server cannot honour is a 400 naming the field, and no agent is made."""
    client = sdk(server, token)
    with pytest.raises(oz_agent_sdk.BadRequestError, match=f"^Error code: 400 .*{named} is not supported"):
        client.agent.agent.create(name="x", **fields)
    assert client.agent.agent.list().agents == []
    empty = client.agent.agent.create(
        name="y", memory={"attached_stores": []}, inference_providers={}, on_behalf_of_enabled=False
    )
    assert empty.on_behalf_of_enabled is False


def test_invalid_fields_are_refused_and_change_nothing(server: Any, token: str) -> None:
    """CP-12: fields of the wrong type or shape are a 4xx; an MCP server needs exactly one of
    command or url; an unknown environment is a 400 naming it."""
    client = sdk(server, token)
    agent = client.agent.agent.create(name="a")
    bad: list[dict[str, Any]] = [
        {"agent_type": "BOSS"},
        {"mcp_servers": {"x": {"command": "run", "url": "https://x"}}},
        {"mcp_servers": {"x": {}}},
        {"prompt": "bad\x00"},
        {"name": "x" * 65},
        {"unknown": 1},
    ]
    for fields in bad:
        with pytest.raises(oz_agent_sdk.UnprocessableEntityError):
            client.agent.agent.update(agent.uid, extra_body=fields)
    with pytest.raises(oz_agent_sdk.BadRequestError, match="environment_id: there is no environment nope"):
        client.agent.agent.update(agent.uid, environment_id="nope")
    assert client.agent.agent.get(agent.uid).model_dump() == agent.model_dump()


def test_secrets_name_variables_of_the_agents_environment(server: Any, token: str) -> None:
    """CP-12: an agent's secrets are variables of its default environment, named, never shown;
    unknown, duplicate and environment-less secrets are refused."""
    client = sdk(server, token)
    env = environment(server, token, env_vars={"API_TOKEN": "s3cret-value", "OTHER": "x"})
    agent = client.agent.agent.create(name="deployer", environment_id=env["id"], secrets=[{"name": "API_TOKEN"}])
    assert [secret.name for secret in agent.secrets] == ["API_TOKEN"]
    raw = httpx.get(f"{server.api}/agent/identities/{agent.uid}", headers={"Authorization": f"Bearer {token}"})
    assert "s3cret-value" not in raw.text
    with pytest.raises(oz_agent_sdk.BadRequestError, match="secrets: MISSING is not a variable of the environment"):
        client.agent.agent.update(agent.uid, secrets=[{"name": "MISSING"}])
    with pytest.raises(oz_agent_sdk.BadRequestError, match="secrets: OTHER is named twice"):
        client.agent.agent.update(agent.uid, secrets=[{"name": "OTHER"}, {"name": "OTHER"}])
    with pytest.raises(oz_agent_sdk.BadRequestError, match="set environment_id"):
        client.agent.agent.update(agent.uid, environment_id="")
    with pytest.raises(oz_agent_sdk.BadRequestError, match="set environment_id"):
        client.agent.agent.create(name="lonely", secrets=[{"name": "API_TOKEN"}])
    assert [secret.name for secret in client.agent.agent.get(agent.uid).secrets] == ["API_TOKEN"]
    assert client.agent.agent.update(agent.uid, secrets=[]).secrets == []


def test_other_tenants_get_404_and_the_admin_sees_all(server: Any, token: str) -> None:
    """CP-12: another tenant can neither list, read, change nor delete an agent (404, as for an
    id that does not exist; a longer id than any is a 400); the admin lists and changes it."""
    mine = sdk(server, token).agent.agent.create(name="private")
    intruder = sdk(server, "tenant-" + secrets.token_hex(8))
    assert intruder.agent.agent.list().agents == []
    for attempt in (
        lambda: intruder.agent.agent.get(mine.uid),
        lambda: intruder.agent.agent.update(mine.uid, name="stolen"),
        lambda: intruder.agent.agent.delete(mine.uid),
        lambda: intruder.agent.agent.get("%E2%80%AE'; drop"),
    ):
        with pytest.raises(oz_agent_sdk.NotFoundError):
            attempt()
    with pytest.raises(oz_agent_sdk.BadRequestError, match="uid"):  # longer than any id: no lookup
        intruder.agent.agent.get("x" * 300)
    admin = sdk(server, ADMIN_KEY)
    assert mine.uid in [agent.uid for agent in admin.agent.agent.list().agents]
    assert admin.agent.agent.update(mine.uid, description="seen by the admin").description == "seen by the admin"
    assert sdk(server, token).agent.agent.get(mine.uid).name == "private"


async def test_identity_defaults_give_a_runs_config(tmp_path: Any) -> None:
    """CP-12: identity_defaults turns an agent into the config its runs start from; an agent of
    another tenant is a 404 and an id that is no id a 400."""
    token = "tenant-" + secrets.token_hex(8)
    async with in_process_app(tmp_path, new_manager()) as app:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1")
        client = oz_agent_sdk.AsyncOzAPI(api_key=token, base_url="http://test/api/v1", http_client=http)
        agent = await client.agent.agent.create(
            name="coder",
            prompt="You write tests first.",
            harness={"type": "codex", "model_id": "gpt-5-codex", "reasoning_level": "high"},
            worker_host="gpu-box",
            mcp_servers={"fs": {"command": "mcp-fs", "args": ["/workspace"]}},
        )
        defaults = await identity_defaults(Caller(tenant_of(token), False), agent.uid)
        assert defaults == {
            "model_id": "gpt-5-codex",
            "base_prompt": "You write tests first.",
            "harness": {"type": "codex", "reasoning_level": "high"},
            "worker_host": "gpu-box",
            "mcp_servers": {"fs": {"command": "mcp-fs", "args": ["/workspace"]}},
        }
        with pytest.raises(ApiError) as other:
            await identity_defaults(Caller(tenant_of("someone-else"), False), agent.uid)
        assert other.value.status == 404
        with pytest.raises(ApiError) as garbage:
            await identity_defaults(Caller(tenant_of(token), False), "x" * 40)
        assert garbage.value.status == 400
        await http.aclose()


def _workspace_sdk(token: str) -> Any:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test")
    return oz_agent_sdk.AsyncOzAPI(api_key=token, base_url="http://test/api/v1", http_client=http, max_retries=0)


async def test_one_agents_table_for_the_workspace_and_the_api(tabs: Tabs) -> None:  # noqa: F811
    """CP-12: an agent made on the workspace's Agents page is listed through the SDK with its
    owner's personal token (and nobody else's); one made through the SDK with that token is on
    the owner's Agents page, under the workspace's mention-name rules."""
    bob = await accounts.sign_up("bob", "correct horse battery", policy="open")
    ann = await accounts.sign_up("ann", "correct horse battery", policy="open")
    made = await service.create_agent(bob, name="helper", model="gpt-5", system_prompt="Be brief.", harness="codex")
    client = _workspace_sdk((await tokens.create_token(bob, "laptop"))[1])
    listed = (await client.agent.agent.list()).agents
    assert [(agent.uid, agent.name, agent.prompt, agent.harness.type) for agent in listed] == [
        (made.id, "helper", "Be brief.", "codex")
    ]
    assert listed[0].harness.api_model_id == "gpt-5"
    assert (await _workspace_sdk((await tokens.create_token(ann, "hers"))[1]).agent.agent.list()).agents == []

    created = await client.agent.agent.create(name="planner", prompt="Plan first.")
    assert [agent.name for agent in await service.agents_of(bob)] == ["helper", "planner"]
    assert (await service.agent_of(bob, created.uid)).system_prompt == "Plan first."
    with pytest.raises(oz_agent_sdk.BadRequestError, match="workspace agent's name"):
        await client.agent.agent.create(name="my planner")
    with pytest.raises(oz_agent_sdk.ConflictError):
        await client.agent.agent.create(name="HELPER")
    await client.agent.agent.delete(made.id)
    assert [agent.name for agent in await service.agents_of(bob)] == ["planner"]
