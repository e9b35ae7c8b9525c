"""Search benchmark (UX-6): one person's search over 100,000 messages, on SQLite and PostgreSQL.

    python benchmarks/search.py [--postgres-url postgres://user:pass@host:5432/postgres]
                                [--messages 100000] [--rooms 50] [--queries 30]

For SQLite and, given ``--postgres-url``, PostgreSQL (a scratch database migrated by
``oz-app db upgrade``): one user's rooms get ``--messages`` messages, written straight through
the driver: three in five a person's (about 120 characters), two in five an agent's reply whose
text is its run's output (about 600 characters), as in a room where agents answer at length.
Another user's 10,000 messages share the tables. Then ``oz_app.workspace.search.search`` (what
the /search page calls) is timed in this process, ``--queries`` times per query after one
warm-up: a word in ten messages (``rare``: the whole table is read), a word in one message in
ten (``common``: the newest 50 are found early, then the matches are counted), a word in none,
and a query with ``%`` and ``_`` (taken literally). The figure is the median; target <= 100 ms.

A benchmark, not a test: the exit status is 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, Table, discard, ms
from _seed import database, seed_runs

from oz_app.control_plane.tokens import user_tenant

sys.path.insert(0, str(ROOT))

TARGET_S = 0.100
WORDS = (
    "the a deploy branch review test build fix merge commit plan agent task room queue worker log error "
    "retry config schema index cache latency token prompt model reply message board issue release"
).split()
QUERIES = {"rare": "zebracorn", "common": "quokkafix", "absent": "nothingmatchesthis", "literal": "50%_off"}


def _text(rng: random.Random, length: int, i: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length // 6)]
    if i % 10 == 3:
        words.insert(len(words) // 2, "quokkafix")
    if i % 10_000 == 7:
        words.insert(len(words) // 3, "Zebracorn")
    if i % 20_000 == 11:
        words.append("50%_off")
    return " ".join(words)


def build(count: int, rooms: int, owner: str, run_ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows for ``users``, ``rooms`` and ``messages``, and the replies' run outputs."""
    rng = random.Random(count)
    start = datetime.now(UTC) - timedelta(days=30)
    room_ids = [f"{owner}room{r:04d}" for r in range(rooms)]
    rows: dict[str, list[tuple[Any, ...]]] = {
        "users": [(owner, owner, "", "member", False, "auto", False, start)],
        "rooms": [
            (room_id, owner, f"Room {r} of {owner}", "", False, None, start) for r, room_id in enumerate(room_ids)
        ],
        "messages": [],
        "outputs": [],
    }
    replies = iter(run_ids)
    for i in range(count):
        at = start + timedelta(seconds=i * 20)
        room = room_ids[i % rooms]
        if i % 5 < 3:
            rows["messages"].append((room, "user", owner, None, _text(rng, 120, i), "done", None, 0, "", at))
        else:
            run_id = next(replies)
            rows["messages"].append((room, "agent", "helper", "agent", "", "done", run_id, 1, "", at))
            rows["outputs"].append((_text(rng, 600, i), run_id))
    return rows


MESSAGE_COLUMNS = [
    "room_id",
    "author_kind",
    "author_name",
    "agent_id",
    "content",
    "state",
    "run_id",
    "depth",
    "extra",
    "created_at",
]
USER_COLUMNS = ["id", "username", "password_hash", "role", "disabled", "theme", "notify", "created_at"]
ROOM_COLUMNS = ["id", "owner_id", "name", "description", "paused", "share_token", "created_at"]


def write_sqlite(url: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    db = sqlite3.connect(url.removeprefix("sqlite://"), timeout=30)

    def plain(row: tuple[Any, ...]) -> list[Any]:
        return [v.isoformat(" ") if isinstance(v, datetime) else v for v in row]

    try:
        with db:
            for table, columns in (("users", USER_COLUMNS), ("rooms", ROOM_COLUMNS), ("messages", MESSAGE_COLUMNS)):
                names = ",".join(f'"{c}"' for c in columns)
                marks = ",".join("?" * len(columns))
                db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [plain(r) for r in rows[table]])
            db.executemany('UPDATE "runs" SET "output"=? WHERE "id"=?', rows["outputs"])
        db.execute("ANALYZE")
    finally:
        db.close()


async def write_postgres(url: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            for table, columns in (("users", USER_COLUMNS), ("rooms", ROOM_COLUMNS), ("messages", MESSAGE_COLUMNS)):
                await connection.copy_records_to_table(table, records=rows[table], columns=columns)
            await connection.executemany('UPDATE "runs" SET "output"=$1 WHERE "id"=$2', rows["outputs"])
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def seed(url: str, count: int, rooms: int) -> None:
    """The measured user ``ada`` (``count`` messages) and another, ``bob`` (10,000)."""
    for owner, messages in (("ada", count), ("bob", 10_000)):
        replies = seed_runs(url, user_tenant(owner), messages * 2 // 5 + 1).ids
        rows = build(messages, rooms, owner, replies)
        if url.startswith("sqlite://"):
            write_sqlite(url, rows)
        else:
            asyncio.run(write_postgres(url, rows))


async def time_queries(url: str, rounds: int) -> dict[str, tuple[float, int, int]]:
    """Per query: the median seconds, the messages shown and how many more there were."""
    from oz_app import db
    from oz_app.db.models import User
    from oz_app.workspace.search import search

    await db.connect(url, migrate=False)
    try:
        user = await User.get(id="ada")
        results = {}
        for name, query in QUERIES.items():
            found = await search(user, query)  # warm-up
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                await search(user, query)
                times.append(time.perf_counter() - started)
            results[name] = (statistics.median(times), len(found.messages), found.more["messages"])
        return results
    finally:
        await db.close()


def measure(kind: str, args: argparse.Namespace, table: Table) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"oz-bench-search-{kind}-"))
    try:
        with database(kind, data_dir, args.postgres_url) as url:
            started = time.perf_counter()
            seed(url, args.messages, args.rooms)
            print(f"{kind}: seeded {args.messages:,} + 10,000 messages in {time.perf_counter() - started:.1f} s")
            for name, (median, shown, more) in asyncio.run(time_queries(url, args.queries)).items():
                label = f"{kind}: search {name!s} ({QUERIES[name]!r}: {shown} shown, {more} more)"
                table.row(label, ms(median), f"<= {ms(TARGET_S)}", median <= TARGET_S)
    finally:
        discard(data_dir, args.keep)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres-url", help="a PostgreSQL server to measure on as well (a scratch database)")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the scratch data dir")
    args = parser.parse_args()
    table = Table()
    for kind in ["sqlite"] + (["postgres"] if args.postgres_url else []):
        measure(kind, args, table)
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
