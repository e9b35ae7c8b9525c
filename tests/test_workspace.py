"""The workspace through NiceGUI's simulated user (no browser): rooms, agents, chat with
mentions and streamed replies, agent-to-agent chains, board, artifacts, inbox, runs, sharing,
settings, sign-in and ownership (WS-1..WS-11, WS-13, CL-1, CL-2)."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui import app, core, ui
from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation

from oz_app.db.models import Agent, Message, Notification, Room, Task
from oz_app.db.models import User as Person
from oz_app.workspace import accounts, replies, service
from oz_app.workspace.dispatch import Conductor
from tests.conftest import TEST_DATABASE, eventually, fill, free_port, new_database_url, wait_for
from tests.fake_llm import FakeOpenAI

MAIN = Path(__file__).parent / "workspace_main.py"
RETRIES = 100  # should_see polls every 0.1 s: up to 10 s on a busy machine
AGENT_KEY = "agent-key-" + secrets.token_hex(8)


class Tabs:
    """The workspace under test: the first simulated tab, more tabs on demand, its LLM server."""

    def __init__(self, user: User, llm: FakeOpenAI) -> None:
        self.user = user
        self.llm = llm

    @property
    def workspace(self) -> Any:
        return app.state.workspace

    def new_tab(self) -> User:
        """Another browser (its own cookies, so in server mode its own sign-in)."""
        return User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))

    async def local_user(self) -> Any:
        return await accounts.local_user()


@pytest.fixture
def llm() -> Any:
    server = FakeOpenAI(words=["Hello", " there", "!"])
    yield server
    server.close()


@pytest.fixture
def workspace_env(tmp_path: Path, new_database: Callable[[], str], llm: FakeOpenAI, monkeypatch: Any) -> dict[str, str]:
    env = {
        "OZ_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": new_database(),
        "OZ_CONFIG_FILE": "",
        "AGENT_API_KEY": AGENT_KEY,
        "OZ_PROVIDER_FAKE_TYPE": "openai_compatible",
        "OZ_PROVIDER_FAKE_BASE_URL": llm.url,
        "OZ_PROVIDER_FAKE_MODEL": "fake-model",
        "OZ_PROVIDER_FAKE_API_KEY": "sk-fake-" + secrets.token_hex(8),
        "OZ_DEFAULT_PROVIDER": "fake",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OZ_TEST_LOGIN", raising=False)
    return env


@pytest.fixture
async def tabs(workspace_env: dict[str, str], llm: FakeOpenAI) -> AsyncIterator[Tabs]:
    async with user_simulation(main_file=MAIN) as user:
        await app.state.workspace.ready.wait()
        yield Tabs(user, llm)


async def make_room(tabs: Tabs, name: str = "Design", agents: tuple[str, ...] = ("helper",)) -> Room:
    owner = await tabs.local_user()
    members = [await service.create_agent(owner, name=agent) for agent in agents]
    return await service.create_room(owner, name, "where we plan", [agent.id for agent in members])


# Rooms and agents (WS-2, WS-3) ---------------------------------------------------------------------


async def test_create_room_and_agent_from_the_pages(tabs: Tabs) -> None:
    """WS-2, WS-3, CL-2: a local user creates an agent and a room through the pages."""
    user = tabs.user
    await user.open("/agents")
    user.find("New agent").click()
    await user.should_see(marker="agent-name", retries=RETRIES)
    user.find(marker="agent-name").type("helper")
    user.find(marker="agent-prompt").type("You help.")
    user.find("Save").click()
    await user.should_see(marker="agent-helper", retries=RETRIES)
    agent = await eventually(lambda: Agent.get_or_none(name="helper"))
    assert agent.system_prompt == "You help."

    await user.open("/")
    user.find(marker="room-name").type("Design")
    user.find("Create room").click()
    room = await eventually(lambda: Room.get_or_none(name="Design"))
    await user.should_see(marker="room-title", retries=RETRIES)
    assert await service.members_of(room) == []


async def test_bad_agent_name_is_refused_and_nothing_is_saved(tabs: Tabs) -> None:
    """WS-3: a name that cannot be mentioned gets a clear message and no agent is created."""
    await tabs.user.open("/agents")
    tabs.user.find("New agent").click()
    await tabs.user.should_see(marker="agent-name", retries=RETRIES)
    tabs.user.find(marker="agent-name").type("two words")
    tabs.user.find("Save").click()
    await tabs.user.should_see("An agent's name starts with a letter", retries=RETRIES)
    assert await Agent.all().count() == 0


# Chat (WS-4, WS-13) --------------------------------------------------------------------------------


async def test_mention_streams_the_reply_into_every_open_tab(tabs: Tabs) -> None:
    """WS-4, WS-13: a mention dispatches the agent; the reply streams into both tabs."""
    tabs.llm.words, tabs.llm.answer = ["Hello", " from", " the", " helper"], "stall"
    room = await make_room(tabs)
    second = tabs.new_tab()
    await second.open(f"/rooms/{room.id}")
    await second.should_see(marker="chat", retries=RETRIES)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="message", retries=RETRIES)
    tabs.user.find(marker="message").type("@helper hello")
    tabs.user.find(marker="send").click()
    await tabs.user.should_see("helper is thinking…", retries=RETRIES)
    await second.should_see("@helper hello", retries=RETRIES)
    tabs.llm.release()
    await second.should_see("Hello from the helper", retries=RETRIES)
    await tabs.user.should_see("Hello from the helper", retries=RETRIES)
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    assert (await shown(reply))["content"] == "Hello from the helper"  # ST-1: read from the run
    assert reply.content == ""  # ... not copied into the message
    run = await tabs.workspace.runner.get(reply.run_id)
    assert run["state"] == "SUCCEEDED" and run["provider"] == "fake"
    assert "You are helper" in tabs.llm.requests[0]["body"]["messages"][-1]["content"]


async def test_a_long_room_opens_on_its_latest_page_and_loads_older(tabs: Tabs) -> None:
    """WS-4: a room shows its latest page of messages; older ones load on demand, in order."""
    page = service.PAGE
    room = await make_room(tabs)
    await Message.bulk_create(
        [
            Message(room=room, author_kind="user", author_name="local", content=f"line {i}", created_at=room.created_at)
            for i in range(120)
        ]
    )
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see("line 119", retries=RETRIES)
    await tabs.user.should_see(f"line {120 - page}", retries=RETRIES)
    await tabs.user.should_not_see(f"line {119 - page}")
    tabs.user.find("Load older messages").click()
    await tabs.user.should_see(f"line {120 - 2 * page}", retries=RETRIES)
    await tabs.user.should_not_see(f"line {119 - 2 * page}")
    chat = tabs.user.find(marker="chat").elements.pop()
    first = chat.default_slot.children[0]
    assert first.default_slot.children[1].content == f"line {120 - 2 * page}"


async def test_at_autocomplete_offers_member_agents(tabs: Tabs) -> None:
    """WS-4: typing @ offers the room's agents; choosing one completes the mention."""
    room = await make_room(tabs, agents=("helper", "reviewer"))
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="message", retries=RETRIES)
    tabs.user.find(marker="message").type("please @re")
    await tabs.user.should_see("@reviewer", retries=RETRIES)
    with tabs.user:
        offered = tabs.user.find(marker="suggestions").elements.pop().descendants()
        assert [button.text for button in offered if isinstance(button, ui.button)] == ["@reviewer"]
    tabs.user.find(marker="suggest-reviewer").click()
    assert tabs.user.find(marker="message").elements.pop().value == "please @reviewer "


