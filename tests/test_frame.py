"""The frame and search through NiceGUI's simulated user (UX-5, UX-6): the current page marked,
the unread count on Inbox, the theme kept per user, notification texts, and search results that
never include another person's things."""

from __future__ import annotations

from nicegui import ui

from oz_app.db.models import Message
from oz_app.db.models import User as Person
from oz_app.workspace import accounts, service
from oz_app.workspace.notices import notice_for
from oz_app.workspace.search import search
from tests.test_workspace import RETRIES, Tabs, eventually, llm, make_room, tabs, workspace_env  # noqa: F401 (fixtures)


async def test_ux6_another_users_matching_message_never_appears(tabs: Tabs) -> None:  # noqa: F811
    """UX-6 (tenancy, the attack first): Mallory's message, room and task contain the words Ann
    searches for; Ann sees only her own."""
    ann = await tabs.local_user()
    mallory = await accounts.sign_up("mallory", "correct horse", policy="open")
    theirs = await service.create_room(mallory, "secret plans room", "secret plans")
    await service.post_message(theirs, "user", "mallory", "the secret plans are here")
    await service.create_task(theirs, "secret plans task")
    mine = await service.create_room(ann, "Design")
    await service.post_message(mine, "user", ann.username, "our Secret Plans are public")
    found = await search(ann, "secret plans")
    assert [hit.room_name for hit in found.messages] == ["Design"]
    assert found.rooms == [] and found.tasks == []
    assert (await search(mallory, "public")).empty


async def test_ux6_search_is_case_insensitive_literal_and_capped(tabs: Tabs) -> None:  # noqa: F811
    """UX-6: a substring in any case; % and _ are literal; 50 shown and the rest counted."""
    ann = await tabs.local_user()
    room = await service.create_room(ann, "Pricing", "where 50%_off is decided")
    await service.create_task(room, "Announce the SALE")
    for i in range(53):
        await service.post_message(room, "user", ann.username, f"message {i}: the sale is 50%_off today")
    await service.post_message(room, "user", ann.username, "50 percent off, not the literal one")
    found = await search(ann, "50%_OFF")
    assert len(found.messages) == 50 and found.more["messages"] == 3
    assert found.messages[0].snippet[1] == "50%_off" and "message 52" in found.messages[0].snippet[0]
    assert [r["name"] for r in found.rooms] == ["Pricing"]
    assert [t["title"] for t in (await search(ann, "sale")).tasks] == ["Announce the SALE"]
    assert (await search(ann, "5_%")).empty and (await search(ann, "   ")).empty


async def test_ux6_search_page_groups_results_and_opens_the_room(tabs: Tabs) -> None:  # noqa: F811
    """UX-6: the /search page shows messages, rooms and tasks found; a hit links to its room."""
    room = await make_room(tabs, "Launch")
    owner = await tabs.local_user()
    message = await service.post_message(room, "user", owner.username, "ship the <b>rocket</b> on Friday")
    task = await service.create_task(room, "Rocket checklist")
    user = tabs.user
    await user.open("/search?q=rocket")
    await user.should_see(marker=f"message-hit-{message.id}", retries=RETRIES)
    await user.should_see(marker=f"task-hit-{task.id}", retries=RETRIES)
    await user.should_see("ship the <b>", retries=RETRIES)  # shown as the text it is
    link = user.find(marker=f"message-hit-{message.id}").elements.pop().parent_slot.parent
    assert isinstance(link, ui.link) and link.props["href"] == f"/rooms/{room.id}"
    user.find(marker="search-box").clear().type("nothing like this")
    await user.should_see(marker="no-results", retries=RETRIES)


async def test_ux5_current_page_marked_and_unread_badge_on_inbox(tabs: Tabs) -> None:  # noqa: F811
    """UX-5: the header marks the page shown (a room under Rooms); the unread count is on Inbox."""
    owner = await tabs.local_user()
    await service.notify(owner.id, "Look")
    room = await make_room(tabs)
    user = tabs.user
    for path, current in (("/agents", "nav-agents"), (f"/rooms/{room.id}", "nav-rooms"), ("/inbox", "nav-inbox")):
        await user.open(path)
        await user.should_see(marker="header", retries=RETRIES)
        marked = [
            name
            for name in ("nav-rooms", "nav-agents", "nav-runs", "nav-settings", "nav-inbox")
            if user.find(marker=name).elements.pop().props.get("aria-current") == "page"
        ]
        assert marked == [current], (path, marked)
    badge = user.find(marker="unread").elements.pop()
    assert badge.text == "1" and "floating" not in badge.props
    assert badge.parent_slot is not None and badge.parent_slot.parent.props["href"] == "/inbox"


async def test_ux5_theme_is_kept_per_user_and_follows_to_other_tabs(tabs: Tabs) -> None:  # noqa: F811
    """UX-5: the theme starts as the system's, the choice is stored for the user and another open
    tab follows it."""
    user = tabs.user
    await user.open("/")
    other = tabs.new_tab()
    await other.open("/agents")
    dark = [element for element in other.find(ui.dark_mode).elements]
    assert dark and dark[0].value is None  # auto: the system's
    user.find(marker="theme").click()
    user.find(marker="theme-dark").click()
    await eventually(lambda: _theme("dark"))
    await eventually(lambda: dark[0].value is True)
    await other.open("/runs")
    assert other.find(ui.dark_mode).elements.pop().value is True


async def _theme(value: str) -> bool:
    return (await Person.get(username=(await accounts.local_user()).username)).theme == value


async def test_ux5_notifications_say_mentions_and_finished_runs_of_their_own(tabs: Tabs) -> None:  # noqa: F811
    """UX-5: a reply mentioning the user, another reply, and nothing about another person's run."""
    owner = await tabs.local_user()
    room = await make_room(tabs, "Ops", ("helper",))
    await tabs.workspace.conductor.post(room, owner.username, "@helper hello")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    assert reply.run_id
    title, body, tag = await notice_for(owner, reply.run_id)  # type: ignore[misc]
    assert title == "@helper answered in Ops" and body == "Hello there!" and tag == f"oz-run-{reply.run_id}"
    await service.post_message(room, "agent", "helper", f"@{owner.username} please look", run_id="remote-1")
    notice = await notice_for(owner, "remote-1", "SUCCEEDED")
    assert notice is not None and notice[0] == "@helper mentioned you in Ops"
    mallory = await accounts.sign_up("mallory", "correct horse", policy="open")
    assert await notice_for(mallory, reply.run_id) is None
    assert await notice_for(mallory, "remote-1") is None
