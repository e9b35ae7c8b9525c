"""The ``docker`` worker backend plugin (WK-3..WK-7); see ``oz_worker_docker.backend``.

The implementation imports docker-py, so it is loaded only when a worker uses the backend:
registering the plugin costs a control plane's start-up nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oz_app.hookspecs import hookimpl


def _docker_backend(*args: Any, **kwargs: Any) -> Any:
    from oz_worker_docker.backend import DockerBackend

    return DockerBackend(*args, **kwargs)


@hookimpl
def oz_register_worker_backends(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("docker", _docker_backend)
