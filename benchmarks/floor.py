"""The control plane against a floor: get, create and list runs, each as a ratio to a minimal
Starlette app doing the same single query on the same database, in the same run.

    python benchmarks/floor.py [--postgres-url postgres://user:pass@host:5432/postgres]
                               [--rounds 3] [--seconds 3] [--clients 16] [--runs-in-db 10000]

For SQLite (a temporary data dir) and, given ``--postgres-url``, PostgreSQL (a scratch database
created on that server and dropped afterwards):

1. migrate the database with ``oz-app db upgrade`` and write 10,000 runs of one tenant straight
   into it (``_seed.py``);
2. start ``oz-app --headless --control-plane`` the normal way and the floor
   (``floor_app.py``: Starlette + uvicorn, one query a request, same driver and settings);
3. in each of ``--rounds`` rounds, for ``GET /agent/runs/{id}`` (a random seeded run),
   ``GET /agent/runs`` (limit 20) and ``POST /agent/runs``: drive each server in turn (the
   order alternates between rounds) with ``--clients`` concurrent aiohttp clients for
   ``--seconds`` after a 0.5 s warm-up. The control plane's in-process executor claims and
   fails each created run (no provider is configured), as it would in use; the next window
   waits until it is done.

Reports per endpoint the medians over the rounds: requests/s, p50, p99 and the server's CPU
time per request, the control plane's rate as a ratio to the floor's (target >= 0.6) and its
p99 (target <= 50 ms). The load generator shares the machine with both servers: on a small
machine, compare ratios and CPU per request rather than absolute rates.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from _common import Server, Table, discard, server_env, start_server
from _load import Load, Request, drive
from _seed import database, seed_runs
from floor_app import start_floor

TARGET_RATIO = 0.6
TARGET_P99_S = 0.050
ENDPOINTS = ("get", "list", "create")
BUSY = [("state", s) for s in ("QUEUED", "PENDING", "CLAIMED", "INPROGRESS")]


def settle(server: Server, headers: dict[str, str], timeout: float = 120.0) -> None:
    """Wait until the control plane's executor has finished every run created so far."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as client:
        while client.get("/agent/runs", params=[*BUSY, ("limit", "1")]).json()["runs"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"created runs were still unfinished after {timeout:.0f} s")
            time.sleep(0.05)


def requests(ids: list[str]) -> dict[str, Callable[[int], Request]]:
    pick = random.Random(0)
    return {
        "get": lambda _i: ("GET", f"/api/v1/agent/runs/{pick.choice(ids)}", None),
        "list": lambda _i: ("GET", "/api/v1/agent/runs?limit=20", None),
        "create": lambda i: ("POST", "/api/v1/agent/runs", {"prompt": f"Benchmark run {i}: say hello"}),
    }


def measure(kind: str, args: argparse.Namespace) -> dict[tuple[str, str], list[Load]]:
    """Every window of one database: ``{(server, endpoint): [Load per round]}``."""
    token = "bench-tenant-" + secrets.token_hex(12)
    headers = {"Authorization": f"Bearer {token}"}
    data_dir = Path(tempfile.mkdtemp(prefix="oz-floor-"))
    results: dict[tuple[str, str], list[Load]] = {}
    servers: dict[str, Server] = {}
    try:
        with database(kind, data_dir, args.postgres_url) as url:
            seed = seed_runs(url, hashlib.sha256(token.encode()).hexdigest(), args.runs_in_db)
            env = server_env("bench-admin-" + secrets.token_hex(16), url)
            servers["oz-app"] = start_server(data_dir, env)
            servers["floor"] = start_floor(url, data_dir, env)
            made = requests(seed.ids)
            for round_ in range(args.rounds):
                order = ["floor", "oz-app"] if round_ % 2 == 0 else ["oz-app", "floor"]
                for endpoint in ENDPOINTS:
                    for name in order:
                        server = servers[name]
                        pid = server.process.pid
                        window = drive(server.url, made[endpoint], clients=args.clients, seconds=args.seconds,
                                       headers=headers, server_pid=pid)  # fmt: skip
                        load = asyncio.run(window)
                        results.setdefault((name, endpoint), []).append(load)
                        print(f"{kind} round {round_ + 1} {endpoint:6} {name:6}: {load.rate:6.0f}/s, "
                              f"p50 {load.p50 * 1000:.1f} ms, p99 {load.p99 * 1000:.1f} ms", flush=True)  # fmt: skip
                        if endpoint == "create" and name == "oz-app":
                            settle(servers["oz-app"], headers)
    finally:
        for server in servers.values():
            server.stop()
        discard(data_dir, args.keep)
    return results


def report(kind: str, results: dict[tuple[str, str], list[Load]], table: Table) -> None:
    def med(name: str, endpoint: str, metric: str) -> float:
        return statistics.median(getattr(load, metric) for load in results[(name, endpoint)])

    for endpoint in ENDPOINTS:
        floor, oz = med("floor", endpoint, "rate"), med("oz-app", endpoint, "rate")
        ratio = oz / floor
        label = {"get": "GET /agent/runs/{id}", "list": "GET /agent/runs (limit 20)", "create": "POST /agent/runs"}
        table.row(f"{kind}: {label[endpoint]} rate, oz-app / floor", f"{oz:.0f} / {floor:.0f}/s = {ratio:.2f}x",
                  f">= {TARGET_RATIO}x", ratio >= TARGET_RATIO)  # fmt: skip
        p99 = med("oz-app", endpoint, "p99")
        table.row(f"{kind}: {endpoint} oz-app p50 / p99 (floor p99)",
                  f"{med('oz-app', endpoint, 'p50') * 1000:.1f} / {p99 * 1000:.1f} ms "
                  f"({med('floor', endpoint, 'p99') * 1000:.1f} ms)", f"p99 <= {TARGET_P99_S * 1000:.0f} ms",
                  p99 <= TARGET_P99_S)  # fmt: skip
        table.row(f"{kind}: {endpoint} server CPU per request, oz-app / floor",
                  f"{med('oz-app', endpoint, 'cpu_per_request') * 1000:.2f} / "
                  f"{med('floor', endpoint, 'cpu_per_request') * 1000:.2f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--postgres-url", help="a PostgreSQL server to measure on as well (a scratch database)")
    parser.add_argument("--rounds", type=int, default=3, help="windows per server and endpoint (default 3)")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of a timed window (default 3)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--runs-in-db", type=int, default=10_000, help="runs seeded before measuring (default 10000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs (logs, database)")
    args = parser.parse_args()
    table = Table()
    kinds = ["sqlite"] + (["postgres"] if args.postgres_url else [])
    for kind in kinds:
        try:
            report(kind, measure(kind, args), table)
        except RuntimeError as exc:
            print(f"{kind}: benchmark stopped: {exc}", file=sys.stderr)
    print(f"\n{args.clients} concurrent clients, {args.seconds:g} s windows, medians of {args.rounds} rounds")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
