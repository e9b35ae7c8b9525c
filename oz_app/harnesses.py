"""The one harness table (WK-10): how a run's ``config.harness`` becomes a CLI's command line.

A harness is the agent CLI a worker runs in the task's workspace (``claude``, ``codex``,
``gemini``, or one a plugin adds with ``oz_register_harnesses``). The run's ``harness.type``
picks it; with no type (or the SDK's ``oz``) the worker runs ``claude``: the top-level
``model_id`` names a model of this server's providers, not a CLI, so it is never used to guess
the harness. ``harness.model_id`` and ``harness.reasoning_effort`` reach the CLI as its own
flags. Every backend builds the command from this table, through
:func:`oz_app.task_input.task_document`; the sidecar keeps no table of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Linux refuses a single argument longer than MAX_ARG_STRLEN (128 KiB): a longer prompt goes to
# the CLI's stdin instead. The margin leaves room for a wrapper that repeats the argument.
MAX_PROMPT_ARGUMENT_BYTES = 100_000

MCP_CONFIG_PATH = ".oz/mcp.json"  # relative to the workspace, which is the harness's cwd
DEFAULT_HARNESS = "claude"


@dataclass(frozen=True)
class HarnessCall:
    """What a run asks of its harness. ``mcp_config_path`` is the workspace-relative file holding
    ``{"mcpServers": {...}}`` ("" when the run has no MCP servers); ``mcp_config`` is its text."""

    prompt: str
    model_id: str = ""
    reasoning_effort: str = ""
    mode: str = "normal"
    mcp_config_path: str = ""
    mcp_config: str = ""

    @property
    def prompt_fits_argv(self) -> bool:
        """False when the prompt is too long to be one argument and must go on stdin."""
        return len(self.prompt.encode("utf-8")) <= MAX_PROMPT_ARGUMENT_BYTES


@dataclass(frozen=True)
class Invocation:
    """A harness's command: ``argv`` (program first), ``files`` to write into the workspace
    before it runs (relative path → text), and ``stdin`` (None: the CLI's stdin is empty)."""

    argv: list[str]
    files: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None


@dataclass(frozen=True)
class Harness:
    """One entry of the table: ``cli`` is the program the image must have; ``command`` builds
    the :class:`Invocation` for a run."""

    name: str
    cli: str
    command: Callable[[HarnessCall], Invocation]


class UnknownHarness(Exception):
    """The run names a harness no plugin provides; the message names the known ones."""


def _claude(call: HarnessCall) -> Invocation:
    # `claude -p` without a prompt argument reads the prompt from stdin. Claude Code has no
    # reasoning-effort flag (its thinking budget is an environment setting), so
    # reasoning_effort is not passed.
    argv = ["claude", "-p"]
    stdin = None
    if call.prompt_fits_argv:
        argv.append(call.prompt)
    else:
        stdin = call.prompt
    if call.model_id:
        argv += ["--model", call.model_id]
    if call.mcp_config_path:
        argv += ["--mcp-config", call.mcp_config_path]
    if call.mode == "plan":
        argv += ["--permission-mode", "plan"]
    return Invocation(argv, stdin=stdin)


def _codex(call: HarnessCall) -> Invocation:
    # `codex exec -` reads the instructions from stdin.
    argv = ["codex", "exec"]
    if call.model_id:
        argv += ["--model", call.model_id]
    if call.reasoning_effort:
        argv += ["-c", f"model_reasoning_effort={call.reasoning_effort}"]
    if call.prompt_fits_argv:
        return Invocation([*argv, call.prompt])
    return Invocation([*argv, "-"], stdin=call.prompt)


def _gemini(call: HarnessCall) -> Invocation:
    # Gemini reads MCP servers from the project's .gemini/settings.json. Without -p and with
    # stdin not a terminal, it runs once with stdin as the prompt. It has no reasoning-effort
    # flag, so reasoning_effort is not passed.
    files = {".gemini/settings.json": call.mcp_config} if call.mcp_config else {}
    argv = ["gemini"]
    stdin = None
    if call.prompt_fits_argv:
        argv += ["-p", call.prompt]
    else:
        stdin = call.prompt
    if call.model_id:
        argv += ["--model", call.model_id]
    return Invocation(argv, files, stdin)


BUILT_IN: dict[str, Harness] = {
    "claude": Harness("claude", "claude", _claude),
    "codex": Harness("codex", "codex", _codex),
    "gemini": Harness("gemini", "gemini", _gemini),
}


def load_harnesses(manager: Any = None) -> dict[str, Harness]:
    """The built-in harnesses plus those plugins register with ``oz_register_harnesses``; a
    plugin's harness of a built-in name replaces the built-in one."""
    table = dict(BUILT_IN)
    if manager is None:
        return table
    from oz_app.plugins import collect

    for name, harness in collect(manager, "oz_register_harnesses", "harness").items():
        if isinstance(harness, Harness):
            table[name] = harness
    return table


def harness_for(type_name: str | None, harnesses: dict[str, Harness]) -> Harness:
    """The harness of ``config.harness.type``; ``claude`` when no type (or ``oz``) is given."""
    name = (type_name or "").strip() or DEFAULT_HARNESS
    if name == "oz":
        name = DEFAULT_HARNESS
    harness = harnesses.get(name)
    if harness is None:
        known = ", ".join(sorted(harnesses))
        raise UnknownHarness(
            f"The run asks for the harness {name!r}, which this worker does not know (known: {known})."
        )
    return harness
