"""A harness process on the worker's host: its own session, its output as lines, its whole group ended.

Shared by the ``direct`` and ``command`` backends. Each process starts a new session, so it and
everything it starts form one process group that a cancel, a time limit or the end of the run
can stop at once (``os.killpg``), leaving nothing behind on the host.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Mapping, Sequence

MAX_LINE_BYTES = 1024 * 1024  # a longer line is passed on in pieces
READ_BYTES = 65536
EXIT_GRACE_SECONDS = 1.0  # SIGTERM, then SIGKILL: a cancel ends the run within about a second


async def spawn(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: str | None = None,
    stdin: bytes | None = None,
    preexec_fn: Callable[[], None] | None = None,
    separate_stderr: bool = False,
) -> asyncio.subprocess.Process:
    """Start ``argv`` in a new session; ``stdin`` is written and closed by :func:`feed`.

    Raises :class:`OSError` when the program cannot be started (not found, not executable).
    """
    return await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE if separate_stderr else asyncio.subprocess.STDOUT,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
        preexec_fn=preexec_fn,
    )


async def feed(process: asyncio.subprocess.Process, data: bytes) -> None:
    """Write ``data`` to the process's stdin and close it; a process that does not read it is fine."""
    if process.stdin is None:
        return
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.write(data)
        await process.stdin.drain()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.close()


async def pump_lines(stream: asyncio.StreamReader | None, emit: Callable[[str], None]) -> None:
    """Call ``emit`` with each line of ``stream`` (without its newline) until it ends."""
    if stream is None:
        return
    pending = b""
    while chunk := await stream.read(READ_BYTES):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            emit(raw.decode("utf-8", "replace"))
        while len(pending) > MAX_LINE_BYTES:
            emit(pending[:MAX_LINE_BYTES].decode("utf-8", "replace"))
            pending = pending[MAX_LINE_BYTES:]
    if pending:
        emit(pending.decode("utf-8", "replace"))


def signal_group(process: asyncio.subprocess.Process, sig: int) -> None:
    """Send ``sig`` to the process's whole group (it leads its own session); gone is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


async def end_group(process: asyncio.subprocess.Process, grace: float = EXIT_GRACE_SECONDS) -> None:
    """SIGTERM the group, give its leader ``grace`` seconds, then SIGKILL whatever of the group is left."""
    if process.returncode is None:
        signal_group(process, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace)
    signal_group(process, signal.SIGKILL)
    await process.wait()


async def drain(pumps: Sequence[asyncio.Future[None]], seconds: float = 5.0) -> None:
    """Wait (bounded) for the output readers once the group is gone: the pipes close with it."""
    if pumps:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(asyncio.gather(*pumps, return_exceptions=True)), seconds)
    for pump in pumps:
        pump.cancel()