async def test_mention_of_a_non_member_is_explained(tabs: Tabs) -> None:
    """WS-4: nothing fails silently: mentioning someone who is not in the room says so."""
    room = await make_room(tabs)
    await tabs.workspace.conductor.post(room, "local", "@nobody are you there?")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see("@nobody is not a member of this room.", retries=RETRIES)
    assert tabs.llm.requests == []


async def test_cancel_a_running_reply(tabs: Tabs) -> None:
    """WS-4: Stop cancels the reply's run; the message keeps what streamed and says cancelled."""
    tabs.llm.words = ["slow"] * 100
    tabs.llm.delay = 0.1
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.workspace.conductor.post(room, "local", "@helper take your time")
    await tabs.user.should_see("helper is thinking…", retries=RETRIES)
    await eventually(lambda: _streamed(tabs, room))
    tabs.user.find("Stop").click()
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="cancelled"))
    assert (await shown(reply))["content"].startswith("slow")
    assert (await tabs.workspace.runner.get(reply.run_id))["state"] == "CANCELLED"
    await tabs.user.should_see("cancelled", retries=RETRIES)


async def test_pause_cancels_running_replies_and_holds_mentions_until_resume(tabs: Tabs) -> None:
    """WS-2, ST-5: pausing a room cancels its running agents; a mention meanwhile is queued (shown
    as queued) and answered when the room resumes."""
    tabs.llm.words = ["slow"] * 100
    tabs.llm.delay = 0.1
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.workspace.conductor.post(room, "local", "@helper go")
    await eventually(lambda: _streamed(tabs, room))
    tabs.user.find("Pause").click()
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="cancelled"))
    assert (await tabs.workspace.runner.get(reply.run_id))["state"] == "CANCELLED"
    await tabs.user.should_see("Resume", retries=RETRIES)
    room = await Room.get(id=room.id)
    assert room.paused
    requests = len(tabs.llm.requests)
    tabs.llm.words, tabs.llm.delay = ["answered after resume"], 0
    await tabs.workspace.conductor.post(room, "local", "@helper again")
    await tabs.user.should_see("This room is paused: the agents answer when it resumes.", retries=RETRIES)
    queued = await Message.get(room=room, author_kind="agent", state="queued")
    await tabs.user.should_see("queued", retries=RETRIES)
    assert len(tabs.llm.requests) == requests
    assert (await Agent.get(name="helper")).status == "queued"  # ST-6: stored
    tabs.user.find("Resume").click()
    await tabs.user.should_see("answered after resume", retries=RETRIES)
    await eventually(lambda: settled_replies(room, 2))
    await queued.refresh_from_db()
    assert queued.state == "done" and (await shown(queued))["content"] == "answered after resume"


