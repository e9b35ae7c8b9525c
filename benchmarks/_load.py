"""A load generator for the API benchmarks: N concurrent clients (aiohttp, one keep-alive
connection each) sending requests back to back for a fixed time; rate, p50/p99 and the
server's CPU time per request (from ``/proc``)."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

Request = tuple[str, str, Any]  # method, path (with query), JSON body or None
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Load:
    """What one timed window measured."""

    count: int
    seconds: float
    latencies: list[float]
    server_cpu_s: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[98]

    @property
    def cpu_per_request(self) -> float:
        return self.server_cpu_s / self.count


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def drive(
    base_url: str,
    request: Callable[[int], Request],
    *,
    clients: int,
    seconds: float,
    warmup: float = 0.5,
    headers: dict[str, str] | None = None,
    server_pid: int | None = None,
) -> Load:
    """Send ``request(i)`` from ``clients`` concurrent clients for ``warmup`` + ``seconds``;
    only the requests sent and answered within the timed window count. Raises on any non-2xx."""
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    async with aiohttp.ClientSession(base_url, connector=connector, headers=headers) as session:
        start = time.perf_counter() + warmup
        end = start + seconds
        counter = iter(range(1 << 62))
        cpu_at_start: list[float] = []

        async def client() -> None:
            while (sent := time.perf_counter()) < end:
                method, path, body = request(next(counter))
                async with session.request(method, path, json=body) as response:
                    data = await response.read()
                    if response.status >= 300:
                        raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
                done = time.perf_counter()
                if sent >= start and done <= end:
                    latencies.append(done - sent)

        async def mark() -> None:
            await asyncio.sleep(max(0.0, start - time.perf_counter()))
            if server_pid:
                cpu_at_start.append(cpu_seconds(server_pid))

        await asyncio.gather(mark(), *(client() for _ in range(clients)))
        cpu = cpu_seconds(server_pid) - cpu_at_start[0] if server_pid and cpu_at_start else 0.0
    return Load(len(latencies), seconds, latencies, cpu)
