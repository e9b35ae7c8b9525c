"""Two people on one team server, in two real chromium browsers, the second one trying what an
attacker would (SEC-1, SEC-2, SEC-7, SEC-9, WS-1, WS-10).

Ann signs up first (the admin), adds a team provider and invites Bob. Bob joins through the
invite, then looks for Ann's provider URL and key, her runs and her messages; Ann posts HTML
that must show as text, also on the room's public share page."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.test_browser import App, Browser, chromium, start_chromium, workspace  # noqa: F401 (fixtures)

PAYLOAD = '<style>body{display:none}</style><form id="evil"><input type="password" name="pw"></form>'
DIALOG = "//div[contains(@class,'q-dialog')]"


@pytest.fixture
def two_browsers(chromium: tuple[str, str], workspace: App) -> Iterator[tuple[Browser, Browser]]:  # noqa: F811
    ann = Browser(start_chromium(chromium), workspace.url, "team-ann")
    bob = Browser(start_chromium(chromium), workspace.url, "team-bob")
    try:
        yield ann, bob
    finally:
        ann.driver.quit()
        bob.driver.quit()


def secret_shown(browser: Browser) -> str:
    field = browser.find("//input[@readonly]", "the value shown once")
    return str(field.get_attribute("value"))


def no_injected_markup(browser: Browser) -> None:
    injected = browser.driver.execute_script(
        "return [document.getElementById('evil'), document.querySelectorAll('input[name=pw]').length,"
        " getComputedStyle(document.body).display]"
    )
    assert injected == [None, 0, "block"], injected
    assert '<form id="evil">' in browser.text()  # shown as the text it is


def test_two_people_share_a_server_and_nothing_else(two_browsers: tuple[Browser, Browser], workspace: App) -> None:  # noqa: F811
    """SEC-1, SEC-2, SEC-7, SEC-9: the invited member sees the team provider's name but never its
    URL or key and cannot edit it; the personal provider he adds is his alone; he sees none of the
    admin's runs; HTML in a message renders as
    text in the room and on the share page, which may not be framed."""

    ann, bob = two_browsers
    ann.sign_up("ann", "pw-" + secrets.token_hex(8))
    ann.open("/settings")
    ann.click("Add provider")
    ann.type("Key (lowercase letters and digits)", "team")
    ann.type("Base URL", workspace.llm.url)
    ann.type("API key", "sk-team-secret")
    ann.click("Save", within=DIALOG)
    ann.sees("Saved.")
    ann.click("Invite")
    invite = secret_shown(ann)
    assert "/login?invite=" in invite
    ann.screenshot("invited")

    bob.driver.get(invite)
    bob.sees("You were invited")
    bob.type("Username", "bob")
    bob.type("Password", "pw-" + secrets.token_hex(8))
    bob.click("Sign up")
    bob.until(lambda: bob.driver.current_url == workspace.url + "/", "bob's rooms after joining")
    bob.open("/settings")
    bob.find("//div[contains(@class,'q-card')]//div[normalize-space()='team']", "the team provider's name")
    source = bob.driver.page_source
    assert workspace.llm.url not in source and "sk-team" not in source
    assert not bob.driver.find_elements(bob.by.XPATH, "//button[normalize-space()='Edit']")
    assert "People" not in bob.text()
    bob.click("Add provider")
    bob.type("Key (lowercase letters and digits)", "mine")
    bob.type("Base URL", "http://127.0.0.1:9/v1")
    bob.type("API key", "sk-bob-secret")
    bob.click("Save", within=DIALOG)
    bob.sees("personal")
    bob.screenshot("settings")
    ann.open("/settings")
    ann.sees("bob")  # in People
    assert "mine" not in ann.text() and "127.0.0.1:9/" not in ann.driver.page_source

    ann.create_agent("helper")
    ann.open("/")
    room_id = ann.create_room("Secret plans")
    ann.add_member("helper")
    ann.post(f"@helper {PAYLOAD}")
    ann.sees("Alpha bravo charlie")
    no_injected_markup(ann)
    ann.open("/runs")
    ann.sees("helper in Secret plans")

    bob.open("/runs")
    bob.sees("No runs yet")
    assert "Secret plans" not in bob.text()
    bob.open(f"/rooms/{room_id}")
    assert "Secret plans" not in bob.text()

    ann.open(f"/rooms/{room_id}")
    ann.click("Share")
    ann.click("New link", within=DIALOG)
    link = ann.until(lambda: _share_path(ann), "the share link")
    bob.open(link)
    bob.sees("Read-only view")
    no_injected_markup(bob)
    bob.screenshot("shared")
    headers = httpx.get(workspace.url + link, timeout=10).headers
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def _share_path(browser: Browser) -> Any:
    """The path of the share link the dialog shows as a full URL (UX-9)."""
    for element in browser.driver.find_elements(browser.by.XPATH, "//input[contains(@value, '/share/')]"):
        if element.is_displayed():
            return urlsplit(element.get_attribute("value")).path
    return None
