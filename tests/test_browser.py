"""The workspace in a real browser: Debian's chromium driven by selenium against a real
``oz-app --headless --login`` process (WS-1, WS-4, WS-6, WS-13).

Each test signs up through the login page, then works only through the pages as a person would:
a mention whose reply is watched while it streams, and a task card dragged to Done with HTML5
drag and drop. Screenshots go to ``$OZ_TEST_ARTIFACTS`` (default ``test-artifacts/`` in the
repository, git-ignored). Without chromium and chromedriver the tests skip, except in CI.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port, missing
from tests.fake_llm import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("OZ_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "browser"
REPLY_WORDS = ["Alpha", " bravo", " charlie", " delta", " echo", " foxtrot", " golf", " hotel", " india", " juliet"]
REPLY = "".join(REPLY_WORDS)
MESSAGE_BOX = "//textarea[@placeholder='Message — @name to ask an agent']"
WAIT = 20.0  # seconds any one step may take before the test fails (generous for 2 busy cores)

# Records the drag events the page receives, and whether the browser itself fired them.
RECORD_DRAG_EVENTS = """
window.ozDragEvents = [];
for (const type of ["dragstart", "dragover", "drop", "dragend"]) {
    document.addEventListener(type, (event) => window.ozDragEvents.push([type, event.isTrusted]), true);
}
"""
# HTML5 drag and drop dispatched from the page: dragstart on the card, dragenter/dragover/drop on
# the column (sharing one DataTransfer), dragend on the card. Only used where the driver's pointer
# actions start no HTML5 drag (older chromedriver releases did not).
DISPATCH_DRAG_AND_DROP = """
const [source, target] = arguments;
const data = new DataTransfer();
const fire = (element, type) => element.dispatchEvent(
    new DragEvent(type, {bubbles: true, cancelable: true, composed: true, dataTransfer: data}));
