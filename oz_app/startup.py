"""Start-up: every problem becomes one sentence, and Ctrl-C or SIGTERM stop it at any moment (SEC-11)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from oz_app import db
from oz_app.config import Settings
from oz_app.storage import StorageError, causes, describe_os_error, is_disk_full

T = TypeVar("T")
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_UNWRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR")
_BAD_LOGIN = ("28000", "28P01")  # PostgreSQL: invalid authorization / password


class Interrupted(Exception):
    """Ctrl-C or SIGTERM arrived before the start was complete."""


def describe_database(settings: Settings) -> str:
    if settings.is_postgres:
        parts = urlsplit(settings.database_url)
        return f"PostgreSQL at {parts.hostname}:{parts.port or 5432}{parts.path}"
    where = f"SQLite at {settings.database_url.removeprefix('sqlite://')}"
    if db.sqlite_shared(settings.database_url):
        return f"{where}, also open in another oz-app process: SQLite serves one process, use PostgreSQL for several"
    return where


def explain(exc: BaseException, settings: Settings) -> str:
    """One sentence saying what stopped the start and what to do about it."""
    if isinstance(exc, StorageError):
        return str(exc)
    database = describe_database(settings)
    if is_disk_full(exc):
        where = settings.data_dir if not settings.is_postgres else database
        return f"the disk holding {where} is full: free some space and start oz-app again."
    for cause in causes(exc):
        sentence = _explain_one(cause, database, settings)
        if sentence:
            return sentence
    return f"could not start ({type(exc).__name__}: {_one_line(exc)})."


def _explain_one(cause: BaseException, database: str, settings: Settings) -> str | None:
    code = getattr(cause, "sqlite_errorname", "")
    if isinstance(cause, sqlite3.Error) and code.startswith(_DAMAGED):
        return (
            f"the database ({database}) is damaged ({_one_line(cause)}): restore it from a backup, "
            "or move it away to start with an empty one."
        )
    if isinstance(cause, sqlite3.Error) and code.startswith(_UNWRITABLE):
        return f"cannot open the database ({database}) for writing ({_one_line(cause)}): check its folder is writable."
    if getattr(cause, "sqlstate", None) in _BAD_LOGIN:
        return f"{database} refused the user name or password in DATABASE_URL ({_one_line(cause)})."
    if settings.is_postgres and isinstance(cause, OSError):  # refused, unknown host, timed out (TimeoutError)
        reason = os.strerror(cause.errno) if cause.errno else _one_line(cause)
        if isinstance(cause, TimeoutError):
            reason = "it did not answer in time"
        return f"cannot reach the database ({database}): {reason.lower()}; check DATABASE_URL and that it is running."
    if isinstance(cause, OSError) and cause.filename:
        return describe_os_error(cause, cause.filename)
    if type(cause).__name__ in ("DBConnectionError", "InvalidCatalogNameError"):
        return f"cannot open the database ({database}): {_one_line(cause)}."
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text.rstrip(".")


def run(main: Callable[[Callable[[], None]], Awaitable[T]], loop_factory: Callable[[], Any] | None = None) -> T:
    """Run ``main(started)`` in a new event loop and return its result.

    Until ``main`` calls ``started()``, Ctrl-C and SIGTERM cancel it and :class:`Interrupted` is
    raised (a database that takes its time to answer cannot hold the process). Afterwards they are
    left to the server ``main`` runs: uvicorn installs its own handlers while it serves, and the
    signal it re-raises when it has stopped lands here and is ignored.
    """
    armed = True

    def started() -> None:
        nonlocal armed
        armed = False

    async def guarded() -> T:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()

        def on_signal(_signum: int, _frame: object) -> None:
            if armed:
                loop.call_soon_threadsafe(task.cancel)

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            return await main(started)
        except asyncio.CancelledError:
            raise Interrupted from None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(guarded())
