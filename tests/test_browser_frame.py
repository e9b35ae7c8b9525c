"""The frame in a real chromium at 1366x768 and on a 390x844 phone (UX-5, UX-6): the header's
links or its menu, the dark theme, `/` to search (which finds a message), Ctrl+K to switch room,
`?` for the shortcuts and Esc to close them. Screenshots go to the browser tests' artifacts."""

from __future__ import annotations

import secrets

from tests.test_browser import App, Browser, browser, chromium, workspace  # noqa: F401 (fixtures)

DIALOG = "//div[contains(@class,'q-dialog')]"
BACKGROUND = "return getComputedStyle(document.body).backgroundColor"


def press(browser: Browser, key: str, modifier: str = "") -> None:  # noqa: F811
    """A key typed with nothing focused (as on a page just looked at), once the page's socket is up."""
    from selenium.webdriver.common.action_chains import ActionChains

    browser.until(lambda: browser.driver.execute_script("return window.did_handshake"), "the page's socket")
    browser.driver.execute_script("document.activeElement && document.activeElement.blur()")
    actions = ActionChains(browser.driver)
    if modifier:
        actions.key_down(modifier).send_keys(key).key_up(modifier)
    else:
        actions.send_keys(key)
    actions.perform()


def test_ux5_ux6_header_theme_shortcuts_and_search(browser: Browser, workspace: App) -> None:  # noqa: F811
    """UX-5, UX-6: wide header with links and the current page marked; the dark theme darkens the
    page; `/` opens search, which finds a message and opens its room; Ctrl+K switches room; `?`
    lists the shortcuts and Esc closes it; on a phone a menu holds the navigation."""
    from selenium.webdriver.common.keys import Keys

    driver = browser.driver
    driver.set_window_size(1366, 768)
    browser.sign_up("ada", "pw-" + secrets.token_hex(8))
    design = browser.create_room("Design")
    browser.post("the zebra crossing needs paint")
    browser.sees("the zebra crossing needs paint")
    browser.open("/")
    browser.create_room("Ops")
    rooms_link = browser.find("//header//a[@aria-current='page']", "the current page in the header")
    assert rooms_link.text == "Rooms"
    browser.screenshot("wide-header")

    light = driver.execute_script(BACKGROUND)
    browser.find("//header//button[@aria-label='Theme']", "the theme button").click()
    browser.find("//div[contains(@class,'q-menu')]//*[normalize-space()='Dark']", "the Dark choice").click()
    browser.until(
        lambda: "body--dark" in driver.find_element(browser.by.TAG_NAME, "body").get_attribute("class"), "dark"
    )
    assert driver.execute_script(BACKGROUND) != light
    browser.screenshot("dark")

    press(browser, "/")
    browser.until(lambda: driver.current_url.endswith("/search"), "the search page after /")
    box = browser.find("//input[@placeholder='Search messages, rooms and tasks']", "the search box")
    box.send_keys("ZEBRA")
    browser.sees("crossing needs paint")
    browser.screenshot("search")
    browser.find("//a[.//*[normalize-space()='Design']][contains(@href,'/rooms/')]", "the hit").click()
    browser.until(lambda: driver.current_url.endswith(f"/rooms/{design}"), "the room of the hit")

    browser.open("/agents")
    browser.find("//header", "the header")
    press(browser, "k", Keys.CONTROL)
    switcher = browser.find(f'{DIALOG}//input[@placeholder="Type a room\'s name"]', "the room switcher")
    switcher.send_keys("ops")
    browser.find(f"{DIALOG}//*[normalize-space()='Ops']", "Ops in the switcher")
    browser.screenshot("switcher")
    switcher.send_keys(Keys.ENTER)
    browser.until(lambda: "/rooms/" in driver.current_url and not driver.current_url.endswith(design), "Ops")

    press(browser, "?")
    browser.find(f"{DIALOG}//*[normalize-space()='Keyboard shortcuts']", "the shortcuts help")
    browser.screenshot("help")
    press(browser, Keys.ESCAPE)
    browser.until(lambda: not driver.find_elements(browser.by.XPATH, DIALOG), "the help closed by Esc")

    driver.set_window_size(390, 844)
    browser.open("/runs")
    header = browser.find("//header", "the header")
    assert header.size["height"] < 70, header.size  # one row, no wrapping
    links = driver.find_elements(browser.by.XPATH, "//header//a[normalize-space()='Runs']")
    assert links and not any(link.is_displayed() for link in links)  # in the menu instead
    browser.find("//header//button[@aria-label='Menu']", "the menu button").click()
    browser.find("//div[contains(@class,'q-menu')]//*[normalize-space()='Agents']", "Agents in the menu")
    browser.screenshot("phone-menu")
    browser.find("//div[contains(@class,'q-menu')]//*[normalize-space()='Agents']", "Agents").click()
    browser.until(lambda: driver.current_url.endswith("/agents"), "the agents page from the menu")
