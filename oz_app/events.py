"""In-process publish/subscribe of run events (output chunks, state changes) for live views."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from oz_app.db.models import TERMINAL_STATES

QUEUE_LIMIT = 10_000


class RunEvents:
    """Fan-out of each run's events to the subscribers of that run in this process.

    The output of runs streaming in this process is kept until they end, so a subscriber gets
    everything said so far and then every later chunk, with nothing lost or repeated between.
    Output events carry their ``offset`` in the run's output.
    """

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._outputs: dict[str, list[str]] = {}
        self._lengths: dict[str, int] = {}

    def publish(self, run_id: str, event: dict[str, Any]) -> None:
        if event["type"] == "output":
            offset = self._lengths.get(run_id, 0)
            event = {**event, "offset": offset}
            self._outputs.setdefault(run_id, []).append(event["text"])
            self._lengths[run_id] = offset + len(event["text"])
        elif event.get("state") in TERMINAL_STATES:
            self._outputs.pop(run_id, None)
            self._lengths.pop(run_id, None)
        for queue in self._subscribers.get(run_id, ()):
            if queue.qsize() < QUEUE_LIMIT:
                queue.put_nowait(event)

    def streamed(self, run_id: str) -> str | None:
        """The output so far of a run streaming in this process, else None."""
        chunks = self._outputs.get(run_id)
        return None if chunks is None else "".join(chunks)

    @contextmanager
    def subscribe(self, run_id: str) -> Iterator[tuple[asyncio.Queue[dict[str, Any]], str | None]]:
        """The run's event queue and, if it is streaming in this process, its output so far."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers[run_id].add(queue)
        try:
            yield queue, self.streamed(run_id)
        finally:
            self._subscribers[run_id].discard(queue)
            if not self._subscribers[run_id]:
                del self._subscribers[run_id]
