"""Metrics benchmark (OPS-1): what ``/metrics`` costs a control plane.

    python benchmarks/metrics.py [--rounds 20] [--creates 50] [--runs-in-db 10000]

Starts two ``oz-app --headless --control-plane`` processes side by side, each with its own
SQLite database and the same provider (a :class:`tests.fake_llm.FakeOpenAI` in this process
answering four words at once): one with metrics on (the default) and scraped every
``--scrape-every`` seconds while it is measured, as Prometheus would, one with
``OZ_METRICS=false``. Then:

1. create latency: ``--rounds`` rounds; in each, ``--creates`` sequential runs created through
   the real ``oz-agent-sdk`` (``AsyncOzAPI``), one on each server in turn (which goes first
   alternates), each round on a fresh pair of processes and waiting for its runs to finish.
   Same sitting, interleaved create by create, so the machine's other load falls on both alike;
   the medians of all creates are compared (target: metrics add at most 2 %), and the in-process
   cost of the metrics middleware per request is shown beside them;
2. scrape time: the metrics server's database is filled to ``--runs-in-db`` runs (written
   straight into SQLite: mostly finished, some waiting for a worker), then ``--scrapes``
   sequential ``GET /metrics``; median and p95.

A benchmark, not a test: the exit status is 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import ROOT, Server, Table, bench_provider_env, create_and_finish, discard, ms, p95, start_server
from control_plane import seed_sqlite
from starlette.types import ASGIApp, Message, Receive, Scope, Send

sys.path.insert(0, str(ROOT))
from tests.fake_llm import FakeOpenAI

WARM_UP = 10  # creates before each timed batch
TARGET_OVERHEAD = 0.02  # /metrics adds at most 2 % to the median create latency
WAITING_SHARE = 100  # one seeded run in this many waits for a worker (PENDING)


class Scraper:
    """Scrapes ``/metrics`` every ``interval`` seconds from a thread, as Prometheus would."""

    def __init__(self, server: Server, admin_key: str, interval: float) -> None:
        self.url = server.url + "/metrics"
        self.headers = {"Authorization": f"Bearer {admin_key}"}
        self.interval = interval
        self.scrapes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Scraper:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _loop(self) -> None:
        with httpx.Client(headers=self.headers, timeout=30) as client:
            while not self._stop.wait(self.interval):
                if client.get(self.url).status_code == 200:
                    self.scrapes += 1


async def one_round(on: Server, off: Server, token: str, creates: int, number: int) -> dict[str, list[float]]:
    """Per-create latencies on ``on`` (metrics on) and ``off``: one create on each in turn (which
    goes first alternates), so a burst of the machine's other load falls on both alike."""
    from oz_agent_sdk import AsyncOzAPI

    clients = {
        name: AsyncOzAPI(api_key=token, base_url=server.url + "/api/v1", max_retries=0, timeout=30)
        for name, server in (("on", on), ("off", off))
    }
    latencies: dict[str, list[float]] = {"on": [], "off": []}
    for client in clients.values():
        await create_and_finish(client, WARM_UP, 1)  # connection, caches, the executor's first claims
    for index in range(creates):
        for name in ("on", "off") if (number + index) % 2 == 0 else ("off", "on"):
            sent = time.perf_counter()
            await clients[name].agent.run(prompt=f"Benchmark run {number}.{index}: say hello")
            latencies[name].append(time.perf_counter() - sent)
    for client in clients.values():
        await create_and_finish(client, 0, 1)  # the round's runs end before the next round
        await client.close()
    return latencies


def start_pair(scratch: Path, admin_key: str, fake_url: str, control: bool) -> tuple[Server, Server]:
    """A fresh server of each kind, on the database it had in earlier rounds (``control``: both
    with metrics off, to show how far two identical servers differ on this machine)."""
    pair = []
    for name, metrics in (("on", "false" if control else "true"), ("off", "false")):
        folder = scratch / name
        folder.mkdir(exist_ok=True)
        env = bench_provider_env(admin_key, f"sqlite://{folder / 'oz.db'}", fake_url) | {"OZ_METRICS": metrics}
        pair.append(start_server(folder, env))
    return pair[0], pair[1]


def fill(database: Path, tenant: str, runs: int) -> None:
    """Bring the database to ``runs`` runs: copies of the tenant's newest, most finished, one in
    :data:`WAITING_SHARE` waiting for a worker (PENDING, REMOTE), one in ten FAILED."""
    db = sqlite3.connect(database, timeout=30)
    try:
        missing = runs - db.execute('SELECT COUNT(*) FROM "runs"').fetchone()[0]
    finally:
        db.close()
    if missing <= 0:
        return
    seed_sqlite(str(database), tenant, missing)
    db = sqlite3.connect(database, timeout=30)
    try:
        with db:
            db.execute('UPDATE "runs" SET "state" = \'FAILED\' WHERE "title" LIKE \'benchmark run %0\'')
            db.execute(
                'UPDATE "runs" SET "state" = \'PENDING\', "execution_location" = \'REMOTE\', "claimed_by" = NULL, '
                f'"finished_at" = NULL WHERE "title" LIKE \'benchmark run %\' AND rowid % {WAITING_SHARE} = 1'
            )
    finally:
        db.close()