async def test_a_queued_reply_started_by_two_processes_at_once_asks_the_provider_once(tabs: Tabs) -> None:
    """ST-5: two conductors (as in two processes on one database) starting the same queued reply
    at the same moment: one takes it, the other leaves it; one run, one provider call."""
    room = await make_room(tabs)
    helper = await Agent.get(name="helper")
    reply = await service.post_message(room, "agent", "helper", "", agent_id=helper.id, state="queued", depth=1)
    other = Conductor(tabs.workspace.runner, tabs.workspace.live)
    await asyncio.gather(tabs.workspace.conductor.start_next(room.id, helper.id), other.start_next(room.id, helper.id))
    await eventually(lambda: settled_replies(room, 1))
    await other.close()
    await reply.refresh_from_db()
    assert reply.state == "done" and len(tabs.llm.requests) == 1
    assert len(await tabs.workspace.runner.list(50)) == 1


async def test_no_provider_is_said_where_the_user_types(tabs: Tabs, monkeypatch: Any) -> None:
    """First run: with no provider configured the room says so and links to Settings."""
    tabs.workspace.plane.catalog._env = {}
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see("No provider is configured yet, so agents cannot answer.", retries=RETRIES)
    await tabs.user.should_see("Add one in Settings", retries=RETRIES)


# Agents talking to agents (WS-5) -------------------------------------------------------------------


async def test_agent_chain_stops_at_the_depth_limit(tabs: Tabs) -> None:
    """WS-5: agents mentioning each other are dispatched one level deeper each time, up to the limit."""
    tabs.llm.respond = lambda prompt: ["@bob your turn"] if "You are alice" in prompt else ["@alice your turn"]
    room = await make_room(tabs, agents=("alice", "bob"))
    await tabs.workspace.conductor.post(room, "local", "@alice start")
    await eventually(lambda: Message.get_or_none(room=room, author_kind="system"))
    note = await Message.get(room=room, author_kind="system")
    assert "mentioned each other 3 levels deep" in note.content
    replies = await Message.filter(room=room, author_kind="agent").order_by("id")
    assert [(m.author_name, m.depth) for m in replies] == [("alice", 1), ("bob", 2), ("alice", 3)]
    assert len(tabs.llm.requests) == 3


async def test_fan_out_answers_are_gathered_back_to_the_lead_once(tabs: Tabs) -> None:
    """WS-5: a reply mentioning two agents (twice) dispatches each once; the lead gets both answers once."""

    def respond(prompt: str) -> list[str]:
        if "You are lead" in prompt:
            return ["All done."] if "have answered" in prompt else ["@x and @y, please help. @x!"]
        return ["x says hi"] if "You are x" in prompt else ["y says hi"]

    tabs.llm.respond = respond
    room = await make_room(tabs, agents=("lead", "x", "y"))
    await tabs.workspace.conductor.post(room, "local", "@lead organise this")
    await eventually(lambda: settled_replies(room, 4))
    agent_replies = await Message.filter(room=room, author_kind="agent").order_by("id")
    assert sorted(m.author_name for m in agent_replies) == ["lead", "lead", "x", "y"]
    assert (await shown(agent_replies[-1]))["content"] == "All done."
    handback = [r for r in tabs.llm.requests if "have answered" in r["body"]["messages"][-1]["content"]]
    assert len(handback) == 1
    assert "x says hi" in handback[0]["body"]["messages"][-1]["content"]
    assert "y says hi" in handback[0]["body"]["messages"][-1]["content"]


# Tasks, artifacts, inbox (WS-6..WS-8) and the agent API ------------------------------------------


async def test_kanban_drag_and_drop_moves_a_task_in_every_tab(tabs: Tabs) -> None:
    """WS-6, WS-13: dropping a card on another column moves the task; another tab sees it."""
    room = await make_room(tabs)
    task = await service.create_task(room, "Write the plan", priority="high")
    second = tabs.new_tab()
    await second.open(f"/rooms/{room.id}")
    await second.should_see(marker="chat", retries=RETRIES)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="task-Write the plan", retries=RETRIES)
    tabs.user.find(marker="task-Write the plan").trigger("dragstart")
    tabs.user.find(marker="column-done").trigger("drop")
    await eventually(lambda: Task.get_or_none(id=task.id, status="done"))
    await eventually(lambda: in_column(second, "Write the plan", "done"))


def _ancestors(element: Any) -> set[int]:
    ids = set()
    while element.parent_slot is not None:
        element = element.parent_slot.parent
        ids.add(element.id)
    return ids


def in_column(user: Any, title: str, column: str) -> bool:
    """Whether the board of ``user``'s page shows the card ``title`` in ``column`` (False while it is redrawn)."""
    try:
        columns = user.find(marker=f"column-{column}").elements
        cards = user.find(marker=f"task-{title}").elements
    except AssertionError:
        return False
    return any(c.id in _ancestors(card) for c in columns for card in cards)


