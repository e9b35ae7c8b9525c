"""User-written text on a page (SEC-9): Markdown, with raw HTML shown as text.

Messages, task descriptions, notes and share pages are written by people and agents, so none of
it may become markup: raw HTML in the Markdown is escaped by markdown2 (``safe_mode="escape"``),
and the HTML it produces is cleaned on the server by nh3 (Ammonia) to an allowlist of tags with
no event handlers, styles or ``javascript:`` links, before it is sent to any browser.
"""

from __future__ import annotations

import functools

import markdown2
import nh3
from nicegui import ui

EXTRAS = {"fenced-code-blocks": None, "tables": None, "code-friendly": None, "breaks": {"on_newline": True}}
TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote", "a", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span", "div",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
}


@functools.lru_cache(maxsize=2000)
def to_html(text: str) -> str:
    """Safe HTML for the Markdown ``text``."""
    html = markdown2.markdown(text, extras=EXTRAS, safe_mode="escape")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class SafeMarkdown(ui.markdown):
    """``ui.markdown`` whose HTML is made on the server by :func:`to_html` (and still goes through
    NiceGUI's DOMPurify in the browser)."""

    def _handle_content_change(self, content: str) -> None:
        html = to_html(content)
        if self._props.get("innerHTML") != html:
            self._props["innerHTML"] = html


def markdown(text: str) -> SafeMarkdown:
    return SafeMarkdown(text)
