"""What a worker backend (``docker``, later ``kubernetes``) provides to ``oz-app --worker``.

A plugin registers a factory with ``oz_register_worker_backends``; ``factory(settings)``
returns an object with the methods of :class:`WorkerBackend`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

# Folders under /workspace/.oz whose files a run leaves for the control plane (CP-13): the
# sidecar makes them and names them to the harness as OZ_HANDOFF_DIR, OZ_ARTIFACTS_DIR and
# OZ_SCREENSHOTS_DIR. Handoff files become the run's handoff attachments; the others its FILE
# and SCREENSHOT artifacts.
LEFT_FOLDERS = ("handoff", "artifacts", "screenshots")
MAX_LEFT_FILES = 50  # per run, all folders together
MAX_LEFT_FILE_BYTES = 25 * 1024 * 1024  # the control plane's upload limit


@dataclass
class LeftFile:
    """A file a run left in one of :data:`LEFT_FOLDERS`, read once its container has ended."""

    folder: str
    path: str  # relative to the folder, "/"-separated
    data: bytes


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
    files: list[LeftFile] = field(default_factory=list)
    stage: str = ""  # the stage that failed: setup, repos, harness, input, worker_lost, timeout, start
    start_seconds: float | None = None  # from asking for the container to its start, when known


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
