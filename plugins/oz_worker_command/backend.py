"""The ``command`` worker backend (WK-13): an operator's command dispatches each task.

This is how a site puts tasks on its own scheduler (Slurm, Nomad, Kubernetes jobs, a pool of
machines): the worker claims runs as usual and hands each to ``OZ_WORKER_COMMAND_DISPATCH``.

The dispatch command is split like a shell would (``shlex``) and run without a shell, in a
session of its own, with:

- stdin: ONE JSON document (one line), :func:`dispatch_document`::

      {"version": 1, "task_id": "...", "worker_id": "...", "prompt": "...",
       "harness": {"type": "claude", "model_id": "...", "reasoning_effort": "..."},
       "docker_image": "...",            the environment's image ("" if none)
       "task": {...}}                    the task document the sidecar reads (oz_app.task_input):
                                         version, env, repos, setup_commands, files, argv, stdin

- environment: the worker's, less its secrets (every ``OZ_*`` variable, ``AUTH_SECRET``,
  ``AGENT_API_KEY``, ``DATABASE_URL``), plus ``OZ_TASK_ID``, ``OZ_WORKER_ID``,
  ``OZ_SIDECAR_ENTRYPOINT`` (the installed sidecar script, to copy or run), ``OZ_TASK_FILE`` (the
  same ``task`` written in the layout the sidecar reads, so a script can hand it over as it is),
  ``OZ_ALIVE_FILE`` (a FIFO the worker holds open while it lives, for the sidecar's watchdog when
  the task runs on this host) and ``OZ_RESULTS_DIR``: a folder of the worker's host whose
  ``handoff``, ``artifacts`` and ``screenshots`` subfolders are uploaded like a container's (copy
  files there). All are in the run's folder, which the worker removes afterwards.

Its stdout and stderr are the run's live output, line by line, except one stdout line that is a
JSON object with the key ``oz_result``: the result, ``{"oz_result": {"exit_code": 0, "message":
"", "stage": "", "artifacts": [...], "session_link": ""}}`` (only ``exit_code`` is required;
``artifacts`` are ``{"artifact_type": "PULL_REQUEST", "data": {"url", "branch"}}``; the sidecar's
``result.json`` is such an object). Without a result line, exit status 0 means the run succeeded
and anything else that it failed.

Cancel runs ``OZ_WORKER_COMMAND_CANCEL`` with the task id as its last argument (and in
``OZ_TASK_ID``), waits for it (at most ``OZ_WORKER_COMMAND_CANCEL_TIMEOUT_SECONDS``), then ends the
dispatch command's process group if it is still there. The time limit
(``OZ_WORKER_RUN_TIMEOUT_SECONDS``) does the same and fails the run. The dispatch command gets
SIGTERM if the worker itself dies (Linux ``PR_SET_PDEATHSIG``), so a ``kill -9``'d worker does not
leave it running.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from loguru import logger

from oz_app import worker_process as process
from oz_app.config import Settings
from oz_app.plugin_settings import Setting
from oz_app.task_input import RunFolder, sidecar_script
from oz_app.worker_backend import (
    BackendError,
    RunResult,
    backend_settings,
    extract_artifacts,
    left_files_on_disk,
    over_time_limit,
)
from oz_app.worker_frames import TaskAssignment

RESULT_KEY = "oz_result"
DISPATCH_VARIABLE = "OZ_WORKER_COMMAND_DISPATCH"
CANCEL_VARIABLE = "OZ_WORKER_COMMAND_CANCEL"
SECRET_VARIABLES = ("AUTH_SECRET", "AGENT_API_KEY", "DATABASE_URL")
MAX_LOG_LINES = 100_000
PR_SET_PDEATHSIG = 1


class MalformedResult(ValueError):
    """A result line that cannot be read: the reason is part of the run's failure message."""


