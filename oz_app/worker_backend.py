"""What a worker backend (``docker``, later ``kubernetes``) provides to ``oz-app --worker``.

A plugin registers a factory with ``oz_register_worker_backends``; ``factory(settings)``
returns an object with the methods of :class:`WorkerBackend`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


class BackendError(Exception):
    """A run cannot be executed (missing image, engine unreachable): one sentence for the user."""


@dataclass
class RunResult:
    """How one run ended in its container."""

    status: Literal["succeeded", "failed", "cancelled"]
    output: str = ""
    exit_code: int | None = None
    message: str = ""
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    session_link: str = ""


class WorkerBackend(Protocol):
    """Executes claimed runs; every method is safe to call from the worker's event loop."""

    async def start(self, worker_id: str) -> None:
        """Check the engine, remove orphans of ``worker_id`` from an earlier crash, prepare the sidecar."""

    async def run(self, assignment: dict[str, Any], on_line: Callable[[str], None]) -> RunResult:
        """Execute one ``task_assignment`` to the end, calling ``on_line`` for every output line."""
        ...

    async def cancel(self, task_id: str) -> bool:
        """Stop and remove the run's container; its :meth:`run` then returns ``cancelled``."""
        ...

    async def stop_all(self) -> None:
        """Cancel every run this backend executes (shutdown)."""

    async def close(self) -> None:
        """Release the engine client."""