fire(source, "dragstart");
fire(target, "dragenter");
fire(target, "dragover");
fire(target, "drop");
fire(source, "dragend");
"""


def chromium_paths() -> tuple[str, str]:
    """Debian's chromium and chromedriver (skip on a laptop without them, fail in CI)."""
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing("the browser tests need chromium and chromedriver (apt-get install chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing("the browser tests need selenium (pip install -e '.[test]')")
    assert browser is not None and driver is not None
    return browser, driver


@dataclass
class App:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    llm: FakeOpenAI

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def start_workspace(folder: Path, database_url: str, llm: FakeOpenAI, **env: str) -> Iterator[App]:
    """``oz-app --headless --login`` on a free port with its data dir and working directory in
    ``folder``, its provider ``llm``; stopped (SIGTERM) when the ``with`` ends."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    full_env = {
        # PYTEST_CURRENT_TEST would make NiceGUI's ui.run behave as under its own test fixtures
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL", "PYTEST_", "NICEGUI_"))},
        "OZ_DATA_DIR": str(folder / "data"),
        "DATABASE_URL": database_url,
        "OZ_CONFIG_FILE": "",
        "OZ_PROVIDER_FAKE_TYPE": "openai_compatible",
        "OZ_PROVIDER_FAKE_BASE_URL": llm.url,
        "OZ_PROVIDER_FAKE_MODEL": "m",
        "OZ_PROVIDER_FAKE_API_KEY": "sk-x",
        "OZ_DEFAULT_PROVIDER": "fake",
        **env,
    }
    log_path = folder / "oz-app.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "oz_app.cli", "--headless", "--login", "--port", str(port)],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,  # NiceGUI keeps its per-browser storage in .nicegui/ under the working directory
        )
    app = App(f"http://127.0.0.1:{port}", process, log_path, llm)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"oz-app exited with {process.returncode}:\n{app.log()}")
            try:
                if httpx.get(app.url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"oz-app did not start:\n{app.log()}")
            time.sleep(0.1)
        yield app
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"oz-app's output ({app.url}):\n{app.log()}")  # pytest shows it when the test failed


@pytest.fixture
def workspace(tmp_path: Path, new_database: Callable[[], str]) -> Iterator[App]:
    """``oz-app --headless --login`` on a free port, its provider a slowly streaming fake LLM."""
    llm = FakeOpenAI(words=REPLY_WORDS, delay=0.25)
    try:
        with start_workspace(tmp_path, new_database(), llm) as app:
            yield app
    finally:
        llm.close()


class Browser:
    """A headless chromium tab with the few steps the tests repeat, waiting by polling."""

    def __init__(self, driver: Any, base: str, name: str) -> None:
        from selenium.webdriver.common.by import By

        self.by = By
        self.driver = driver
        self.base = base
        self.name = name
        self.shots = 0

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def until(self, predicate: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
        """Poll ``predicate`` (WebDriver errors count as "not yet") until it returns something truthy."""
        from selenium.common.exceptions import WebDriverException

        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
            except WebDriverException:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                self.screenshot("failed")
                pytest.fail(f"{what}: not within {timeout} s (page {self.driver.current_url})")
            time.sleep(0.1)

    def find(self, xpath: str, what: str = "") -> Any:
        """The first displayed element at ``xpath``, once there is one and it has stopped moving
        (a click computed during a dialog's or tab panel's transition would land beside it)."""
        last: list[Any] = [None, None]

        def settled() -> Any:
            element = next((e for e in self.driver.find_elements(self.by.XPATH, xpath) if e.is_displayed()), None)
            rect = element.rect if element is not None else None
            still = element is not None and last == [element, rect]
            last[:] = [element, rect]
            return element if still else None

        return self.until(settled, what or xpath)

    def field(self, label: str) -> Any:
        return self.find(f"//input[@aria-label={_literal(label)}]", f"the field {label!r}")

    def button(self, text: str, within: str = "") -> Any:
        return self.find(f"{within}//button[normalize-space()={_literal(text)}]", f"the button {text!r}")

    def click(self, text: str, within: str = "") -> None:
        self.until(lambda: self.button(text, within).click() or True, f"clicking {text!r}")

    def type(self, label: str, text: str) -> None:
        element = self.field(label)
        element.clear()
        element.send_keys(text)

    def text(self) -> str:
        return str(self.driver.execute_script("return document.body.innerText"))

    def sees(self, text: str, timeout: float = WAIT) -> None:
        self.until(lambda: text in self.text(), f"seeing {text!r}", timeout)

    def screenshot(self, label: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.driver.save_screenshot(str(path))
        return path

    def sign_up(self, username: str, password: str) -> None:
        """WS-1: the workspace asks for sign-in; a new account lands on the rooms view."""
        self.open("/")
        self.until(lambda: self.driver.current_url.endswith("/login"), "the redirect to /login")
        self.type("Username", username)
        self.type("Password", password)
        self.screenshot("login")
        self.click("Sign up")
        self.until(lambda: self.driver.current_url == self.base + "/", "the rooms view after signing up")
        self.sees("Rooms")
        self.sees(username)

    def create_room(self, name: str) -> str:
        self.type("New room", name)
        self.click("Create room")
        self.until(lambda: "/rooms/" in self.driver.current_url, "the new room's page")
        self.sees(name)
        return str(self.driver.current_url.rsplit("/", 1)[1])

    def create_agent(self, name: str) -> None:
        """WS-3: a new agent with only a name, through the agents page."""
        self.open("/agents")
        self.click("New agent")
        self.type("Name (mention it as @name)", name)
        self.click("Save", within="//div[contains(@class,'q-dialog')]")
        self.sees("Agent created.")

    def post(self, text: str) -> None:
        """WS-4: type ``text`` into the open room's message box and send it with Enter."""
        from selenium.webdriver.common.keys import Keys

        box = self.find(MESSAGE_BOX, "the message box")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def add_member(self, name: str) -> None:
        """WS-2: pick the agent ``name`` in the open room's member select."""
        from selenium.webdriver.common.keys import Keys

        self.find("//label[.//*[normalize-space()='Member agents']]", "the members select").click()
        self.find(
            f"//div[contains(@class,'q-menu')]//div[contains(@class,'q-item')][normalize-space()={_literal(name)}]"
        ).click()
        self.driver.find_element(self.by.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def _literal(text: str) -> str:
    """``text`` as an XPath string literal."""
    return f'"{text}"' if '"' not in text else "concat('" + text.replace("'", "',\"'\",'") + "')"


def start_chromium(chromium: tuple[str, str]) -> Any:
    """A headless chromium session (binary, chromedriver) with a 1280x900 window."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(WAIT)
    return driver


@pytest.fixture
def chromium() -> tuple[str, str]:
    return chromium_paths()


@pytest.fixture
def browser(chromium: tuple[str, str], request: pytest.FixtureRequest, workspace: App) -> Iterator[Browser]:
    """A headless chromium (checked for before the workspace starts) with a clean window."""
    driver = start_chromium(chromium)
    tab = Browser(driver, workspace.url, request.node.name.removeprefix("test_"))
    for stale in ARTIFACTS.glob(f"{tab.name}-*.png"):  # an earlier run's pictures of this test
        stale.unlink()
    try:
        yield tab
        tab.screenshot("end")
    finally:
        driver.quit()


def test_log_in_and_watch_a_mention_stream(browser: Browser, workspace: App) -> None:
    """WS-1, WS-3, WS-4, WS-13: sign up and log in, create an agent and a room, add the agent,
    mention it, and watch its reply grow word by word until it is complete."""

    password = "pw-" + secrets.token_hex(8)
    browser.sign_up("ada", password)
    browser.click("Log out")
    browser.until(lambda: browser.driver.current_url.endswith("/login"), "the login page after logging out")
    browser.type("Username", "ada")
    browser.type("Password", password)
    browser.click("Log in")
    browser.until(lambda: browser.driver.current_url == workspace.url + "/", "the rooms view after logging in")

    browser.create_agent("helper")
    browser.find("//div[contains(@class,'q-card')]//div[normalize-space()='helper']", "the helper's card")
    browser.screenshot("agent")

    browser.open("/")
    browser.create_room("Design")
    browser.add_member("helper")
    browser.sees("helper: idle")
    browser.screenshot("room")

    browser.post("@helper hello")

    # every text the reply showed, in order: it must grow through partial texts to the whole reply
    seen: list[str] = []
    thinking = False

    def reply_done() -> bool:
        nonlocal thinking
        text = browser.text()
        thinking = thinking or "helper is thinking…" in text
        bodies = browser.driver.execute_script(
            "return [...document.querySelectorAll('.nicegui-markdown')].map(e => e.innerText.trim())"
        )
        current = next((body for body in bodies if body.startswith(REPLY_WORDS[0])), "")
        if current and (not seen or seen[-1] != current):
            seen.append(current)
            if current != REPLY and len(seen) == 2:
                browser.screenshot("streaming")
        return current == REPLY and "helper is thinking…" not in text

    browser.until(reply_done, "the whole reply")
    browser.screenshot("replied")
    partial = [text for text in seen if text != REPLY]
    assert partial, f"the reply appeared all at once: {seen}"
    assert all(REPLY.startswith(text) for text in partial), seen
    assert seen == sorted(seen, key=len), f"the reply did not grow in order: {seen}"
    assert thinking, "the reply was never shown as in progress"
    assert "@helper hello" in browser.text()
    assert len(workspace.llm.requests) == 1


def test_drag_a_task_to_done(browser: Browser) -> None:
    """WS-6, WS-13: a card dragged from Backlog and dropped on Done moves there, and stays
    there after a reload."""
    from selenium.webdriver.common.action_chains import ActionChains

    browser.sign_up("grace", "pw-" + secrets.token_hex(8))
    room_id = browser.create_room("Board")
    browser.find("//div[@role='tab'][normalize-space()='Tasks']", "the Tasks tab").click()
    browser.click("Add task")
    browser.type("Title", "Write the plan")
    browser.click("Save", within="//div[contains(@class,'q-dialog')]")

    column = "//div[contains(@class,'nicegui-column')][./div[normalize-space()={}]]"
    card = "//div[contains(@class,'q-card')][./div[normalize-space()='Write the plan']]"
    backlog, done = column.format("'Backlog'"), column.format("'Done'")
    source = browser.find(backlog + card, "the card under Backlog")
    target = browser.find(done, "the Done column")
    assert source.get_attribute("draggable") == "true"
    browser.screenshot("before-drag")

    browser.driver.execute_script(RECORD_DRAG_EVENTS)
    ActionChains(browser.driver).drag_and_drop(source, target).perform()
    deadline = time.monotonic() + 3
    while not (events := browser.driver.execute_script("return window.ozDragEvents")) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not events:  # an older chromedriver: fire the same events from the page
        browser.driver.execute_script(DISPATCH_DRAG_AND_DROP, source, target)
    else:  # the browser's own drag: trusted events, and the column accepted the drop
        assert ["dragstart", True] in events and ["drop", True] in events, events
    browser.find(done + card, "the card under Done")
    assert not browser.driver.find_elements(browser.by.XPATH, backlog + card)
    browser.screenshot("after-drag")

    browser.open(f"/rooms/{room_id}")
    browser.find("//div[@role='tab'][normalize-space()='Tasks']", "the Tasks tab").click()
    browser.find(done + card, "the card under Done after a reload")
    assert not browser.driver.find_elements(browser.by.XPATH, backlog + card)
    browser.screenshot("after-reload")


# Drops the tab's connection the way a network blip does (not a deliberate disconnect, so
# socket.io reconnects by itself), and makes it come back after two seconds: within NiceGUI's
# reconnect timeout (3 s), so the tab must catch up without reloading.
DROP_CONNECTION = """
window.ozSameTab = true;
const manager = window.socket.io;
manager.reconnectionDelay(2000);
manager.reconnectionDelayMax(2000);
manager.randomizationFactor(0);
manager.engine.close();
"""


def test_a_reconnecting_tab_catches_up(browser: Browser, chromium: tuple[str, str], workspace: App) -> None:
    """WS-13: a message posted while another tab of the room has lost its connection reaches
    that tab when it reconnects, without a reload."""

    password = "pw-" + secrets.token_hex(8)
    browser.sign_up("lin", password)
    room_id = browser.create_room("Sync")
    other = Browser(start_chromium(chromium), workspace.url, "reconnecting-tab")
    try:
        other.open("/login")
        other.type("Username", "lin")
        other.type("Password", password)
        other.click("Log in")
        other.until(lambda: other.driver.current_url == workspace.url + "/", "the second tab signed in")
        other.open(f"/rooms/{room_id}")
        other.sees("Sync")
        other.until(lambda: other.driver.execute_script("return window.did_handshake"), "the second tab connected")

        other.driver.execute_script(DROP_CONNECTION)
        dropped = time.monotonic()
        browser.post("posted while you were away")
        browser.sees("posted while you were away")
        if time.monotonic() - dropped < 1.5:  # the second tab is certainly still disconnected
            assert "posted while you were away" not in other.text()
        other.sees("posted while you were away")
        other.screenshot("caught-up")
        assert other.driver.execute_script("return window.ozSameTab") is True, "the tab reloaded instead"
    finally:
        other.driver.quit()


def test_stopping_the_server_mid_reply_logs_no_error(browser: Browser, workspace: App) -> None:
    """WS-13: the server is stopped (SIGTERM) while a reply streams into an open room, whose tab
    and rooms sidebar follow it live: it exits with status 0 and its log has no traceback."""

    browser.sign_up("stu", "pw-" + secrets.token_hex(8))
    browser.create_agent("helper")
    browser.open("/")
    browser.create_room("Shutdown")
    browser.add_member("helper")
    browser.sees("helper: idle")
    browser.post("@helper hello")
    browser.sees("helper is thinking…")
    browser.until(lambda: REPLY_WORDS[1].strip() in browser.text(), "the reply streaming")
    workspace.process.send_signal(signal.SIGTERM)
    assert workspace.process.wait(timeout=20) == 0
    log = workspace.log()
    assert "Traceback" not in log and "pool is closing" not in log, log