def parse_result(line: str) -> dict[str, Any] | None:
    """The ``oz_result`` object of a result line, None for an ordinary line.

    Raises :class:`MalformedResult` for a line that is meant as a result (it mentions the key and
    starts with ``{``) but is not valid JSON or not of the documented shape.
    """
    text = line.strip()
    if not text.startswith("{") or f'"{RESULT_KEY}"' not in text:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResult(f"it is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or RESULT_KEY not in data:
        return None
    result = data[RESULT_KEY]
    if not isinstance(result, dict):
        raise MalformedResult(f"{RESULT_KEY} must be an object")
    code = result.get("exit_code")
    if isinstance(code, bool) or not isinstance(code, int):
        raise MalformedResult(f"{RESULT_KEY}.exit_code must be a whole number")
    for key in ("message", "stage", "session_link"):
        if not isinstance(result.get(key, ""), str):
            raise MalformedResult(f"{RESULT_KEY}.{key} must be a string")
    artifacts = result.get("artifacts", [])
    if not isinstance(artifacts, list) or not all(_is_pull_request(item) for item in artifacts):
        raise MalformedResult(
            f'{RESULT_KEY}.artifacts must be a list of {{"artifact_type": "PULL_REQUEST", "data": {{"url": ...}}}}'
        )
    return result


def _is_pull_request(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and item.get("artifact_type") == "PULL_REQUEST"
        and isinstance(item.get("data"), dict)
        and isinstance(item["data"].get("url"), str)
        and isinstance(item["data"].get("branch", ""), str)
    )


DISPATCH_VERSION = 1


def dispatch_document(frame: TaskAssignment, task: dict[str, Any], worker_id: str) -> dict[str, Any]:
    """What the dispatch command reads on stdin: the run (a typed ``task_assignment``) and its task document."""
    return {
        "version": DISPATCH_VERSION,
        "task_id": frame.task_id,
        "worker_id": worker_id,
        "prompt": frame.prompt,
        "harness": frame.harness.model_dump(mode="json"),
        "docker_image": frame.environment.image,
        "task": task,
    }


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the worker dies, so a crash leaves no dispatch running."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class CommandBackend:
    """Hands each assignment to the operator's dispatch command and reads its output."""

    settings = [
        Setting(
            "command_dispatch",
            str,
            required=True,
            help="the command that runs a task: it reads the task as JSON on stdin and prints progress and a result",
        ),
        Setting("command_cancel", str, "", help="the command that cancels a task; it gets the task id as its argument"),
        Setting("command_cancel_timeout_seconds", float, 30.0, low=0.1, help="how long a cancel command may take"),
    ]

    def __init__(self, settings: Settings, options: dict[str, Any] | None = None) -> None:
        self.config = settings
        self.options = options if options is not None else backend_settings(type(self), settings)
        self.dispatch = self._split(str(self.options["command_dispatch"]), DISPATCH_VARIABLE)
        cancel = str(self.options["command_cancel"])
        self.cancel_command = self._split(cancel, CANCEL_VARIABLE) if cancel.strip() else []
        self.cancel_timeout = float(self.options["command_cancel_timeout_seconds"])
        self.worker_id = ""
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._cancelled: set[str] = set()
        self._cancels: dict[str, asyncio.Future[None]] = {}

    @staticmethod
    def _split(command: str, variable: str) -> list[str]:
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise BackendError(f"{variable} cannot be split into a command and its arguments: {exc}.") from exc
        if not argv:
            raise BackendError(f"{variable} is empty; set it to the command that runs a task.")
        return argv

    async def start(self, worker_id: str) -> None:
        """Check that the dispatch and cancel programs exist on this host."""
        self.worker_id = worker_id
        for argv, variable in ((self.dispatch, DISPATCH_VARIABLE), (self.cancel_command, CANCEL_VARIABLE)):
            if argv and shutil.which(argv[0]) is None:
                raise BackendError(
                    f"{variable} names {argv[0]!r}, which is not an executable program on this host; fix the setting."
                )

    def _environment(self, task_id: str, folder: RunFolder | None = None) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("OZ_") and name not in SECRET_VARIABLES
        }
        env.update(OZ_TASK_ID=task_id, OZ_WORKER_ID=self.worker_id, OZ_SIDECAR_ENTRYPOINT=str(sidecar_script()))
        if folder is not None:
            env.update(
                OZ_TASK_FILE=str(folder.task_file),
                OZ_ALIVE_FILE=str(folder.alive_file),
                OZ_RESULTS_DIR=str(folder.out_dir),
            )
        return env

    async def run(self, assignment: TaskAssignment, folder: RunFolder, on_line: Callable[[str], None]) -> RunResult:
        """Run the dispatch command for one assignment to the end, streaming its lines to ``on_line``."""
        loop = asyncio.get_running_loop()
        began = loop.time()
        task_id = assignment.task_id
        run = dispatch_document(assignment, folder.document, self.worker_id)
        document = json.dumps(run, ensure_ascii=False).encode() + b"\n"
        if task_id in self._cancelled:
            self._cancelled.discard(task_id)
            return RunResult("cancelled", stage="cancelled")
        try:
            child = await process.spawn(
                self.dispatch,
                self._environment(task_id, folder),
                stdin=document,
                separate_stderr=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        except OSError as exc:
            message = (
                f"The dispatch command {self.dispatch[0]!r} ({DISPATCH_VARIABLE}) could not be started: "
                f"{exc.strerror or exc}."
            )
            return RunResult("failed", message=message, stage="dispatch")
        self._processes[task_id] = child
        started = loop.time() - began
        try:
            result = await self._follow(task_id, child, document, on_line)
            if result.status != "cancelled":
                result.files = await asyncio.to_thread(left_files_on_disk, folder.out_dir)
        finally:
            self._processes.pop(task_id, None)
            self._cancelled.discard(task_id)
            cancelling = self._cancels.pop(task_id, None)
            if cancelling is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(cancelling)
        result.start_seconds = started
        return result

    async def _follow(
        self, task_id: str, child: asyncio.subprocess.Process, document: bytes, on_line: Callable[[str], None]
    ) -> RunResult:
        lines: list[str] = []
        found: list[dict[str, Any]] = []
        problems: list[str] = []
        stderr_tail: list[str] = []

        def progress(line: str) -> None:
            if len(lines) < MAX_LOG_LINES:
                lines.append(line)
            on_line(line)

        def from_stdout(line: str) -> None:
            try:
                result = parse_result(line)
            except MalformedResult as exc:
                problems.append(f"The dispatch command printed a malformed result line ({exc}): {line.strip()[:200]}")
                return
            if result is None:
                progress(line)
            else:
                found.append(result)

        def from_stderr(line: str) -> None:
            stderr_tail[:] = [*stderr_tail[-4:], line]
            progress(line)

        pumps = [
            asyncio.ensure_future(process.pump_lines(child.stdout, from_stdout)),
            asyncio.ensure_future(process.pump_lines(child.stderr, from_stderr)),
        ]
        await process.feed(child, document)
        limit = self.config.worker_run_timeout_seconds
        timed_out = False
        try:
            await asyncio.wait_for(asyncio.shield(child.wait()), limit)
        except TimeoutError:
            timed_out = True
            await self._cancel_process(task_id, child)
        finally:
            await process.end_group(child)
            await process.drain(pumps)
        output = "\n".join(lines)
        if task_id in self._cancelled:
            return RunResult("cancelled", output=output, exit_code=child.returncode, stage="cancelled")
        if timed_out:
            return RunResult("failed", output, child.returncode, over_time_limit(limit), stage="timeout")
        if problems:
            return RunResult("failed", output, child.returncode, problems[0], stage="dispatch")
        if found:
            return self._reported(found[-1], output)
        return self._exited(child.returncode, output, stderr_tail)

    @staticmethod
    def _reported(result: dict[str, Any], output: str) -> RunResult:
        """The run as the dispatch command's result line tells it."""
        code = int(result["exit_code"])
        artifacts, session_link = extract_artifacts(output)
        now = datetime.now(UTC).isoformat()
        urls = {item["data"]["url"] for item in artifacts}
        for item in result.get("artifacts", []):
            if item["data"]["url"] not in urls:
                data = {"url": item["data"]["url"], "branch": item["data"].get("branch", "")}
                artifacts.append({"artifact_type": "PULL_REQUEST", "created_at": now, "data": data})
        stage = result.get("stage", "") or ("" if code == 0 else "harness")
        link = result.get("session_link", "") or session_link
        if code == 0:
            return RunResult("succeeded", output, 0, "", artifacts, link)
        message = result.get("message", "") or f"The task exited with code {code}."
        return RunResult("failed", output, code, message, artifacts, link, stage=stage)

    @staticmethod
    def _exited(returncode: int | None, output: str, stderr_tail: list[str]) -> RunResult:
        """The run of a dispatch command that printed no result line: its exit status decides."""
        artifacts, session_link = extract_artifacts(output)
        if returncode == 0:
            return RunResult("succeeded", output, 0, "", artifacts, session_link)
        if returncode is not None and returncode < 0:
            message = f"The dispatch command was killed by signal {-returncode}."
        else:
            last = next((line.strip() for line in reversed(stderr_tail) if line.strip()), "")
            message = f"The dispatch command exited with code {returncode}" + (f": {last[:300]}" if last else ".")
        return RunResult("failed", output, returncode, message, artifacts, session_link, stage="dispatch")

    async def _cancel_process(self, task_id: str, child: asyncio.subprocess.Process) -> None:
        """Run the cancel command (bounded), then end the dispatch command's group."""
        if self.cancel_command:
            await self._run_cancel_command(task_id)
        await process.end_group(child)

    async def _run_cancel_command(self, task_id: str) -> None:
        argv = [*self.cancel_command, task_id]
        try:
            canceller = await process.spawn(argv, self._environment(task_id))
        except OSError as exc:
            logger.warning("the cancel command {} could not be started: {}", argv[0], exc.strerror or exc)
            return
        lines: list[str] = []
        pump = asyncio.ensure_future(process.pump_lines(canceller.stdout, lines.append))
        try:
            await asyncio.wait_for(asyncio.shield(canceller.wait()), self.cancel_timeout)
        except TimeoutError:
            logger.warning("the cancel command for {} took over {} s and was stopped", task_id, self.cancel_timeout)
        finally:
            await process.end_group(canceller)
            await process.drain([pump])
        if canceller.returncode != 0:
            logger.warning(
                "the cancel command for {} exited with {}: {}", task_id, canceller.returncode, " | ".join(lines[-3:])
            )

    async def cancel(self, task_id: str) -> bool:
        """Run the cancel command for the task, then end its dispatch command; True if it ran here."""
        self._cancelled.add(task_id)
        child = self._processes.get(task_id)
        if child is None:
            return False
        cancelling = self._cancels.get(task_id)
        if cancelling is None:
            cancelling = self._cancels[task_id] = asyncio.ensure_future(self._cancel_process(task_id, child))
        await asyncio.shield(cancelling)
        return True

    def running(self) -> list[str]:
        """Ids of the runs whose dispatch command runs right now."""
        return list(self._processes)

    async def stop_all(self) -> None:
        """Cancel every run of this backend."""
        await asyncio.gather(*(self.cancel(task_id) for task_id in list(self._processes)))

    async def close(self) -> None:
        """Nothing to release."""
