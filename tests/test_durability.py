"""Replies, chains and queues live in the database, so a workspace process can stop at any moment
(ST-1, ST-3, ST-5, ST-6).

Each test runs ``oz-app --headless`` as a real process and stops it as a person or a machine
would: SIGTERM (a service restart) or SIGKILL (a crash). The test process reads and writes the
same database: it asks an agent by writing what the room's Send writes (the person's message and
the agent's queued reply), which the workspace picks up as it picks up anything left queued.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from oz_app import db
from oz_app.db.models import Agent, Message, Room, Run
from oz_app.workspace import accounts, replies, service
from tests.conftest import Server, start_server
from tests.fake_llm import FakeOpenAI
from tests.test_workspace import settled_replies

SETTLE = 40.0  # seconds a reply may take to end after a restart on two busy cores


class Workspace:
    """One workspace process at a time on one database, started again at will."""

    def __init__(self, data_dir: Path, url: str, llm: FakeOpenAI) -> None:
        self.data_dir, self.url, self.llm = data_dir, url, llm
        self.env = {
            "OZ_PROVIDER_FAKE_TYPE": "openai_compatible",
            "OZ_PROVIDER_FAKE_BASE_URL": llm.url,
            "OZ_PROVIDER_FAKE_MODEL": "m",
            "OZ_PROVIDER_FAKE_API_KEY": "sk-x",
            "OZ_DEFAULT_PROVIDER": "fake",
            "OZ_LEASE_SECONDS": "2",
            "OZ_SHUTDOWN_GRACE_SECONDS": "0",
        }
        self.server: Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.to_thread(start_server, self.data_dir, self.url, self.env, 60, None, "--workspace")

    async def stop(self, sig: int) -> None:
        if self.server is not None:
            await asyncio.to_thread(self.server.stop, sig)
            self.server = None


@pytest.fixture
async def workspace(tmp_path: Path, new_database: Callable[[], str]) -> AsyncIterator[Workspace]:
    llm = FakeOpenAI()
    url = new_database()
    ws = Workspace(tmp_path / "data", url, llm)
    await ws.start()
    await db.connect(url)
    try:
        yield ws
    finally:
        await db.close()
        await ws.stop(signal.SIGTERM)
        llm.close()


async def ask(room: Room, agent: Agent, text: str) -> Message:
    """What Send writes when a person mentions ``agent``: their message and the agent's queued reply."""
    said = await service.post_message(room, "user", "local", text)
    return await service.post_message(
        room, "agent", agent.name, "", agent_id=agent.id, state="queued", depth=1, asked_by=said.id
    )


async def room_with(*names: str) -> tuple[Room, list[Agent]]:
    local = await accounts.local_user()
    agents = [await service.create_agent(local, name=name) for name in names]
    return await service.create_room(local, "durable", "", [agent.id for agent in agents]), agents


async def until(predicate: Callable[[], Any], within: float = SETTLE) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"not within {within} s")
        await asyncio.sleep(0.1)


async def streaming(reply: Message) -> Run | None:
    """The reply's run once it has streamed some text."""
    await reply.refresh_from_db()
    run = await Run.get_or_none(id=reply.run_id) if reply.run_id else None
    return run if run is not None and run.output else None


async def agent_status(agent: Agent, status: str) -> bool:
    """True once the agent's stored status is ``status`` (set just after its reply settles)."""
    return (await Agent.get(id=agent.id)).status == status


async def settled(reply: Message) -> Message | None:
    await reply.refresh_from_db()
    return None if reply.state in replies.ACTIVE_REPLY else reply


async def slow_reply(workspace: Workspace) -> tuple[Agent, Message]:
    """The helper answering slowly, once its reply has streamed some text."""
    workspace.llm.words, workspace.llm.delay = ["slow "] * 200, 0.05
    room, (helper,) = await room_with("helper")
    reply = await ask(room, helper, "@helper take your time")
    await until(lambda: streaming(reply))
    return helper, reply


