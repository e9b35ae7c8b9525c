"""The frame every signed-in page shares (UX-5): the header with its navigation (a menu on a
phone), the current page marked, the Inbox's unread count on Inbox, the colour scheme, keyboard
shortcuts and browser notifications; and :func:`signed_in`, which each page starts with."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui
from nicegui.events import GenericEventArguments

from oz_app.bus import RUNS_TOPIC
from oz_app.db.models import Room, User
from oz_app.workspace import accounts, service
from oz_app.workspace.live import user_topic
from oz_app.workspace.notices import notice_for
from oz_app.workspace.widgets import attempt, lazy_menu, listen, transient_dialog

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

NAVIGATION = (("Rooms", "/"), ("Agents", "/agents"), ("Runs", "/runs"), ("Settings", "/settings"))
DARK = {"auto": None, "light": False, "dark": True}
THEME_ICONS = {"auto": "brightness_auto", "light": "light_mode", "dark": "dark_mode"}
THEME_LABELS = {"auto": "Follow the system", "light": "Light", "dark": "Dark"}
SHORTCUTS = (
    ("/", "Search"),
    ("Ctrl+K or ⌘K", "Switch to a room"),
    ("Esc", "Close a dialog or menu"),
    ("?", "This list of shortcuts"),
)

# The pages' light colours, readable in dark mode (Quasar marks the body ``body--dark``).
DARK_CSS = """
body.body--dark .bg-white, body.body--dark .bg-gray-50 { background-color: #1d1d1d !important; }
body.body--dark .bg-gray-100, body.body--dark .bg-gray-200 { background-color: #2a2d34 !important; }
body.body--dark .bg-amber-50, body.body--dark .bg-amber-100, body.body--dark .bg-yellow-50,
body.body--dark .bg-yellow-100 { background-color: #4a3d14 !important; color: #f5e7b8 !important; }
body.body--dark .bg-green-50, body.body--dark .bg-green-100 { background-color: #163321 !important; }
body.body--dark .bg-blue-50, body.body--dark .bg-blue-100, body.body--dark .bg-indigo-50,
body.body--dark .bg-indigo-100 { background-color: #1c2747 !important; }
body.body--dark .bg-red-50, body.body--dark .bg-red-100 { background-color: #3d1b1b !important; }
body.body--dark .text-gray-400, body.body--dark .text-gray-500, body.body--dark .text-gray-600,
body.body--dark .text-gray-700 { color: #aab1bd !important; }
body.body--dark .text-gray-800, body.body--dark .text-gray-900,
body.body--dark .text-black { color: #e6e6e6 !important; }
body.body--dark .text-red-700 { color: #ff8a8a !important; }
body.body--dark .text-green-700 { color: #7fd99a !important; }
body.body--dark .border-gray-200, body.body--dark .border-gray-300 { border-color: #444 !important; }
.oz-current { background: rgba(255, 255, 255, 0.18); border-radius: 4px; font-weight: 600; }
"""

# Keyboard shortcuts, and the browser notification the server asks for (constant text: what a
# notification says arrives as JSON arguments, and is shown as plain text by the browser).
FRAME_JS = """
if (!window.ozFrame) {
  window.ozFrame = true;
  const typing = (el) => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
  document.addEventListener('keydown', (event) => {
    const modal = document.querySelector('.q-dialog');
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      emitEvent('oz_shortcut', 'switch');
    } else if (!typing(event.target) && !modal && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (event.key === '/') { event.preventDefault(); emitEvent('oz_shortcut', 'search'); }
      else if (event.key === '?') { event.preventDefault(); emitEvent('oz_shortcut', 'help'); }
    }
  });
  window.ozNotify = (title, body, tag) => {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    new Notification(title, {body: body, tag: tag});
  };
}
"""


async def signed_in(workspace: Workspace) -> User | Response:
    """The signed-in user, with the page's header built; else the redirect to log in."""
    user = await workspace.current_user()
    if user is None:
        return RedirectResponse("/login")
    await header(workspace, user)
    return user


def current_path() -> str:
    request = ui.context.client.request
    return request.url.path if request is not None else ""


def is_current(target: str, path: str) -> bool:
    """Whether the navigation link to ``target`` is the page at ``path`` (a room is under Rooms)."""
    if target == "/":
        return path == "/" or path.startswith("/rooms/")
    return path == target or path.startswith(target + "/")


async def header(workspace: Workspace, user: User) -> None:
    await Frame(workspace, user).build()


class Frame:
    """One tab's header and what it follows: the unread count, the user's theme and
    notification choice (changed in any tab), and their finished runs."""

    def __init__(self, workspace: Workspace, user: User) -> None:
        self.workspace = workspace
        self.user = user
        self.path = current_path()
        self.notify = user.notify

    async def build(self) -> None:
        ui.add_head_html(f"<style>{DARK_CSS}</style>")
        ui.add_body_html(f"<script>{FRAME_JS}</script>")
        self.dark = ui.dark_mode(DARK.get(self.user.theme))
        with ui.header().classes("items-center no-wrap gap-1 bg-indigo-700 px-2 py-1").mark("header"):
            self.phone_menu()
            ui.link("oz", "/").classes("text-white text-xl font-bold no-underline px-2")
            with ui.row().classes("gt-xs items-center no-wrap gap-1"):
                for label, target in NAVIGATION:
                    self.nav_link(label, target)
            with self.nav_link("Inbox", "/inbox", shrink=False):
                self.unread = ui.badge("", color="red").classes("ml-1").mark("unread")
            ui.space()
            ui.button(icon="search", on_click=lambda: ui.navigate.to("/search")).props(
                'flat round dense color=white aria-label="Search"'
            ).tooltip("Search (/)").mark("open-search")
            self.theme_button()
            ui.label(self.user.username).classes("gt-sm text-white opacity-80 truncate max-w-[10rem]")
            if self.workspace.login:
                ui.button("Log out", on_click=self.log_out).props("flat dense no-caps color=white").classes(
                    "gt-xs"
                ).mark("log-out")
            self.more_menu()
        ui.on("oz_shortcut", self.shortcut)
        listen(self.workspace, user_topic(self.user.id), self.on_user_event)
        listen(self.workspace, RUNS_TOPIC, self.on_run_event)
        await self.refresh_unread()  # in the page's HTML: no wait for the socket

    # Navigation ---------------------------------------------------------------------------

    def nav_link(self, label: str, target: str, *, shrink: bool = True) -> ui.link:
        current = is_current(target, self.path)
        link = ui.link(target=target).classes("text-white no-underline px-2 py-1 whitespace-nowrap flex items-center")
        link.mark(f"nav-{label.lower()}")
        if current:
            link.classes("oz-current").props('aria-current="page"')
        with link:
            ui.label(label)
        return link

    def phone_menu(self) -> None:
        """On a phone the navigation is a menu instead of a row that would wrap."""
        button = ui.button(icon="menu").props('flat round dense color=white aria-label="Menu"').classes("xs")
        lazy_menu(button.mark("phone-menu"), self.phone_items)

    def phone_items(self) -> None:
        for label, target in (*NAVIGATION, ("Inbox", "/inbox")):
            item = ui.menu_item(label, on_click=lambda t=target: ui.navigate.to(t))
            item.mark(f"menu-{label.lower()}")
            if is_current(target, self.path):
                item.classes("text-weight-bold text-primary").props('aria-current="page"')

    def more_menu(self) -> None:
        """The user's own things: their name, browser notifications, the shortcuts, logging out."""
        button = ui.button(icon="more_vert").props('flat round dense color=white aria-label="More"').mark("more")
        lazy_menu(button, self.more_items)

    def more_items(self) -> None:
        ui.label(f"Signed in as {self.user.username}").classes("px-4 pt-2 text-sm opacity-70")
        switch = ui.switch("Browser notifications", value=self.notify, on_change=self.toggle_notify)
        switch.classes("px-3").mark("notify")
        ui.menu_item("Keyboard shortcuts (?)", on_click=self.help)
        if self.workspace.login:
            ui.menu_item("Log out", on_click=self.log_out)

    async def log_out(self) -> None:
        await self.workspace.sign_out()
        ui.navigate.to("/login")

    async def refresh_unread(self) -> None:
        count = await service.unread_count(self.user)
        self.unread.set_text(str(count) if count else "")
        self.unread.set_visibility(bool(count))

    # Theme ----------------------------------------------------------------------------------

    def theme_button(self) -> None:
        self.theme_icon = (
            ui.button(icon=THEME_ICONS.get(self.user.theme, "brightness_auto"))
            .props('flat round dense color=white aria-label="Theme"')
            .tooltip("Theme")
            .mark("theme")
        )
        lazy_menu(self.theme_icon, self.theme_items)

    def theme_items(self) -> None:
        for theme, label in THEME_LABELS.items():
            ui.menu_item(label, on_click=lambda t=theme: self.choose_theme(t)).mark(f"theme-{theme}")

    async def choose_theme(self, theme: str) -> None:
        if await attempt(accounts.set_theme(self.user, theme)):
            self.show_theme(theme)
            self.workspace.live.publish(user_topic(self.user.id), kind="prefs")

    def show_theme(self, theme: str) -> None:
        self.user.theme = theme
        self.dark.set_value(DARK.get(theme))
        self.theme_icon.props(f"icon={THEME_ICONS.get(theme, 'brightness_auto')}")

    # Notifications -------------------------------------------------------------------------

    async def toggle_notify(self, event: Any) -> None:
        """Turning them on asks the browser's permission first; a refusal is said and changes nothing."""
        wanted = bool(event.value)
        if wanted == self.notify:
            return
        if wanted:
            answer = await ui.run_javascript(
                "return ('Notification' in window) ? await Notification.requestPermission() : 'unsupported'",
                timeout=60,
            )
            if answer != "granted":
                ui.notify("This browser does not allow notifications from this site; allow them in its settings.")
                event.sender.set_value(False)
                return
        if await attempt(accounts.set_notify(self.user, wanted)):
            self.notify = wanted
            self.workspace.live.publish(user_topic(self.user.id), kind="prefs")

    def on_run_event(self, event: dict[str, Any]) -> None:
        if self.notify and event.get("state") in ("SUCCEEDED", "FAILED") and event.get("run_id"):
            run_id, state = str(event["run_id"]), str(event["state"])
            ui.context.client.safe_invoke(lambda: self.show_notice(run_id, state))

    async def show_notice(self, run_id: str, state: str) -> None:
        notice = await notice_for(self.user, run_id, state)
        if notice is not None:
            title, body, tag = (json.dumps(part) for part in notice)
            ui.run_javascript(f"window.ozNotify && window.ozNotify({title}, {body}, {tag})")

    def on_user_event(self, event: dict[str, Any]) -> None:
        kind = event["kind"]
        if kind == "inbox":
            ui.context.client.safe_invoke(self.refresh_unread)
        elif kind == "prefs":
            ui.context.client.safe_invoke(self.reload_prefs)
        elif kind == "signed_out":  # disabled by an admin: this tab leaves at once (SEC-5)
            ui.navigate.to("/login")

    async def reload_prefs(self) -> None:
        """Another tab changed the theme or notifications: follow it."""
        stored = await User.get_or_none(id=self.user.id)
        if stored is not None:
            self.show_theme(stored.theme)
            self.notify = stored.notify

    # Shortcuts ------------------------------------------------------------------------------

    async def shortcut(self, event: GenericEventArguments) -> None:
        name = event.args if isinstance(event.args, str) else (event.args or [""])[0]
        if name == "search":
            ui.navigate.to("/search")
        elif name == "switch":
            await self.switcher()
        elif name == "help":
            self.help()

    def help(self) -> None:
        with transient_dialog() as dialog, ui.card().classes("min-w-[18rem]").mark("shortcuts-help"):
            ui.label("Keyboard shortcuts").classes("text-lg font-bold")
            for keys, what in SHORTCUTS:
                with ui.row().classes("w-full items-center no-wrap"):
                    ui.label(keys).classes("font-mono bg-gray-100 rounded px-2 min-w-[7rem]")
                    ui.label(what)
            with ui.row().classes("w-full justify-end"):
                ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()

    async def switcher(self) -> None:
        """Ctrl+K: type to filter your rooms, Enter opens the first one shown."""
        rooms = await service.rooms_of(self.user)
        with transient_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full").mark("switcher"):
            ui.label("Switch to a room").classes("text-lg font-bold")
            box = ui.input(placeholder="Type a room's name").props("autofocus outlined dense").classes("w-full")
            box.mark("switcher-input")

            def matching() -> list[Room]:
                typed = (box.value or "").strip().lower()
                return [room for room in rooms if typed in room.name.lower()]

            @ui.refreshable
            def listing() -> None:
                shown = matching()[:20]
                if not shown:
                    ui.label("No room matches.").classes("text-gray-600")
                for room in shown:
                    ui.item(room.name, on_click=lambda r=room: ui.navigate.to(f"/rooms/{r.id}")).classes(
                        "w-full rounded"
                    ).mark(f"switch-{room.name}")

            def open_first() -> None:
                if match := matching():
                    ui.navigate.to(f"/rooms/{match[0].id}")

            box.on_value_change(listing.refresh)
            box.on("keydown.enter", open_first)
            with ui.list().classes("w-full max-h-80 overflow-auto"):
                listing()
        dialog.open()


def client_address(request: Request) -> str:
    """The client's address: the socket's peer (uvicorn rewrites it from X-Forwarded-For only for
    a proxy listed in OZ_TRUSTED_PROXIES, SEC-8)."""
    return request.client.host if request.client else "unknown"
