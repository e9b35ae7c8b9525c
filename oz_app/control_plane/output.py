"""A run's output as it streams: appended to the run, one write at a time (ST-2).

Chunks that arrive while a write is under way go into the next write, so the output in the
database is at most one write behind the provider and is never rewritten, however fast the
chunks come. Each write is announced on the run's topic with where its text starts
(:meth:`RunService.append_output`).
"""

from __future__ import annotations

import asyncio
import contextlib

from oz_app.control_plane.service import RunService


class OutputStream:
    def __init__(self, run_id: str, holder: str, runs: RunService) -> None:
        self.run_id = run_id
        self.holder = holder
        self._runs = runs
        self._chunks: list[str] = []
        self._pending: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self._writing = False
        self.lost = False  # the run stopped being ours (cancelled, failed by lease)

    @property
    def text(self) -> str:
        """Everything streamed so far."""
        return "".join(self._chunks)

    def add(self, chunk: str) -> None:
        """Queue ``chunk`` for the database; raises what the previous write raised (a full disk)."""
        if self._task is not None and self._task.done():
            self._task.result()
        self._chunks.append(chunk)
        self._pending.append(chunk)
        if self._task is None or self._task.done():
            self._writing = False
            self._task = asyncio.create_task(self._write(), name=f"oz-output-{self.run_id}")

    async def _write(self) -> None:
        self._writing = True
        while self._pending and not self.lost:
            text = "".join(self._pending)
            self._pending.clear()
            if await self._runs.append_output(self.run_id, text, self.holder) is None:
                self.lost = True

    async def close(self) -> str:
        """Stop writing and return the text not written yet, for the write that ends the run.
        A write under way is finished first; one not yet begun is dropped (its text returned)."""
        task, self._task = self._task, None
        if task is not None and not task.done() and not self._writing:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        elif task is not None:
            await task
        leftover = "".join(self._pending)
        self._pending.clear()
        return leftover
