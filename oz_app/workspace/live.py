"""Live updates between the open tabs of this process (WS-13).

Pages subscribe a callback to a topic (``room:<id>``, ``user:<id>``) for as long as their tab
is open; services publish what changed. Callbacks run synchronously in the publisher's task
and only touch UI elements, which NiceGUI sends to the browser on its next flush (every few
milliseconds). A tab that loses its connection for a moment gets the updates it missed
replayed by NiceGUI's message history when it reconnects; one that was gone longer reloads
and reads the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from loguru import logger

Listener = Callable[[dict[str, Any]], None]


class Live:
    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = defaultdict(set)

    def subscribe(self, topic: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event on ``topic``; returns the unsubscribe function."""
        self._listeners[topic].add(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(topic)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self._listeners[topic]

        return unsubscribe

    def publish(self, topic: str, **event: Any) -> None:
        for listener in list(self._listeners.get(topic, ())):
            try:
                listener(event)
            except Exception:
                logger.exception("a live listener on {} failed", topic)


def room_topic(room_id: str) -> str:
    return f"room:{room_id}"


def user_topic(user_id: str) -> str:
    return f"user:{user_id}"