async def test_task_edit_and_delete(tabs: Tabs) -> None:
    """WS-6: a task is created, edited (priority, assignee) and deleted from the board."""
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="add-task", retries=RETRIES)
    tabs.user.find(marker="add-task").click()
    await tabs.user.should_see(marker="task-title", retries=RETRIES)
    tabs.user.find(marker="task-title").type("Ship it")
    tabs.user.find(marker="save-task").click()
    task = await eventually(lambda: Task.get_or_none(room=room, title="Ship it"))
    assert (task.status, task.priority) == ("backlog", "medium")
    room2 = await make_room(tabs, "Other", agents=("other",))
    with pytest.raises(service.NotFound):
        await service.update_task(room2, task.id, status="done")
    await service.update_task(room, task.id, priority="high")
    await service.delete_task(room, task.id)
    assert not await Task.exists(id=task.id)


async def test_agent_api_creates_tasks_artifacts_and_notifications(tabs: Tabs) -> None:
    """WS-6..WS-8: agents use the internal API with X-Agent-Key; the pages show the result live."""
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    client = tabs.user.http_client
    base = f"/internal/agent/rooms/{room.id}"
    refused = await client.post(f"{base}/tasks", json={"title": "x"}, headers={"X-Agent-Key": "wrong"})
    assert refused.status_code == 401
    assert await Task.all().count() == 0
    headers = {"X-Agent-Key": AGENT_KEY}
    bad = await client.post(f"{base}/tasks", json={"title": "x", "status": "someday"}, headers=headers)
    assert bad.status_code == 422 and "status" in bad.text
    created = await client.post(f"{base}/tasks", json={"title": "From an agent"}, headers=headers)
    assert created.status_code == 201
    moved = await client.patch(f"{base}/tasks/{created.json()['id']}", json={"status": "in_progress"}, headers=headers)
    assert moved.json()["status"] == "in_progress"
    await tabs.user.should_see(marker="task-From an agent", retries=RETRIES)
    artifact = {"kind": "pull_request", "title": "PR 7", "url": "https://git.example/pr/7"}
    assert (await client.post(f"{base}/artifacts", json=artifact, headers=headers)).status_code == 201
    await tabs.user.should_see("PR 7", retries=RETRIES)
    note = {"title": "Review needed", "body": "Please look at PR 7"}
    assert (await client.post(f"{base}/notifications", json=note, headers=headers)).status_code == 201
    missing = await client.post("/internal/agent/rooms/nope/tasks", json={"title": "x"}, headers=headers)
    assert missing.status_code == 404


async def test_inbox_unread_count_mark_read_and_delete(tabs: Tabs) -> None:
    """WS-8: notifications show with an unread count; mark read and delete work."""
    owner = await tabs.local_user()
    await service.notify(owner.id, "First")
    await service.notify(owner.id, "Second")
    await tabs.user.open("/inbox")
    await tabs.user.should_see(marker="note-First", retries=RETRIES)
    badge = tabs.user.find(marker="unread").elements.pop()
    await eventually(lambda: badge.text == "2")
    tabs.user.find(marker="read-First").click()
    await eventually(lambda: badge.text == "1")
    await tabs.user.should_see(marker="delete-Second", retries=RETRIES)  # the list is being redrawn
    tabs.user.find(marker="delete-Second").click()
    await tabs.user.should_see(marker="confirm-delete", retries=RETRIES)
    tabs.user.find(marker="confirm-delete").click()
    await eventually(lambda: _count(owner, 1))
    assert (await Notification.get(title="First")).read


async def _count(owner: Any, expected: int) -> bool:
    return await Notification.filter(owner=owner).count() == expected


async def _streamed(tabs: Tabs, room: Room) -> str:
    """What the room's streaming reply has said so far (read from its run)."""
    reply = await Message.get_or_none(room=room, author_kind="agent", state="streaming")
    return "" if reply is None else str((await shown(reply))["content"])


async def shown(message: Message) -> dict[str, Any]:
    """The message as a tab shows it."""
    return (await replies.views([message]))[0]


async def settled_replies(room: Room, count: int) -> list[Message] | None:
    """The room's agent replies, oldest first, once ``count`` of them have all ended (a reply's
    text shows while it streams, so what a tab shows does not say it has ended)."""
    found = await Message.filter(room=room, author_kind="agent").order_by("id")
    ended = len(found) == count and all(m.state not in replies.ACTIVE_REPLY for m in found)
    return found if ended else None


# Runs page (WS-9) ----------------------------------------------------------------------------------


