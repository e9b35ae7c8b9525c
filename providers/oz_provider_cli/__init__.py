"""Built-in provider ``cli``: runs an agent's command-line tool and streams its output (PR-1).

Configuration: ``OZ_PROVIDER_<KEY>_TYPE=cli``, ``_CLI_CMD`` (the program, found on ``PATH``
or given as a path) and ``_CLI_ARGS`` (extra arguments, split like a shell would): the type's
declared settings (PL-5), also set in Settings. Provider API v2: the conversation reaches the
tool as one prompt (a command line has no turns), and ``check()`` runs ``<cmd> --version``.

How the prompt reaches the tool depends on the program's name, so each gets it the way it
expects:

- ``claude``: ``claude <args> -p <prompt>`` (``-p`` is not added twice);
- ``gemini``: ``gemini <args> -p <prompt>``;
- ``codex``: ``codex exec <args> <prompt>``;
- anything else: ``<cmd> <args>`` with the prompt written to standard input, which is then
  closed. Standard input is the one channel every tool can read, has no length limit (a long
  prompt would overflow an argument) and keeps the prompt out of ``ps``.

A system prompt is put before the prompt, separated by a blank line. With ``_MODEL`` set, the
three known tools get it as ``--model``/``-m`` unless the arguments already name one; with
``_API_KEY`` set, they get it in their usual variable (``ANTHROPIC_API_KEY``,
``GEMINI_API_KEY``, ``OPENAI_API_KEY``). The tool inherits this process's environment minus
oz-app's own secrets (every ``OZ_*`` variable, ``AUTH_SECRET``, ``AGENT_API_KEY``,
``DATABASE_URL``).

Standard output is streamed as it arrives. The tool runs in a session of its own; a timeout
(``OZ_CLI_TIMEOUT_SECONDS``, default 600) or cancelling the call kills its whole process group.
A non-zero exit is :class:`~oz_app.providers.RequestRejected` with the exit code and the end of
standard error, or :class:`~oz_app.providers.RateLimited` when the tool's output speaks of a
rate limit or an exhausted quota.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import errno
import os
import re
import shlex
import signal
from collections.abc import AsyncIterator, Mapping
from typing import Any

from oz_app.config import ProviderSettings
from oz_app.hookspecs import hookimpl
from oz_app.plugin_settings import Setting
from oz_app.providers import (
    CompletionRequest,
    ProviderMisconfigured,
    RateLimited,
    RequestRejected,
    TransientError,
    redact,
)

TYPE = "cli"
TIMEOUT_ENV = "OZ_CLI_TIMEOUT_SECONDS"
DEFAULT_TIMEOUT_SECONDS = 600.0
READ_SIZE = 4096
TAIL_BYTES = 64 * 1024
STDOUT_TAIL_CHARS = 2000
STDERR_LINES = 5
EXIT_GRACE_SECONDS = 2.0
CHECK_SECONDS = 10.0
SETTINGS = [
    Setting("cli_cmd", required=True, help="name the program to run, e.g. claude, codex or gemini"),
    Setting("cli_args", help="extra arguments, split like a shell would"),
]

_RATE_LIMIT = re.compile(
    r"rate[ _-]?limit|\b429\b|quota exceeded|exceeded your (?:current )?quota|usage limit|too many requests"
    r"|resource[ _-]?exhausted",
    re.IGNORECASE,
)
_RETRY_AFTER = re.compile(r"retry[ _-]?after\D{0,3}(\d+(?:\.\d+)?)", re.IGNORECASE)
_PRIVATE_ENV = ("AUTH_SECRET", "AGENT_API_KEY", "DATABASE_URL")
_KEY_ENV = {"claude": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY", "codex": "OPENAI_API_KEY"}
_MODEL_FLAGS = {"claude": ("--model",), "gemini": ("-m", "--model"), "codex": ("-m", "--model")}


async def _start(
    argv: list[str], settings: ProviderSettings, env_name: str, *, stdin: int, stderr: int
) -> asyncio.subprocess.Process:
    """Start the tool in a session of its own (so all it starts can be killed), without oz-app's
    secrets; a program that is missing or not executable is the operator's to fix, naming
    ``env_name``. Other start failures are raised as they are."""
    try:
        return await asyncio.create_subprocess_exec(
            *argv,
            stdin=stdin,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=child_environment(settings),
            start_new_session=True,
        )
    except FileNotFoundError:
        raise ProviderMisconfigured(
            f"{env_name} names {argv[0]!r}, which was not found: install it or give its full path."
        ) from None
    except PermissionError:
        raise ProviderMisconfigured(f"{env_name} names {argv[0]!r}, which is not executable.") from None


def timeout_seconds() -> float:
    """The time a CLI call may take: ``OZ_CLI_TIMEOUT_SECONDS`` or 600."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ProviderMisconfigured(f"{TIMEOUT_ENV} must be a positive number of seconds, not {raw!r}.")
    return value


