"""The task document: every input of a run in one JSON file the sidecar reads (WK-9).

The worker writes it with :func:`write_task_document` into the run's folder; the sidecar
(``sidecar/entrypoint.sh``) reads it from ``$OZ_TASK_FILE`` and acts on its keys in order::

    {"version": 1,
     "env": {NAME: value},            exported, exactly (newlines, quotes, "=", unicode, "")
     "repos": [spec],                 cloned into the workspace
     "setup_commands": [command],     each run whole as one ``sh -c`` script, in order
     "files": {relative path: text},  written under the workspace (MCP configuration, ...)
     "argv": [program, arg, ...],     the harness's command line, from the harness table
     "stdin": text}                   optional: fed to the harness (a prompt too long for argv)

The sidecar's reader is a few lines of POSIX sh, not a JSON parser: it relies on the layout
``json.dumps(document, indent=1, ensure_ascii=False)`` gives: one key or item per line, and no
string holding a raw newline (JSON escapes it). Anything the shell could not carry is refused
here with one sentence, so a bad value fails the run before a container starts: NUL characters,
variable names the shell reserves, file paths leaving the workspace.

The sidecar leaves ``result.json`` (``{exit_code, stage, message}``) in ``<workspace>/.oz``;
:func:`read_result` reads it, and the worker uses it as the run's result.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oz_app.harnesses import MCP_CONFIG_PATH, Harness, HarnessCall, UnknownHarness, harness_for
from oz_app.worker_backend import (
    LEFT_FOLDERS,
    BackendError,
    RunResult,
    extract_artifacts,
    left_files_on_disk,
    over_time_limit,
)
from oz_app.worker_frames import TaskAssignment

DOCUMENT_VERSION = 1
TASK_FILE = "task.json"
ALIVE_FILE = "alive"
RESULT_FILE = "result.json"
OUTPUT_FILE = "agent_output.txt"

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Names a POSIX shell (or bash as /bin/sh) gives a meaning or makes read-only: exporting one
# would change how the sidecar itself runs, or stop it. The sidecar's own variables start _oz_.
SHELL_RESERVED = frozenset(
    {"IFS", "PS1", "PS2", "PS4", "ENV", "OPTIND", "OPTARG", "PPID", "LINENO", "BASH_ENV", "SHELLOPTS"}
    | {"BASHOPTS", "EUID", "UID", "GROUPS", "BASH_VERSINFO", "BASHPID", "FUNCNAME", "BASH_ARGV0"}
)
_PATH_PART = re.compile(r"[^\x00-\x1f\x7f\"'\\]+")


class TaskInputError(BackendError):
    """An input the task document cannot carry exactly; the message says which and why."""


@dataclass(frozen=True)
class SidecarResult:
    """What the sidecar wrote to ``result.json``: the harness's exit code (or the sidecar's own
    when a step before it failed), the ``stage`` it reached and a sentence for the user."""

    exit_code: int
    stage: str
    message: str


def task_document(assignment: TaskAssignment, harnesses: dict[str, Harness]) -> dict[str, Any]:
    """The document for ``assignment``, its command built from ``harnesses``; raises
    :class:`TaskInputError` for an input that cannot reach the task exactly."""
    try:
        harness = harness_for(assignment.harness.type, harnesses)
    except UnknownHarness as exc:
        raise TaskInputError(str(exc)) from exc
    files: dict[str, str] = {}
    mcp_config = ""
    if assignment.mcp_servers:
        mcp_config = json.dumps({"mcpServers": assignment.mcp_servers})
        files[MCP_CONFIG_PATH] = mcp_config
    call = HarnessCall(
        prompt=assignment.prompt,
        model_id=assignment.harness.model_id,
        reasoning_effort=assignment.harness.reasoning_effort,
        mode=assignment.mode,
        mcp_config_path=MCP_CONFIG_PATH if mcp_config else "",
        mcp_config=mcp_config,
    )
    invocation = harness.command(call)
    files.update(invocation.files)
    environment = assignment.environment
    document: dict[str, Any] = {
        "version": DOCUMENT_VERSION,
        "env": dict(environment.env_vars),
        "repos": list(environment.repos),
        "setup_commands": list(environment.setup_commands),
        "files": files,
        "argv": list(invocation.argv),
    }
    if invocation.stdin is not None:
        document["stdin"] = invocation.stdin
    check_document(document)
    return document


def check_document(document: dict[str, Any]) -> None:
    """Refuse, with one sentence, what the sidecar could not carry exactly."""
    for name, value in document["env"].items():
        if not _ENV_NAME.fullmatch(name):
            raise TaskInputError(
                f"The environment variable name {name[:60]!r} is not valid; a name must match [A-Za-z_][A-Za-z0-9_]*."
            )
        if name in SHELL_RESERVED or name.startswith("_oz_"):
            raise TaskInputError(
                f"The environment variable {name} is reserved by the shell that starts the task; rename it."
            )
        _check_text(value, f"The environment variable {name}")
    for number, spec in enumerate(document["repos"], 1):
        _check_text(spec, f"Repository {number}")
    for number, command in enumerate(document["setup_commands"], 1):
        _check_text(command, f"Setup command {number}")
    for path, content in document["files"].items():
        parts = path.split("/")
        if path.startswith("/") or any(p in ("", ".", "..") or p.startswith("-") for p in parts):
            raise TaskInputError(f"The file path {path[:80]!r} must be relative to the workspace and stay inside it.")
        if not all(_PATH_PART.fullmatch(part) for part in parts):
            raise TaskInputError(
                f"The file path {path[:80]!r} must not contain quotes, backslashes or control characters."
            )
        _check_text(content, f"The file {path}")
    if not document["argv"] or not document["argv"][0]:
        raise TaskInputError("The harness gave no program to run.")
    for argument in document["argv"]:
        _check_text(argument, "The harness's command line")
    if "stdin" in document:
        _check_text(document["stdin"], "The prompt")


def _check_text(value: Any, what: str) -> None:
    if not isinstance(value, str):
        raise TaskInputError(f"{what} must be text, not {type(value).__name__}.")
    if "\x00" in value:
        raise TaskInputError(
            f"{what} contains a NUL character, which a process's environment and arguments cannot hold."
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TaskInputError(f"{what} is not valid Unicode text (a lone surrogate).") from exc


def sidecar_script() -> Path:
    """The installed sidecar script: the one the docker backend delivers to its containers and
    the ``direct`` and ``command`` backends run on this host (it ships in that plugin's package)."""
    from importlib import resources

    return Path(str(resources.files("oz_worker_docker").joinpath("sidecar", "entrypoint.sh")))


def write_task_document(path: Path | str, document: dict[str, Any]) -> None:
    """Write ``document`` in the one layout the sidecar's reader understands (see the module)."""
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def read_result(folder: Path | str) -> SidecarResult | None:
    """``<folder>/result.json`` as the sidecar left it; None when it is missing or broken (the
    sidecar was killed before writing it)."""
    try:
        raw = json.loads((Path(folder) / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("exit_code"), int):
        return None
    return SidecarResult(int(raw["exit_code"]), str(raw.get("stage") or ""), str(raw.get("message") or ""))


@dataclass
class RunFolder:
    """A run's folder on the worker's host, made by :func:`prepare_run`::

        <path>/in/task.json       the task document (mounted read-only at /oz/in in a container)
        <path>/in/alive           a FIFO this process holds open while the run lasts (WK-11)
        <path>/workspace/.oz/     what the sidecar leaves: agent_output.txt, result.json and
                                  the handoff/, artifacts/, screenshots/ folders

    The sidecar's watchdog reads ``alive`` and sees end-of-file only when every writer is gone:
    this process holds the only one, so a worker that dies (even by SIGKILL) ends its tasks.
    A backend that runs the sidecar as a process of this host must start it in a new process
    group (``start_new_session=True``): the watchdog kills its own group. Call :meth:`close`
    once the task has ended.
    """

    path: Path
    document: dict[str, Any]
    alive_fd: int = -1

    @property
    def in_dir(self) -> Path:
        return self.path / "in"

    @property
    def task_file(self) -> Path:
        return self.in_dir / TASK_FILE

    @property
    def alive_file(self) -> Path:
        return self.in_dir / ALIVE_FILE

    @property
    def workspace(self) -> Path:
        return self.path / "workspace"

    @property
    def out_dir(self) -> Path:
        return self.workspace / ".oz"

    def result(self) -> SidecarResult | None:
        """The sidecar's ``result.json``, if it wrote one."""
        return read_result(self.out_dir)

    def outcome(self, log_text: str, exit_code: int | None, timed_out: bool, limit: int) -> RunResult:
        """The run's result as the sidecar left it here (WK-9): ``result.json`` decides, the
        final output is ``agent_output.txt`` (else the log), and the files left become uploads.
        Without ``result.json`` the sidecar was killed: stage ``killed``, ``exit_code`` the
        process's (a backend may say more, e.g. out of memory)."""
        try:
            output = (self.out_dir / OUTPUT_FILE).read_text(encoding="utf-8", errors="replace") or log_text
        except OSError:
            output = log_text
        artifacts, session_link = extract_artifacts(output)
        ended = RunResult("failed", output, exit_code, "", artifacts, session_link, left_files_on_disk(self.out_dir))
        sidecar = self.result()
        if timed_out:
            ended.stage = "timeout"
            ended.message = over_time_limit(limit)
        elif sidecar is None:
            ended.stage = "killed"
            ended.message = f"The task ended (exit code {exit_code}) before the sidecar reported a result."
        elif sidecar.exit_code == 0:
            ended.status, ended.exit_code = "succeeded", 0
        else:
            ended.exit_code, ended.stage = sidecar.exit_code, sidecar.stage
            ended.message = sidecar.message or f"The agent exited with code {sidecar.exit_code}."
        return ended

    def close(self) -> None:
        """Let go of the FIFO and remove the folder."""
        if self.alive_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.alive_fd)
            self.alive_fd = -1
        shutil.rmtree(self.path, ignore_errors=True)


def prepare_run(
    assignment: TaskAssignment, harnesses: dict[str, Harness], parent: Path | str | None = None
) -> RunFolder:
    """The run's folder with its task document, its FIFO held open, and the sidecar's output
    folders made; :class:`TaskInputError` (nothing left behind) for an input that cannot reach
    the task exactly."""
    document = task_document(assignment, harnesses)
    folder = RunFolder(Path(tempfile.mkdtemp(prefix="oz-run-", dir=parent)), document)
    try:
        folder.in_dir.mkdir()
        for name in LEFT_FOLDERS:
            (folder.out_dir / name).mkdir(parents=True)
        # Writable by the task's user, whoever it is: the folder is this run's alone.
        for directory in (folder.workspace, folder.out_dir, *(folder.out_dir / n for n in LEFT_FOLDERS)):
            directory.chmod(0o777)
        folder.path.chmod(0o755)
        write_task_document(folder.task_file, document)
        os.mkfifo(folder.alive_file, 0o644)
        folder.alive_fd = os.open(folder.alive_file, os.O_RDWR | os.O_NONBLOCK)
    except OSError as exc:
        folder.close()
        raise BackendError(f"The run's folder could not be prepared on the worker: {exc}.") from exc
    return folder