async def test_runs_page_shows_state_provider_and_output(tabs: Tabs) -> None:
    """WS-9: every run with its state and provider; output visible; a running one can be cancelled."""
    room = await make_room(tabs)
    await tabs.workspace.conductor.post(room, "local", "@helper hi")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    await tabs.user.open("/runs")
    await tabs.user.should_see(marker=f"run-{reply.run_id}", retries=RETRIES)
    await tabs.user.should_see("Succeeded", retries=RETRIES)
    await tabs.user.should_see("fake", retries=RETRIES)
    tabs.user.find(marker=f"output-{reply.run_id}").click()
    await tabs.user.should_see("Hello there!", retries=RETRIES)

    tabs.llm.words = ["slow"] * 100
    tabs.llm.delay = 0.1
    run_id = await tabs.workspace.runner.start("long one", title="long one")
    await tabs.user.open("/runs")
    await tabs.user.should_see(marker=f"cancel-{run_id}", retries=RETRIES)
    tabs.user.find(marker=f"cancel-{run_id}").click()
    await eventually(lambda: _state(tabs, run_id, "CANCELLED"))


async def test_runs_page_output_dialog_stays_open_and_streams(tabs: Tabs) -> None:
    """WS-9, ST-4: the Runs page follows run events instead of re-reading every 2 s, so an output
    dialog opened while a run streams stays open and fills in to the end, and the row's state
    changes by itself."""
    tabs.llm.words, tabs.llm.delay = [f"w{i} " for i in range(60)], 0.05  # 3 s: longer than the old 2 s redraw
    run_id = await tabs.workspace.runner.start("stream please", title="streaming one")
    await tabs.user.open("/runs")
    await tabs.user.should_see(marker=f"output-{run_id}", retries=RETRIES)
    tabs.user.find(marker=f"output-{run_id}").click()
    await tabs.user.should_see(marker="run-output", retries=RETRIES)
    await tabs.user.should_see("w59", retries=RETRIES)
    await tabs.user.should_see(marker="run-output")  # the same dialog, still open
    await tabs.user.should_see("Succeeded", retries=RETRIES)


async def _state(tabs: Tabs, run_id: str, state: str) -> bool:
    return (await tabs.workspace.runner.get(run_id))["state"] == state


# Sharing (WS-10) -----------------------------------------------------------------------------------


async def test_share_link_is_read_only_revocable_and_private(tabs: Tabs) -> None:
    """WS-10: a public link shows messages, not agents' settings; revoked links are 404."""
    owner = await tabs.local_user()
    agent = await service.create_agent(owner, name="helper", system_prompt="SECRET-PROMPT")
    room = await service.create_room(owner, "Shared", "", [agent.id])
    await service.post_message(room, "user", "local", "visible words")
    token = await service.share(owner, room.id)
    viewer = tabs.new_tab()
    await viewer.open(f"/share/{token}")
    await viewer.should_see("visible words", retries=RETRIES)
    await viewer.should_not_see("SECRET-PROMPT")
    await viewer.should_not_see("Pause")
    await service.unshare(owner, room.id)
    response = await viewer.http_client.get(f"/share/{token}")
    assert response.status_code == 404


async def test_share_links_are_rate_limited(tabs: Tabs) -> None:
    """WS-10: one client reading share links too fast gets 429."""
    tabs.workspace.share_views.limit = 3
    client = tabs.new_tab().http_client
    codes = [(await client.get("/share/unknown")).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


# Settings (WS-11) ----------------------------------------------------------------------------------


async def test_settings_add_and_test_a_provider_key_never_shown(tabs: Tabs) -> None:
    """WS-11: a provider added in Settings is stored with its key sealed, tested, and deleted."""
    await tabs.user.open("/settings")
    await tabs.user.should_see(marker="provider-fake", retries=RETRIES)
    tabs.user.find(marker="add-provider").click()
    await tabs.user.should_see(marker="provider-key", retries=RETRIES)
    tabs.user.find(marker="provider-key").type("mine")
    tabs.user.find(marker="provider-model").type("m1")
    tabs.user.find(marker="provider-url").type(tabs.llm.url)
    tabs.user.find(marker="provider-api-key").type("sk-very-secret")
    tabs.user.find(marker="save-provider").click()
    await tabs.user.should_see(marker="provider-mine", retries=RETRIES)
    await tabs.user.should_not_see("sk-very-secret")
    from oz_app.db.models import ProviderRecord

    record = await ProviderRecord.get(key="mine")
    assert record.api_key_sealed and "sk-very-secret" not in record.api_key_sealed
    tabs.user.find(marker="test-mine").click()
    await tabs.user.should_see("mine answered: Hello there!", retries=RETRIES)
    assert tabs.llm.requests[-1]["headers"]["Authorization"] == "Bearer sk-very-secret"
    sealed = record.api_key_sealed
    tabs.user.find(marker="edit-mine").click()
    await tabs.user.should_see(marker="provider-model", retries=RETRIES)
    tabs.user.find(marker="provider-model").clear().type("m2")
    tabs.user.find(marker="save-provider").click()
    await eventually(lambda: ProviderRecord.get_or_none(key="mine", model="m2"))
    assert (await ProviderRecord.get(key="mine")).api_key_sealed == sealed  # an empty key field keeps the key
    tabs.user.find(marker="delete-mine").click()
    await tabs.user.should_see(marker="confirm-delete", retries=RETRIES)
    tabs.user.find(marker="confirm-delete").click()
    await eventually(lambda: _gone(ProviderRecord, "mine"))


async def _gone(model: Any, key: str) -> bool:
    return not await model.exists(key=key)


# Sign-in and ownership (WS-1) ----------------------------------------------------------------------


@pytest.fixture
async def server_tabs(workspace_env: dict[str, str], llm: FakeOpenAI, monkeypatch: Any) -> AsyncIterator[Tabs]:
    monkeypatch.setenv("OZ_TEST_LOGIN", "1")
    monkeypatch.setenv("OZ_SIGNUP", "open")
    async with user_simulation(main_file=MAIN) as user:
        await app.state.workspace.ready.wait()
        yield Tabs(user, llm)


async def sign_up(user: User, name: str, password: str = "correct horse") -> None:
    await user.open("/login")
    user.find(marker="username").type(name)
    user.find(marker="password").type(password)
    user.find("Sign up").click()
    await user.should_see("Rooms", retries=RETRIES)


async def test_server_mode_requires_login_and_hides_other_users_rooms(server_tabs: Tabs) -> None:
    """WS-1: pages need a signed-in user; another user's room is 404, not visible."""
    anonymous = server_tabs.user
    response = await anonymous.http_client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307) and response.headers["location"] == "/login"
    ann = server_tabs.new_tab()
    await sign_up(ann, "ann")
    bob = server_tabs.new_tab()
    await sign_up(bob, "bob")
    owner = await Person.get(username="ann")
    room = await service.create_room(owner, "Ann's room")
    await ann.open(f"/rooms/{room.id}")
    await ann.should_see("Ann's room", retries=RETRIES)
    assert (await bob.http_client.get(f"/rooms/{room.id}")).status_code == 404
    assert (await ann.http_client.get(f"/rooms/{room.id}")).status_code == 200
    stored = await Person.get(username="ann")
    assert stored.password_hash.startswith("scrypt$") and "correct horse" not in stored.password_hash


