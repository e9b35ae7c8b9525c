"""Scale-out benchmark: a message posted on one workspace process, shown in a tab of another.

    python benchmarks/scale_out.py [--messages 30] [--postgres URL] [--keep]

Two ``oz-app --headless`` processes (P1, P2; each its own port, data dir and working dir; the
same secret key) on one scratch PostgreSQL database, created on the server at ``--postgres``
(default ``$OZ_TEST_POSTGRES_URL``, else ``postgres://postgres:postgres@127.0.0.1:5432/postgres``)
and dropped at the end. Every live update goes through the database's ``NOTIFY``/``LISTEN``
(ST-4), so a tab of P2 follows a room whose messages are posted through P1.

Two headless chromium sessions, A and B, on one room page, measured the way
``benchmarks/workspace.py`` measures its chat latency (its helpers are reused): for each of N
messages, A types a unique text and presses Enter; a capturing ``keydown`` listener in A notes
the moment of the Enter, a MutationObserver in B notes when the text is in B's page, both on the
browser's epoch clock (``performance.timeOrigin + performance.now()``). In the same run:

1. PostgreSQL, two processes: A on P1, B on P2 (the figure the targets are for);
2. PostgreSQL, one process: A and B on P1 (the same path through ``NOTIFY``, no second process);
3. SQLite, one process: P1 and P2 stopped, a third process on a SQLite file (events delivered
   in the process, without the database), A and B on it.

Also shown: A's own echo (Enter to the text in A's page), the clock skew between the two
browsers, and the bare ``NOTIFY``-to-``LISTEN`` round trip of the PostgreSQL server from this
process (asyncpg). A benchmark, not a test: the exit status is 0 whatever the numbers (non-zero
only if a server, the database or a browser cannot start).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import Server, Table, discard, server_env, start_server
from workspace import (
    RECEIVER_JS,
    SENDER_JS,
    browser,
    browsers_missing,
    clock_skew_ms,
    create_room,
    open_room,
    p95,
    quit_all,
    send_and_see,
)

TARGET_MEDIAN_MS = 50.0
TARGET_P95_MS = 150.0
DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
WARM_UP = 3


# The scratch database --------------------------------------------------------------------------


async def _admin(server_url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server_url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_database(server_url: str) -> str:
    """A new empty database on the server of ``server_url``; its URL."""
    name = f"oz_bench_{secrets.token_hex(6)}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    return server_url.rsplit("/", 1)[0] + "/" + name


def drop_database(server_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    try:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception as exc:
        print(f"could not drop the scratch database {name}: {exc}", file=sys.stderr)


async def _notify_round_trips(url: str, count: int) -> list[float]:
    """ms from ``pg_notify`` sent on one connection to its delivery on another (LISTEN)."""
    import asyncpg

    listener = await asyncpg.connect(url, timeout=10)
    sender = await asyncpg.connect(url, timeout=10)
    arrived: asyncio.Queue[float] = asyncio.Queue()
    try:
        await listener.add_listener("oz_bench", lambda *_: arrived.put_nowait(time.perf_counter()))
        samples = []
        for i in range(count + WARM_UP):
            sent = time.perf_counter()
            await sender.execute("SELECT pg_notify('oz_bench', $1)", str(i))
            received = await asyncio.wait_for(arrived.get(), timeout=5)
            if i >= WARM_UP:
                samples.append((received - sent) * 1000)
            await asyncio.sleep(0.01)
        return samples
    finally:
        await listener.close()
        await sender.close()


# Measuring ---------------------------------------------------------------------------------------


def prepare_tabs(a: Any, b: Any, room_url_a: str, room_url_b: str) -> float:
    """A on ``room_url_a`` (the sender), B on ``room_url_b``, both recording; the clock skew A-B."""
    open_room(a, room_url_a)
    open_room(b, room_url_b)
    a.execute_script(SENDER_JS)
    for driver in (a, b):
        driver.execute_script(RECEIVER_JS)
    return clock_skew_ms(a, b)


def measure(a: Any, b: Any, label: str, messages: int) -> tuple[list[float], list[float]]:
    """Post ``messages`` texts through A (after a warm-up); ms to each in B, and to A's own echo."""
    run = secrets.token_hex(3)
    for i in range(WARM_UP):
        send_and_see(a, b, f"warm-{label}-{run}-{i}")
    to_b, to_a = [], []
    for i in range(messages):
        other, own = send_and_see(a, b, f"bench-{label}-{run}-{i}")
        to_b.append(other)
        to_a.append(own)
        time.sleep(0.1)
    print(f"{label} A->B ms:", " ".join(f"{v:.1f}" for v in to_b), flush=True)
    return to_b, to_a


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {p95(values):.1f} / {max(values):.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=30, help="timed messages per setup (default 30)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("OZ_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="a PostgreSQL server URL with rights to create databases (default $OZ_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs (logs, SQLite database)")
    args = parser.parse_args()

    if problem := browsers_missing():
        print(problem)
        return 1
    try:
        database_url = create_database(args.postgres)
    except Exception as exc:
        print(f"cannot create a scratch database at {args.postgres}: {exc}")
        return 1

    from cryptography.fernet import Fernet

    root = Path(tempfile.mkdtemp(prefix="oz-bench-scale-"))
    admin_key = "bench-admin-" + secrets.token_hex(16)
    secret_key = Fernet.generate_key().decode()  # processes sharing a database share the key
    table = Table()
    row = table.row
    drivers: list[Any] = []
    servers: list[Server] = []

    def start(name: str, url: str) -> Server:
        folder = root / name
        folder.mkdir()
        env = server_env(admin_key, url, OZ_SECRET_KEY=secret_key)
        server = start_server(folder, env, control_plane=False, cwd=folder)
        servers.append(server)
        print(f"{name} up in {server.startup_s:.2f} s at {server.url}", flush=True)
        return server

    print(f"oz-app scale-out benchmark: PostgreSQL {database_url.rsplit('@', 1)[-1]}, data in {root}", flush=True)
    try:
        notify = asyncio.run(_notify_round_trips(database_url, 50))
        # one after the other: the first migrates the empty database and creates the local user
        one = start("p1", database_url)
        two = start("p2", database_url)
        a = browser()
        drivers.append(a)
        b = browser()
        drivers.append(b)

        # 1. PostgreSQL, A on P1, B on P2.
        room_id = create_room(a, one.url, "scale-out")
        skew = prepare_tabs(a, b, f"{one.url}/rooms/{room_id}", f"{two.url}/rooms/{room_id}")
        cross, cross_echo = measure(a, b, "pg-2-processes", args.messages)

        # 2. PostgreSQL, A and B on P1.
        prepare_tabs(a, b, f"{one.url}/rooms/{room_id}", f"{one.url}/rooms/{room_id}")
        single, single_echo = measure(a, b, "pg-1-process", args.messages)

        # 3. SQLite, one process (the PostgreSQL ones stopped).
        for server in servers:
            server.stop()
        servers.clear()
        lite = start("p3-sqlite", f"sqlite://{root / 'p3-sqlite' / 'oz.db'}")
        room_id = create_room(a, lite.url, "sqlite")
        prepare_tabs(a, b, f"{lite.url}/rooms/{room_id}", f"{lite.url}/rooms/{room_id}")
        sqlite, sqlite_echo = measure(a, b, "sqlite-1-process", args.messages)

        n = args.messages
        median, tail = statistics.median(cross), p95(cross)
        row(f"PostgreSQL, P1 tab -> P2 tab, median ({n} msgs)", f"{median:.1f} ms", f"<= {TARGET_MEDIAN_MS:.0f} ms",
            median <= TARGET_MEDIAN_MS)  # fmt: skip
        row("PostgreSQL, P1 tab -> P2 tab, p95", f"{tail:.1f} ms", f"<= {TARGET_P95_MS:.0f} ms", tail <= TARGET_P95_MS)
        row("  max", f"{max(cross):.1f} ms")
        row("  sender's own echo, median / p95 / max", summary(cross_echo))
        row("PostgreSQL, one process, tab -> tab, median / p95 / max", summary(single))
        row("  sender's own echo, median / p95 / max", summary(single_echo))
        row("SQLite, one process, tab -> tab, median / p95 / max", summary(sqlite))
        row("  sender's own echo, median / p95 / max", summary(sqlite_echo))
        row("bare NOTIFY -> LISTEN round trip, median / p95 / max", summary(notify))
        row("clock skew A-B (vs Date.now)", f"{skew:+.2f} ms")
    except Exception as exc:
        print(f"benchmark stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
        for server in servers:
            print(f"--- {server.log_path}:\n{server.log_path.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        return 1
    finally:
        quit_all(drivers)
        for server in servers:
            server.stop()
        drop_database(args.postgres, database_url)
        discard(root, args.keep)

    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
