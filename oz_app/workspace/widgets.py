"""Small pieces every page uses: following live topics, redrawing a section one change at a time,
doing an action with its refusal shown, and dialogs that leave nothing behind."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import app, storage, ui
from nicegui.client import Client
from pydantic import ValidationError

from oz_app.control_plane.http import ApiError
from oz_app.control_plane.tokens import TokenError
from oz_app.runners import RunnerError
from oz_app.storage import is_disk_full, note_full_write
from oz_app.workspace import accounts, render, service, wording

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

SESSIONS = {"required": False}  # set by pages.register: True on a server with sign-in


def listen(workspace: Workspace, topic: str, listener: Callable[[dict[str, Any]], None]) -> None:
    """Follow ``topic`` for as long as this tab exists (including while it reconnects)."""
    client = ui.context.client
    unsubscribe = workspace.live.subscribe(topic, lambda event: in_tab(client, lambda: listener(event)))
    client.on_delete(unsubscribe)


def in_tab(client: Client, func: Callable[[], Any]) -> None:
    """Run ``func`` for ``client`` as its own events are run: in its context and with its request,
    so that what ``func`` builds (event handlers) and starts (tasks) sees this tab's session, not
    the request of whatever delivered the event (another tab's, or none for a NOTIFY). Once the
    server is stopping nothing new starts: the database is about to close under it."""

    def invoke() -> None:
        if not app.is_started:
            return
        storage.request_contextvar.set(client.request)
        client.safe_invoke(func)

    contextvars.copy_context().run(invoke)


def later(delay: float, client: Client, func: Callable[[], Any]) -> asyncio.TimerHandle:
    """Run ``func`` in ``client``'s tab after ``delay`` seconds (see :func:`in_tab`)."""
    return asyncio.get_running_loop().call_later(delay, lambda: in_tab(client, func))


class Redraw:
    """Redraws one section of a page (an async refreshable's ``refresh``) one change at a time.

    NiceGUI empties a section at once but draws it after its reads, so two redraws that overlap
    would both draw their rows into it. Here a redraw waits for the one before; a change that
    comes while one is waiting is already covered by it, since it has not read yet. ``delay``
    holds a redraw asked for from an event a moment, so that a burst of events is one redraw."""

    def __init__(self, refresh: Callable[[], Awaitable[Any]], delay: float = 0.0) -> None:
        self.refresh = refresh
        self.delay = delay
        self.client = ui.context.client
        self.drawing = asyncio.Lock()  # held by a redraw, and by whatever else draws in the section
        self.waiting = False

    def soon(self) -> None:
        """From an event handler: redraw in the background, in this tab (after ``delay``)."""
        if self.waiting:
            return
        self.waiting = True
        later(self.delay, self.client, self._draw)

    async def run(self) -> None:
        """Redraw now, or not at all when a redraw that has not read yet is waiting."""
        if self.waiting:
            return
        self.waiting = True
        await self._draw()

    async def _draw(self) -> None:
        async with self.drawing:
            self.waiting = False
            await self.refresh()


async def attempt(action: Awaitable[Any], done: str = "", *, public: bool = False) -> Any:
    """Await ``action``; a refusal (bad input, not found, runner trouble, a full disk) is shown, not raised.
    On a server with sign-in, a tab whose session has ended (logged out elsewhere, expired, user
    disabled) does nothing and goes to the log-in page (SEC-5); ``public`` actions (logging in)
    need no session."""
    if not public and SESSIONS["required"] and await accounts.session_user(app.storage.browser.get("id")) is None:
        if inspect.iscoroutine(action):
            action.close()
        ui.navigate.to("/login")
        return None
    try:
        result = await action
    except (service.Invalid, service.NotFound, RunnerError, ApiError, TokenError) as exc:
        ui.notify(getattr(exc, "message", None) or str(exc), type="negative")
        return None
    except ValidationError as exc:  # a form's fields, checked by a pydantic model (UX-8)
        ui.notify(wording.explain(exc), type="negative")
        return None
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        note_full_write()  # /health says so too (SEC-12)
        ui.notify("The disk holding the database is full, so nothing was saved; try again later.", type="negative")
        return None
    if done:
        ui.notify(done, type="positive")
    return result if result is not None else True


def transient_dialog() -> ui.dialog:
    """A dialog whose elements (and what was typed into them) are removed once it closes. It is
    made at the page's top level, not where it was opened from: a menu that closes or a list that
    is redrawn live (a board, a chat) would otherwise take the open dialog with it."""
    with ui.context.client.content:
        dialog = ui.dialog()
    dialog.on_value_change(lambda event: None if event.value else dialog.delete())
    return dialog


def lazy_menu(anchor: ui.element, fill: Callable[[], Any], *, auto_close: bool = False) -> Callable[[], None]:
    """A menu on ``anchor`` whose items ``fill()`` draws when it is first opened: a page with many
    menus (one per message) is drawn faster. ``auto_close``: any click in it closes it (not only
    a menu item's). Returns the function that opens it."""
    made: list[ui.menu] = []

    def open_menu() -> None:
        if not made:
            with anchor, ui.menu().props("no-parent-event" + (" auto-close" if auto_close else "")) as menu:
                fill()
            made.append(menu)
        made[0].open()

    anchor.on("click", open_menu)
    return open_menu


def confirm_text(label: str, value: str) -> None:
    """Show a secret the user must copy now (a new token or invite link): it is never shown again."""
    with ui.row().classes("items-center w-full bg-green-50 p-2 rounded"):
        ui.label(label).classes("text-sm")
        ui.input(value=value).props("readonly dense outlined").classes("grow font-mono").mark("secret-once")


async def confirm(title: str, question: str, action: str = "Delete") -> bool:
    """Ask before something goes for good (UX-8); True when the user said ``action``."""
    with transient_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full"):
        ui.label(title).classes("text-lg font-bold")
        ui.label(question).classes("break-words")
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat").mark("cancel-confirm")
            ui.button(action, on_click=lambda: dialog.submit(True)).props("color=red").mark("confirm-delete")
    return bool(await dialog)


LOCAL_TIMES = """<script>
if (!window.ozTimes) {
  // [data-oz-time] holds an ISO moment; shown in the browser's language and time zone, relative
  // ("5 minutes ago") unless data-oz-format="exact", the full moment on hover. New elements are
  // filled in as they appear, all of them again every minute.
  const relative = new Intl.RelativeTimeFormat(undefined, {numeric: "auto"});
  const exact = new Intl.DateTimeFormat(undefined, {dateStyle: "full", timeStyle: "long"});
  const short = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
  const ago = (date) => {
    const seconds = (Date.now() - date.getTime()) / 1000;
    if (seconds < 45) return "just now";
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return relative.format(-minutes, "minute");
    const hours = Math.round(minutes / 60);
    if (hours < 24) return relative.format(-hours, "hour");
    const days = Math.round(hours / 24);
    return days < 7 ? relative.format(-days, "day") : short.format(date);
  };
  window.ozTimes = (all) => {
    for (const element of document.querySelectorAll(all ? "[data-oz-time]" : "[data-oz-time]:not([data-oz-shown])")) {
      const date = new Date(element.dataset.ozTime);
      if (isNaN(date)) continue;
      const text = element.dataset.ozFormat === "exact" ? short.format(date) : ago(date);
      if (element.textContent !== text) element.textContent = text;
      if (element.title !== exact.format(date)) element.title = exact.format(date);
      element.dataset.ozShown = "1";
    }
  };
  new MutationObserver(() => window.ozTimes(false)).observe(document.documentElement, {childList: true, subtree: true});
  setInterval(() => window.ozTimes(true), 60000);
  window.ozTimes(true);
}
</script>"""


def _local_times() -> None:
    """Let this page show ``local_time`` elements in the browser's time zone and language (once
    per page, also on a page already sent)."""
    render.add_once(LOCAL_TIMES)


def local_time(iso: str, *, relative: bool = False) -> ui.label:
    """A moment shown in the browser's time zone (formatted there, from ``iso``; UTC until then),
    as a date and time or, ``relative``, as "5 minutes ago"."""
    _local_times()
    label = ui.label(f"{iso[:16].replace('T', ' ')} UTC")
    label._props["data-oz-time"] = iso  # attributes, not Quasar props
    if not relative:
        label._props["data-oz-format"] = "exact"
    return label
