"""User-written text on a page (SEC-9, UX-1): Markdown that reads right, with raw HTML shown as text.

Messages, task descriptions, notes and share pages are written by people and agents, so none of
it may become markup. The Markdown is CommonMark with GitHub's tables and strikethrough
(markdown-it-py) with raw HTML off, so ``<script>`` shows as the text it is. The parser adds
markup of its own (a Copy button on each code block, a span around each mention, Pygments'
colours), made from constants and from names the mention pattern allows, never from user HTML;
then everything is cleaned on the server by nh3 (Ammonia), last, to an allowlist of tags,
attributes and classes with no event handlers, styles or ``javascript:`` links, before it is
sent to any browser.

Underscores never make emphasis: ``my_var_name``, ``OZ_PROVIDER_CLAUDE_TYPE`` and ``__init__``
are identifiers far more often than anything else in an agent's reply (markdown2, used before,
mangled them next to ``*`` emphasis). ``*stars*`` still do.
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import re
from typing import Any, cast

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from nicegui import ui
from nicegui.client import Client
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from oz_app.workspace.dispatch import MENTION

MAX_HIGHLIGHT = 10_000  # longer texts are shown without colours: Pygments takes ~10 ms per 1,000 characters of code
TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "s", "del", "code", "pre", "blockquote", "a", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span", "div", "button",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "button": {"type", "aria-label"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
CLASSES = {  # the only classes that reach a page: Pygments' token classes and this module's own
    "span": {*STANDARD_TYPES.values(), "oz-mention"} - {""},
    "pre": {"codehilite"},
    "div": {"oz-code"},
    "button": {"oz-copy-code"},
}
COPY_BUTTON = '<button type="button" class="oz-copy-code" aria-label="Copy code">Copy</button>'

# Styles and the one script for what to_html makes, added once per page: code blocks with a
# background in light and dark mode (Quasar's body--dark; token colours are NiceGUI's Pygments
# stylesheet for .codehilite), inline code, tables, mentions, and the code blocks' Copy buttons.
ASSETS = """
<style>
.nicegui-markdown code { font-size: 0.875em; padding: 0.1em 0.35em; border-radius: 4px;
  background: rgba(127, 127, 127, 0.15); }
.nicegui-markdown pre code { padding: 0; background: none; font-size: 0.85em; }
.oz-code { position: relative; margin: 0.5em 0; }
.oz-code pre { padding: 0.75em 1em; border-radius: 6px; overflow-x: auto; background: #f6f8fa;
  border: 1px solid rgba(127, 127, 127, 0.25); margin: 0; }
