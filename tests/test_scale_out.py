"""Two workspace processes on one PostgreSQL database behave as one (ST-4, WS-13).

ST-4: every live update takes one event path, the database's ``NOTIFY``/``LISTEN``, so a tab
follows what any process sharing the database did. WS-13: every change reaches every open tab of
the room as it happens. Two real ``oz-app --headless --login`` processes (each its own port, data
dir and working directory; one PostgreSQL database) and two headless chromium sessions, driven
only through the pages as a person would:

- the first account signs up on process 1 (it becomes the admin), creates an agent and a room
  with it as member, and opens the room in tab 1; the same account logs in on process 2 (sessions
  are rows in the database) and opens the same room in tab 2;
- (a) a plain message posted through tab 1 shows up in tab 2;
- (b) a mention posted through tab 2: both tabs show the reply growing (a partial text, some but
  not all of its words, appears in both while the fake LLM is still streaming), then whole; the
  provider is asked once;
- (c) the agent's status badge goes to ``running`` and back to ``idle`` in tab 1, whose process
  did not dispatch the mention;
- (d) the browser signed in through process 1 is signed in on process 2 too.

Runs only with ``OZ_TEST_DATABASE=postgres`` (the CI's PostgreSQL pass); there a missing
PostgreSQL or chromium fails the test (``missing()``), elsewhere it skips. Screenshots go where
tests/test_browser.py puts them.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE
from tests.fake_llm import FakeOpenAI
from tests.test_browser import (
    ARTIFACTS,
    REPLY,
    REPLY_WORDS,
    App,
    Browser,
    chromium_paths,
    start_chromium,
    start_workspace,
)

if TEST_DATABASE != "postgres":
    pytest.skip("processes share a database only on PostgreSQL (OZ_TEST_DATABASE=postgres)", allow_module_level=True)

pytestmark = pytest.mark.postgres

THINKING = "helper is thinking…"
READ_TAB = """
return [document.body.innerText,
        [...document.querySelectorAll('.nicegui-markdown')].map(e => e.innerText.trim())];
