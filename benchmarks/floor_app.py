"""The floor the API benchmarks compare the control plane with: a minimal Starlette app on
uvicorn (uvloop, httptools, as ``oz-app`` serves) doing one query per request on the same
database, with the same driver and settings the control plane uses (aiosqlite on one
connection in WAL mode with ``synchronous=NORMAL``; an asyncpg pool of 5 without the reset
query). No validation, no error handling beyond what Starlette does, rows written with orjson.

    python benchmarks/floor_app.py --database-url URL --port N

- ``GET /api/v1/agent/runs/{id}``: the run's row by id;
- ``POST /api/v1/agent/runs``: one INSERT of a run row (CANCELLED, so no executor takes it);
- ``GET /api/v1/agent/runs``: the caller's 21 newest rows (a page of 20 and whether there are more);
- ``GET /health``: ``SELECT 1``.

The caller's tenant is the sha256 of its bearer token, as in the control plane.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    from _common import Server

COLUMNS = (
    "id", "title", "prompt", "state", "created_at", "updated_at", "started_at", "finished_at", "agent_config",
    "artifacts", "status_message", "error_code", "retryable", "session_link", "execution_location", "output",
    "provider", "provider_model", "attempts",
)  # fmt: skip
JSON_COLUMNS = {"agent_config", "artifacts", "attempts"}
SELECT = "SELECT " + ",".join(f'"{c}"' for c in COLUMNS) + ' FROM "runs"'
INSERT_COLUMNS = (
    "id", "tenant", "title", "prompt", "state", "agent_config", "output", "artifacts", "execution_location",
    "attempts", "created_at", "updated_at", "labels", "mode", "source",
)  # fmt: skip


class Sqlite:
    """One aiosqlite connection, as Tortoise opens it for the control plane."""

    marks = ("?",) * 30

    async def open(self, url: str) -> None:
        import aiosqlite

        self.db = await aiosqlite.connect(url.removeprefix("sqlite://"), isolation_level=None)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=NORMAL")

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        async with self.db.execute(sql, args) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, *args: Any) -> None:
        await self.db.execute(sql, [a.isoformat(" ") if isinstance(a, datetime) else a for a in args])

    async def close(self) -> None:
        await self.db.close()


class Postgres:
    """An asyncpg pool of at most 5 connections, as Tortoise's for the control plane."""

    marks = tuple(f"${i}" for i in range(1, 31))

    async def open(self, url: str) -> None:
        import asyncpg

        class NoReset(asyncpg.Connection):  # as oz_app.db.postgres.PooledConnection
            def get_reset_query(self) -> str:
                return ""

        self.pool = await asyncpg.create_pool(url, min_size=1, max_size=5, connection_class=NoReset)

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        async with self.pool.acquire() as connection:
            return list(await connection.fetch(sql, *args))

    async def execute(self, sql: str, *args: Any) -> None:
        async with self.pool.acquire() as connection:
            await connection.execute(sql, *args)

    async def close(self) -> None:
        await self.pool.close()


def build(database_url: str) -> Starlette:
    db: Sqlite | Postgres = Sqlite() if database_url.startswith("sqlite://") else Postgres()
    m = db.marks
    by_id = f'{SELECT} WHERE "id"={m[0]}'
    page = f'{SELECT} WHERE "tenant"={m[0]} ORDER BY "created_at" DESC,"id" DESC LIMIT 21'
    insert = f'INSERT INTO "runs" ({",".join(INSERT_COLUMNS)}) VALUES ({",".join(m[: len(INSERT_COLUMNS)])})'

    def tenant(request: Request) -> str:
        return hashlib.sha256(request.headers.get("authorization", "").removeprefix("Bearer ").encode()).hexdigest()

    def item(row: Any) -> dict[str, Any]:
        return {
            c: orjson.loads(v) if c in JSON_COLUMNS and isinstance(v, str) else v
            for c, v in zip(COLUMNS, row, strict=True)
        }

    def json(content: Any, status: int = 200) -> Response:
        return Response(orjson.dumps(content), status, media_type="application/json")

    async def get_run(request: Request) -> Response:
        rows = await db.fetch(by_id, request.path_params["run_id"])
        return json(item(rows[0])) if rows else json({"error": "not found"}, 404)

    async def runs(request: Request) -> Response:
        if request.method == "POST":
            body = orjson.loads(await request.body())
            run_id, now = str(uuid.uuid4()), datetime.now(UTC)
            await db.execute(
                insert, run_id, tenant(request), body["prompt"][:80], body["prompt"], "CANCELLED", "{}", "", "[]",
                "LOCAL", "[]", now, now, "{}", "normal", "API",
            )  # fmt: skip
            return json({"run_id": run_id, "state": "CANCELLED"}, 201)
        rows = await db.fetch(page, tenant(request))
        return json({"runs": [item(row) for row in rows[:20]], "page_info": {"has_next_page": len(rows) > 20}})

    async def health(_: Request) -> Response:
        await db.fetch("SELECT 1")
        return json({"ok": True})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await db.open(database_url)
        yield
        await db.close()

    routes = [
        Route("/api/v1/agent/runs/{run_id}", get_run),
        Route("/api/v1/agent/runs", runs, methods=["GET", "POST"]),
        Route("/health", health),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build(args.database_url), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()


def start_floor(database_url: str, data_dir: Path, env: dict[str, str], timeout: float = 30.0) -> Server:
    """Start the floor app in a process of its own; returns once ``/health`` answered 200.
    (The served process imports neither httpx nor the benchmarks' helpers.)"""
    from _common import free_port, launch

    port = free_port()
    log_path = data_dir / f"floor-{port}.log"
    command = [sys.executable, str(Path(__file__)), "--database-url", database_url, "--port", str(port)]
    return launch(command, env, f"http://127.0.0.1:{port}", log_path, "the floor app", timeout)
