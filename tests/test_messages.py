"""How a message in a room's chat reads and what one can do with it (UX-1, UX-2, SEC-9), through
NiceGUI's simulated user: Markdown that keeps identifiers and shows HTML as text, collapsed long
messages, times, "asked by", Retry, Copy, and editing and deleting one's own messages live in
every tab."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from oz_app.db.models import Message
from oz_app.workspace import accounts, render, service
from tests import test_workspace
from tests.test_workspace import RETRIES, Tabs, eventually, make_room, settled_replies, shown

llm, workspace_env, tabs = test_workspace.llm, test_workspace.workspace_env, test_workspace.tabs  # fixtures

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    '![pic](x" onerror="alert(1))',
    "<svg onload=alert(1)>",
    '[t](http://a.example "x\\" onmouseover=\\"alert(1)")',
    '```" onclick=alert(1)\ncode\n```',
    "<style>body{display:none}</style>",
    "@bob<script>alert(1)</script>",
]


class Markup(HTMLParser):
    """The tags and attributes of a piece of HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_markdown_keeps_identifiers_and_reads_like_github() -> None:
    """UX-1: underscores never become emphasis, stars do; fenced code is highlighted in a box with
    a Copy button; inline code, tables and links opening in a new tab; mentions marked."""
    html = render.to_html("my_var_name, OZ_PROVIDER_CLAUDE_TYPE*x* and __init__ stay; *this* is emphasis")
    assert "my_var_name" in html and "OZ_PROVIDER_CLAUDE_TYPE<em>x</em>" in html and "__init__" in html
    assert "<em>this</em>" in html

    code = render.to_html("```python\ndef f(my_arg):\n    return my_arg\n```")
    assert f'<div class="oz-code">{render.COPY_BUTTON}<pre class="codehilite">' in code
    assert 'aria-label="Copy code">Copy</button>' in code and '<span class="k">def</span>' in code
    assert "my_arg" in code

    assert "<code>a_b</code>" in render.to_html("see `a_b`")
    table = render.to_html("| name | value |\n|---|--:|\n| my_var | 1 |")
    assert "<table>" in table and "<td>my_var</td>" in table and 'style="text-align:right"' in table
    link = Markup(render.to_html("[docs](https://example.com/a_b)")).tags[-1]
    assert link == (
        "a",
        {"href": "https://example.com/a_b", "target": "_blank", "rel": "noopener noreferrer nofollow"},
    )

    mentions = render.to_html("ask @bob, not ann@example.com, nor `@code` or [@link](https://x.example)")
    assert mentions.count('<span class="oz-mention">') == 1 and '<span class="oz-mention">@bob</span>' in mentions


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_shown_as_text(text: str) -> None:
    """SEC-9, UX-1: raw HTML and hostile links in a message never become markup: only allowlisted
    tags reach the page, no event handler, style or script URL, and nothing of ours is forged."""
    html = render.to_html(text)
    allowed = render.TAGS
    for tag, attributes in Markup(html).tags:
        assert tag in allowed, (tag, html)
        assert not any(name.startswith("on") or (name == "style" and tag not in ("td", "th")) for name in attributes)
        assert "javascript:" not in (attributes.get("href") or ""), html
    assert "<script" not in html and "<style" not in html and "<img" not in html and "<svg" not in html


def test_a_long_message_takes_little_time_and_shows_as_text() -> None:
    """UX-1: a 100,000-character message renders in well under a second and stays text."""
    long = ("A line with my_var_name and <b>tags</b>.\n" * 3000)[:100_000]
    html = render.to_html(long)
    assert "my_var_name" in html and "<b>" not in html


async def test_long_message_collapses_with_show_more_and_shows_its_time(tabs: Tabs) -> None:
    """UX-1: a 100,000-character message opens collapsed with Show more (then Show less); every
    message carries its exact time (with its zone) for the browser to show in the reader's words."""
    room = await make_room(tabs)
    long = await service.post_message(room, "user", "local", "word " * 20_000)
    await service.post_message(room, "user", "local", "short one")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker=f"more-{long.id}", retries=RETRIES)
    body = tabs.user.find(marker=f"message-{long.id}").elements.pop().default_slot.children[1]
    assert "oz-collapsed" in body.classes
    tabs.user.find(marker=f"more-{long.id}").click()
    await tabs.user.should_see("Show less", retries=RETRIES)
    assert "oz-collapsed" not in body.classes
    tabs.user.find("Show less").click()
    await eventually(lambda: "oz-collapsed" in body.classes)
    time = tabs.user.find(marker=f"time-{long.id}").elements.pop()
    assert time.props["data-oz-time"].endswith("+00:00")
    await tabs.user.should_see("short one")
    assert len(tabs.user.find("Show more").elements) == 1  # a short message is not collapsed


async def test_a_reply_an_agent_asked_for_says_who_asked(tabs: Tabs) -> None:
    """UX-1: "@bob was asked by @alice": a reply started by another agent's mention says so; the
    person's own mention does not."""
    tabs.llm.respond = lambda prompt: ["@bob please check"] if "You are alice" in prompt else ["checked"]
    room = await make_room(tabs, agents=("alice", "bob"))
    await tabs.workspace.conductor.post(room, "local", "@alice start")
    bob = await eventually(lambda: Message.get_or_none(room=room, author_name="bob", state="done"))
    alice = await Message.get(room=room, author_name="alice")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see("asked by @alice", retries=RETRIES)
    assert tabs.user.find(marker=f"asked-{bob.id}").elements
    await tabs.user.should_not_see(marker=f"asked-{alice.id}")


