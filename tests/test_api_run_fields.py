"""What a run carries besides its prompt, and every list filter, through the SDK (CP-11)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import httpx
import oz_agent_sdk
import pytest

from tests.conftest import async_sdk, sdk


def _error(call) -> oz_agent_sdk.APIStatusError:
    with pytest.raises(oz_agent_sdk.APIStatusError) as caught:
        call()
    return caught.value


def _ids(page) -> list[str]:
    return [run.run_id for run in page.runs]


def test_metadata_is_kept_shown_and_filtered(server, token):
    """CP-11: metadata given at creation comes back on the run and filters the list (AND of pairs)."""
    client = sdk(server, token)
    nightly = client.agent.run(prompt="a", metadata={"ticket_id": "VIS-238", "team": "core"}).run_id
    other = client.agent.run(prompt="b", metadata={"ticket_id": "VIS-239", "team": "core"}).run_id
    client.agent.run(prompt="c")
    assert client.agent.runs.retrieve(nightly).metadata == {"ticket_id": "VIS-238", "team": "core"}
    assert _ids(client.agent.runs.list(metadata={"team": "core"})) == [other, nightly]
    assert _ids(client.agent.runs.list(metadata={"team": "core", "ticket_id": "VIS-238"})) == [nightly]
    assert _ids(client.agent.runs.list(metadata={"team": "ops"})) == []


@pytest.mark.parametrize(
    ("metadata", "says"),
    [
        ({f"k{i}": "v" for i in range(21)}, "at most 20"),
        ({"bad key": "v"}, "a-z"),
        ({"k" * 65: "v"}, "1-64"),
        ({"k": "é" * 129}, "256 bytes"),
        ({"k": "a\u0000b"}, "control character"),
        ({"k": 5}, "must be text"),
    ],
    ids=["21-keys", "space-in-key", "long-key", "long-value", "nul", "number"],
)
def test_invalid_metadata_is_refused_and_creates_nothing(server, token, metadata, says):
    """CP-11: metadata outside the SDK's rules is a 400 saying which rule; no run appears."""
    client = sdk(server, token)
    error = _error(lambda: client.agent.run(prompt="hi", metadata=metadata))
    assert error.status_code in (400, 422) and says in error.body["error"]
    assert client.agent.runs.list().runs == []


def test_a_child_inherits_metadata_and_an_ancestor_lists_its_whole_tree(server, token):
    """CP-11: parent_run_id must name a run of the caller; a child inherits the parent's metadata
    (its own keys win); ancestor_run_id lists children and grandchildren, nothing else."""
    client = sdk(server, token)
    root = client.agent.run(prompt="root", metadata={"prd": "7", "owner": "ann"}).run_id
    child = client.agent.run(prompt="child", parent_run_id=root, metadata={"owner": "bob"}).run_id
    grandchild = client.agent.run(prompt="grandchild", parent_run_id=child).run_id
    client.agent.run(prompt="unrelated")
    shown = client.agent.runs.retrieve(grandchild)
    assert shown.parent_run_id == child
    assert shown.metadata == {"prd": "7", "owner": "bob"}
    assert _ids(client.agent.runs.list(ancestor_run_id=root)) == [grandchild, child]
    assert _ids(client.agent.runs.list(ancestor_run_id=child)) == [grandchild]
    assert _ids(client.agent.runs.list(metadata={"prd": "7"})) == [grandchild, child, root]


def test_a_parent_or_ancestor_of_another_tenant_is_refused(server, token):
    """CP-11, SEC-7: naming another tenant's run as parent or ancestor is a 400, as for no run at all."""
    theirs = sdk(server, "other-" + secrets.token_hex(8)).agent.run(prompt="theirs").run_id
    client = sdk(server, token)
    for parent in (theirs, "no-such-run", "x" * 36):
        error = _error(lambda parent=parent: client.agent.run(prompt="hi", parent_run_id=parent))
        assert error.status_code == 400 and "parent_run_id" in error.body["error"]
    error = _error(lambda: client.agent.runs.list(ancestor_run_id=theirs))
    assert error.status_code == 400 and "ancestor_run_id" in error.body["error"]
    assert client.agent.runs.list().runs == []


def test_a_conversation_continues_without_a_prompt_only_when_it_exists(server, token):
    """CP-11: every run has a conversation; a run continuing one needs no prompt; an unknown one is a 400."""
    client = sdk(server, token)
    first = client.agent.runs.retrieve(client.agent.run(prompt="start").run_id)
    assert first.conversation_id
    follow = client.agent.run(conversation_id=first.conversation_id).run_id
    assert client.agent.runs.retrieve(follow).conversation_id == first.conversation_id
    error = _error(lambda: client.agent.run(conversation_id="00000000-0000-0000-0000-000000000000"))
    assert error.status_code == 400 and "conversation_id" in error.body["error"]
    error = _error(lambda: client.agent.run(title="nothing to do"))
    assert error.status_code == 422 and "prompt is required" in error.body["error"]