async def test_an_admin_disables_a_member_whose_open_tab_leaves_at_once(server_tabs: Tabs) -> None:
    """SEC-1, SEC-5: the admin disables Bob in Settings → People; Bob's open tab goes to the log-in
    page at once, his session is gone on the server, and he cannot log in again."""
    ann = server_tabs.new_tab()
    await sign_up(ann, "ann")
    bob = server_tabs.new_tab()
    await sign_up(bob, "bob")
    assert (await Person.get(username="ann")).role == "admin"
    assert (await Person.get(username="bob")).role == "member"
    await bob.open("/")
    await ann.open("/settings")
    ann.find(marker="disable-bob").click()
    await bob.should_see(marker="username", retries=RETRIES)
    assert (await Person.get(username="bob")).disabled
    assert (await bob.http_client.get("/", follow_redirects=False)).headers["location"] == "/login"
    with pytest.raises(service.Invalid, match="disabled"):
        await accounts.log_in("bob", "correct horse", "203.0.113.5")


async def test_failed_logins_are_throttled(server_tabs: Tabs) -> None:
    """WS-1, SEC-6: after five wrong passwords even the right one is refused for a while."""
    await accounts.sign_up("carol", "right password", policy="open")
    user = server_tabs.user
    for _ in range(5):
        with pytest.raises(service.Invalid, match="Wrong username or password"):
            await accounts.log_in("carol", "wrong", "203.0.113.9")
    await user.open("/login")
    user.find(marker="username").type("carol")
    user.find(marker="password").type("right password")
    user.find("Log in").click()
    await user.should_see("Too many log-in attempts", retries=RETRIES)


# Room and agent management (WS-2, WS-3) ------------------------------------------------------------


async def test_rename_describe_members_and_delete_a_room(tabs: Tabs) -> None:
    """WS-2: rename and describe a room, choose its members, delete it with what it holds."""
    room = await make_room(tabs, agents=("helper", "other"))
    await service.create_task(room, "A task")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="room-title", retries=RETRIES)
    tabs.user.find(marker="room-menu").click()
    tabs.user.find(marker="edit-room").click()
    await tabs.user.should_see(marker="edit-room-name", retries=RETRIES)
    tabs.user.find(marker="edit-room-name").clear().type("Renamed")
    tabs.user.find("Save").click()
    await eventually(lambda: Room.get_or_none(id=room.id, name="Renamed"))
    await tabs.user.should_see("Renamed", retries=RETRIES)

    owner = await tabs.local_user()
    helper = await Agent.get(name="helper")
    await service.set_members(owner, room.id, [helper.id])
    assert [a.name for a in await service.members_of(room)] == ["helper"]
    stranger = await Person.create(id=service.new_id(), username="stranger", created_at=room.created_at)
    their_agent = await service.create_agent(stranger, name="theirs")
    with pytest.raises(service.NotFound):
        await service.set_members(owner, room.id, [their_agent.id])
    assert [a.name for a in await service.members_of(room)] == ["helper"]

    tabs.user.find("Delete").click()
    await tabs.user.should_see(marker="confirm-delete", retries=RETRIES)
    tabs.user.find(marker="confirm-delete").click()
    await eventually(lambda: _room_gone(room.id))
    assert not await Task.exists(room_id=room.id)