async def test_retry_a_failed_reply(tabs: Tabs) -> None:
    """UX-2: a failed reply has Retry; it asks the same agent again for the same message (through
    the conductor, as any reply); the failed one stays as what happened; it is retried once."""
    tabs.llm.status = 400
    room = await make_room(tabs)
    asking = await tabs.workspace.conductor.post(room, "local", "@helper hello")
    failed = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="failed"))
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker=f"retry-{failed.id}", retries=RETRIES)
    tabs.llm.status = 200
    tabs.user.find(marker=f"retry-{failed.id}").click()
    await tabs.user.should_see("Hello there!", retries=RETRIES)
    replies = await eventually(lambda: settled_replies(room, 2))
    assert [reply.state for reply in replies] == ["failed", "done"]
    assert replies[1].asked_by == asking.id and replies[1].agent_id == failed.agent_id
    assert (await shown(replies[1]))["content"] == "Hello there!"
    await tabs.user.should_not_see(marker=f"retry-{failed.id}")
    with pytest.raises(service.NotFound):
        await tabs.workspace.conductor.retry(room, replies[1].id)  # it did not fail
    with pytest.raises(service.Invalid, match="already retried"):
        await tabs.workspace.conductor.retry(room, failed.id)


async def test_copy_edit_and_delete_ones_own_message_in_every_tab(tabs: Tabs) -> None:
    """UX-2: Copy on every message; Edit and Delete only on one's own (in the menu of a message's
    "more" icon). An edit shows "(edited)" in every open tab and asks the agent nothing again; a
    delete asks first, then leaves every tab."""
    room = await make_room(tabs)
    mine = await tabs.workspace.conductor.post(room, "local", "@helper first words")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    second = tabs.new_tab()
    await second.open(f"/rooms/{room.id}")
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker=f"actions-{reply.id}", retries=RETRIES)
    tabs.user.find(marker=f"actions-{reply.id}").click()
    await tabs.user.should_see(marker=f"copy-{reply.id}", retries=RETRIES)
    await tabs.user.should_not_see(marker=f"edit-{reply.id}")
    await tabs.user.should_not_see(marker=f"delete-{reply.id}")
    tabs.user.find(marker=f"actions-{mine.id}").click()
    tabs.user.find(marker=f"copy-{mine.id}").click()
    await tabs.user.should_see("Copied.", retries=RETRIES)

    tabs.user.find(marker=f"edit-{mine.id}").click()
    await tabs.user.should_see("Edit message", retries=RETRIES)
    tabs.user.find(marker="edit-message-text").clear().type("@helper better words")
    tabs.user.find(marker="save-message").click()
    await second.should_see("@helper better words", retries=RETRIES)
    await second.should_see(marker=f"edited-{mine.id}", retries=RETRIES)
    await tabs.user.should_see(marker=f"edited-{mine.id}", retries=RETRIES)
    stored = await Message.get(id=mine.id)
    assert stored.content == "@helper better words" and stored.edited_at is not None
    assert len(tabs.llm.requests) == 1 and await Message.filter(room=room, author_kind="agent").count() == 1

    tabs.user.find(marker=f"delete-{mine.id}").click()
    await tabs.user.should_see("Delete this message?", retries=RETRIES)
    tabs.user.find("Cancel").click()
    await tabs.user.should_not_see("Delete this message?", retries=RETRIES)
    assert await Message.exists(id=mine.id)
    tabs.user.find(marker=f"delete-{mine.id}").click()
    await tabs.user.should_see(marker="confirm-delete", retries=RETRIES)
    tabs.user.find(marker="confirm-delete").click()
    await second.should_not_see(marker=f"message-{mine.id}", retries=RETRIES)
    await tabs.user.should_not_see(marker=f"message-{mine.id}", retries=RETRIES)
    assert not await Message.exists(id=mine.id) and await Message.exists(id=reply.id)


async def test_only_the_author_edits_or_deletes_and_bad_edits_change_nothing(tabs: Tabs) -> None:
    """UX-2: another person, or anyone for an agent's reply, gets "not found"; an empty or too
    long edit is refused in words and changes nothing."""
    room = await make_room(tabs)
    owner = await tabs.local_user()
    mine = await service.post_message(room, "user", owner.username, "mine")
    agents = await service.post_message(room, "agent", "helper", "an answer")
    other = await accounts.sign_up("mallory", "a long password", policy="open")
    for user, message in ((other, mine), (owner, agents)):
        with pytest.raises(service.NotFound):
            await service.edit_message(user, message.id, "changed")
        with pytest.raises(service.NotFound):
            await service.delete_message(user, message.id)
    with pytest.raises(service.Invalid, match="cannot be empty"):
        await service.edit_message(owner, mine.id, "   ")
    with pytest.raises(service.Invalid, match="longer than"):
        await service.edit_message(owner, mine.id, "x" * (service.MAX_MESSAGE + 1))
    assert (await Message.get(id=mine.id)).content == "mine" and (await Message.get(id=mine.id)).edited_at is None
