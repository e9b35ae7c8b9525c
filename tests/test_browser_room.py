"""A room's page in a real browser at 1366x768 and on a 390x844 phone (UX-3, UX-4): the composer
always in the viewport with no page scroll, the newest message in view on every open, Shift+Enter
for a new line, a kept draft, and the "New messages" pill when something arrives while scrolled
up. Screenshots go to the browser tests' artifacts folder."""

from __future__ import annotations

import secrets
from typing import Any

from tests.test_browser import MESSAGE_BOX, Browser, browser, chromium, workspace  # noqa: F401 (fixtures)

LAYOUT_JS = """
const rect = (e) => e && e.getBoundingClientRect();
const box = rect(document.querySelector('.oz-composer textarea'));
const bodies = [...document.querySelectorAll('.oz-chat-scroll .nicegui-markdown')];
const last = rect(bodies[bodies.length - 1]);
const inView = (r) => !!r && r.top >= 0 && r.bottom <= innerHeight + 0.5 && r.height > 0;
return {
  composer: inView(box), newest: inView(last), newestText: bodies.length ? bodies[bodies.length - 1].innerText : '',
  pageScrolls: document.scrollingElement.scrollHeight > innerHeight + 1, height: innerHeight,
};
"""


def layout(tab: Browser) -> dict[str, Any]:
    return dict(tab.driver.execute_script(LAYOUT_JS))


def opens_on_newest(tab: Browser, newest: str, label: str) -> None:
    """The page, freshly loaded, shows ``newest`` in view and the composer in the viewport."""
    tab.driver.refresh()
    state = tab.until(
        lambda: (s := layout(tab))["newestText"] == newest and s["newest"] and s["composer"] and s,
        f"{label}: the newest message and the composer in view",
    )
    assert not state["pageScrolls"], f"{label}: the page itself scrolls: {state}"


def test_room_fills_the_window_opens_on_the_newest_and_shows_new_messages(browser: Browser) -> None:  # noqa: F811
    """UX-3, UX-4 at 1366x768 and 390x844."""
    from selenium.webdriver.common.keys import Keys

    browser.driver.set_window_size(1366, 768)
    browser.sign_up("layout-tester", "pw-" + secrets.token_hex(8))
    room_id = browser.create_room("Layout")
    for i in range(30):  # more than fit
        browser.post(f"message {i:02d} about the plan")
    browser.sees("message 29 about the plan")
    for load in range(3):  # on every load, not one in two
        opens_on_newest(browser, "message 29 about the plan", f"load {load} at 1366x768")
    browser.screenshot("desktop-newest")

    # UX-3: Shift+Enter adds a line, Enter sends; the message keeps its lines
    box = browser.find(MESSAGE_BOX, "the message box")
    box.send_keys("first line", Keys.SHIFT, Keys.ENTER, Keys.NULL, "second line")
    assert box.get_attribute("value") == "first line\nsecond line"
    box.send_keys(Keys.ENTER)
    browser.until(lambda: layout(browser)["newestText"] == "first line\nsecond line", "the two-line message")
    assert browser.find(MESSAGE_BOX).get_attribute("value") == ""

    # UX-3: a draft survives a reload
    browser.find(MESSAGE_BOX).send_keys("a thought for later")
    browser.until(lambda: "a thought for later" in draft_after_reload(browser), "the draft after a reload")
    browser.find(MESSAGE_BOX).send_keys(Keys.CONTROL, "a", Keys.NULL, Keys.DELETE)
    browser.until(lambda: draft_after_reload(browser) == "", "the emptied draft after a reload")

    # UX-4: scrolled up, a message from elsewhere brings the pill; the pill goes down to it
    browser.driver.execute_script("document.querySelector('.oz-chat-scroll').scrollTop = -100000;")
    assert not layout(browser)["newest"]
    reading = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    browser.open(f"/rooms/{room_id}")
    browser.post("news from another tab")
    browser.sees("news from another tab")
    browser.driver.close()
    browser.driver.switch_to.window(reading)
    pill = browser.find("//button[.//*[normalize-space()='New messages']]", "the New messages pill")
    browser.screenshot("desktop-pill")
    assert not layout(browser)["newest"], "the view jumped down by itself"
    pill.click()
    browser.until(lambda: layout(browser)["newest"], "the newest message after the pill")
    assert layout(browser)["newestText"] == "news from another tab"
    browser.until(lambda: not pill.is_displayed(), "the pill gone at the bottom")

    # UX-4: a phone
    browser.driver.set_window_size(390, 844)
    opens_on_newest(browser, "news from another tab", "390x844")
    browser.screenshot("phone-newest")
    browser.find("//button[.//*[normalize-space()='forum']]", "the rooms button").click()
    browser.find("//aside//a[.//*[normalize-space()='Layout']]", "the room in the sidebar")
    browser.screenshot("phone-sidebar")


def draft_after_reload(tab: Browser) -> str:
    tab.driver.refresh()
    return str(tab.find(MESSAGE_BOX, "the message box after a reload").get_attribute("value"))
