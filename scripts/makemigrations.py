"""Generate aerich migrations for SQLite and PostgreSQL from the same models.

Usage: ``python scripts/makemigrations.py NAME`` (PostgreSQL from ``OZ_TEST_POSTGRES_URL``,
default ``postgres://postgres:postgres@127.0.0.1:5432/postgres``). Each dialect gets a
scratch database: existing migrations are applied to it, then aerich writes the difference
to the models as a new migration. Commit what it writes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid

from aerich import Command
from tortoise import Tortoise

from oz_app.db import _migration_files, migration_location, tortoise_config


async def _scratch_postgres(base: str) -> tuple[str, str]:
    name = f"oz_mig_{uuid.uuid4().hex[:8]}"
    await Tortoise.init(config=tortoise_config(base))
    await Tortoise.get_connection("default").execute_script(f'CREATE DATABASE "{name}"')
    await Tortoise.close_connections()
    return base.rsplit("/", 1)[0] + "/" + name, name


async def _drop_postgres(base: str, name: str) -> None:
    await Tortoise.init(config=tortoise_config(base))
    await Tortoise.get_connection("default").execute_script(f'DROP DATABASE IF EXISTS "{name}"')
    await Tortoise.close_connections()


async def generate(url: str, name: str) -> None:
    location = migration_location(url)
    command = Command(
        tortoise_config=tortoise_config(url, with_aerich=True), app="models", location=str(location)
    )
    async with command:
        if not _migration_files(url):
            await command.init_db(safe=True)
            print(f"{location}: initial migration written")
        else:
            await command.init()
            await command.upgrade(run_in_transaction=True)
            written = await command.migrate(name)
            print(f"{location}: {written or 'no changes'}")
    await Tortoise.close_connections()


async def main(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await generate(f"sqlite://{tmp}/scratch.db", name)
    base = os.environ.get("OZ_TEST_POSTGRES_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres")
    url, db = await _scratch_postgres(base)
    try:
        await generate(url, name)
    finally:
        await _drop_postgres(base, db)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "update"))
