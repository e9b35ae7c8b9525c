"""Runner benchmark: runs answered end to end, and live output latency to a ``curl -N`` follower.

    python benchmarks/runner.py [--runs 200] [--concurrency 20] [--repeats 3] [--follows 20]

Starts its own ``oz-app --headless --control-plane`` process (a temporary data dir, a free
port, SQLite in that dir) whose default provider ``bench`` is ``openai_compatible`` pointed at
a :class:`tests.fake_llm.FakeOpenAI` in this process, then measures:

1. end to end: N runs created through the real ``oz-agent-sdk`` (``AsyncOzAPI``,
   ``max_retries=0``), at most C creates in flight at once, until every one of them is
   SUCCEEDED (polled every 20 ms with a list of the tenant's unfinished runs). The fake answers
   at once (four words, no delay). A warm-up batch by another tenant goes first and is not
   counted; the batch is repeated R times, each by a new tenant, and the median rate is judged;
2. first-chunk latency: the fake now waits 0.5 s before each word and notes when it writes
   it. For each of F runs, ``curl -N`` follows ``GET /api/v1/agent/runs/{id}/events`` from
   right after the create; a thread reads curl's stdout line by line and timestamps the first
   ``event: output`` whose data carries text. The figure is that time minus the fake's write
   of the first word (one monotonic clock: the fake and the reader are both in this process).

Prints a table of metric, value, target and PASS/FAIL. A benchmark, not a test: the exit
status is 0 whatever the numbers (non-zero only if the server cannot be started at all).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import (
    ROOT,
    Server,
    Table,
    bench_provider_env,
    create_and_finish,
    discard,
    ms,
    p95,
    start_server,
)

sys.path.insert(0, str(ROOT))
from tests.fake_llm import FakeOpenAI

TARGET_RUNS_PER_S = 150.0  # issue 10: one SQLite process keeps at least this
TARGET_FIRST_CHUNK_S = 0.050
FOLLOW_DELAY_S = 0.5


async def end_to_end(api: str, token: str, count: int, concurrency: int) -> tuple[float, list[float], dict[str, int]]:
    """Create ``count`` runs (``concurrency`` in flight) and wait until none is unfinished.

    Returns the seconds from the first create to the poll that found them all finished, each
    create's latency, and how many runs ended in each state."""
    from oz_agent_sdk import AsyncOzAPI

    client = AsyncOzAPI(api_key=token, base_url=api, max_retries=0, timeout=30)
    try:
        begin = time.perf_counter()
        ids, latencies = await create_and_finish(client, count, concurrency)
        elapsed = time.perf_counter() - begin
        states: dict[str, int] = {}
        seen = set()
        async for run in client.agent.runs.list(limit=100):
            seen.add(run.run_id)
            states[run.state] = states.get(run.state, 0) + 1
        if seen != set(ids):
            raise RuntimeError(f"listed {len(seen)} runs, created {len(ids)}")
        return elapsed, latencies, states
    finally:
        await client.close()


