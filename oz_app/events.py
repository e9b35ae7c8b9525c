"""In-process publish/subscribe of run events (output chunks, state changes) for live views."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

QUEUE_LIMIT = 10_000


class RunEvents:
    """Fan-out of each run's events to the subscribers of that run in this process."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    def publish(self, run_id: str, event: dict[str, Any]) -> None:
        for queue in self._subscribers.get(run_id, ()):
            if queue.qsize() < QUEUE_LIMIT:  # a stalled reader catches up from the database instead
                queue.put_nowait(event)

    @contextmanager
    def subscribe(self, run_id: str) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers[run_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[run_id].discard(queue)
            if not self._subscribers[run_id]:
                del self._subscribers[run_id]
