"""A message as chromium shows it (UX-1, SEC-9): an agent's reply with identifiers, a code block,
hostile HTML and its time, against a real ``oz-app --headless --login``. Screenshots go to
``$OZ_TEST_ARTIFACTS`` like the other browser tests'."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_llm import FakeOpenAI
from tests.test_browser import ARTIFACTS, App, Browser, start_chromium, start_workspace
from tests.test_browser import chromium as chromium  # the fixture

REPLY = [
    "Set OZ_PROVIDER_CLAUDE_TYPE and call my_var_name, *not* emphasis.\n\n",
    "```python\ndef answer(my_arg):\n    return my_arg * 2\n```\n\n",
    'Raw: <script>window.ozPwned = 1</script> and <img src=x onerror="window.ozPwned = 2">\n\n',
    "Ask @helper again. [docs](https://example.com/a_b)",
]
REPLY_BODY = "//div[contains(@class,'nicegui-markdown')][.//pre]"


@pytest.fixture
def markdown_workspace(tmp_path: Path, new_database: Callable[[], str]) -> Iterator[App]:
    """``oz-app --headless --login`` whose agents answer with :data:`REPLY`."""
    llm = FakeOpenAI(words=REPLY)
    try:
        with start_workspace(tmp_path, new_database(), llm) as app:
            yield app
    finally:
        llm.close()


@pytest.fixture
def tab(chromium: tuple[str, str], markdown_workspace: App) -> Iterator[Browser]:
    driver = start_chromium(chromium)
    driver.set_window_size(1366, 768)
    browser = Browser(driver, markdown_workspace.url, "messages")
    for stale in ARTIFACTS.glob("messages-*.png"):
        stale.unlink()
    try:
        yield browser
    finally:
        driver.quit()


def test_a_reply_reads_right_in_chromium(tab: Browser) -> None:
    """UX-1, SEC-9: in a real browser the reply keeps its underscores, its code block is
    highlighted and has a Copy button that copies, raw HTML shows as text and runs nothing, the
    mention is marked, the link opens in a new tab, and the time reads "just now" with the
    exact time on hover."""

    tab.sign_up("ada", "pw-" + secrets.token_hex(8))
    tab.create_agent("helper")
    tab.open("/")
    tab.create_room("Reading")
    tab.add_member("helper")
    tab.post("@helper show me")
    body = tab.find(REPLY_BODY, "the reply with its code block")
    tab.until(lambda: "Ask @helper again." in body.text, "the whole reply")

    assert "OZ_PROVIDER_CLAUDE_TYPE" in body.text and "my_var_name" in body.text
    assert body.find_element(tab.by.TAG_NAME, "em").text == "not"
    assert "<script>window.ozPwned = 1</script>" in body.text and "<img src=x onerror" in body.text
    assert tab.driver.execute_script("return window.ozPwned") is None
    assert not body.find_elements(tab.by.TAG_NAME, "img") and not body.find_elements(tab.by.TAG_NAME, "script")

    keyword = body.find_element(tab.by.CSS_SELECTOR, "pre.codehilite span.k")
    name = body.find_element(tab.by.CSS_SELECTOR, "pre.codehilite span.nf")
    assert keyword.text == "def" and keyword.value_of_css_property("color") != name.value_of_css_property("color")
    assert body.find_element(tab.by.CSS_SELECTOR, ".oz-code pre").value_of_css_property("background-color") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    copy = body.find_element(tab.by.CSS_SELECTOR, ".oz-code .oz-copy-code")
    copy.click()
    tab.until(lambda: copy.text == "Copied", "the code block's Copy button saying it copied")

    assert body.find_element(tab.by.CSS_SELECTOR, ".oz-mention").text == "@helper"
    link = body.find_element(tab.by.LINK_TEXT, "docs")
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")

    times = tab.until(
        lambda: [t for t in tab.driver.find_elements(tab.by.CSS_SELECTOR, "[data-oz-time]") if t.text], "the times"
    )
    assert times[-1].text == "just now"
    assert str(tab.driver.execute_script("return new Date().getFullYear()")) in (times[-1].get_attribute("title") or "")
    tab.screenshot("reply")
