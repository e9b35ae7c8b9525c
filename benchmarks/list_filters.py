"""Each filter of the SDK's ``RunListParams`` over 10,000 runs, as a ratio to the unfiltered list.

    python benchmarks/list_filters.py [--postgres-url postgres://user:pass@host:5432/postgres]
                                      [--requests 200] [--rounds 3] [--runs-in-db 10000]

For SQLite and, given ``--postgres-url``, PostgreSQL (a scratch database): 10,000 runs of one
tenant are written straight into the migrated database (``_seed.py``), varied in every column
a filter reads; ``oz-app --headless --control-plane`` is started the normal way. Each filter
is asked for two values where the seed allows: ``common`` matches one run in ten, ``rare`` ten
runs in all (a rare value is the hard case: an index that does not serve it means reading
every run of the tenant to fill a page).

A filter the server answers 400 for is skipped with a note (not there yet); one whose first
page equals the unfiltered one although the value matches none of the newest runs is reported
as ignored. Each query (and the unfiltered list) is then sent ``--requests`` times back to back
by one client, in ``--rounds`` rounds with the queries interleaved; the figure is the median
latency, and the ratio is to the unfiltered list's median (target: <= 1.5x).
"""

from __future__ import annotations

import argparse
import hashlib
import secrets
import statistics
import sys
import tempfile
import time
import typing
from pathlib import Path

import httpx
from _common import Table, discard, server_env, start_server
from _seed import NEWEST_PLAIN, database, seed_runs
from oz_agent_sdk.types.agent import RunListParams

TARGET_RATIO = 1.5
NOT_FILTERS = {"cursor", "limit", "sort_by", "sort_order"}
Query = list[tuple[str, str]]


def sdk_filters() -> list[str]:
    return sorted(set(typing.get_type_hints(RunListParams)) - NOT_FILTERS)


def check(client: httpx.Client, name: str, query: Query, unfiltered: list[str], newest: set[str]) -> str | None:
    """Why ``query`` cannot be timed (one line), or None when the server applies it."""
    response = client.get("/agent/runs", params=[*query, ("limit", "20")])
    if response.status_code == 400:
        return f"400 ({response.json().get('error', '')[:90]})"
    if response.status_code != 200:
        return f"{response.status_code}: {response.text[:120]}"
    ids = [run["run_id"] for run in response.json()["runs"]]
    if name != "created_after" and ids == unfiltered and newest & set(ids):
        return "ignored: the first page is the unfiltered one"
    return None


def timed(client: httpx.Client, query: Query, count: int) -> list[float]:
    latencies = []
    for _ in range(count):
        sent = time.perf_counter()
        response = client.get("/agent/runs", params=[*query, ("limit", "20")])
        latencies.append(time.perf_counter() - sent)
        if response.status_code != 200:
            raise RuntimeError(f"{query} answered {response.status_code}: {response.text[:200]}")
    return latencies


def measure(kind: str, args: argparse.Namespace, table: Table) -> None:
    token = "bench-tenant-" + secrets.token_hex(12)
    data_dir = Path(tempfile.mkdtemp(prefix="oz-filters-"))
    server = None
    try:
        with database(kind, data_dir, args.postgres_url) as url:
            seed = seed_runs(url, hashlib.sha256(token.encode()).hexdigest(), args.runs_in_db)
            server = start_server(data_dir, server_env("bench-admin-" + secrets.token_hex(16), url))
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=60) as client:
                unfiltered = [run["run_id"] for run in client.get("/agent/runs?limit=20").json()["runs"]]
                newest = set(seed.ids[-NEWEST_PLAIN:])
                queries: dict[str, Query] = {"(none)": []}
                values = seed.filters()
                for name in sdk_filters():
                    for variant, query in values.get(name, {}).items():
                        problem = check(client, name, query, unfiltered, newest)
                        if problem:
                            print(f"{kind}: {name}={query[0][1]} skipped: {problem}", flush=True)
                            table.row(f"{kind}: {name} ({variant})", "skipped: " + problem)
                        else:
                            queries[f"{name} ({variant})"] = query
                    if name not in values:
                        print(f"{kind}: {name}: the seed has no values for it", flush=True)
                timed(client, [], 50)  # warm-up
                latencies: dict[str, list[float]] = {label: [] for label in queries}
                for _ in range(args.rounds):
                    for label, query in queries.items():
                        latencies[label].append(statistics.median(timed(client, query, args.requests)))
            base = statistics.median(latencies["(none)"])
            table.row(f"{kind}: unfiltered list (limit 20, {args.runs_in_db} runs)", f"{base * 1000:.2f} ms")
            for label, values_ in latencies.items():
                if label != "(none)":
                    median = statistics.median(values_)
                    ratio = median / base
                    table.row(f"{kind}: {label}", f"{median * 1000:.2f} ms = {ratio:.2f}x",
                              f"<= {TARGET_RATIO}x", ratio <= TARGET_RATIO)  # fmt: skip
    finally:
        if server is not None:
            server.stop()
        discard(data_dir, args.keep)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--postgres-url", help="a PostgreSQL server to measure on as well (a scratch database)")
    parser.add_argument("--requests", type=int, default=200, help="requests per query and round (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--runs-in-db", type=int, default=10_000, help="runs seeded (default 10000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs (logs, database)")
    args = parser.parse_args()
    table = Table()
    for kind in ["sqlite"] + (["postgres"] if args.postgres_url else []):
        try:
            measure(kind, args, table)
        except RuntimeError as exc:
            print(f"{kind}: benchmark stopped: {exc}", file=sys.stderr)
    print(f"\nmedian latency of {args.requests} sequential requests, median of {args.rounds} rounds")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
