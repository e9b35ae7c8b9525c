"""The ``direct`` worker backend (WK-12): each run's harness runs on the worker's host, no container.

For trusted hosts only: the harness has the worker user's rights on this machine, so the backend
refuses to start unless the operator sets ``OZ_WORKER_ALLOW_DIRECT=true``.

The worker prepares each run's folder (:class:`oz_app.task_input.RunFolder`: the task document
in ``in/task.json``, the FIFO ``in/alive`` it holds open while it lives, the ``workspace``) and
removes it after the run. This backend runs the same sidecar script the containers run
(``oz_worker_docker/sidecar/entrypoint.sh``) as ``/bin/sh entrypoint.sh`` in a session of its
own, with ``OZ_WORKSPACE``, ``OZ_TASK_FILE`` and ``OZ_ALIVE_FILE`` pointing into that folder and
``TMPDIR`` at ``<folder>/tmp``: a cancel or the time limit ends the harness and everything it
started at once, and the sidecar's watchdog ends them when the worker dies (``kill -9``).

The harness does not inherit the worker's environment (the admin key OZ_API_KEY, AUTH_SECRET,
provider keys, ...): it gets PATH, HOME, LANG, LC_ALL, TZ, USER and LOGNAME from the worker, the
variables the operator names in ``OZ_WORKER_DIRECT_PASS_ENV``, and the task's own env vars.

Limits: ``OZ_WORKER_RUN_TIMEOUT_SECONDS`` (wall clock, the whole process group is killed);
``OZ_WORKER_DIRECT_MEMORY_LIMIT`` (address space per process, ``RLIMIT_AS``: an allocation past it
fails) and ``OZ_WORKER_DIRECT_MAX_PROCESSES`` (``RLIMIT_NPROC``: counted per user by the kernel,
so it bounds the worker user's processes, and does not apply to root). Neither is a cgroup: for
a hard memory or CPU bound use the ``docker`` backend.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
from collections.abc import Callable
from typing import Any

from oz_app import worker_process as process
from oz_app.config import Settings
from oz_app.plugin_settings import Setting
from oz_app.task_input import RunFolder, sidecar_script
from oz_app.worker_backend import (
    BackendError,
    RunResult,
    backend_settings,
)
from oz_app.worker_frames import TaskAssignment

ALLOW_VARIABLE = "OZ_WORKER_ALLOW_DIRECT"
BASE_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME")
MAX_LOG_LINES = 100_000
_SIZE = re.compile(r"^(\d+)([kmgt]?)b?$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str, variable: str) -> int:
    """Bytes from ``512m``, ``2g`` or a plain number; 0 for empty (no limit)."""
    if not text.strip():
        return 0
    found = _SIZE.match(text.strip())
    if not found:
        raise BackendError(f"{variable} must be a size such as 512m or 2g, not {text!r}.")
    return int(found.group(1)) * _UNITS[found.group(2).lower()]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", name)[:40]


class DirectBackend:
    """Runs each assignment's harness as a subprocess of this host in a per-run folder."""

    settings = [
        Setting(
            "allow_direct",
            bool,
            False,
            help="true lets this worker run harnesses on its own host with its own rights, outside any container",
        ),
        Setting(
            "direct_pass_env",
            str,
            "",
            help="comma-separated names of the worker's variables a harness also gets (e.g. ANTHROPIC_API_KEY)",
        ),
        Setting("direct_memory_limit", str, "", help="address space per harness process, e.g. 4g (empty: none)"),
        Setting("direct_max_processes", int, 0, low=0, help="RLIMIT_NPROC for the harness (0: none)"),
    ]

    def __init__(self, settings: Settings, options: dict[str, Any] | None = None) -> None:
        self.config = settings
        self.options = options if options is not None else backend_settings(type(self), settings)
        self.memory_limit = parse_size(str(self.options["direct_memory_limit"]), "OZ_WORKER_DIRECT_MEMORY_LIMIT")
        self.max_processes = int(self.options["direct_max_processes"])
        self.pass_env = [name.strip() for name in str(self.options["direct_pass_env"]).split(",") if name.strip()]
        self.worker_id = ""
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._cancelled: set[str] = set()

    async def start(self, worker_id: str) -> None:
        """Refuse unless the operator allows direct runs; check the sidecar script is installed."""
        if not self.options["allow_direct"]:
            raise BackendError(
                f"The direct backend runs each harness on this host with the worker's own rights, outside any "
                f"container; set {ALLOW_VARIABLE}=true to allow it."
            )
        if not sidecar_script().is_file():
            raise BackendError(f"The sidecar script is missing at {sidecar_script()}; reinstall oz-app.")
        self.worker_id = worker_id

    def _environment(self, folder: RunFolder) -> dict[str, str]:
        """The harness's environment: a few basics and what the operator passes, never the worker's secrets."""
        env = {name: os.environ[name] for name in (*BASE_VARIABLES, *self.pass_env) if name in os.environ}
        env.setdefault("PATH", os.defpath)
        env.setdefault("LANG", "C.UTF-8")
        env.update(
            OZ_WORKSPACE=str(folder.workspace),
            OZ_TASK_FILE=str(folder.task_file),
            OZ_ALIVE_FILE=str(folder.alive_file),
            TMPDIR=str(folder.path / "tmp"),
        )
        return env

    def _limits(self) -> Callable[[], None] | None:
        """What the child sets on itself before the sidecar starts (None: nothing, a faster start)."""
        memory, processes = self.memory_limit, self.max_processes
        if not memory and not processes:
            return None

        def apply() -> None:
            if memory:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            if processes:
                resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))

        return apply

    async def run(self, assignment: TaskAssignment, folder: RunFolder, on_line: Callable[[str], None]) -> RunResult:
        """Execute one assignment to the end; ``on_line`` receives each output line as it comes."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        task_id = assignment.task_id
        if task_id in self._cancelled:
            self._cancelled.discard(task_id)
            return RunResult("cancelled", stage="cancelled")
        try:
            (folder.path / "tmp").mkdir(exist_ok=True)
            child = await process.spawn(
                ["/bin/sh", str(sidecar_script())],
                self._environment(folder),
                cwd=str(folder.workspace),
                preexec_fn=self._limits(),
            )
        except OSError as exc:
            raise BackendError(f"The sidecar could not be started on this host: {exc.strerror or exc}.") from exc
        self._processes[task_id] = child
        started = loop.time() - began
        try:
            result = await self._follow(task_id, child, folder, on_line)
        finally:
            self._processes.pop(task_id, None)
            self._cancelled.discard(task_id)
        result.start_seconds = started
        return result

    async def _follow(
        self, task_id: str, child: asyncio.subprocess.Process, folder: RunFolder, on_line: Callable[[str], None]
    ) -> RunResult:
        lines: list[str] = []

        def emit(line: str) -> None:
            if len(lines) < MAX_LOG_LINES:
                lines.append(line)
            on_line(line)

        pump = asyncio.ensure_future(process.pump_lines(child.stdout, emit))
        limit = self.config.worker_run_timeout_seconds
        timed_out = False
        try:
            await asyncio.wait_for(asyncio.shield(child.wait()), limit)
        except TimeoutError:
            timed_out = True
        finally:
            # Anything the harness left running in its group ends with the run.
            await process.end_group(child, grace=process.EXIT_GRACE_SECONDS)
            await process.drain([pump])
        log_text = "\n".join(lines)
        if task_id in self._cancelled:
            return RunResult("cancelled", output=log_text, exit_code=child.returncode, stage="cancelled")
        return await asyncio.to_thread(self._result, folder, child.returncode, log_text, timed_out, limit)

    @staticmethod
    def _result(folder: RunFolder, returncode: int | None, log_text: str, timed_out: bool, limit: int) -> RunResult:
        """The sidecar's result; a sidecar that said 0 but exited otherwise (killed at its end) failed."""
        ended = folder.outcome(log_text, returncode, timed_out, limit)
        if ended.status == "succeeded" and returncode != 0:
            ended.status, ended.exit_code, ended.stage = "failed", returncode, "killed"
            ended.message = f"The sidecar ended with code {returncode} after the agent finished."
        return ended

    async def cancel(self, task_id: str) -> bool:
        """End the run's whole process group (SIGTERM, then SIGKILL after a second); True if it ran here."""
        self._cancelled.add(task_id)
        child = self._processes.get(task_id)
        if child is None:
            return False
        await process.end_group(child)
        return True

    def running(self) -> list[str]:
        """Ids of the runs with a process right now."""
        return list(self._processes)

    async def stop_all(self) -> None:
        """Cancel every run of this backend."""
        await asyncio.gather(*(self.cancel(task_id) for task_id in list(self._processes)))

    async def close(self) -> None:
        """Nothing to release: the worker removes each run's folder."""
