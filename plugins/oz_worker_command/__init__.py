"""The ``command`` worker backend plugin (WK-13): an operator's command dispatches each task.

See ``oz_worker_command.backend`` for what the command reads and prints, and
``examples/worker-command/`` for a complete dispatch and cancel script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oz_app.hookspecs import hookimpl
from oz_worker_command.backend import CommandBackend


@hookimpl
def oz_register_worker_backends(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("command", CommandBackend)
