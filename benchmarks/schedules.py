"""1,000 schedules due in the same minute on one control plane: tick to all their runs created.

    python benchmarks/schedules.py [--schedules 1000] [--rounds 3]
                                   [--postgres-url postgres://user:pass@host:5432/postgres]

For SQLite and, given ``--postgres-url``, PostgreSQL (a scratch database): starts
``oz-app --headless --control-plane`` the normal way; then, in each round, a new tenant creates
``--schedules`` schedules through the SDK (``AsyncOzAPI``, 16 creates in flight), all with the
cron expression of one coming minute (``M H * * *``, at least 40 s ahead so the creates are
done before it). From that minute on (the tick) the database is polled every 20 ms for the
tenant's runs; the figures are the ``created_at`` of its first and last run after the tick
(both stamped by the control plane on this machine's clock) and when this process saw all of
them. Target: all runs created within 5 s of the tick.

Skips with a note when ``/agent/schedules`` answers 404 (the schedules API is not there yet).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import Table, discard, server_env, start_server
from _seed import database
from oz_agent_sdk import AsyncOzAPI, NotFoundError

TARGET_S = 5.0
LEAD_S = 40.0
POLL_S = 0.02


def next_tick(lead_s: float) -> datetime:
    """The first whole minute at least ``lead_s`` from now (UTC)."""
    soon = datetime.now(UTC) + timedelta(seconds=lead_s)
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


async def runs_since(url: str, tenant: str, tick: datetime) -> tuple[int, datetime | None, datetime | None]:
    """How many runs ``tenant`` has created at or after ``tick``, and the first and last ``created_at``."""
    sql = 'SELECT COUNT(*), MIN("created_at"), MAX("created_at") FROM "runs" WHERE "tenant"=%s AND "created_at">=%s'
    if url.startswith("sqlite://"):
        db = sqlite3.connect(f"file:{url.removeprefix('sqlite://')}?mode=ro", uri=True, timeout=10)
        try:
            count, first, last = db.execute(sql % ("?", "?"), (tenant, tick.isoformat(" "))).fetchone()
        finally:
            db.close()
        parse = lambda v: datetime.fromisoformat(v) if v else None  # noqa: E731
        return count, parse(first), parse(last)
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        count, first, last = await connection.fetchrow(sql % ("$1", "$2"), tenant, tick)
    finally:
        await connection.close()
    return count, first, last


async def one_round(api: str, url: str, count: int) -> dict[str, float] | None:
    """Create ``count`` schedules due at the next tick and time their runs; None when the API is missing."""
    token = "bench-tenant-" + secrets.token_hex(12)
    tenant = hashlib.sha256(token.encode()).hexdigest()
    client = AsyncOzAPI(api_key=token, base_url=api, max_retries=0, timeout=60)
    try:
        try:
            await client.agent.schedules.list()
        except NotFoundError:
            return None
        tick = next_tick(LEAD_S)
        cron = f"{tick.minute} {tick.hour} * * *"
        slots = asyncio.Semaphore(16)

        async def create(i: int) -> None:
            async with slots:
                await client.agent.schedules.create(cron_schedule=cron, name=f"bench {i}", prompt=f"Scheduled run {i}")

        begin = time.perf_counter()
        await asyncio.gather(*(create(i) for i in range(count)))
        created_s = time.perf_counter() - begin
        print(f"  {count} schedules created in {created_s:.1f} s ({count / created_s:.0f}/s), due at {tick:%H:%M} UTC",
              flush=True)  # fmt: skip
        if datetime.now(UTC) >= tick:
            raise RuntimeError("the schedules were created after their minute: raise LEAD_S")
        await asyncio.sleep((tick - datetime.now(UTC)).total_seconds())
        deadline = time.monotonic() + 60
        while True:
            found, first, last = await runs_since(url, tenant, tick)
            if found >= count or time.monotonic() > deadline:
                break
            await asyncio.sleep(POLL_S)
        seen = (datetime.now(UTC) - tick).total_seconds()
        if found < count:
            raise RuntimeError(f"only {found} of {count} runs were created within 60 s of the tick")
        assert first is not None and last is not None
        return {"first": (first - tick).total_seconds(), "last": (last - tick).total_seconds(), "seen": seen,
                "create_rate": count / created_s}  # fmt: skip
    finally:
        await client.close()


def measure(kind: str, args: argparse.Namespace, table: Table) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="oz-schedules-"))
    server = None
    try:
        with database(kind, data_dir, args.postgres_url) as url:
            server = start_server(data_dir, server_env("bench-admin-" + secrets.token_hex(16), url))
            results = []
            for round_ in range(args.rounds):
                print(f"{kind} round {round_ + 1}:", flush=True)
                result = asyncio.run(one_round(server.url + "/api/v1", url, args.schedules))
                if result is None:
                    print(f"{kind}: skipped: GET /api/v1/agent/schedules answered 404 (not there yet)", flush=True)
                    table.row(f"{kind}: {args.schedules} schedules due in one minute", "skipped: no /agent/schedules")
                    return
                print(f"  runs created {result['first']:.2f} to {result['last']:.2f} s after the tick, "
                      f"all seen at {result['seen']:.2f} s", flush=True)  # fmt: skip
                results.append(result)

        def med(key: str) -> float:
            return statistics.median(r[key] for r in results)

        rounds = f"median of {len(results)}"
        table.row(f"{kind}: tick to the last of {args.schedules} runs created ({rounds})", f"{med('last'):.2f} s",
                  f"<= {TARGET_S:.0f} s", med("last") <= TARGET_S)  # fmt: skip
        table.row(f"{kind}: tick to the first run created / all seen by a poller", f"{med('first'):.2f} / "
                  f"{med('seen'):.2f} s")  # fmt: skip
        table.row(f"{kind}: schedules created through the SDK (16 in flight)", f"{med('create_rate'):.0f}/s")
    finally:
        if server is not None:
            server.stop()
        discard(data_dir, args.keep)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--schedules", type=int, default=1000, help="schedules due in the same minute (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="ticks measured, a minute or more each (default 3)")
    parser.add_argument("--postgres-url", help="a PostgreSQL server to measure on as well (a scratch database)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs (logs, database)")
    args = parser.parse_args()
    table = Table()
    for kind in ["sqlite"] + (["postgres"] if args.postgres_url else []):
        try:
            measure(kind, args, table)
        except RuntimeError as exc:
            print(f"{kind}: benchmark stopped: {exc}", file=sys.stderr)
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
