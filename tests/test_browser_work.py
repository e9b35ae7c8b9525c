"""The Work tab in a real browser (WS-12): a planned PRD is approved and its items show, with
their state, on the Work tab and as cards on the board. Without chromium and chromedriver the
test skips, except in CI. Screenshots go to the browser tests' artifacts folder."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from oz_app import db
from oz_app.db.models import Epic, Prd, Room, WorkItem
from oz_app.workspace.service import new_id, now
from tests.fake_llm import FakeOpenAI
from tests.test_browser import App, Browser, browser, chromium, start_workspace  # noqa: F401 (fixtures)

ITEMS = (("schema", "Design the schema", ()), ("api", "Serve the API", ("schema",)))


@pytest.fixture
def database_url(new_database: Callable[[], str]) -> str:
    return new_database()


@pytest.fixture
def workspace(tmp_path: Path, database_url: str) -> Iterator[App]:
    """``oz-app --headless --login`` whose database this test also writes (the planned PRD)."""
    llm = FakeOpenAI(words=["ok"])
    try:
        with start_workspace(tmp_path, database_url, llm) as app:
            yield app
    finally:
        llm.close()


async def plan_for(url: str, room_id: str) -> None:
    """A PRD of the room in ``planned``, as its planner would leave it."""
    await db.connect(url, migrate=False)
    try:
        room = await Room.get(id=room_id)
        prd = await Prd.create(
            id=new_id(), room=room, title="Checkout", text="# Checkout\n\nPeople pay.", state="planned",
            created_at=now(), updated_at=now(),
        )  # fmt: skip
        epic = await Epic.create(id=new_id(), prd=prd, title="Payments", position=0)
        for position, (key, title, depends_on) in enumerate(ITEMS):
            await WorkItem.create(
                id=new_id(), prd=prd, epic=epic, key=key, title=title, depends_on=list(depends_on),
                position=position, updated_at=now(),
            )  # fmt: skip
    finally:
        await db.close()


def test_a_planned_prd_is_approved_and_its_items_show(browser: Browser, database_url: str) -> None:  # noqa: F811
    """WS-12: on the Work tab, Approve plan starts the PRD; its items show their state ("ready",
    "waiting for …") and the epic's 0/2, and the board has a card for each."""
    browser.sign_up("planner-person", "pw-" + secrets.token_hex(8))
    room_id = browser.create_room("Shop")
    asyncio.run(plan_for(database_url, room_id))
    browser.open(f"/rooms/{room_id}")
    browser.find("//div[@role='tab'][normalize-space()='Work']", "the Work tab").click()
    browser.sees("Design the schema")
    browser.sees("Serve the API")
    browser.screenshot("planned")
    browser.find("//button[contains(normalize-space(), 'Approve plan')]", "Approve plan").click()
    browser.sees("Approved: the items are on the board.")
    browser.sees("waiting for Design the schema")
    # the room has no implementer: the engine hands the ready item to the person, live
    browser.sees("needs you: Add an agent of type IMPLEMENT")
    browser.sees("0/2")
    browser.screenshot("running")
    browser.find("//div[@role='tab'][normalize-space()='Tasks']", "the Tasks tab").click()
    card = "//div[contains(@class,'q-card')][./div[normalize-space()={!r}]]"
    browser.find(card.format("Design the schema"), "the first item's card")
    browser.find(card.format("Serve the API"), "the second item's card")
    browser.screenshot("board")
