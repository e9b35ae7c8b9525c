"""Helpers shared by the benchmarks: start a control plane process, create runs and wait for
them, percentiles, print the results table."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BUSY = ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS"]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


async def create_and_finish(
    client: Any, count: int, concurrency: int, first: int = 0, deadline_s: float = 120.0, poll_s: float = 0.02
) -> tuple[list[str], list[float]]:
    """Create ``count`` runs with the SDK's ``AsyncOzAPI`` ``client`` (``concurrency`` in flight,
    prompts numbered from ``first``), then poll until its tenant has none unfinished. Returns the
    run ids and each create's latency in seconds."""
    slots = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def create(index: int) -> str:
        async with slots:
            sent = time.perf_counter()
            run = await client.agent.run(prompt=f"Benchmark run {index}: say hello")
            latencies.append(time.perf_counter() - sent)
            return str(run.run_id)

    ids = await asyncio.gather(*(create(first + i) for i in range(count)))
    deadline = time.monotonic() + deadline_s
    while (await client.agent.runs.list(state=BUSY, limit=1)).runs:
        if time.monotonic() > deadline:
            raise RuntimeError(f"runs were still unfinished after {deadline_s:.0f} s")
        await asyncio.sleep(poll_s)
    return list(ids), latencies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(admin_key: str, database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without any ``OZ_*``/``DATABASE_URL``, plus the given settings."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL"))},
        "OZ_ADMIN_API_KEY": admin_key,
        "OZ_CONFIG_FILE": "",
        "OZ_LOG_FORMAT": "json",
        "DATABASE_URL": database_url,
        **settings,
    }


def bench_provider_env(admin_key: str, database_url: str, fake_url: str) -> dict[str, str]:
    """:func:`server_env` whose default provider ``bench`` is the OpenAI-compatible fake at ``fake_url``."""
    return server_env(
        admin_key,
        database_url,
        OZ_PROVIDER_BENCH_TYPE="openai_compatible",
        OZ_PROVIDER_BENCH_BASE_URL=fake_url,
        OZ_PROVIDER_BENCH_MODEL="m",
        OZ_DEFAULT_PROVIDER="bench",
    )


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    startup_s: float

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    data_dir: Path, env: dict[str, str], timeout: float = 30.0, *, control_plane: bool = True, cwd: Path = ROOT
) -> Server:
    """Start the control plane; returns once ``/health`` answered 200, with the time it took.
    With ``control_plane=False``, start the workspace (``oz-app --headless``: the pages with the
    control-plane API in the same process) instead. ``cwd`` is its working directory (where
    NiceGUI keeps its per-browser storage, ``.nicegui/``)."""
    port = free_port()
    log_path = data_dir / f"server-{port}.log"
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "oz_app.cli", "--headless", "--control-plane",
        "--port", str(port), "--data-dir", str(data_dir),
    ]  # fmt: skip
    if not control_plane:
        command.remove("--control-plane")
    return launch(command, env, url, log_path, "the control plane", timeout, cwd)


def launch(
    command: list[str], env: dict[str, str], url: str, log_path: Path, what: str, timeout: float, cwd: Path = ROOT
) -> Server:
    """Run ``command`` (a server answering ``url + "/health"``); returns once that answered 200,
    with the time it took."""
    with log_path.open("ab") as log, httpx.Client(timeout=1.0) as probe:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        server = Server(process, url, log_path, 0.0)
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                if probe.get(url + "/health").status_code == 200:
                    server.startup_s = time.perf_counter() - started
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.005)
    server.stop()
    raise RuntimeError(f"{what} did not become healthy in {timeout} s:\n{log_path.read_text()}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


@dataclass
class Table:
    """Rows of metric, value, target and PASS/FAIL (blank when there is no target)."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def row(self, metric: str, value: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append((metric, value, target, "" if ok is None else ("PASS" if ok else "FAIL")))

    def print(self) -> None:
        header = ("metric", "value", "target", "result")
        widths = [max(len(r[i]) for r in [header, *self.rows]) for i in range(4)]
        print()
        for r in [header, tuple("-" * w for w in widths), *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip())


def discard(data_dir: Path, keep: bool) -> None:
    """Remove a benchmark's scratch data dir, or say where it was kept (``--keep``)."""
    if keep:
        print(f"kept {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
