"""The ``direct`` worker backend plugin (WK-12): harnesses run on the worker's own host, no container.

See ``oz_worker_direct.backend``. Refused unless the operator sets ``OZ_WORKER_ALLOW_DIRECT=true``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oz_app.hookspecs import hookimpl
from oz_worker_direct.backend import DirectBackend


@hookimpl
def oz_register_worker_backends(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("direct", DirectBackend)