def program_of(settings: ProviderSettings) -> str:
    """The ``cli_cmd`` setting: the program to run."""
    return str(settings.extra.get("cli_cmd") or "").strip()


def command_line(settings: ProviderSettings, prompt: str) -> tuple[list[str], bool]:
    """The argument vector for ``prompt``, and whether the prompt goes to standard input."""
    program = program_of(settings)
    args = shlex.split(str(settings.extra.get("cli_args") or ""))
    tool = os.path.basename(program)
    if settings.model and tool in _MODEL_FLAGS:
        named = any(arg in _MODEL_FLAGS[tool] or arg.startswith("--model=") for arg in args)
        if not named:
            args = [_MODEL_FLAGS[tool][0], settings.model, *args]
    # "--" keeps a prompt that starts with a dash from being read as an option.
    positional = ["--", prompt] if prompt.startswith("-") else [prompt]
    if tool == "claude":
        flag = [] if "-p" in args or "--print" in args else ["-p"]
        return [program, *args, *flag, *positional], False
    if tool == "gemini":
        while args and args[-1] in ("-p", "--prompt"):
            args.pop()
        given = [f"--prompt={prompt}"] if prompt.startswith("-") else ["-p", prompt]
        return [program, *args, *given], False
    if tool == "codex":
        if args[:1] == ["exec"]:
            args = args[1:]
        return [program, "exec", *args, *positional], False
    return [program, *args], True


