"""Scale-out benchmark: runs end to end on one control plane, then on two sharing one PostgreSQL.

    python benchmarks/scale_out_api.py [--runs 300] [--concurrency 20] [--rounds 3] [--clients 2]
                                       [--postgres-url postgres://postgres:postgres@127.0.0.1:5432/postgres]

Target: runs end to end with an instant provider, two control planes on one PostgreSQL, at
least 1.5x one control plane.

Each measurement starts its ``oz-app --headless --control-plane`` process(es) on a NEW
PostgreSQL database (created on the server of ``--postgres-url``, or ``OZ_TEST_POSTGRES_URL``,
and dropped afterwards), with the default provider ``bench`` (``openai_compatible``) pointed
at a :class:`tests.fake_llm.FakeOpenAI` in this process that answers four words without delay.

The client work is done by ``--clients`` separate processes (multiprocessing), the same number
whether there is one control plane or two, so that the client side is identical in both and is
not what is measured: client ``i`` sends its creates to control plane ``i % planes``. Each
client creates ``runs / clients`` runs through the real ``oz-agent-sdk`` (``AsyncOzAPI``,
``max_retries=0``), ``concurrency / clients`` creates in flight, all with ONE tenant token, then
polls its control plane every 20 ms (a list of the tenant's unfinished runs, limit 1) until none
is unfinished. All clients start together; the time is from their start to the last client's
poll that found nothing unfinished (every client's runs were created before its polling began,
so the last such poll covers every run). Every run must then be SUCCEEDED. A warm-up batch by
another tenant goes through each control plane first and is not counted.

One plane and two planes are measured alternately, ``--rounds`` times each; the medians and their
ratio are judged. Also shown: CPU seconds used per second of the batch by the control planes,
the client processes, PostgreSQL (the server's own processes and the benchmark database's
backends), this process (the fake provider) and everything else on the machine, read from
``/proc``, so a figure below target says which side was busy (the machine has 2 cores: at most
2 CPU seconds per second in all). From the CPU milliseconds
each run costs, a "ceiling" row gives the rate idle cores would allow: a control plane process
uses at most one core, and every process of the benchmark shares the machine's cores.

A benchmark, not a test: the exit status is 0 whatever the numbers (non-zero only if a
control plane or the database cannot be started).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import ROOT, Server, Table, bench_provider_env, create_and_finish, discard, ms, start_server

sys.path.insert(0, str(ROOT))
from tests.fake_llm import FakeOpenAI

TARGET_RATIO = 1.5
POLL_S = 0.02
DEADLINE_S = 180.0
DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
TICKS = os.sysconf("SC_CLK_TCK")


# --- the database -----------------------------------------------------------------------------


def _admin(admin_url: str, sql: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(admin_url, timeout=10)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


def new_database(admin_url: str) -> str:
    name = f"oz_bench_scale_out_{uuid.uuid4().hex[:12]}"
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    try:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    except Exception as exc:
        print(f"could not drop {url}: {exc}", file=sys.stderr)


# --- CPU use from /proc -------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def machine_busy_seconds() -> float:
    """CPU seconds all processors spent busy since boot (``/proc/stat``: all but idle and iowait)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def postgres_pids(database: str) -> list[int]:
    """PostgreSQL's processes serving ``database`` (its backends) or the whole server (the
    postmaster, WAL writer, checkpointer...), not the backends of other databases."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            backend = "(" in command or "[local]" in command
            if not backend or f" {database} " in command:
                pids.append(int(entry.name))
    return pids


class CpuMeter:
    """CPU seconds used by groups of processes between ``start`` and ``stop``."""

    def __init__(self, groups: dict[str, list[int]], database: str) -> None:
        self.groups = groups
        self.database = database
        self.before: dict[int, float] = {}
        self.used: dict[str, float] = {}

    def start(self) -> None:
        pids = {pid for group in self.groups.values() for pid in group} | set(postgres_pids(self.database))
        self.before = {pid: cpu_seconds(pid) for pid in pids}
        self.machine = machine_busy_seconds()

    def stop(self) -> None:
        groups = {**self.groups, "postgres": postgres_pids(self.database)}
        # a PostgreSQL backend that began during the batch counts from zero
        self.used = {
            name: sum(cpu_seconds(pid) - self.before.get(pid, 0.0) for pid in pids) for name, pids in groups.items()
        }
        # what else ran on the machine meanwhile (another program's load makes the figures lower)
        self.used["everything else"] = max(0.0, machine_busy_seconds() - self.machine - sum(self.used.values()))


# --- the client processes -----------------------------------------------------------------------


async def _client_batch(api: str, token: str, count: int, concurrency: int, first: int) -> tuple[float, list[float]]:
    """Create ``count`` runs, ``concurrency`` in flight; poll until the tenant has none unfinished.
    Returns the monotonic time of that poll and each create's latency."""
    from oz_agent_sdk import AsyncOzAPI

    client = AsyncOzAPI(api_key=token, base_url=api, max_retries=0, timeout=60)
    try:
        _, latencies = await create_and_finish(client, count, concurrency, first, DEADLINE_S, POLL_S)
        return time.monotonic(), latencies
    finally:
        await client.close()