async def _room_gone(room_id: str) -> bool:
    return not await Room.exists(id=room_id)


async def test_agent_status_is_live_on_the_agents_page(tabs: Tabs) -> None:
    """WS-3: the agents page shows running while a reply streams and idle after, without reloading."""
    tabs.llm.words = ["slow"] * 20
    tabs.llm.delay = 0.05
    room = await make_room(tabs)
    await tabs.user.open("/agents")
    await tabs.user.should_see(marker="agent-helper", retries=RETRIES)
    await tabs.workspace.conductor.post(room, "local", "@helper go")
    await tabs.user.should_see("running", retries=RETRIES)
    await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    await tabs.user.should_see("idle", retries=RETRIES)
    assert (await Agent.get(name="helper")).status == "idle"


async def test_agent_edit_keeps_names_unique(tabs: Tabs) -> None:
    """WS-3: an agent can be renamed and changed, but not to another agent's name."""
    owner = await tabs.local_user()
    helper = await service.create_agent(owner, name="helper")
    await service.create_agent(owner, name="other")
    with pytest.raises(service.Invalid, match="already have an agent called Other"):
        await service.update_agent(owner, helper.id, name="Other")
    updated = await service.update_agent(owner, helper.id, harness="claude-code", model="claude-x", color="#ff0000")
    assert (updated.name, updated.harness, updated.model) == ("helper", "claude-code", "claude-x")
    await tabs.user.open("/agents")
    await tabs.user.should_see("claude-code · claude-x", retries=RETRIES)
    await service.delete_agent(owner, helper.id)
    assert not await Agent.exists(id=helper.id)


async def test_every_harness_is_dispatched(tabs: Tabs) -> None:
    """WS-4 (the reference's defect): a mention dispatches the agent whatever its harness; the run
    asks for that harness and model, so the control plane routes it to the harness's provider."""
    owner = await tabs.local_user()
    agents = [await service.create_agent(owner, name=f"a{i}", harness=h) for i, h in enumerate(service.HARNESSES)]
    room = await service.create_room(owner, "All", "", [agent.id for agent in agents])
    await tabs.workspace.conductor.post(room, "local", " ".join(f"@{agent.name}" for agent in agents))
    replies = await eventually(lambda: settled_replies(room, len(agents)))
    for reply in replies:
        run = await tabs.workspace.runner.get(reply.run_id)
        harness = next(a.harness for a in agents if a.name == reply.author_name)
        assert run["agent_config"].get("harness", {"type": "default"})["type"] == harness
    assert {r.state for r in replies if r.author_name == "a0"} == {"done"}


# Remote runner mode (PR-7 from the workspace) -------------------------------------------------------


async def test_remote_mode_sends_runs_to_another_control_plane_and_streams(
    workspace_env: dict[str, str], llm: FakeOpenAI, make_server: Any, monkeypatch: Any
) -> None:
    """Issue 5 item 6: with OZ_RUNNER_MODE=remote the runs live on the remote control plane and
    the reply still streams into the room."""
    llm.words = ["remote", " words", " streamed"]
    llm.delay = 0.05
    provider_env = {name: value for name, value in workspace_env.items() if name.startswith("OZ_PROVIDER_")}
    remote = await asyncio.to_thread(make_server, {**provider_env, "OZ_DEFAULT_PROVIDER": "fake"})
    token = "remote-token-" + secrets.token_hex(8)
    monkeypatch.setenv("OZ_RUNNER_MODE", "remote")
    monkeypatch.setenv("OZ_API_BASE_URL", remote.api)
    monkeypatch.setenv("OZ_API_KEY", token)
    for name in provider_env:
        monkeypatch.delenv(name)
    async with user_simulation(main_file=MAIN) as user:
        await app.state.workspace.ready.wait()
        tabs = Tabs(user, llm)
        room = await make_room(tabs)
        await user.open(f"/rooms/{room.id}")
        await user.should_see(marker="message", retries=RETRIES)
        user.find(marker="message").type("@helper hi")
        user.find(marker="send").click()
        await user.should_see("remote words streamed", retries=RETRIES)
        reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    async with httpx.AsyncClient(base_url=remote.api, headers={"Authorization": f"Bearer {token}"}) as client:
        run = (await client.get(f"/agent/runs/{reply.run_id}")).json()
    assert run["state"] == "SUCCEEDED" and run["output"] == "remote words streamed"


