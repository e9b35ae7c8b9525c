"""Follow-ups, conversations, redirects, idle runs and pinned runs (CP-11)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx
import oz_agent_sdk
import pytest

from oz_app.bus import Bus
from oz_app.control_plane import service
from oz_app.db.models import Run
from oz_app.plugins import new_manager
from tests.conftest import in_process_app, openai_provider_env, sdk, wait_for
from tests.fake_llm import FakeOpenAI


@pytest.fixture
def llm():
    server = FakeOpenAI()
    server.respond = lambda _prompt: [f"answer {len(server.requests)}"]  # the nth call answers "answer n"
    yield server
    server.close()


def _ended(client, run_id):
    run = client.agent.runs.retrieve(run_id)
    return run if run.state in ("SUCCEEDED", "FAILED") else None


def _asked(llm: FakeOpenAI) -> list[tuple[str, str]]:
    """The turns the provider was last sent (PR-8: real turns, not a transcript)."""
    return [(m["role"], m["content"]) for m in llm.requests[-1]["body"]["messages"]]


def test_a_follow_up_reopens_an_ended_run_and_the_agent_sees_the_earlier_turns(make_server, llm, token):
    """CP-11: a follow-up to a finished run starts it again; the provider is sent the first prompt,
    the first answer and the follow-up; the run's output holds both answers in order."""
    client = sdk(make_server(openai_provider_env(llm)), token)
    run_id = client.agent.run(prompt="Name a colour.").run_id
    first = wait_for(lambda: _ended(client, run_id))
    assert first.state == "SUCCEEDED" and first.output == "answer 1"
    assert client.agent.runs.submit_followup(run_id, message="And a fruit?") == {"run_id": run_id, "state": "QUEUED"}
    second = wait_for(lambda: (r := _ended(client, run_id)) and len(r.model_extra["followups"]) == 1 and r)
    wait_for(lambda: client.agent.runs.retrieve(run_id).output == "answer 1answer 2")
    assert _asked(llm) == [("user", "Name a colour."), ("assistant", "answer 1"), ("user", "And a fruit?")]
    assert second.model_extra["followups"][0]["message"] == "And a fruit?"


def test_a_follow_up_sent_while_the_run_executes_is_answered_after(make_server, token):
    """CP-11: a follow-up during an execution waits for it to end, then the run answers it."""
    slow = FakeOpenAI(words=["one", " two", " three"], delay=0.3)
    try:
        client = sdk(make_server(openai_provider_env(slow)), token)
        run_id = client.agent.run(prompt="Count.").run_id
        wait_for(lambda: client.agent.runs.retrieve(run_id).state == "INPROGRESS")
        assert client.agent.runs.submit_followup(run_id, message="Again?")["state"] == "INPROGRESS"
        wait_for(lambda: len(slow.requests) == 2, timeout=15)
        done = wait_for(
            lambda: _ended(client, run_id) and client.agent.runs.retrieve(run_id).output.count("three") == 2
        )
        assert done
        assert _asked(slow) == [("user", "Count."), ("assistant", "one two three"), ("user", "Again?")]
    finally:
        slow.close()


def test_a_run_continuing_a_conversation_sees_the_runs_before_it(make_server, llm, token):
    """CP-11: conversation_id continues a conversation; the new run's provider gets the earlier runs."""
    client = sdk(make_server(openai_provider_env(llm)), token)
    first = client.agent.run(prompt="Remember 42.").run_id
    conversation = wait_for(lambda: _ended(client, first)).conversation_id
    second = client.agent.run(prompt="What number?", conversation_id=conversation).run_id
    assert wait_for(lambda: _ended(client, second)).conversation_id == conversation
    assert _asked(llm) == [("user", "Remember 42."), ("assistant", "answer 1"), ("user", "What number?")]


def test_follow_up_errors(server, token):
    """CP-11: an empty follow-up is refused; another tenant's run is 404, as is an unknown one."""
    client = sdk(server, token)
    run_id = client.agent.run(prompt="hi").run_id
    with pytest.raises(oz_agent_sdk.UnprocessableEntityError):
        client.agent.runs.submit_followup(run_id, message="   ")
    intruder = sdk(server, "intruder-" + secrets.token_hex(8))
    for target in (run_id, "missing", "x" * 300):
        with pytest.raises(oz_agent_sdk.APIStatusError) as caught:
            intruder.agent.runs.submit_followup(target, message="hello")
        assert caught.value.status_code in (400, 404)
    assert client.agent.runs.retrieve(run_id).model_extra["followups"] == []