def _client_main(api: str, ready: Any, go: Any, results: Any, jobs: Any) -> None:
    """A client process: for each job (token, count, concurrency, first index), wait for ``go``,
    run the batch, put (end time, latencies) or an error in ``results``; None ends it."""
    from oz_agent_sdk import AsyncOzAPI  # imported before timing starts

    del AsyncOzAPI
    while True:
        job = jobs.get()
        if job is None:
            return
        ready.wait()
        go.wait()
        try:
            results.put(asyncio.run(_client_batch(api, *job)))
        except Exception as exc:
            results.put(f"{type(exc).__name__}: {exc}")


@dataclass
class Clients:
    """``count`` client processes; client ``i`` talks to ``apis[i % len(apis)]``."""

    processes: list[multiprocessing.Process]
    jobs: list[Any]
    results: Any
    ready: Any
    go: Any

    @classmethod
    def start(cls, apis: list[str], count: int) -> Clients:
        context = multiprocessing.get_context("spawn")
        ready, go, results = context.Barrier(count + 1), context.Event(), context.Queue()
        jobs = [context.Queue() for _ in range(count)]
        processes = [
            context.Process(target=_client_main, args=(apis[i % len(apis)], ready, go, results, jobs[i]), daemon=True)
            for i in range(count)
        ]
        for process in processes:
            process.start()
        return cls(processes, jobs, results, ready, go)

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes if process.pid is not None]

    def batch(
        self, token: str, runs: int, concurrency: int, meter: CpuMeter | None = None
    ) -> tuple[float, list[float]]:
        """All clients at once, ``runs`` and ``concurrency`` shared out; seconds and create latencies."""
        count = len(self.processes)
        self.go.clear()
        share, extra = divmod(runs, count)
        first = 0
        for index, queue in enumerate(self.jobs):
            mine = share + (1 if index < extra else 0)
            queue.put((token, mine, max(1, concurrency // count), first))
            first += mine
        self.ready.wait()  # every client has its job and waits for go
        if meter is not None:
            meter.start()
        begin = time.monotonic()
        self.go.set()
        ends, latencies = [], []
        for _ in range(count):
            result = self.results.get(timeout=DEADLINE_S + 60)
            if isinstance(result, str):
                raise RuntimeError(f"a client failed: {result}")
            ends.append(result[0])
            latencies += result[1]
        if meter is not None:
            meter.stop()
        return max(ends) - begin, latencies

    def stop(self) -> None:
        for queue in self.jobs:
            queue.put(None)
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()


# --- one measurement ----------------------------------------------------------------------------


@dataclass
class Measure:
    planes: int
    rate: float
    seconds: float
    latencies: list[float]
    cpu: dict[str, float]  # CPU seconds per second of the batch, by group


def states_of(api: str, token: str) -> dict[str, int]:
    from oz_agent_sdk import OzAPI

    states: dict[str, int] = {}
    with OzAPI(api_key=token, base_url=api, max_retries=0, timeout=60) as client:
        for run in client.agent.runs.list(limit=100):
            states[run.state] = states.get(run.state, 0) + 1
    return states


def measure(planes: int, args: argparse.Namespace, fake: FakeOpenAI, admin_key: str, scratch: Path) -> Measure:
    database_url = new_database(args.postgres_url)
    env = bench_provider_env(admin_key, database_url, fake.url)
    servers: list[Server] = []
    clients: Clients | None = None
    try:
        for index in range(planes):
            data_dir = scratch / f"{database_url.rsplit('/', 1)[1]}-{index}"
            data_dir.mkdir()
            servers.append(start_server(data_dir, env))
        apis = [server.url + "/api/v1" for server in servers]
        clients = Clients.start(apis, args.clients)
        clients.batch("bench-warm-" + secrets.token_hex(8), args.warmup, args.concurrency)
        token = "bench-runs-" + secrets.token_hex(8)
        meter = CpuMeter(
            {
                "control planes": [server.process.pid for server in servers],
                "clients": clients.pids,
                "fake provider (this process)": [os.getpid()],
            },
            database_url.rsplit("/", 1)[1],
        )
        seconds, latencies = clients.batch(token, args.runs, args.concurrency, meter)
        states = states_of(apis[0], token)
        if states != {"SUCCEEDED": args.runs}:
            raise RuntimeError(f"{planes} control plane(s): the runs ended {states}, not all {args.runs} SUCCEEDED")
        cpu = {name: used / seconds for name, used in meter.used.items()}
        return Measure(planes, args.runs / seconds, seconds, latencies, cpu)
    finally:
        if clients is not None:
            clients.stop()
        for server in servers:
            server.stop()
        drop_database(args.postgres_url, database_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=300, help="runs per measurement (default 300)")
    parser.add_argument("--concurrency", type=int, default=20, help="creates in flight in all (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each, interleaved (default 3)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--warmup", type=int, default=40, help="uncounted runs first, by another tenant (default 40)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("OZ_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL database to connect to for creating the scratch databases",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs (logs)")
    args = parser.parse_args()

    admin_key = "bench-admin-" + secrets.token_hex(16)
    scratch = Path(tempfile.mkdtemp(prefix="oz-bench-scale-out-"))
    fake = FakeOpenAI(words=["Hello", " from", " the", " fake"], delay=0.0)
    host = args.postgres_url.rsplit("@", 1)[-1].rsplit("/", 1)[0]
    print(
        f"oz-app scale-out benchmark: PostgreSQL at {host}, provider {fake.url}, {os.cpu_count()} CPUs, "
        f"{args.runs} runs, {args.concurrency} creates in flight, {args.clients} client processes",
        flush=True,
    )
    results: dict[int, list[Measure]] = {1: [], 2: []}
    table = Table()
    row = table.row
    try:
        for round_index in range(args.rounds):
            for planes in (1, 2):
                result = measure(planes, args, fake, admin_key, scratch)
                results[planes].append(result)
                cpu = ", ".join(f"{name} {share:.2f}" for name, share in result.cpu.items())
                print(
                    f"round {round_index + 1}, {planes} control plane(s): {args.runs} runs in {result.seconds:.3f} s "
                    f"({result.rate:.0f}/s); CPU s per s: {cpu}",
                    flush=True,
                )
    except RuntimeError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        fake.close()
        discard(scratch, args.keep)

    medians = {planes: statistics.median(m.rate for m in measures) for planes, measures in results.items()}
    for planes, measures in results.items():
        label = "1 control plane" if planes == 1 else f"{planes} control planes, one PostgreSQL"
        row(f"runs/s, {label} (median of {args.rounds})", f"{medians[planes]:.0f}/s")
        row(f"  each round ({label})", ", ".join(f"{m.rate:.0f}" for m in measures))
        latencies = [latency for m in measures for latency in m.latencies]
        row(f"  create latency median ({label})", ms(statistics.median(latencies)))
        shares = {name: statistics.median(m.cpu[name] for m in measures) for name in measures[0].cpu}
        row(f"  CPU s per s ({label})", ", ".join(f"{name} {share:.2f}" for name, share in shares.items()))
        per_run = {
            name: statistics.median(m.cpu[name] / m.rate * 1000 for m in measures)
            for name in measures[0].cpu
            if name != "everything else"
        }
        row(f"  CPU ms per run ({label})", ", ".join(f"{name} {value:.2f}" for name, value in per_run.items()))
        # What the CPU these runs cost allows on idle cores: each control plane process uses at most
        # one core, and all the processes of the benchmark share the machine's.
        cores = os.cpu_count() or 1
        ceiling = min(planes * 1000 / per_run["control planes"], cores * 1000 / sum(per_run.values()))
        row(f"  ceiling from CPU per run on {cores} idle cores ({label})", f"{ceiling:.0f}/s")
    ratio = medians[2] / medians[1]
    row("two control planes / one", f"{ratio:.2f}x", f">= {TARGET_RATIO:.1f}x", ratio >= TARGET_RATIO)
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