# The command line (CL-1, CL-2) ----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_headless_serves_pages_and_the_api_and_logs_in_beyond_loopback(host: str, tmp_path: Path) -> None:
    """CL-2, SEC-4: ``oz-app --headless`` serves the UI and the API in one process; sign-in is
    required when it listens beyond loopback, not on loopback; the API refuses an invented token."""
    port = free_port()
    env = {
        # NiceGUI behaves as under test when it sees PYTEST_CURRENT_TEST: a real start must not
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL", "AUTH_", "PYTEST_"))},
        "DATABASE_URL": new_database_url(tmp_path),
        "OZ_CONFIG_FILE": "",
    }
    command = [sys.executable, "-m", "oz_app.cli", "--headless", "--host", host, "--port", str(port)]
    command += ["--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        health = wait_for(lambda: _get(base + "/health"), timeout=30)
        assert health.json()["ok"] is True
        page = httpx.get(base + "/", follow_redirects=False, timeout=10)
        if host == "127.0.0.1":
            assert page.status_code == 200 and "oz · rooms" in page.text
        else:
            assert page.status_code in (302, 307) and page.headers["location"] == "/login"
        for invented in ("t", "local"):
            runs = httpx.get(base + "/api/v1/agent/runs", headers={"Authorization": f"Bearer {invented}"}, timeout=10)
            assert runs.status_code == 401 and "issued by this server" in runs.json()["error"]
        assert (tmp_path / "data" / "auth.key").stat().st_mode & 0o077 == 0
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert f"oz-app workspace on http://{host}:{port}" in output


def _get(url: str) -> httpx.Response | None:
    try:
        response = httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None
    return response if response.status_code == 200 else None


async def test_settings_save_the_remote_control_plane_to_the_config_file(
    workspace_env: dict[str, str], llm: FakeOpenAI, tmp_path: Path, monkeypatch: Any
) -> None:
    """WS-11: the control-plane URL and key are saved to the config file (owner-only, other lines
    kept), applied at the next start; the key is never shown back."""
    config = tmp_path / "config.toml"
    config.write_text('# my settings\nOZ_LOG_LEVEL = "DEBUG"\n')
    monkeypatch.setenv("OZ_CONFIG_FILE", str(config))
    async with user_simulation(main_file=MAIN) as user:
        await app.state.workspace.ready.wait()
        await user.open("/settings")
        await user.should_see(marker="runner-mode", retries=RETRIES)
        user.find(marker="remote-url").type("not a url")
        user.find(marker="runner-mode").click()
        user.find("remote").click()
        user.find(marker="save-control-plane").click()
        await user.should_see("The control plane URL starts with http:// or https://.", retries=RETRIES)
        assert "OZ_RUNNER_MODE" not in config.read_text()
        user.find(marker="remote-url").clear().type("https://cp.example/api/v1")
        user.find(marker="remote-token").type("team-token-123")
        user.find(marker="save-control-plane").click()
        await user.should_see("restart oz-app to apply", retries=RETRIES)
        await user.should_not_see("team-token-123")
    text = config.read_text()
    assert text.startswith('# my settings\nOZ_LOG_LEVEL = "DEBUG"\n')
    assert config.stat().st_mode & 0o077 == 0
    from oz_app.config import load_settings

    saved = load_settings({"OZ_CONFIG_FILE": str(config), "OZ_DATA_DIR": str(tmp_path)})
    assert (saved.runner_mode, saved.api_base_url, saved.api_key) == (
        "remote",
        "https://cp.example/api/v1",
        "team-token-123",
    )


def test_desktop_without_a_display_says_so(tmp_path: Path) -> None:
    """CL-1: ``oz-app`` on a machine with no display fails in one sentence pointing to --headless."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY") and not k.startswith("PYTEST_")
    }
    env |= {"OZ_DATA_DIR": str(tmp_path), "OZ_CONFIG_FILE": ""}
    result = subprocess.run([sys.executable, "-m", "oz_app.cli"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no display for the desktop window" in result.stderr and "--headless" in result.stderr
    assert "Traceback" not in result.stderr


def test_remote_mode_without_its_url_is_refused_in_one_sentence(tmp_path: Path) -> None:
    """CL-5, PR-7: a runner mode that cannot work stops the start with one clear sentence."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "PYTEST_"))}
    env |= {"OZ_DATA_DIR": str(tmp_path), "OZ_CONFIG_FILE": "", "OZ_RUNNER_MODE": "remote"}
    command = [sys.executable, "-m", "oz_app.cli", "--headless", "--port", str(free_port())]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "OZ_RUNNER_MODE=remote needs OZ_API_BASE_URL and OZ_API_KEY." in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_full_disk_is_said_on_the_page_and_nothing_is_saved(
    workspace_env: dict[str, str], llm: FakeOpenAI, tmp_path: Path, monkeypatch: Any, mounts: Any
) -> None:
    """SEC-12: a page action on a full disk says so in a sentence and saves nothing; once space is
    freed the same action works."""
    if TEST_DATABASE != "sqlite":
        pytest.skip("fills the disk under a SQLite database")
    disk = mounts.tmpfs(tmp_path / "disk", "4m")
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{disk / 'oz.db'}")
    async with user_simulation(main_file=MAIN) as user:
        await app.state.workspace.ready.wait()
        await user.open("/")
        filler = fill(disk)
        user.find(marker="room-name").type("Full")
        user.find("Create room").click()
        await user.should_see("disk holding the database is full", retries=RETRIES)
        assert not await Room.exists(name="Full")
        filler.unlink()
        user.find("Create room").click()
        await eventually(lambda: Room.exists(name="Full"))
