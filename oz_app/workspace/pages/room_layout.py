"""How a room's page sits in the window (UX-4): the page itself never scrolls; below the header the
room fills the viewport, its chat is the one scroll area and the composer stays at the bottom.

The chat scrolls in a ``flex-direction: column-reverse`` box, whose natural start is its bottom:
a room opens on its newest message with no scrolling script to race the rendering, stays at the
bottom while messages arrive or a reply grows, and keeps what is in view when older messages are
put above. The few lines of script here only show the "New messages" pill when something arrives
while the reader is scrolled up, and ask for older messages near the top.
"""

from __future__ import annotations

from nicegui import ui

CSS = """
body.oz-room-page { overflow: hidden; }
.oz-room-page .q-page { position: relative; }
.oz-room-page .q-page > .nicegui-content {
  position: absolute; inset: 0; padding: 0; gap: 0; display: flex; flex-direction: column; flex-wrap: nowrap;
  overflow: hidden;
}
.oz-room-head { flex: none; }
.oz-room-panels { flex: 1 1 0; min-height: 0; background: transparent; }
.oz-room-panels > .q-panel { height: 100%; }
.oz-room-panels > .q-panel > div { height: 100%; }
.oz-room-panels .q-tab-panel { height: 100%; padding: 0; display: flex; flex-direction: column; flex-wrap: nowrap; }
.oz-room-panels .oz-scroll-panel { overflow-y: auto; padding: 8px 12px; display: block; }
.oz-chat-area { position: relative; flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.oz-chat-scroll {
  flex: 1 1 0; min-height: 0; overflow-y: auto; display: flex; flex-direction: column-reverse;
  overscroll-behavior: contain;
}
.oz-new-pill { position: absolute !important; left: 50%; transform: translateX(-50%); bottom: 8px; z-index: 5; }
.oz-new-pill:not(.oz-shown) { display: none !important; }
.oz-composer textarea { max-height: 35vh; overflow-y: auto !important; }
.oz-suggestion .q-icon { color: var(--oz-agent); font-size: 0.8em; }
.oz-suggestion.oz-active { outline: 2px solid currentColor; outline-offset: 1px; }
.oz-room-link.oz-current { background: rgba(99, 102, 241, 0.12); font-weight: 600; }
"""

# distance from the bottom is -scrollTop in a column-reverse box (0 at the bottom)
SCRIPT = """
<script>
window.ozChat = (() => {
  const NEAR = 48;
  let asked = false;
  const scroller = () => document.querySelector('.oz-chat-scroll');
  const pill = () => document.querySelector('.oz-new-pill');
  const away = (s) => Math.abs(s.scrollTop);
  const atBottom = (s) => away(s) < NEAR;
  document.addEventListener('scroll', (event) => {
    const s = event.target;
    if (!(s instanceof Element) || !s.classList.contains('oz-chat-scroll')) return;
    if (atBottom(s)) pill()?.classList.remove('oz-shown');
    if (!asked && s.scrollHeight - s.clientHeight - away(s) < 300) {
      asked = true;
      emitEvent('oz_older');
    }
  }, true);
  return {
    down() {
      const s = scroller();
      if (s) s.scrollTop = 0;
      pill()?.classList.remove('oz-shown');
    },
    arrived() {
      const s = scroller();
      if (s && !atBottom(s)) pill()?.classList.add('oz-shown');
    },
    loaded() { asked = false; },
  };
})();
</script>
"""


def install() -> None:
    """Lay this page out as a room (its CSS and script, and the class on ``body`` they key on)."""
    ui.add_css(CSS, shared=False)
    ui.add_head_html(SCRIPT, shared=False)
    ui.query("body").classes("oz-room-page")
