"""Generate aerich migrations for SQLite and PostgreSQL from the same models.

Usage: ``python scripts/makemigrations.py NAME`` (PostgreSQL from ``OZ_TEST_POSTGRES_URL``,
default ``postgres://postgres:postgres@127.0.0.1:5432/postgres``). Each dialect gets a
scratch database: existing migrations are applied to it, then aerich writes the difference
to the models as a new migration (or prints "no changes"). Commit what it writes.

Each dialect runs in its own Python process: aerich keeps the operators of a diff in
class attributes of ``Migrate`` that are never reset, so a second ``migrate`` in the same
process would also write the first dialect's SQL. aerich asks before treating a changed
field as a rename; when stdin is not a terminal nobody can answer, so the child gets no
stdin and renames are assumed (``no_input``) instead of the prompt waiting forever.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import uuid

DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/postgres"


async def _postgres_admin(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(base, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def generate(url: str, name: str, interactive: bool) -> None:
    """Bring a scratch database up to the committed migrations, then diff it against the models."""
    from aerich import Command
    from tortoise import Tortoise

    from oz_app.db import migration_files, migration_location, tortoise_config

    location = migration_location(url)
    config = tortoise_config(url, with_aerich=True)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    command = Command(tortoise_config=config, app="models", location=str(location))
    try:
        if not migration_files(url):
            await command.init_db(safe=True)
            print(f"{location}: initial migration written")
            return
        await command.init()  # locates the migration folder
        await command.upgrade(run_in_transaction=True)
        # init() read the last applied version before the upgrade created aerich's table; read
        # it again, otherwise migrate() has no previous state to diff against.
        await command.init()
        written = await command.migrate(name, no_input=not interactive)
        print(f"{location}: {written or 'no changes'}")
    finally:
        await Tortoise.close_connections()


async def _generate_sqlite(name: str, interactive: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await generate(f"sqlite://{tmp}/scratch.db", name, interactive)


async def _generate_postgres(name: str, interactive: bool) -> None:
    base = os.environ.get("OZ_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    db = f"oz_mig_{uuid.uuid4().hex[:8]}"
    await _postgres_admin(base, f'CREATE DATABASE "{db}"')
    try:
        await generate(base.rsplit("/", 1)[0] + "/" + db, name, interactive)
    finally:
        await _postgres_admin(base, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("name", nargs="?", default="update", help="name of the new migration")
    parser.add_argument("--dialect", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if args.dialect:
        job = _generate_sqlite if args.dialect == "sqlite" else _generate_postgres
        asyncio.run(job(args.name, interactive))
        return 0
    for dialect in ("sqlite", "postgres"):
        result = subprocess.run(
            [sys.executable, __file__, "--dialect", dialect, args.name],
            stdin=None if interactive else subprocess.DEVNULL,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
        if result.returncode != 0:
            print(f"makemigrations: {dialect} failed (exit {result.returncode})", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
