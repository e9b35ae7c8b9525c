"""Database connection, configuration and migrations (CP-10).

SQLite by default, PostgreSQL when ``DATABASE_URL`` says so. Migrations are aerich's, one set
per dialect, generated from the same models by ``scripts/makemigrations.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from loguru import logger
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import OperationalError

from oz_app.storage import secure_sqlite_file

MODELS = "oz_app.db.models"
_sqlite_locks: dict[Path, int] = {}  # SQLite files this process holds, with the lock's descriptor
_sqlite_refused: set[Path] = set()  # SQLite files another process held when this one opened them
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
POSTGRES_CONNECT_TIMEOUT = 10


def dialect(url: str) -> str:
    return "postgres" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def in_dialect(statement: str) -> str:
    """A plain SQL ``statement`` written with ``?`` placeholders (and no other ``?``) for the
    default connection: SQLite takes it as written, PostgreSQL numbers its placeholders."""
    postgres = connections.get("default").capabilities.dialect == "postgres"
    return _numbered(statement) if postgres else statement


@functools.lru_cache(maxsize=256)
def _numbered(statement: str) -> str:
    parts = statement.split("?")
    return "".join(part + (f"${n}" if n < len(parts) else "") for n, part in enumerate(parts, start=1))


def _connection_url(url: str) -> str:
    """The URL Tortoise opens. SQLite runs in WAL mode (Tortoise's default journal) and, unless
    the URL says otherwise, with ``synchronous=NORMAL``: in WAL mode that is still safe from
    corruption and loses no commit when the process crashes; only a power cut or OS crash can
    lose the last commits before a checkpoint. It spares an fsync on every commit. A PostgreSQL
    server gets ``timeout`` seconds to accept a connection (asyncpg waits 60 by default), so a
    server that does not answer stops the start within seconds (SEC-11)."""
    _, _, query = url.partition("?")
    params = dict(part.partition("=")[::2] for part in query.split("&") if part)
    separator = "&" if query else ("" if url.endswith("?") else "?")
    if dialect(url) == "postgres":
        url = url.replace("postgresql://", "postgres://", 1)
        return url if "timeout" in params else f"{url}{separator}timeout={POSTGRES_CONNECT_TIMEOUT}"
    if "synchronous" in params or params.get("journal_mode", "WAL").upper() != "WAL":
        return url
    return f"{url}{separator}synchronous=NORMAL"


def _connection(url: str) -> str | dict[str, Any]:
    """Tortoise's connection: the URL, and for PostgreSQL the pool's connection class as well
    (see :class:`oz_app.db.postgres.PooledConnection`), which only the expanded form can carry."""
    if dialect(url) != "postgres":
        return _connection_url(url)
    from tortoise.backends.base.config_generator import expand_db_url

    from oz_app.db.postgres import PooledConnection

    connection = expand_db_url(_connection_url(url))
    connection["credentials"]["connection_class"] = PooledConnection
    return connection


def tortoise_config(url: str, with_aerich: bool = False) -> dict[str, Any]:
    """The one Tortoise config, used by the app and (``with_aerich``) by aerich's commands."""
    models = [MODELS, "aerich.models"] if with_aerich else [MODELS]
    return {
        "connections": {"default": _connection(url)},
        "apps": {"models": {"models": models, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def migration_location(url: str) -> Path:
    return MIGRATIONS_DIR / dialect(url)


def migration_files(url: str) -> list[str]:
    """The migrations this oz-app ships for the database at ``url``, oldest first."""
    folder = migration_location(url) / "models"
    return sorted(
        (p.name for p in folder.glob("*.py") if re.match(r"\d+_", p.name)), key=lambda n: int(n.split("_")[0])
    )


async def applied_versions() -> set[str] | None:
    """Versions recorded in aerich's table, or None when the table does not exist yet."""
    try:
        _, rows = await connections.get("default").execute_query('SELECT version FROM "aerich"')
    except OperationalError as exc:  # "no such table: aerich" / 'relation "aerich" does not exist'
        if "aerich" not in str(exc):
            raise
        return None
    return {row["version"] for row in rows}


async def upgrade(url: str) -> list[str]:
    """Apply pending migrations and return the versions applied (nothing to do is cheap).

    Importing aerich costs about half a second, so it is imported only when a migration is
    actually pending.
    """
    if not await _pending(url):
        return []
    async with _migrating(url):
        if not await _pending(url):  # another process applied them while this one waited
            return []
        return await _apply(url)


async def _pending(url: str) -> list[str]:
    applied = await applied_versions() or set()
    return [name for name in migration_files(url) if name not in applied]


@contextlib.asynccontextmanager
async def _migrating(url: str) -> AsyncIterator[None]:
    """One process at a time migrates a PostgreSQL database (a session advisory lock on a
    connection of its own); processes starting together would otherwise each create the tables."""
    if dialect(url) != "postgres":
        yield
        return
    import asyncpg

    connection = await asyncpg.connect(dsn(url), timeout=POSTGRES_CONNECT_TIMEOUT)
    try:
        await connection.execute("SELECT pg_advisory_lock(hashtext('oz_app migrations'))")
        yield
    finally:
        await connection.close()  # ends the session, and with it the lock


def dsn(url: str) -> str:
    """A PostgreSQL URL without Tortoise's query options (asyncpg would take them as server settings)."""
    parts = urlsplit(url.replace("postgresql://", "postgres://", 1))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


async def _apply(url: str) -> list[str]:
    from aerich import Command

    config = tortoise_config(url, with_aerich=True)
    await Tortoise.close_connections()
    await Tortoise.init(config=config, _enable_global_fallback=True)
    command = Command(tortoise_config=config, app="models", location=str(migration_location(url)))
    try:
        await command.init()
        applied = await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    logger.info("database migrated: {}", ", ".join(applied) or "nothing to apply")
    return list(applied)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    path = url.removeprefix("sqlite://").partition("?")[0]
    return Path(path) if dialect(url) == "sqlite" and path and path != ":memory:" else None


async def connect(url: str, migrate: bool = True) -> None:
    """Open the database and bring its schema up to date; a SQLite file is created owner-only.

    The connection is opened here, not by the first query: a database that cannot be opened
    (damaged, unreachable, refusing the password) raises at once, and the connection is closed
    again. (Tortoise would keep its connection lock after such a failure, so every later query
    would wait forever.)
    """
    path = sqlite_path(url)
    if path is not None:
        secure_sqlite_file(path)
        claim_sqlite(path)
    # Tortoise caches each model's INSERT/DELETE SQL per connection name, not per dialect: a
    # process that opened a SQLite database before a PostgreSQL one (the test suite) would
    # otherwise send SQLite's "?" placeholders to PostgreSQL.
    EXECUTOR_CACHE.clear()
    try:
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        await connections.get("default").create_connection(with_db=True)
        if migrate:
            await upgrade(url)
    except BaseException:
        await Tortoise.close_connections()
        raise


def claim_sqlite(path: Path) -> bool:
    """Hold a lock beside a SQLite file for as long as this process lives; False (and a warning)
    when another process holds it. SQLite serves one process: events, live updates and quotas
    would not reach the other one (ST-7)."""
    path = path.resolve()
    if path in _sqlite_locks:
        return True
    _sqlite_refused.discard(path)
    descriptor = os.open(f"{path}.oz-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        _sqlite_refused.add(path)
        logger.warning(SHARED_SQLITE, path=path)
        return False
    _sqlite_locks[path] = descriptor
    return True


def sqlite_shared(url: str) -> bool:
    """True when another process holds the SQLite database this process opened."""
    path = sqlite_path(url)
    return path is not None and path.resolve() in _sqlite_refused


SHARED_SQLITE = (
    "another oz-app process is using the SQLite database {path}: SQLite serves one process, so live "
    "updates and quotas are not shared between them; use PostgreSQL (DATABASE_URL) to run several"
)


async def close() -> None:
    await Tortoise.close_connections()


async def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True
