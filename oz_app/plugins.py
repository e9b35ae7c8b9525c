"""The plugin manager: loads the ``oz_app`` entry-point group (PL-1, PL-3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pluggy
from loguru import logger

from oz_app import hookspecs


@dataclass
class PluginReport:
    """What happened to each plugin found under the entry-point group."""

    loaded: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)


class PluginClash(Exception):
    """Two plugins registered the same name."""


def new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    return manager


def load_entry_points(
    manager: pluggy.PluginManager,
    allow: Iterable[str] | None = None,
    disable: Iterable[str] = (),
) -> PluginReport:
    """Register every plugin of the ``oz_app`` group, honouring an allowlist and a blocklist.

    A plugin that fails to import or to register is reported by name and skipped.
    """
    report = PluginReport()
    allowed = None if allow is None else set(allow)
    disabled = set(disable)
    for entry in entry_points(group=hookspecs.PROJECT):
        if entry.name in disabled:
            report.skipped[entry.name] = "disabled by OZ_DISABLE_PLUGINS"
            continue
        if allowed is not None and entry.name not in allowed:
            report.skipped[entry.name] = "not in OZ_LOAD_PLUGINS"
            continue
        if manager.get_plugin(entry.name) is not None:
            continue
        try:
            manager.register(entry.load(), name=entry.name)
        except Exception as exc:  # a broken plugin must not take the app down
            report.broken[entry.name] = f"{type(exc).__name__}: {exc}"
            logger.error("plugin {} could not be loaded and is skipped: {}", entry.name, report.broken[entry.name])
            continue
        report.loaded.append(entry.name)
    return report


def collect(manager: pluggy.PluginManager, hook_name: str, what: str) -> dict[str, Callable[..., Any]]:
    """Call a ``register`` hook and return ``{name: factory}``, refusing duplicate names."""
    found: dict[str, Callable[..., Any]] = {}
    hook = getattr(manager.hook, hook_name)
    for impl in hook.get_hookimpls():
        plugin_name = manager.get_name(impl.plugin) or repr(impl.plugin)

        def register(name: str, factory: Callable[..., Any], _plugin: str = plugin_name) -> None:
            if not name or not isinstance(name, str):
                raise PluginClash(f"plugin {_plugin} registered a {what} without a name")
            if name in found:
                # Refuse only the clashing name: the plugin's other contributions still count.
                logger.error(
                    "plugin {} registered the {} {!r}, which is already registered; it is ignored",
                    _plugin,
                    what,
                    name,
                )
                return
            found[name] = factory

        try:
            impl.function(register=register)
        except PluginClash as exc:
            logger.error("{}", exc)
        except Exception as exc:
            logger.error("plugin {} failed while registering {}s: {}: {}", plugin_name, what, type(exc).__name__, exc)
    return found


def describe(manager: pluggy.PluginManager) -> list[tuple[str, list[str]]]:
    """``[(plugin name, [hook names it implements])]`` for ``oz-app plugins``."""
    rows = []
    for name, plugin in sorted(manager.list_name_plugin(), key=lambda pair: pair[0]):
        hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or [])
        rows.append((name, hooks))
    return rows
