"""A room's composer and the rooms sidebar through NiceGUI's simulated user (UX-3, UX-4): drafts
kept per room and user, Enter sending what the box holds with its lines, unread counts and last
activity that follow messages live, and a room read while it is open."""

from __future__ import annotations

from typing import Any

import pytest

from oz_app.db.models import Agent, Message, Room, RoomReader
from oz_app.db.models import User as Person
from oz_app.workspace import service
from tests.test_workspace import (  # noqa: F401 (fixtures)
    RETRIES,
    Tabs,
    eventually,
    llm,
    make_room,
    tabs,
    workspace_env,
)


async def _draft(room: Room) -> str:
    reader = await RoomReader.get_or_none(room=room)
    return reader.draft if reader is not None else ""


async def _say(app: Tabs, room: Room, text: str, kind: str = "system", name: str = "oz") -> Message:
    """A message in ``room``, announced to open tabs as the conductor announces its own."""
    message = await service.post_message(room, kind, name, text)
    app.workspace.live.publish(f"room:{room.id}", kind="message", message_id=message.id)
    return message


def _badge(page: Any, marker: str) -> str | None:
    """The text of the element with ``marker`` if the page shows one, else None."""
    found = [element for element in page.find(marker=marker).elements if element.visible] if _has(page, marker) else []
    return found[0].text if found else None


def _has(page: Any, marker: str) -> bool:
    try:
        page.find(marker=marker)
    except AssertionError:
        return False
    return True


async def test_a_draft_is_kept_per_room_restored_elsewhere_and_cleared_on_send(tabs: Tabs) -> None:  # noqa: F811
    """UX-3: what is typed but not sent is saved as one types, shown again in another tab (or
    device) of the same room only, and gone once sent."""
    room = await make_room(tabs)
    other = await make_room(tabs, "Other", agents=())
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="message", retries=RETRIES)
    tabs.user.find(marker="message").type("half a thought\nand its second line")
    await eventually(lambda: _draft_is(room, "half a thought\nand its second line"))

    second = tabs.new_tab()
    await second.open(f"/rooms/{room.id}")
    await second.should_see(marker="message", retries=RETRIES)
    assert second.find(marker="message").elements.pop().value == "half a thought\nand its second line"
    await second.open(f"/rooms/{other.id}")
    await second.should_see(marker="message", retries=RETRIES)
    assert second.find(marker="message").elements.pop().value == ""

    tabs.user.find(marker="send").click()
    await eventually(lambda: Message.exists(room=room, content="half a thought\nand its second line"))
    await eventually(lambda: tabs.user.find(marker="message").elements.pop().value == "")  # once sent
    await eventually(lambda: _draft_is(room, ""))


async def _draft_is(room: Room, text: str) -> bool:
    return await _draft(room) == text


async def test_enter_sends_the_text_the_browser_holds_with_its_lines(tabs: Tabs) -> None:  # noqa: F811
    """UX-3: Enter (handled in the browser, which hands over the box's text; Shift+Enter never
    reaches the server) posts the message with its line breaks, and the box empties."""
    room = await make_room(tabs)
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="message", retries=RETRIES)
    box = tabs.user.find(marker="message")
    box.type("def f():\n    return 1")
    box.trigger("keydown", "def f():\n    return 1")
    sent = await eventually(lambda: Message.get_or_none(room=room, author_kind="user"))
    assert sent.content == "def f():\n    return 1"
    await eventually(lambda: box.elements.pop().value == "")  # once sent
    await tabs.user.should_see(marker=f"message-{sent.id}", retries=RETRIES)


async def test_at_completion_shows_each_agents_status(tabs: Tabs) -> None:  # noqa: F811
    """UX-3: the agents offered after ``@`` carry their live status."""
    room = await make_room(tabs, agents=("helper", "reviewer"))
    await Agent.filter(name="reviewer").update(status="running")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="message", retries=RETRIES)
    tabs.user.find(marker="message").type("ask @")
    await tabs.user.should_see("@reviewer", retries=RETRIES)
    await tabs.user.should_see("@helper", retries=RETRIES)
    await tabs.user.should_see("running", retries=RETRIES)


async def test_unread_counts_follow_messages_and_an_open_room_stays_read(tabs: Tabs) -> None:  # noqa: F811
    """UX-4: the sidebar counts others' messages since one last read a room (not one's own), live;
    opening the room reads it, and while it is open it stays read as messages arrive."""
    here = await make_room(tabs, "Here", agents=())
    there = await make_room(tabs, "There", agents=())
    owner = await tabs.local_user()
    await _say(tabs, there, "one")
    await _say(tabs, there, "mine", kind="user", name=owner.username)
    await _say(tabs, there, "two")
    await tabs.user.open(f"/rooms/{here.id}")
    await tabs.user.should_see(marker="sidebar-There", retries=RETRIES)
    assert _badge(tabs.user, "unread-There") == "2"
    assert _badge(tabs.user, "unread-Here") is None

    await _say(tabs, there, "three")
    await eventually(lambda: _badge(tabs.user, "unread-There") == "3")

    second = tabs.new_tab()
    await second.open(f"/rooms/{there.id}")
    await second.should_see("three", retries=RETRIES)
    newest = await Message.filter(room=there).order_by("-id").first()
    assert newest is not None
    await eventually(lambda: _read_at_least(there, newest.id))
    await eventually(lambda: _badge(tabs.user, "unread-There") is None)  # live in the other tab

    later = await tabs.workspace.conductor.post(there, owner.username, "while it is open")
    await _say(tabs, there, "and a note")
    await second.should_see("and a note", retries=RETRIES)
    await eventually(lambda: _read_at_least(there, later.id + 1))
    activity = {room.name: room for room in await service.room_activity(owner)}
    assert activity["There"].unread == 0
    assert (await service.room_activity(owner))[0].name == "There"  # the most recently active first


async def _read_at_least(room: Room, message_id: int) -> bool:
    reader = await RoomReader.get_or_none(room=room)
    return reader is not None and reader.last_read >= message_id


async def test_unread_counting_stops_at_the_cap(tabs: Tabs) -> None:  # noqa: F811
    """UX-4: a room never read with thousands of messages shows "99+" (counting stops there, so a
    big room costs the sidebar no more than a small one)."""
    room = await make_room(tabs, "Busy", agents=())
    await Message.bulk_create(
        [
            Message(room=room, author_kind="agent", author_name="bot", content=f"m{i}", created_at=room.created_at)
            for i in range(service.UNREAD_CAP + 50)
        ]
    )
    owner = await tabs.local_user()
    assert (await service.room_activity(owner))[0].unread == service.UNREAD_CAP
    quiet = await make_room(tabs, "Quiet", agents=())
    await tabs.user.open(f"/rooms/{quiet.id}")
    await tabs.user.should_see(marker="unread-Busy", retries=RETRIES)
    assert _badge(tabs.user, "unread-Busy") == f"{service.UNREAD_CAP - 1}+"


async def test_drafts_and_reading_are_the_users_own(tabs: Tabs) -> None:  # noqa: F811
    """UX-3: a draft goes only into one's own room, and an overlong one is refused in words."""
    room = await make_room(tabs)
    stranger = await Person.create(id=service.new_id(), username="stranger", created_at=room.created_at)
    with pytest.raises(service.NotFound):
        await service.save_draft(stranger, room.id, "mine now")
    owner = await tabs.local_user()
    with pytest.raises(service.Invalid, match="at most"):
        await service.save_draft(owner, room.id, "x" * (service.MAX_DRAFT + 1))
    assert await _draft(room) == ""
    assert await service.room_activity(stranger) == []