async def test_kill_9_mid_reply_ends_the_reply_as_its_run_says(workspace: Workspace) -> None:
    """ST-1, ST-3: the process dies while an agent answers; after a restart the reply says what
    its run says (failed by its lease, with the text streamed before) instead of thinking forever."""
    helper, reply = await slow_reply(workspace)
    await workspace.stop(signal.SIGKILL)
    await workspace.start()
    await until(lambda: settled(reply))
    run = await Run.get(id=reply.run_id)
    shown = (await replies.views([reply]))[0]
    assert run.state == "FAILED" and "stopped before it finished" in (run.status_message or "")
    assert (reply.state, shown["state"]) == ("failed", "failed")
    assert shown["content"] == run.output and run.output.startswith("slow ")
    assert run.status_message in shown["status"]
    await until(lambda: agent_status(helper, "error"))  # ST-6: stored, not in a process


async def test_sigterm_mid_reply_retries_the_run_into_the_same_reply(workspace: Workspace) -> None:
    """ST-3: a restart hands the run back instead of cancelling the reply; the next process asks
    the provider again, the answer fills the same reply, and the reply says it was retried and why."""
    _, reply = await slow_reply(workspace)
    await workspace.stop(signal.SIGTERM)
    await reply.refresh_from_db()
    run = await Run.get(id=reply.run_id)
    assert reply.state == "streaming" and run.state == "QUEUED"  # not "cancelled"
    workspace.llm.words, workspace.llm.delay = ["the", " whole", " answer"], 0
    await workspace.start()
    await until(lambda: settled(reply))
    shown = (await replies.views([reply]))[0]
    assert (reply.state, shown["state"], shown["content"]) == ("done", "done", "the whole answer")
    assert "Retried once: the process executing it stopped." in shown["status"]
    assert len(workspace.llm.requests) == 2
    run = await Run.get(id=reply.run_id)
    assert [attempt["outcome"] for attempt in run.attempts] == ["interrupted", "answered"]


async def test_a_chain_of_agents_survives_a_restart_in_the_middle(workspace: Workspace) -> None:
    """ST-5: alice asks bob, the workspace restarts while bob answers, bob's answer still goes
    back to alice, one level deeper each time."""

    def respond(prompt: str) -> list[str]:
        if "You are alice" in prompt:
            return ["All", " done."] if "back to you" in prompt else ["@bob", " your", " turn"]
        return ["@alice", " back", " to", " you", *[" ..."] * 100]

    workspace.llm.respond, workspace.llm.delay = respond, 0.05
    room, (alice, _bob) = await room_with("alice", "bob")
    await ask(room, alice, "@alice start")
    bob_reply = await until(lambda: Message.get_or_none(room=room, author_name="bob", state="streaming"))
    await until(lambda: streaming(bob_reply))
    await workspace.stop(signal.SIGTERM)
    workspace.llm.delay = 0
    await workspace.start()
    last = await until(lambda: settled_replies(room, 3))
    assert [(m.author_name, m.depth, m.state) for m in last] == [
        ("alice", 1, "done"),
        ("bob", 2, "done"),
        ("alice", 3, "done"),
    ]
    assert (await replies.views([last[-1]]))[0]["content"] == "All done."


def test_a_second_process_on_one_sqlite_file_is_told_at_start(tmp_path: Path) -> None:
    """ST-7: SQLite carries no events between processes, so a second process opened on the same
    SQLite file says so in its start line; the first one, alone on it, does not."""
    url = f"sqlite://{tmp_path / 'oz.db'}"
    first = start_server(tmp_path / "one", url)
    try:
        second = start_server(tmp_path / "two", url)
        try:
            assert "also open in another oz-app process" in second.log()
            assert "use PostgreSQL for several" in second.log()
        finally:
            second.stop()
        assert "another oz-app process" not in first.log()
    finally:
        first.stop()