def child_environment(settings: ProviderSettings, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without oz-app's secrets, plus the tool's API key if set."""
    environ = os.environ if environ is None else environ
    env = {name: value for name, value in environ.items() if not name.startswith("OZ_") and name not in _PRIVATE_ENV}
    key_name = _KEY_ENV.get(os.path.basename(program_of(settings)))
    if settings.api_key and key_name:
        env[key_name] = settings.api_key
    return env


class Cli:
    """Runs ``cli_cmd`` once per call and streams what it prints."""

    api_version = 2
    settings = SETTINGS

    def __init__(self, settings: ProviderSettings) -> None:
        self.config = settings

    async def check(self) -> str:
        """``<cmd> --version`` runs and exits 0: the program is there and starts."""
        settings = self.config
        env_name = f"OZ_PROVIDER_{settings.key.upper()}_CLI_CMD"
        program = program_of(settings)
        if not program:
            raise ProviderMisconfigured(f"{env_name} is not set: name the command to run, e.g. claude.")
        process = await _start(
            [program, "--version"],
            settings,
            env_name,
            stdin=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            said, _ = await asyncio.wait_for(process.communicate(), CHECK_SECONDS)
        except TimeoutError:
            raise TransientError(f"{program} --version did not finish within {CHECK_SECONDS:g} s.") from None
        finally:
            if process.returncode is None:
                await _kill(process)
        text = redact(said.decode("utf-8", errors="replace"), [settings.api_key]).strip()
        first = text.splitlines()[0][:200] if text else ""
        if process.returncode != 0:
            raise RequestRejected(f"{program} --version exited with code {process.returncode}: {first or 'no output'}")
        return f"runs: {first or os.path.basename(program)}"

    async def stream(self, request: CompletionRequest) -> AsyncIterator[str]:
        """Yield the tool's standard output as it arrives; kill the tool if the call is cancelled."""
        settings = self.config
        env_name = f"OZ_PROVIDER_{settings.key.upper()}_CLI_CMD"
        if not program_of(settings):
            raise ProviderMisconfigured(f"{env_name} is not set: name the command to run, e.g. claude.")
        timeout = timeout_seconds()
        prompt = f"{request.system_prompt}\n\n{request.prompt}" if request.system_prompt else request.prompt
        try:
            argv, via_stdin = command_line(settings, prompt)
        except ValueError as exc:
            raise ProviderMisconfigured(
                f"OZ_PROVIDER_{settings.key.upper()}_CLI_ARGS cannot be split: {exc}."
            ) from None
        tool = os.path.basename(argv[0])
        secrets = [settings.api_key]
        try:
            stdin = asyncio.subprocess.PIPE if via_stdin else asyncio.subprocess.DEVNULL
            process = await _start(argv, settings, env_name, stdin=stdin, stderr=asyncio.subprocess.PIPE)
        except OSError as exc:
            if exc.errno == errno.E2BIG:
                raise RequestRejected(f"The prompt is too long to pass to {tool} as an argument.") from None
            raise ProviderMisconfigured(f"{env_name} {argv[0]!r} could not be started: {exc.strerror}.") from None

        assert process.stdout is not None and process.stderr is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        stderr_task = asyncio.create_task(_tail(process.stderr))
        helpers: list[asyncio.Task[Any]] = [stderr_task]
        if via_stdin:
            assert process.stdin is not None
            helpers.append(asyncio.create_task(_feed(process.stdin, prompt.encode())))
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stdout_tail = ""
        finished = False
        try:
            while True:
                chunk = await asyncio.wait_for(process.stdout.read(READ_SIZE), deadline - loop.time())
                text = decoder.decode(chunk, final=not chunk)
                if text:
                    stdout_tail = (stdout_tail + text)[-STDOUT_TAIL_CHARS:]
                    yield text
                if not chunk:
                    break
            returncode = await asyncio.wait_for(process.wait(), max(deadline - loop.time(), 0))
            finished = True
            done, _ = await asyncio.wait([stderr_task], timeout=EXIT_GRACE_SECONDS)
            stderr = stderr_task.result() if done else b""
        except TimeoutError:
            raise TransientError(f"{tool} did not finish within {timeout:g} s and was stopped.") from None
        finally:
            if not finished:
                await _kill(process)
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

        if returncode == 0:
            return
        stderr_text = redact(stderr.decode("utf-8", errors="replace"), secrets)
        lines = [line.strip() for line in stderr_text.splitlines() if line.strip()]
        detail = " / ".join(lines[-STDERR_LINES:])[-500:] or "nothing on standard error"
        how = f"was killed by signal {-returncode}" if returncode < 0 else f"exited with code {returncode}"
        said = f"{stderr_text[-TAIL_BYTES:]}\n{redact(stdout_tail, secrets)[-1000:]}"
        if _RATE_LIMIT.search(said):
            retry = _RETRY_AFTER.search(said)
            raise RateLimited(
                f"{tool} {how} reporting a rate limit: {detail}",
                retry_after=float(retry.group(1)) if retry else None,
            )
        raise RequestRejected(f"{tool} {how}: {detail}")


async def _tail(stream: asyncio.StreamReader) -> bytes:
    """Read ``stream`` to its end (so the tool never blocks on a full pipe), keeping the end."""
    kept = b""
    while chunk := await stream.read(65536):
        kept = (kept + chunk)[-TAIL_BYTES:]
    return kept


async def _feed(stdin: asyncio.StreamWriter, data: bytes) -> None:
    """Write the prompt and close standard input; a tool that stops reading early is fine."""
    try:
        stdin.write(data)
        await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        stdin.close()


async def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill the tool and everything it started, and wait until it is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    # The kill cannot be refused, so this wait is short even while being cancelled.
    await asyncio.shield(process.wait())


@hookimpl
def oz_register_providers(register: Any) -> None:
    """Register the ``cli`` provider type."""
    register(TYPE, Cli)
