"""A section of a page redrawn for a change that comes while it is still redrawing for the one
before (a slow database): it is drawn once more after that one, not twice over (WS-13)."""

# ruff: noqa: F811  (the workspace fixtures, imported from tests/test_workspace.py)
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from oz_app.bus import RUNS_TOPIC
from oz_app.db.models import Message
from oz_app.workspace import service
from oz_app.workspace.live import room_topic, user_topic
from oz_app.workspace.pages import board, runs
from tests.test_workspace import RETRIES, Tabs, eventually, llm, make_room, tabs, workspace_env  # noqa: F401


class SlowReads:
    """Holds the section's read until ``go``; counts reads begun and redraws finished (``done`` is
    noted by the section's last read, after which it draws without waiting)."""

    def __init__(self) -> None:
        self.begun = 0
        self.done = 0
        self.database = asyncio.Event()

    def held(self, read: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def slow(*args: Any, **options: Any) -> Any:
            self.begun += 1
            await self.database.wait()
            return await read(*args, **options)

        return slow

    def last(self, read: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def noted(*args: Any, **options: Any) -> Any:
            found = await read(*args, **options)
            self.done += 1
            return found

        return noted

    async def two_changes(self, publish: Callable[[], None], delay: float = 0.0) -> None:
        """A change, and three more while its redraw still reads; then the database answers (after
        the section's ``delay`` for a burst, by which time a second redraw would have begun)."""
        publish()
        await eventually(lambda: self.begun >= 1)
        for _ in range(3):
            publish()
        await asyncio.sleep(delay * 1.5)  # the later events reach the tab (delivered in its context)
        self.database.set()
        await eventually(lambda: self.done >= 2)


async def test_a_board_changed_while_it_redraws_shows_each_card_once(
    tabs: Tabs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WS-6, WS-13: task changes that come while the board still reads the one before: each card once."""
    room = await make_room(tabs)
    await service.create_task(room, "Ship it")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="task-Ship it", retries=RETRIES)
    reads = SlowReads()
    monkeypatch.setattr(service, "tasks_of", reads.held(service.tasks_of))
    monkeypatch.setattr(board, "shown_of", reads.last(board.shown_of))
    await reads.two_changes(lambda: tabs.workspace.live.publish(room_topic(room.id), kind="tasks"))
    assert len(tabs.user.find(marker="task-Ship it").elements) == 1
    assert reads.begun == 2  # the first redraw, and one for the changes that came during it


async def test_an_inbox_changed_while_it_redraws_shows_each_note_once(
    tabs: Tabs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WS-8, WS-13: notifications that come while the inbox still reads the one before: each once."""
    owner = await tabs.local_user()
    await service.notify(owner.id, "Build finished")
    await tabs.user.open("/inbox")
    await tabs.user.should_see(marker="note-Build finished", retries=RETRIES)
    reads = SlowReads()
    monkeypatch.setattr(service, "inbox_of", reads.last(reads.held(service.inbox_of)))
    await reads.two_changes(lambda: tabs.workspace.live.publish(user_topic(owner.id), kind="inbox"))
    assert len(tabs.user.find(marker="note-Build finished").elements) == 1


async def test_a_burst_of_room_changes_reads_the_sidebar_once_more(tabs: Tabs, monkeypatch: pytest.MonkeyPatch) -> None:
    """UX-4, WS-13: changes that come while the rooms sidebar reads are one more read, each room once."""
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="sidebar-Design", retries=RETRIES)
    reads = SlowReads()
    monkeypatch.setattr(service, "room_activity", reads.last(reads.held(service.room_activity)))
    await reads.two_changes(lambda: tabs.workspace.live.publish(room_topic(room.id), kind="room"))
    assert len(tabs.user.find(marker="sidebar-Design").elements) == 1
    assert reads.begun == 2


async def test_runs_changed_while_the_runs_page_redraws_show_each_run_once(
    tabs: Tabs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WS-9, WS-13: run events that come while the Runs page still reads: each run once."""
    room = await make_room(tabs)
    await tabs.workspace.conductor.post(room, "local", "@helper hi")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    await tabs.user.open("/runs")
    await tabs.user.should_see(marker=f"run-{reply.run_id}", retries=RETRIES)
    reads = SlowReads()
    monkeypatch.setattr(tabs.workspace.runner, "list", reads.last(reads.held(tabs.workspace.runner.list)))
    await reads.two_changes(lambda: tabs.workspace.live.publish(RUNS_TOPIC, type="state"), runs.RUNS_REDRAW_SECONDS)
    assert len(tabs.user.find(marker=f"run-{reply.run_id}").elements) == 1