def test_mode_source_creator_and_scope_are_shown(server, token):
    """CP-11: the run shows its mode, that the API created it, and who: the token's tenant."""
    client = sdk(server, token)
    run = client.agent.runs.retrieve(client.agent.run(prompt="plan it", mode="plan").run_id)
    assert (run.source, run.scope.type) == ("API", "Team")
    assert run.creator.uid == run.scope.uid == run.executor.uid
    assert run.model_extra["mode"] == "plan"
    assert _ids(client.agent.runs.list(source="API", creator=run.creator.uid)) == [run.run_id]
    assert _ids(client.agent.runs.list(source="SLACK")) == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"interactive": True}, "interactive"),
        ({"on_behalf_of": "ann@example.com"}, "on_behalf_of"),
        ({"attachments": [{"data": "aGk=", "file_name": "a.png", "mime_type": "image/png"}]}, "attachments"),
        ({"config": {"session_sharing": {"public_access": "VIEWER"}}}, "config.session_sharing"),
        ({"config": {"memory_stores": [{"uid": "m", "access": "read_only", "instructions": "x"}]}}, "memory_stores"),
        ({"config": {"harness_auth_secrets": {"claude_auth_secret_name": "k"}}}, "harness_auth_secrets"),
        ({"config": {"inference_providers": {"aws": {"region": "eu-west-1"}}}}, "inference_providers"),
        ({"config": {"runner_id": "r1"}}, "runner_id"),
        ({"config": {"computer_use_enabled": True}}, "computer use"),
        ({"config": {"mcp_servers": {"fs": {"command": "mcp-fs"}}}}, "environment_id"),
        ({"config": {"mcp_servers": {"fs": {"command": "a", "url": "http://b"}}}}, "exactly one"),
        ({"config": {"worker_host": "w1"}}, "needs environment_id"),
        ({"config": {"skill_spec": "a/b:s", "skills": ["a/b:t"]}}, "not both"),
        ({"config": {"idle_timeout_minutes": 0}}, "idle_timeout_minutes"),
        ({"config": {"harness": {"type": "emacs"}}}, "harness.type"),
        ({"config": {"colour": "red"}}, "config.colour"),
        ({"prompt_text": "typo"}, "prompt_text"),
    ],
)
def test_what_cannot_be_honoured_is_refused_by_name(server, token, body, says):
    """CP-11: every field is honoured or refused with a 4xx naming it; never stored and ignored."""
    response = httpx.post(
        server.api + "/agent/runs", json={"prompt": "hi", **body}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (400, 422), response.text
    assert says in response.json()["error"]
    assert sdk(server, token).agent.runs.list().runs == []


def test_honoured_config_is_shown_as_given(server, token):
    """CP-11: harness, idle timeout and credential strategy are kept on the run as sent."""
    client = sdk(server, token)
    config = {
        "harness": {"type": "codex", "model_id": "gpt-5-codex", "reasoning_level": "high"},
        "idle_timeout_minutes": 5,
        "credential_strategy": "CREATOR",
        "computer_use_enabled": False,
        "name": "nightly",
    }
    run = client.agent.runs.retrieve(client.agent.run(prompt="hi", config=config).run_id)
    assert run.agent_config.harness.type == "codex"
    assert run.agent_config.harness.reasoning_level == "high"
    assert run.agent_config.idle_timeout_minutes == 5
    assert _ids(client.agent.runs.list(name="nightly")) == [run.run_id]
    assert _ids(client.agent.runs.list(name="weekly")) == []


def test_every_filter_narrows_or_is_refused(server, token):
    """CP-11: filters with no match answer nothing (never everything); unknown ones are a 400."""
    client = sdk(server, token)
    run_id = client.agent.run(prompt="find me").run_id
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    for filters in (
        {"execution_location": "REMOTE"},
        {"updated_after": later},
        {"executor": "nobody"},
        {"schedule_id": "s1"},
        {"skill": "a/b:SKILL.md"},
        {"skill_spec": "a/b:SKILL.md"},
        {"automation_id": "auto-1"},
        {"factory_uid": "f1"},
        {"artifact_type": "PULL_REQUEST"},
    ):
        assert client.agent.runs.list(**filters).runs == [], filters
    assert _ids(client.agent.runs.list(execution_location="LOCAL", updated_after=datetime(2020, 1, 1, tzinfo=UTC))) == [
        run_id
    ]
    for query, says in (
        ("colour=red", "colour"),
        ("source=FAX", "source"),
        ("artifact_type=VIDEO", "artifact_type"),
        ("execution_location=MARS", "execution_location"),
        ("skill=a&skill_spec=b", "alias"),
        ("metadata[bad key]=x", "metadata key"),
        ("&".join(f"metadata[k{i}]=v" for i in range(6)), "at most 5"),
        ("sort_by=size", "sort_by"),
    ):
        response = httpx.get(f"{server.api}/agent/runs?{query}", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400 and says in response.json()["error"], (query, response.text)


async def test_async_client_sees_the_same_fields(server, token):
    """CP-11: the async SDK creates a child run with metadata and lists it by ancestor."""
    async with async_sdk(server, token) as client:
        root = (await client.agent.run(prompt="root", metadata={"k": "v"})).run_id
        child = (await client.agent.run(prompt="child", parent_run_id=root)).run_id
        page = await client.agent.runs.list(ancestor_run_id=root)
        assert [run.run_id for run in page.runs] == [child]
        assert page.runs[0].metadata == {"k": "v"}