def follow_once(server: Server, fake: FakeOpenAI, token: str) -> tuple[float, str]:
    """One run followed by ``curl -N``; the first chunk's delay after the provider wrote it."""
    from oz_agent_sdk import OzAPI

    fake.written.clear()
    with OzAPI(api_key=token, base_url=server.url + "/api/v1", max_retries=0, timeout=10) as client:
        run_id = client.agent.run(prompt="Benchmark: stream slowly").run_id
    command = [
        "curl",
        "-N",
        "-s",
        "-H",
        f"Authorization: Bearer {token}",
        f"{server.url}/api/v1/agent/runs/{run_id}/events",
    ]
    curl = subprocess.Popen(command, stdout=subprocess.PIPE)
    received: list[tuple[float, str]] = []

    def read() -> None:
        assert curl.stdout is not None
        output_at = None
        for line in curl.stdout:
            if line.startswith(b"event: output"):
                output_at = time.monotonic()
            elif line.startswith(b"data:") and output_at is not None:
                text = json.loads(line[5:])["text"]
                if text and not received:
                    received.append((output_at, text))
                output_at = None

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        curl.wait(timeout=30)  # the stream ends after the run's terminal state
    finally:
        if curl.poll() is None:
            curl.kill()
            curl.wait()
    reader.join(5)
    if not received or not fake.written:
        raise RuntimeError(f"run {run_id}: no output reached the follower (curl exited {curl.returncode})")
    return received[0][0] - fake.written[0], received[0][1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200, help="runs created and finished end to end (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="creates in flight at once (default 20)")
    parser.add_argument("--repeats", type=int, default=3, help="end-to-end batches, median judged (default 3)")
    parser.add_argument("--follows", type=int, default=20, help="runs followed with curl -N (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir (logs, database)")
    args = parser.parse_args()
    if shutil.which("curl") is None:
        print("benchmark stopped: curl is not installed", file=sys.stderr)
        return 1

    admin_key = "bench-admin-" + secrets.token_hex(16)
    data_dir = Path(tempfile.mkdtemp(prefix="oz-bench-runner-"))
    database_url = f"sqlite://{data_dir / 'oz.db'}"
    fake = FakeOpenAI(words=["Hello", " from", " the", " fake"], delay=0.0)
    env = bench_provider_env(admin_key, database_url, fake.url)
    table = Table()
    row = table.row
    print(f"oz-app runner benchmark: {database_url}, provider {fake.url}, data in {data_dir}", flush=True)
    server: Server | None = None
    try:
        server = start_server(data_dir, env)
        api = server.url + "/api/v1"

        # 1. End to end, after a warm-up by another tenant.
        warm = max(args.concurrency, 20)
        asyncio.run(end_to_end(api, "bench-warm-" + secrets.token_hex(8), warm, args.concurrency))
        rates, latencies, failed = [], [], 0
        for _ in range(args.repeats):
            elapsed, batch_latencies, states = asyncio.run(
                end_to_end(api, "bench-runs-" + secrets.token_hex(8), args.runs, args.concurrency)
            )
            rates.append(args.runs / elapsed)
            latencies += batch_latencies
            failed += args.runs - states.get("SUCCEEDED", 0)
            print(f"end to end: {args.runs} runs in {elapsed:.3f} s ({rates[-1]:.0f}/s), "
                  f"{args.concurrency} creates in flight; states {states}", flush=True)  # fmt: skip
        rate = statistics.median(rates)
        row(f"runs/s, create to SUCCEEDED ({args.runs}, {args.concurrency} at a time, median of {args.repeats})",
            f"{rate:.0f}/s", f">= {TARGET_RUNS_PER_S:.0f}/s", rate >= TARGET_RUNS_PER_S and not failed)  # fmt: skip
        row("runs/s, each batch", ", ".join(f"{r:.0f}" for r in rates))
        row("create latency median / p95", f"{ms(statistics.median(latencies))} / {ms(p95(latencies))}")
        if failed:
            row("runs not SUCCEEDED", str(failed), "0", False)

        # 2. First output chunk to a curl -N follower.
        fake.words, fake.delay = ["Hello", " world"], FOLLOW_DELAY_S
        token = "bench-follow-" + secrets.token_hex(8)
        gaps = []
        for _ in range(args.follows):
            gap, text = follow_once(server, fake, token)
            if text != fake.words[0]:
                raise RuntimeError(f"the follower's first output was {text!r}, not the first chunk alone")
            gaps.append(gap)
        print(f"first chunk to curl -N: {', '.join(f'{g * 1000:.1f}' for g in gaps)} ms", flush=True)
        median = statistics.median(gaps)
        row(f"first chunk, provider write to curl -N (median of {args.follows})", ms(median),
            f"<= {ms(TARGET_FIRST_CHUNK_S)}", median <= TARGET_FIRST_CHUNK_S)  # fmt: skip
        row("first chunk p95 / max", f"{ms(p95(gaps))} / {ms(max(gaps))}")
    except RuntimeError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        if server is None:
            return 1
    finally:
        if server is not None:
            server.stop()
        fake.close()
        discard(data_dir, args.keep)

    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
