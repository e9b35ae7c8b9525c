"""Live updates between tabs (WS-13): the topics pages follow on the process's bus
(:class:`oz_app.bus.Bus`), which carries them to every process sharing the database.

Callbacks run synchronously and only touch UI elements or schedule a read of the database,
which NiceGUI sends to the browser on its next flush. A tab that loses its connection for a
moment gets the updates it missed replayed by NiceGUI's message history when it reconnects;
one that was gone longer reloads and reads the database.
"""

from __future__ import annotations

from oz_app.bus import room_topic, user_topic

__all__ = ["room_topic", "user_topic"]
