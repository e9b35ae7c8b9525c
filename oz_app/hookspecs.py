"""Every hook an oz-app plugin can implement (PL-2).

Plugins are modules or objects listed under the ``oz_app`` entry-point group. Hooks are
synchronous (pluggy calls them in order); what they register has ``async`` methods. Hooks that
contribute things receive a ``register`` callable built by the core, so the core can check
names and report clashes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

PROJECT = "oz_app"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Contributions
# ---------------------------------------------------------------------------------------------


@hookspec
def oz_register_providers(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register provider types (OpenAI-compatible, Anthropic, CLI, ...).

    Called once when the run service starts, before any run executes.

    :param register: ``register(type_name, factory)``; ``factory(settings)`` receives one
        :class:`oz_app.config.ProviderSettings` and returns a provider. Registering a type
        name twice is an error reported against the second plugin.

    The factory's class attributes say what it speaks (PR-8, PL-5):

    - ``api_version = 2``: the provider API v2. ``async def stream(request)`` is an async
      generator of ``str`` chunks and, once known, an :class:`oz_app.providers.Usage` (input and
      output tokens); it reads the conversation as ``request.messages`` (system, user and
      assistant :class:`oz_app.providers.Message` turns; ``request.turns()`` works for any
      request) and the run's ``request.options``. Without ``api_version`` (or with 1) the
      factory is v1, deprecated but still called: it reads ``request.prompt``, the conversation
      written out as one text, yields ``str`` only, and a note is logged once per type.
    - ``settings = [Setting(...)]`` (:class:`oz_app.plugin_settings.Setting`): the type's own
      settings, read from ``OZ_PROVIDER_<KEY>_<NAME>`` or the provider stored in Settings,
      converted and checked, and handed over in ``settings.extra`` by name.
    - ``options = [Setting(...)]`` (v2): what a run may set in ``config.options`` (e.g.
      ``temperature``, ``max_tokens``, ``reasoning_effort``); an option not declared, or a bad
      value, fails the run before any provider is called.
    - an optional ``async def check(self) -> str`` on the provider: a short detail when it
      works (Settings' Test, ``oz-app providers check``), a ``ProviderError`` with a sentence
      when not; without it, the check asks for a two-word answer.
    """


@hookspec
def oz_register_runner_modes(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register runner modes (``local``, ``remote``, ...) the workspace can send runs through.

    Called once when the workspace or control plane starts.

    :param register: ``register(mode_name, factory)``; ``factory(settings, control_plane)``
        returns a runner with the methods of :class:`oz_app.runners.Runner` (``control_plane`` is
        the in-process one, or None). Every method takes ``owner``, the workspace user a run
        belongs to: a runner must start runs for their owner and read, follow or cancel a run
        only for its owner (None: any run, for an admin).
    """


@hookspec
def oz_register_worker_backends(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register worker backends (``docker``, ``direct``, ``command``, ...) that execute claimed runs.

    Called once when ``oz-app --worker`` starts; ``OZ_WORKER_BACKEND`` picks one.

    :param register: ``register(backend_name, factory)``; ``factory(settings)`` (the
        :class:`oz_app.config.Settings`) returns an object with the methods of
        :class:`oz_app.worker_backend.WorkerBackend`. A factory may declare its own settings
        (``settings = [oz_app.plugin_settings.Setting(...)]``, PL-5), read from ``OZ_WORKER_<NAME>``
        with :func:`oz_app.worker_backend.backend_settings`.
    """


@hookspec
def oz_register_harnesses(register: Callable[[str, Any], None]) -> None:
    """Register harnesses: the agent CLIs a worker can run in a task (WK-10).

    Called when ``oz-app --worker`` starts, after the built-in ``claude``, ``codex`` and
    ``gemini`` are in the table; a plugin's harness of the same name replaces the built-in one.
    A run picks one with its ``config.harness.type``.

    :param register: ``register(name, harness)``; ``harness`` is an
        :class:`oz_app.harnesses.Harness` whose ``command(call)`` turns a
        :class:`~oz_app.harnesses.HarnessCall` (prompt, model, reasoning effort, mode, MCP
        configuration) into the CLI's argv, the files it needs in the workspace and its stdin.
    """


@hookspec
def oz_register_pages(register: Callable[[str, Callable[[], None]], None]) -> None:
    """Register extra workspace pages.

    Called once when the workspace builds its pages; never in ``--control-plane`` mode.

    :param register: ``register(path, build)``; ``build()`` draws the page with NiceGUI.
    """


# ---------------------------------------------------------------------------------------------
# Lifecycle and events
# ---------------------------------------------------------------------------------------------


@hookspec
def oz_startup(context: dict[str, Any]) -> None:
    """Called after the database is ready and before the first request is served.

    :param context: ``{"settings": Settings, "part": "control-plane" | "workspace" | "worker"}``.
    """


@hookspec
def oz_shutdown(context: dict[str, Any]) -> None:
    """Called once when the process stops, after it has stopped taking work.

    :param context: the same mapping :func:`oz_startup` received.
    """


@hookspec
def oz_run_event(run_id: str, state: str, event: dict[str, Any]) -> None:
    """Called after a run changed state (created, started, finished, cancelled).

    Must return quickly: schedule slow work on the event loop instead.

    :param run_id: the run's id.
    :param state: the run's new state (``QUEUED``, ``INPROGRESS``, ``SUCCEEDED`` ...).
    :param event: details: ``{"tenant": ..., "status_message": ...}``.
    """