def test_redirects_point_to_the_live_run_then_to_its_conversation(server, token):
    """CP-11: a conversation with a run executing redirects to that run's session; once ended, the
    session redirects to its conversation; unknown ids answer nothing. Both are public (no bearer)."""
    client = sdk(server, token)
    run = client.agent.runs.retrieve(client.agent.run(prompt="hi").run_id)
    public = sdk(server, "anyone-" + secrets.token_hex(4))
    live = public.agent.conversations.check_redirect(run.conversation_id)
    ended = public.agent.sessions.check_redirect(run.run_id)
    assert (live.session_id, ended.conversation_id) in ((run.run_id, None), (None, run.conversation_id))
    wait_for(lambda: client.agent.runs.retrieve(run.run_id).state == "FAILED")  # no provider here
    response = httpx.get(f"{server.api}/agent/sessions/{run.run_id}/redirect")
    assert response.status_code == 200 and response.json() == {"conversation_id": run.conversation_id}
    assert httpx.get(f"{server.api}/agent/conversations/{run.conversation_id}/redirect").json() == {}
    assert httpx.get(f"{server.api}/agent/sessions/{'z' * 500}/redirect").json() == {}


async def test_an_idle_run_is_ended_saying_why_and_a_busy_one_is_not(tmp_path):
    """CP-11: config.idle_timeout_minutes ends an executing run that produced nothing that long."""
    async with in_process_app(tmp_path, new_manager()):
        plane_runs = service.RunService(Bus(), new_manager().hook)
        old = service.now() - timedelta(minutes=6)
        fields = {"tenant": "t", "title": "t", "prompt": "p", "state": "INPROGRESS", "idle_timeout_minutes": 5}
        idle = await Run.create(id="idle", created_at=old, updated_at=old, **fields)
        busy = await Run.create(id="busy", created_at=old, updated_at=service.now(), **fields)
        unlimited = await Run.create(
            id="free", created_at=old, updated_at=old, **{**fields, "idle_timeout_minutes": None}
        )
        assert await plane_runs.end_idle("LOCAL") in ([idle.id], [])  # [] if the plane's own sweep came first
        ended = await Run.get(id=idle.id)
        assert ended.state == "FAILED" and "no output for 5 min" in (ended.status_message or "")
        assert (await Run.get(id=busy.id)).state == (await Run.get(id=unlimited.id)).state == "INPROGRESS"


async def test_a_run_pinned_to_a_worker_is_claimed_only_by_that_worker(tmp_path):
    """CP-11: config.worker_host pins a run: another worker's claim skips it, its own takes it."""
    async with in_process_app(tmp_path, new_manager()):
        stamp = service.now()
        fields = {"tenant": "t", "title": "t", "prompt": "p", "state": "PENDING", "execution_location": "REMOTE"}
        await Run.create(id="pinned", created_at=stamp, updated_at=stamp, worker_host="w2", **fields)
        await Run.create(id="free", created_at=stamp, updated_at=stamp, **fields)
        taken = await service.claim_batch("PENDING", "w1", 30, 10, "REMOTE", "CLAIMED", worker="w1")
        assert [run.id for run in taken] == ["free"]
        taken = await service.claim_batch("PENDING", "w2", 30, 10, "REMOTE", "CLAIMED", worker="w2")
        assert [run.id for run in taken] == ["pinned"]


def test_harness_model_reaches_the_provider(make_server, llm, token):
    """CP-11: config.harness.model_id is the model the provider is asked for."""
    client = sdk(make_server(openai_provider_env(llm)), token)
    config = {"harness": {"model_id": "gpt-5-codex"}}
    run_id = client.agent.run(prompt="hi", config=config).run_id
    wait_for(lambda: _ended(client, run_id))
    assert llm.requests[-1]["body"]["model"] == "gpt-5-codex"


async def test_a_worker_run_answers_a_follow_up_with_the_conversation(make_server, token):
    """CP-11: a follow-up to a worker's run that ended reopens it for a worker, whose prompt holds
    the earlier turns; the run's output keeps the first answer before the second."""
    from tests.test_worker_hub import FakeWorker, _environment

    server = make_server({})
    client = sdk(server, token)
    run_id = client.agent.run(prompt="Fix the build.", config={"environment_id": _environment(server, token)}).run_id
    async with FakeWorker(server, worker_id="w-follow") as worker:
        for answer in ("Fixed it.\n", "Tests added.\n"):
            assignment = (await worker.receive())["data"]
            assert assignment["task_id"] == run_id
            await worker.send("task_claimed", {"task_id": run_id})
            await worker.send("task_completed", {"task_id": run_id, "output": answer, "exit_code": 0})
            await wait_async(lambda: client.agent.runs.retrieve(run_id).state == "SUCCEEDED")
            if answer.startswith("Fixed"):
                client.agent.runs.submit_followup(run_id, message="Add a test too.")
    prompt = assignment["task"]["task_definition"]["prompt"]
    assert "User: Fix the build." in prompt and "Agent: Fixed it." in prompt and prompt.endswith("Add a test too.")
    assert client.agent.runs.retrieve(run_id).output == "Fixed it.\nTests added.\n"


async def wait_async(condition, within: float = 10.0) -> None:
    import asyncio

    for _ in range(int(within / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met")