def time_scrapes(server: Server, admin_key: str, count: int) -> list[float]:
    headers = {"Authorization": f"Bearer {admin_key}"}
    latencies = []
    with httpx.Client(headers=headers, timeout=30) as client:
        for _ in range(3):
            client.get(server.url + "/metrics")
        for _ in range(count):
            sent = time.perf_counter()
            response = client.get(server.url + "/metrics")
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200:
                raise RuntimeError(f"/metrics answered {response.status_code}: {response.text[:300]}")
    return latencies


def middleware_cost(requests: int) -> tuple[float, float]:
    """Seconds per request through a do-nothing ASGI app, bare and inside the metrics middleware
    (in this process, no network: the cost the middleware adds to every API request)."""
    from oz_app.metrics.control_plane import ControlPlaneMetrics, HttpMetrics

    async def bare(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def received() -> Message:
        return {"type": "http.request", "body": b""}

    async def sent(message: Message) -> None:
        return None

    metered = HttpMetrics(bare, ControlPlaneMetrics().http_seconds, lambda: [])

    async def timed(app: ASGIApp) -> float:
        began = time.perf_counter()
        for _ in range(requests):
            await app({"type": "http", "method": "POST", "path": "/api/v1/agent/runs"}, received, sent)
        return (time.perf_counter() - began) / requests

    async def both() -> tuple[float, float]:
        await timed(metered)
        return await timed(bare), await timed(metered)

    return asyncio.run(both())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds (default 20)")
    parser.add_argument("--creates", type=int, default=50, help="sequential creates per server and round (default 50)")
    parser.add_argument("--scrape-every", type=float, default=1.0, help="seconds between scrapes (default 1)")
    parser.add_argument("--runs-in-db", type=int, default=10_000, help="runs in the database for the scrape timing")
    parser.add_argument("--scrapes", type=int, default=50, help="sequential scrapes timed (default 50)")
    parser.add_argument(
        "--control", action="store_true", help="A/A control: metrics off on both servers, nothing scraped"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch data dirs")
    args = parser.parse_args()

    admin_key = secrets.token_urlsafe(24)
    token = "bench-" + secrets.token_hex(8)
    scratch = Path(tempfile.mkdtemp(prefix="oz-bench-metrics-"))
    fake = FakeOpenAI(words=["Hello", " from", " the", " fake"])
    servers: list[Server] = []
    table = Table()
    try:
        on_dir = scratch / "on"
        latencies: dict[str, list[float]] = {"on": [], "off": []}
        ratios = []
        scraped = 0
        for number in range(args.rounds):
            # Fresh processes each round: what one process's luck with the scheduler costs evens out.
            on, off = start_pair(scratch, admin_key, fake.url, args.control)
            servers[:] = [on, off]
            with Scraper(on, admin_key, 3600 if args.control else args.scrape_every) as scraper:
                taken = asyncio.run(one_round(on, off, token, args.creates, number))
            scraped += scraper.scrapes
            for name in ("on", "off"):
                latencies[name] += taken[name]
            ratios.append(statistics.median(taken["on"]) / statistics.median(taken["off"]))
            print(f"round {number + 1}/{args.rounds}: median on {ms(statistics.median(taken['on']))}, "
                  f"off {ms(statistics.median(taken['off']))}", flush=True)  # fmt: skip
            if number < args.rounds - 1:
                for server in servers:
                    server.stop()
        median_on, median_off = statistics.median(latencies["on"]), statistics.median(latencies["off"])
        overhead = median_on / median_off - 1
        count = len(latencies["on"])
        table.row(f"create latency median, metrics on ({count} creates, {scraped} scrapes meanwhile)",
                  ms(median_on))  # fmt: skip
        table.row(f"create latency median, OZ_METRICS=false ({count} creates)", ms(median_off))
        table.row("create latency p95, on / off", f"{ms(p95(latencies['on']))} / {ms(p95(latencies['off']))}")
        table.row("/metrics overhead on the median create", f"{overhead * 100:+.1f} %",
                  f"<= {TARGET_OVERHEAD * 100:.0f} %", overhead <= TARGET_OVERHEAD)  # fmt: skip
        table.row(
            f"median of the {args.rounds} rounds' on/off ratios", f"{(statistics.median(ratios) - 1) * 100:+.1f} %"
        )

        if not args.control:  # (the control's servers have no /metrics)
            bare, metered = middleware_cost(50_000)
            table.row("metrics middleware per request, in-process (50,000)", f"{(metered - bare) * 1e6:.1f} µs")

            on = servers[0]
            fill(on_dir / "oz.db", _tenant_of(on_dir / "oz.db"), args.runs_in_db)
            scrapes = time_scrapes(on, admin_key, args.scrapes)
            table.row(f"scrape median / p95 ({args.runs_in_db} runs, {args.scrapes} scrapes)",
                      f"{ms(statistics.median(scrapes))} / {ms(p95(scrapes))}")  # fmt: skip
    except RuntimeError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        for server in servers:
            server.stop()
        fake.close()
        discard(scratch, args.keep)
    table.print()
    return 0


def _tenant_of(database: Path) -> str:
    db = sqlite3.connect(database, timeout=30)
    try:
        row = db.execute('SELECT "tenant" FROM "runs" ORDER BY "created_at" DESC LIMIT 1').fetchone()
    finally:
        db.close()
    if row is None:
        raise RuntimeError("no run in the database to copy")
    return str(row[0])


if __name__ == "__main__":
    sys.exit(main())
