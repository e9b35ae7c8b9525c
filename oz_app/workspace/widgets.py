"""Small pieces every page uses: following live topics, doing an action with its refusal shown,
and dialogs that leave nothing behind."""

from __future__ import annotations

import contextvars
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import app, storage, ui
from nicegui.client import Client

from oz_app.control_plane.http import ApiError
from oz_app.control_plane.tokens import TokenError
from oz_app.runners import RunnerError
from oz_app.storage import is_disk_full, note_full_write
from oz_app.workspace import accounts, service

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
    the request of whatever delivered the event (another tab's, or none for a NOTIFY)."""

    def invoke() -> None:
        storage.request_contextvar.set(client.request)
        client.safe_invoke(func)

    contextvars.copy_context().run(invoke)


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
    """A dialog whose elements (and what was typed into them) are removed once it closes."""
    dialog = ui.dialog()
    dialog.on_value_change(lambda event: None if event.value else dialog.delete())
    return dialog


def confirm_text(label: str, value: str) -> None:
    """Show a secret the user must copy now (a new token or invite link): it is never shown again."""
    with ui.row().classes("items-center w-full bg-green-50 p-2 rounded"):
        ui.label(label).classes("text-sm")
        ui.input(value=value).props("readonly dense outlined").classes("grow font-mono").mark("secret-once")