.body--dark .oz-code pre { background: #161b22; color: #e6edf3; }
.oz-copy-code { position: absolute; top: 0.35em; right: 0.35em; font-size: 0.75em; padding: 0.1em 0.6em;
  border-radius: 4px; border: 1px solid rgba(127, 127, 127, 0.4); background: rgba(255, 255, 255, 0.85);
  color: #24292f; cursor: pointer; opacity: 0.7; }
.oz-copy-code:hover, .oz-copy-code:focus { opacity: 1; }
.body--dark .oz-copy-code { background: rgba(22, 27, 34, 0.85); color: #e6edf3; }
.nicegui-markdown table { border-collapse: collapse; margin: 0.5em 0; }
.nicegui-markdown th, .nicegui-markdown td { border: 1px solid rgba(127, 127, 127, 0.35); padding: 0.25em 0.6em; }
.nicegui-markdown th { background: rgba(127, 127, 127, 0.1); }
.nicegui-markdown a { color: #0969da; text-decoration: underline; }
.body--dark .nicegui-markdown a { color: #58a6ff; }
.oz-mention { color: #0550ae; background: rgba(84, 174, 255, 0.18); border-radius: 4px; padding: 0 0.2em;
  font-weight: 600; }
.body--dark .oz-mention { color: #79c0ff; background: rgba(56, 139, 253, 0.2); }
</style>
<script>
window.ozCopy = window.ozCopy || function (text) {
  const byHand = () => {  // plain http on a LAN, or a browser that refuses: the old way still works
    const area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  };
  if (!navigator.clipboard || !window.isSecureContext) return Promise.resolve(byHand());
  return navigator.clipboard.writeText(text).catch(byHand);
};
if (!window.ozCopyCode) {
  window.ozCopyCode = true;
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".oz-copy-code");
    if (!button) return;
    const pre = button.parentElement.querySelector("pre");
    window.ozCopy(pre ? pre.innerText : "").then(() => {
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
  });
}
</script>
"""


def _underscores_as_text(state: StateInline, silent: bool) -> bool:
    """An inline rule before emphasis: a run of underscores is text, so it never starts or ends emphasis."""
    start = state.pos
    if state.src[start] != "_":
        return False
    end = start
    while end < state.posMax and state.src[end] == "_":
        end += 1
    if not silent:
        state.pending += state.src[start:end]
    state.pos = end
    return True


def _highlight(code: str, lang: str, _attrs: Any) -> str:
    """A fenced block in a language Pygments knows, coloured with its token classes ("" = plain)."""
    try:
        lexer = get_lexer_by_name(lang.split()[0]) if lang.strip() else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""
    spans = pygments_highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="codehilite"><code>{spans}</code></pre>\n'


def _with_copy_button(rule: Any) -> Any:
    """A renderer rule for code blocks that puts the block in a box with a Copy button."""

    def render(self: Any, tokens: list[Token], index: int, options: Any, env: Any) -> str:
        return f'<div class="oz-code">{COPY_BUTTON}{rule(tokens, index, options, env)}</div>\n'

    return render


def _mark_mentions(state: StateCore) -> None:
    """A core rule: each ``@name`` in text (not in code or a link) becomes a span of its own.
    The span is built from the name alone, which the mention pattern limits to letters, digits,
    ``_`` and ``-``."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or "@" not in block.content:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and not in_link and MENTION.search(token.content):
                children.extend(_split_mentions(token.content))
            else:
                children.append(token)
        block.children = children


def _split_mentions(text: str) -> list[Token]:
    tokens, last = [], 0
    for mention in MENTION.finditer(text):
        tokens.append(_text_token(text[last : mention.start()]))
        span = Token("html_inline", "", 0)
        span.content = f'<span class="oz-mention">{html_lib.escape(mention.group())}</span>'
        tokens.append(span)
        last = mention.end()
    tokens.append(_text_token(text[last:]))
    return [token for token in tokens if token.content]


def _text_token(text: str) -> Token:
    token = Token("text", "", 0)
    token.content = text
    return token


def _parser(highlight: bool) -> MarkdownIt:
    options: dict[str, Any] = {"html": False, "breaks": True, "linkify": False, "typographer": False}
    if highlight:
        options["highlight"] = _highlight
    parser = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    parser.inline.ruler.before("emphasis", "underscores_as_text", _underscores_as_text)
    parser.core.ruler.push("mentions", _mark_mentions)
    renderer = cast(RendererHTML, parser.renderer)
    for name in ("fence", "code_block"):
        parser.add_render_rule(name, _with_copy_button(renderer.rules[name]))
    return parser


PARSERS = {True: _parser(highlight=True), False: _parser(highlight=False)}


@functools.lru_cache(maxsize=2000)
def to_html(text: str) -> str:
    """Safe HTML for the Markdown ``text``: code blocks with a Copy button, mentions marked."""
    return nh3.clean(
        PARSERS[len(text) <= MAX_HIGHLIGHT].render(text),
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        filter_style_properties={"text-align"},
    )


_PAGES_WITH_ASSETS: set[str] = set()


def add_once(html: str) -> None:
    """Add ``html`` (styles and scripts, constants of this package) to this page once. A page
    already sent gets it too: a ``<script>`` inserted later would not run, so its code is run
    directly."""
    client: Client = ui.context.client
    key = f"{client.id}:{hash(html)}"
    if key in _PAGES_WITH_ASSETS:
        return
    _PAGES_WITH_ASSETS.add(key)
    client.on_delete(lambda: _PAGES_WITH_ASSETS.discard(key))
    built = client._response_built  # NiceGUI has no public name for it
    ui.add_head_html(html)
    if built and (script := _script_of(html)):
        ui.run_javascript(script)


class SafeMarkdown(ui.markdown):
    """``ui.markdown`` whose HTML is made on the server by :func:`to_html`. nh3 is the sanitizer
    (NiceGUI's server-side mode): the browser's DOMPurify would strip the links' target=_blank."""

    def __init__(self, content: str = "") -> None:
        super().__init__(content, sanitize=lambda html: html)
        add_once(ASSETS)

    def _handle_content_change(self, content: str) -> None:
        html = to_html(content)
        if self._props.get("innerHTML") != html:
            self._props["innerHTML"] = html


def copy_text(text: str) -> None:
    """Put ``text`` on the browser's clipboard, also over plain http on a LAN, where the
    Clipboard API is off (``window.ozCopy`` falls back to the older way)."""
    add_once(ASSETS)
    ui.run_javascript(f"window.ozCopy({json.dumps(text)})")


def _script_of(assets: str) -> str:
    """The code of the ``<script>`` in ``assets`` (a constant), to run on a page already sent."""
    match = re.search(r"<script>(.*)</script>", assets, re.S)
    return match.group(1) if match else ""


def markdown(text: str) -> SafeMarkdown:
    return SafeMarkdown(text)
