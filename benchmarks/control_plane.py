"""Control-plane benchmark: startup time, create-run and list-run throughput.

    python benchmarks/control_plane.py [--database-url URL]

Starts its own ``oz-app --headless --control-plane`` process (a temporary data dir, a free
port, SQLite in that dir unless ``--database-url`` names another database) and measures with
ONE sequential client, an ``httpx.Client`` that keeps its connection alive:

1. startup: process start to the first 200 from ``/health`` (median of several starts on an
   already migrated database; the very first start, which also migrates, is shown apart);
2. create: N sequential ``POST /api/v1/agent/runs``. No provider is configured, so the
   in-process executor claims every run and fails it at once: that background work runs in
   the same server while the client is timing, as it would in real use;
3. list: M sequential ``GET /api/v1/agent/runs`` (default limit, 20) by a tenant that owns
   10,000 runs. The runs missing after step 2 are written straight into SQLite (or created
   through the API for any other database);
4. on SQLite, the same lists after a restart with ``OZ_TENANT_TOKENS=issued`` (the token is
   then looked up among the issued ones on every request).

Prints a table of metric, value, target and PASS/FAIL. A benchmark, not a test: the exit
status is 0 whatever the numbers (non-zero only if the server cannot be started at all).
With ``--database-url postgres://...`` use a scratch database: runs are left in it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from _common import Server, Table, discard, ms, server_env, start_server

TARGET_STARTUP_S = 1.0
TARGET_CREATE_PER_S = 360.0
TARGET_LIST_PER_S = 640.0
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED", "ERROR", "BLOCKED"}


def timed(client: httpx.Client, method: str, path: str, count: int, **kwargs: object) -> tuple[float, list[float]]:
    """Send ``count`` identical requests one after another; total seconds and each latency."""
    latencies = []
    begin = time.perf_counter()
    for _ in range(count):
        sent = time.perf_counter()
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        latencies.append(time.perf_counter() - sent)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
    return time.perf_counter() - begin, latencies


def settle(client: httpx.Client, timeout: float = 60.0) -> float:
    """Wait until none of the caller's runs is waiting or executing; seconds waited."""
    begin = time.perf_counter()
    busy = [("state", s) for s in ("QUEUED", "PENDING", "CLAIMED", "INPROGRESS")]
    while time.perf_counter() - begin < timeout:
        if not client.get("/agent/runs", params=[*busy, ("limit", "1")]).json()["runs"]:
            return time.perf_counter() - begin
        time.sleep(0.01)
    raise RuntimeError(f"runs were still being executed after {timeout} s")


def seed_sqlite(path: str, tenant: str, count: int) -> None:
    """Write ``count`` more runs for ``tenant`` in one transaction, copies of its newest run
    (one the API created and the executor finished) with their own ids, titles and times."""
    db = sqlite3.connect(path, timeout=30)
    db.row_factory = sqlite3.Row
    try:
        template = db.execute(
            'SELECT * FROM "runs" WHERE "tenant" = ? ORDER BY "created_at" DESC LIMIT 1', (tenant,)
        ).fetchone()
        if template is None:
            raise RuntimeError("no run to copy: create one through the API first")
        columns = list(template.keys())
        base = datetime.now(UTC) - timedelta(days=1)
        rows = []
        for i in range(count):
            row = dict(template)
            created = base + timedelta(milliseconds=3 * i)
            for column, offset in (("created_at", 0), ("started_at", 1), ("updated_at", 2), ("finished_at", 2)):
                if row.get(column) is not None:
                    row[column] = (created + timedelta(milliseconds=offset)).isoformat(" ", "microseconds")
            row.update(id=str(uuid.uuid4()), title=f"benchmark run {i}", prompt=f"benchmark run {i}\nseeded")
            rows.append([row[column] for column in columns])
        names = ",".join(f'"{column}"' for column in columns)
        marks = ",".join("?" * len(columns))
        with db:
            db.executemany(f'INSERT INTO "runs" ({names}) VALUES ({marks})', rows)
    finally:
        db.close()


