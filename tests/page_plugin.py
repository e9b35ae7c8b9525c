"""A plugin that adds a workspace page, as a third party would (PL-2): loaded by
``workspace_main.py`` when ``OZ_TEST_PAGE_PLUGIN=1``."""

from collections.abc import Callable

from nicegui import ui

from oz_app.hookspecs import hookimpl


def _draw() -> None:
    ui.label("Hello from a plugin page").mark("plugin-page")


@hookimpl
def oz_register_pages(register: Callable[[str, Callable[[], None]], None]) -> None:
    register("/plugin/hello", _draw)
