"""What a worker backend (``docker``, ``direct``, ``command``, a plugin's) provides to ``oz-app --worker``.

A plugin registers a factory with ``oz_register_worker_backends``; ``factory(settings)``
returns an object with the methods of :class:`WorkerBackend`. For each run the worker prepares
a :class:`oz_app.task_input.RunFolder` (the task document, the FIFO it holds while it lives, the
sidecar's output folder) and hands it to :meth:`WorkerBackend.run`, which runs
``sidecar/entrypoint.sh`` with ``OZ_WORKSPACE``, ``OZ_TASK_FILE`` and ``OZ_ALIVE_FILE`` pointing
at it and uses the sidecar's ``result.json`` (:meth:`RunFolder.result`) as the run's result.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from oz_app.config import Settings
    from oz_app.task_input import RunFolder
    from oz_app.worker_frames import TaskAssignment

from loguru import logger

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
    stage: str = ""  # the step that failed: setup, repos, harness, input, worker_lost, timeout, start; "" on success
    start_seconds: float | None = None  # from run() being called to the task's process running


class WorkerBackend(Protocol):
    """Executes claimed runs; every method is safe to call from the worker's event loop."""

    async def start(self, worker_id: str) -> None:
        """Check what the backend needs (the engine, the sidecar, the operator's consent) and
        remove what an earlier crash of ``worker_id`` left."""

    async def run(self, assignment: TaskAssignment, folder: RunFolder, on_line: Callable[[str], None]) -> RunResult:
        """Execute one assignment to the end, calling ``on_line`` for every output line; its
        inputs are in ``folder`` (already written), its outputs go there."""
        ...

    async def cancel(self, task_id: str) -> bool:
        """Stop the run's task (its container, its process group); :meth:`run` then returns ``cancelled``."""
        ...

    async def stop_all(self) -> None:
        """Cancel every run this backend executes (shutdown)."""

    async def close(self) -> None:
        """Release what the backend holds (the engine client)."""


# --- helpers every backend shares ------------------------------------------------------------


def over_time_limit(limit: int) -> str:
    """The failure reason of a run stopped at ``OZ_WORKER_RUN_TIMEOUT_SECONDS``, whatever ran it."""
    return f"The run exceeded its time limit of {limit} s (OZ_WORKER_RUN_TIMEOUT_SECONDS) and was stopped."


_PULL_REQUEST = re.compile(
    r"https://(?:github\.com/[\w.-]+/[\w.-]+/pull/\d+|[\w.-]*gitlab[\w.-]*/[\w./-]+?/-/merge_requests/\d+)"
)
_BRANCH = re.compile(r"\bbranch\s*[:=]\s*[`'\"]?([A-Za-z0-9._/-]+)", re.IGNORECASE)
_SESSION_LINK = re.compile(
    r"(?:session[ _-]?link\s*[:=]\s*(https?://[^\s\"'<>)\]]+))|(https?://[^\s\"'<>)\]]+/sessions?/[^\s\"'<>)\]]+)",
    re.IGNORECASE,
)


def extract_artifacts(text: str) -> tuple[list[dict[str, Any]], str]:
    """Pull-request artifacts (SDK-shaped) and the first session link found in ``text``."""
    lines = text.splitlines()
    artifacts: list[dict[str, Any]] = []
    seen: set[str] = set()
    now = datetime.now(UTC).isoformat()
    for index, line in enumerate(lines):
        for match in _PULL_REQUEST.finditer(line):
            url = match.group(0).rstrip(".")
            if url in seen:
                continue
            seen.add(url)
            branch = ""
            for nearby in [line, *lines[index + 1 : index + 4], *reversed(lines[max(0, index - 3) : index])]:
                found = _BRANCH.search(nearby)
                if found:
                    branch = found.group(1).rstrip(".")
                    break
            artifacts.append(
                {"artifact_type": "PULL_REQUEST", "created_at": now, "data": {"url": url, "branch": branch}}
            )
    session_link = ""
    found_link = _SESSION_LINK.search(text)
    if found_link:
        session_link = (found_link.group(1) or found_link.group(2)).rstrip(".,")
    return artifacts, session_link


def _read_regular_file(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file within the size limit, else None. The folder
    is this host's and the run wrote it: a symbolic link is never followed (it could name a
    file of this host), and a FIFO or device is never opened for reading."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_LEFT_FILE_BYTES:
            logger.warning("not uploading {}: not a regular file of at most {} bytes", path, MAX_LEFT_FILE_BYTES)
            return None
        return handle.read(MAX_LEFT_FILE_BYTES + 1)[:MAX_LEFT_FILE_BYTES]


def left_files_on_disk(results: Path) -> list[LeftFile]:
    """Files the run left in ``results/<folder>`` for each of LEFT_FOLDERS, in name order, at most
    MAX_LEFT_FILES; directories reached through symbolic links are not entered."""
    found: list[LeftFile] = []
    for folder in LEFT_FOLDERS:
        base = results / folder
        if base.is_symlink() or not base.is_dir():
            continue
        for directory, subfolders, names in os.walk(base):  # followlinks=False
            subfolders.sort()
            for name in sorted(names):
                data = _read_regular_file(Path(directory) / name)
                if data is not None:
                    found.append(LeftFile(folder, (Path(directory) / name).relative_to(base).as_posix(), data))
    return at_most_files(found)


def at_most_files(found: list[LeftFile]) -> list[LeftFile]:
    """The first MAX_LEFT_FILES of ``found``; more are logged and left out."""
    if len(found) > MAX_LEFT_FILES:
        logger.warning("the run left {} files; uploading the first {}", len(found), MAX_LEFT_FILES)
    return found[:MAX_LEFT_FILES]


# --- settings a backend declares (PL-5) -------------------------------------------------------

SETTINGS_PREFIX = "OZ_WORKER_"


def backend_settings(
    factory: Any, settings: Settings, check: Callable[[dict[str, Any]], list[str]] | None = None
) -> dict[str, Any]:
    """``{name: value}`` for the settings ``factory`` declares, read from ``OZ_WORKER_<NAME>`` as
    the config file and the environment give them (``settings.worker_values``); ``check`` adds
    the problems its types cannot say.

    Raises :class:`BackendError` with every problem, each one sentence naming its variable.
    """
    from oz_app.plugin_settings import collect, declared

    problems: list[str] = []
    values = collect(declared(factory), settings.worker_values, SETTINGS_PREFIX, problems)
    if check is not None:
        problems += check(values)
    if problems:
        raise BackendError(" ".join(problems))
    return values
