"""An agent's colour and avatar (UX-7): every agent looks different from its owner's others.

A new agent gets the first colour of a golden-angle sequence of hues that none of its owner's
agents has; agents made before colours were generated all stored the same default, so theirs is
derived from their id (never written back). The avatar is the agent's initials in a circle of
its colour (or the icon it was given), white on a mid-tone that reads in light and dark mode.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from nicegui import ui

OLD_DEFAULT_COLOR = "#5c6bc0"  # what every agent got before colours were generated
STATUS_COLORS = {"idle": "grey", "running": "blue", "queued": "orange", "error": "red"}
PLAIN_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
INITIALS_ICONS = ("", "smart_toy")  # no icon of its own: the avatar shows initials
GOLDEN_ANGLE = 137.508
FIRST_HUE = 210.0
SATURATION, LIGHTNESS = 0.58, 0.42  # white text stays readable on every hue


def color_at(index: int) -> str:
    """The ``index``-th colour of the sequence: neighbours in it are far apart on the wheel."""
    return _hex((FIRST_HUE + index * GOLDEN_ANGLE) % 360)


def new_color(taken: Iterable[str]) -> str:
    """The first colour of the sequence that none of ``taken`` is."""
    used = {color.lower() for color in taken}
    index = 0
    while color_at(index) in used:
        index += 1
    return color_at(index)


def color_of(agent: Any) -> str:
    """The colour ``agent`` is drawn in: its own, or for the old shared default one from its id."""
    color = str(_field(agent, "color") or "")
    if PLAIN_COLOR.match(color) and color.lower() != OLD_DEFAULT_COLOR:  # it goes into a style: nothing else
        return color
    digest = hashlib.sha256(str(_field(agent, "id") or _field(agent, "name") or "").encode()).digest()
    return _hex(int.from_bytes(digest[:4], "big") % 360)


def initials(name: str) -> str:
    """``code-reviewer`` -> ``CR``, ``helper`` -> ``He``: two letters that tell agents apart."""
    words = [word for word in re.split(r"[-_.\s]+|(?<=[a-z])(?=[A-Z])", name) if word]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return name[:2].capitalize() or "?"


def avatar(agent: Any, size: float = 2.25, *, named: bool = True) -> ui.element:
    """Draw ``agent`` (a row or a dict with name, color, icon, id) as a circle ``size`` rem wide;
    ``named``: with its @name on hover (not where the name is written beside it)."""
    name = str(_field(agent, "name") or "")
    icon = str(_field(agent, "icon") or "")
    circle = ui.element("div").classes("rounded-full flex items-center justify-center shrink-0 text-white font-bold")
    circle.style(f"background-color: {color_of(agent)}; width: {size}rem; height: {size}rem")
    circle.style(f"font-size: {size * 0.4:.2f}rem")
    circle.mark(f"avatar-{name}")
    with circle:
        if icon in INITIALS_ICONS:
            ui.label(initials(name)).classes("leading-none select-none")
        else:
            ui.icon(icon).style(f"font-size: {size * 0.6}rem")
    if named:
        circle.tooltip(f"@{name}")
    return circle


def _hex(hue: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue / 360, LIGHTNESS, SATURATION)
    return "#{:02x}{:02x}{:02x}".format(*(round(part * 255) for part in (red, green, blue)))


def _field(agent: Any, name: str) -> Any:
    return agent.get(name) if isinstance(agent, dict) else getattr(agent, name, None)