"""


@pytest.fixture
def processes(tmp_path: Path, new_database: Callable[[str], str]) -> Iterator[tuple[App, App]]:
    """Two ``oz-app --headless --login`` on one new PostgreSQL database, sharing the fake LLM, the
    secret key and the session cookies' secret (as a deployment behind one address would), each
    with its own port, data dir and working dir.
    Started one after the other: the first migrates the empty database."""
    from cryptography.fernet import Fernet

    database_url = new_database("postgres")
    llm = FakeOpenAI(words=REPLY_WORDS, delay=0.25)
    shared = {"OZ_SECRET_KEY": Fernet.generate_key().decode(), "AUTH_SECRET": secrets.token_urlsafe(32)}
    try:
        with (
            start_workspace(tmp_path / "one", database_url, llm, **shared) as one,
            start_workspace(tmp_path / "two", database_url, llm, **shared) as two,
        ):
            yield one, two
    finally:
        llm.close()


@pytest.fixture
def tabs(chromium: tuple[str, str], processes: tuple[App, App]) -> Iterator[tuple[Browser, Browser]]:
    """A headless chromium session on each process (separate browsers: separate cookies)."""
    made: list[Browser] = []
    try:
        for number, app in enumerate(processes, 1):
            tab = Browser(start_chromium(chromium), app.url, f"scale-out-{number}")
            for stale in ARTIFACTS.glob(f"{tab.name}-*.png"):  # an earlier run's pictures
                stale.unlink()
            made.append(tab)
        yield made[0], made[1]
    finally:
        for tab in made:
            with contextlib.suppress(Exception):  # a browser that died still gets quit, and the next one
                tab.screenshot("end")
            tab.driver.quit()


@pytest.fixture
def chromium() -> tuple[str, str]:
    return chromium_paths()


@dataclass
class Watch:
    """What one tab showed of the reply while it streamed, in the order it showed it."""

    tab: Browser
    replies: list[str] = field(default_factory=list)  # the reply's distinct texts
    statuses: list[str] = field(default_factory=list)  # the agent's distinct status badges
    partial_at: float | None = None  # time.monotonic() when a partial reply was first seen
    thinking: bool = False

    def look(self) -> bool:
        """Read the tab once; True when it shows the whole reply, finished, and the agent idle."""
        text, bodies = self.tab.driver.execute_script(READ_TAB)
        seen_at = time.monotonic()
        self.thinking = self.thinking or THINKING in text
        status = next(iter(re.findall(r"helper: (\w+)", text)), "")
        if status and (not self.statuses or self.statuses[-1] != status):
            self.statuses.append(status)
        current = next((body for body in bodies if body.startswith(REPLY_WORDS[0])), "")
        if current and (not self.replies or self.replies[-1] != current):
            self.replies.append(current)
            if current != REPLY and self.partial_at is None:
                self.partial_at = seen_at
                self.tab.screenshot("streaming")
        return current == REPLY and THINKING not in text and status == "idle"


def connected(tab: Browser) -> None:
    tab.until(lambda: tab.driver.execute_script("return window.did_handshake"), f"{tab.name} connected")


def test_two_processes_one_room(tabs: tuple[Browser, Browser], processes: tuple[App, App]) -> None:
    """ST-4, WS-13: a room open in a tab of each of two processes on one PostgreSQL database
    shows a message posted in the other, a reply streaming (partial, then whole) in both, and
    the agent's status set by the other process."""

    one, two = tabs
    llm = processes[0].llm
    password = "pw-" + secrets.token_hex(8)

    # Process 1: the first account (the admin), an agent, a room with it as member.
    one.sign_up("ada", password)
    one.create_agent("helper")
    one.open("/")
    room_id = one.create_room("Scale")
    one.add_member("helper")
    one.sees("helper: idle")
    connected(one)

    # Process 2: the same account logs in there and opens the same room.
    two.open("/login")
    two.type("Username", "ada")
    two.type("Password", password)
    two.click("Log in")
    two.until(lambda: two.driver.current_url == two.base + "/", "the rooms view on process 2 after logging in")
    two.sees("Scale")
    two.open(f"/rooms/{room_id}")
    two.sees("helper: idle")
    connected(two)
    two.screenshot("room")

    # (a) A message posted through process 1 reaches the tab of process 2.
    one.post("plain hello from process one")
    one.sees("plain hello from process one")
    two.sees("plain hello from process one")
    two.screenshot("plain-message")

    # (b) A mention posted through process 2: the reply streams in both tabs, then is whole.
    two.post("@helper hello from process two")
    watches = [Watch(one), Watch(two)]
    one.until(lambda: all([watch.look() for watch in watches]), "the whole reply and an idle agent in both tabs")
    for watch in watches:
        print(f"{watch.tab.name}: replies {watch.replies}, statuses {watch.statuses}")  # shown on failure
        watch.tab.screenshot("replied")
        name = watch.tab.name
        partial = [text for text in watch.replies if text != REPLY]
        assert partial, f"{name}: the reply appeared all at once: {watch.replies}"
        assert all(REPLY.startswith(text) for text in partial), f"{name}: {watch.replies}"
        assert watch.replies == sorted(watch.replies, key=len), f"{name}: the reply did not grow in order"
        assert watch.partial_at is not None and llm.written and watch.partial_at < llm.written[-1], (
            f"{name}: no partial reply while the provider was still streaming"
        )
        assert watch.thinking, f"{name}: the reply was never shown as in progress"
        assert "@helper hello from process two" in watch.tab.text()
        assert "plain hello from process one" in watch.tab.text()
    assert len(llm.requests) == 1, "the mention was answered more than once"

    # (c) The agent's status, set by process 2 when it dispatched the mention, in process 1's tab.
    statuses = watches[0].statuses
    assert "running" in statuses and statuses[-1] == "idle", f"process 1's tab showed the statuses {statuses}"
    assert statuses.index("running") < len(statuses) - 1, statuses

    # (d) A sign-in holds on either process (no sticky sessions): the browser that signed in
    # through process 1 opens the room on process 2 (cookies belong to the host, not the port, as
    # behind one load balancer) and is signed in there.
    one.driver.get(f"{processes[1].url}/rooms/{room_id}")
    one.sees("helper: idle")
    assert one.driver.current_url == f"{processes[1].url}/rooms/{room_id}", "process 2 sent the browser to log in"
