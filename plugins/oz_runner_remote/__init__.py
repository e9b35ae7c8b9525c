"""The ``remote`` runner mode plugin (PR-7): runs go to a control plane elsewhere over the Oz API.

The implementation (``oz_runner_remote.runner``) imports aiohttp, so it is loaded only when the
mode is used: registering the plugin costs a control plane's start-up nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oz_app.hookspecs import hookimpl


def _remote_runner(settings: Any, control_plane: Any = None) -> Any:
    from oz_runner_remote.runner import RemoteRunner

    return RemoteRunner(settings, control_plane)


@hookimpl
def oz_register_runner_modes(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("remote", _remote_runner)