def issue_sqlite(path: str, token: str) -> None:
    """Make ``token`` one the admin issued (as ``POST /admin/tokens`` would, with this token)."""
    db = sqlite3.connect(path, timeout=30)
    try:
        with db:
            db.execute(
                'INSERT INTO "api_tokens" ("id", "token_hash", "name", "created_at") VALUES (?, ?, ?, ?)',
                (uuid.uuid4().hex, hashlib.sha256(token.encode()).hexdigest(), "bench", datetime.now(UTC).isoformat()),
            )
    finally:
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", help="database to use (default: SQLite in a temporary data dir)")
    parser.add_argument("--starts", type=int, default=3, help="restarts timed for startup (default 3)")
    parser.add_argument("--creates", type=int, default=1000, help="sequential creates (default 1000)")
    parser.add_argument("--lists", type=int, default=1000, help="sequential lists (default 1000)")
    parser.add_argument("--runs-in-db", type=int, default=10_000, help="runs the lister owns (default 10000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir (logs, database)")
    args = parser.parse_args()

    admin_key = "bench-admin-" + secrets.token_hex(16)
    token = "bench-tenant-" + secrets.token_hex(12)
    tenant = hashlib.sha256(token.encode()).hexdigest()
    data_dir = Path(tempfile.mkdtemp(prefix="oz-bench-"))
    database_url = args.database_url or f"sqlite://{data_dir / 'oz.db'}"
    sqlite_path = database_url.removeprefix("sqlite://") if database_url.startswith("sqlite://") else None
    env = server_env(admin_key, database_url)
    table = Table()
    row = table.row

    print(f"oz-app control-plane benchmark: {database_url}, data in {data_dir}", flush=True)
    server: Server | None = None
    try:
        # 1. Startup. The first start creates the schema; later ones find it migrated.
        server = start_server(data_dir, env)
        first = server.startup_s
        server.stop()
        starts = []
        for _ in range(args.starts):
            server = start_server(data_dir, env)
            starts.append(server.startup_s)
            if len(starts) < args.starts:
                server.stop()
        median_start = statistics.median(starts)
        print(f"startup: first {first:.3f} s, then {', '.join(f'{s:.3f}' for s in starts)} s", flush=True)
        row("startup to /health 200 (median)", f"{median_start:.3f} s", f"< {TARGET_STARTUP_S} s",
            median_start < TARGET_STARTUP_S)  # fmt: skip
        row("startup, best", f"{min(starts):.3f} s")
        row("startup, new database (migrates)", f"{first:.3f} s")
        assert server is not None

        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as client:
            # 2. Create. A short warm-up, counted among the runs the lister owns.
            warm = 20
            timed(client, "POST", "/agent/runs", warm, json={"prompt": "warm-up"})
            settle(client)
            elapsed, latencies = timed(
                client, "POST", "/agent/runs", args.creates, json={"prompt": "Benchmark: say hello"}
            )
            drained = settle(client)
            rate = args.creates / elapsed
            print(f"create: {args.creates} in {elapsed:.3f} s, executor done {drained:.3f} s later", flush=True)
            row(f"create runs/s ({args.creates} sequential)", f"{rate:.0f}/s", f">= {TARGET_CREATE_PER_S:.0f}/s",
                rate >= TARGET_CREATE_PER_S)  # fmt: skip
            row("create latency median / p95", f"{ms(statistics.median(latencies))} / "
                f"{ms(statistics.quantiles(latencies, n=20)[18])}")  # fmt: skip
            row("create runs/s incl. executor finishing", f"{args.creates / (elapsed + drained):.0f}/s")

            # 3. List, with the tenant owning --runs-in-db runs.
            missing = args.runs_in_db - warm - args.creates
            seeded = time.perf_counter()
            if missing > 0 and sqlite_path:
                seed_sqlite(sqlite_path, tenant, missing)
            elif missing > 0:
                timed(client, "POST", "/agent/runs", missing, json={"prompt": "Benchmark: seed"})
                settle(client, timeout=300)
            print(f"seeded {max(missing, 0)} runs in {time.perf_counter() - seeded:.2f} s", flush=True)
            page = client.get("/agent/runs").json()
            if len(page["runs"]) != 20 or not page["page_info"]["has_next_page"]:
                raise RuntimeError(f"unexpected first page: {json.dumps(page)[:300]}")
            timed(client, "GET", "/agent/runs", 20)
            elapsed, latencies = timed(client, "GET", "/agent/runs", args.lists)
            rate = args.lists / elapsed
            print(f"list: {args.lists} in {elapsed:.3f} s", flush=True)
            row(f"list runs/s ({args.lists} x limit 20, {args.runs_in_db} runs)", f"{rate:.0f}/s",
                f">= {TARGET_LIST_PER_S:.0f}/s", rate >= TARGET_LIST_PER_S)  # fmt: skip
            row("list latency median / p95", f"{ms(statistics.median(latencies))} / "
                f"{ms(statistics.quantiles(latencies, n=20)[18])}")  # fmt: skip
        if sqlite_path:  # 4. The same lists when only issued tokens are accepted (one lookup more)
            server.stop()
            issue_sqlite(sqlite_path, token)
            server = start_server(data_dir, {**env, "OZ_TENANT_TOKENS": "issued"})
            with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as client:
                timed(client, "GET", "/agent/runs", 20)
                elapsed, latencies = timed(client, "GET", "/agent/runs", args.lists)
            row("list runs/s, OZ_TENANT_TOKENS=issued", f"{args.lists / elapsed:.0f}/s")
            row("list latency median (issued tokens)", ms(statistics.median(latencies)))
    except RuntimeError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        if server is None:
            return 1
    finally:
        if server is not None:
            server.stop()
        discard(data_dir, args.keep)

    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
