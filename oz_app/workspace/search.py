"""Search across what one person may see (UX-6): messages, rooms and tasks of their own rooms.

A match is a case-insensitive substring, the query taken literally (``%`` and ``_`` are plain
characters). An agent's reply is found by its run's output, which is its text (ST-1): nothing is
copied into an index that could disagree. The newest ``limit`` matches of each kind are
returned, with how many more there are. Only the user's rooms are read: the owner is part of
every query, so another person's text can never be a result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.filters import escape_like

from oz_app.control_plane.run_items import stored_time
from oz_app.control_plane.tokens import user_tenant
from oz_app.db import in_dialect
from oz_app.db.models import User

LIMIT = 50
MAX_QUERY = 200
SNIPPET = 160  # characters of a message shown around its first match

# The ids of the user's matching messages, newest first: one pass over the messages of their
# rooms, and one over their runs (an agent's reply is found by its run's output).
MESSAGE_IDS = (
    "SELECT m.id FROM messages m WHERE m.room_id IN (SELECT id FROM rooms WHERE owner_id = ?)"
    " AND (m.content {like} ? ESCAPE '\\'"
    " OR m.run_id IN (SELECT id FROM runs WHERE tenant = ? AND output {like} ? ESCAPE '\\'))"
    " ORDER BY m.id DESC"
)
MESSAGES = (
    "SELECT m.id, m.room_id, r.name, m.author_name, m.created_at, m.content, ru.output"
    " FROM messages m JOIN rooms r ON r.id = m.room_id LEFT JOIN runs ru ON ru.id = m.run_id"
    " WHERE r.owner_id = ? AND m.id IN ({ids}) ORDER BY m.id DESC"
)
ROOMS = (
    "SELECT r.id, r.name, r.description FROM rooms r"
    " WHERE r.owner_id = ? AND (r.name {like} ? ESCAPE '\\' OR r.description {like} ? ESCAPE '\\')"
    " ORDER BY r.created_at DESC"
)
TASKS = (
    "SELECT t.id, t.room_id, r.name, t.title, t.status FROM tasks t JOIN rooms r ON r.id = t.room_id"
    " WHERE r.owner_id = ? AND (t.title {like} ? ESCAPE '\\' OR t.description {like} ? ESCAPE '\\')"
    " ORDER BY t.updated_at DESC"
)


@dataclass
class MessageHit:
    id: int
    room_id: str
    room_name: str
    author: str
    created_at: datetime
    snippet: tuple[str, str, str]  # before the match, the match, after it


@dataclass
class Found:
    """The results of one query: each kind newest first, and how many of each were left out."""

    query: str
    messages: list[MessageHit] = field(default_factory=list)
    rooms: list[dict[str, str]] = field(default_factory=list)
    tasks: list[dict[str, str]] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=lambda: {"messages": 0, "rooms": 0, "tasks": 0})

    @property
    def empty(self) -> bool:
        return not (self.messages or self.rooms or self.tasks)


async def search(user: User, query: str, limit: int = LIMIT) -> Found:
    """What ``user`` may see that contains ``query`` (nothing for a blank query)."""
    text = (query or "").strip()[:MAX_QUERY]
    found = Found(text)
    if not text:
        return found
    pattern = f"%{escape_like(text)}%"
    ids = [row[0] for row in await _select(MESSAGE_IDS, [user.id, pattern, user_tenant(user.id), pattern])]
    found.more["messages"] = max(0, len(ids) - limit)
    if ids[:limit]:
        marks = ", ".join("?" * len(ids[:limit]))
        rows = await _select(MESSAGES.replace("{ids}", marks), [user.id, *ids[:limit]])
        found.messages = [_message_hit(row, text) for row in rows]
    rows = await _select(ROOMS, [user.id, pattern, pattern])
    found.rooms = [{"id": row[0], "name": row[1], "description": row[2]} for row in rows[:limit]]
    found.more["rooms"] = max(0, len(rows) - limit)
    rows = await _select(TASKS, [user.id, pattern, pattern])
    found.tasks = [
        {"id": row[0], "room_id": row[1], "room_name": row[2], "title": row[3], "status": row[4]}
        for row in rows[:limit]
    ]
    found.more["tasks"] = max(0, len(rows) - limit)
    return found


async def _select(statement: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` in the connection's dialect (``LIKE`` is ``ILIKE`` on PostgreSQL,
    whose ``LIKE`` minds case; SQLite's does not, for ASCII letters)."""
    connection = connections.get("default")
    like = "ILIKE" if connection.capabilities.dialect == "postgres" else "LIKE"
    _, rows = await connection.execute_query(in_dialect(statement.replace("{like}", like)), values)
    return [tuple(row) for row in rows]


def _message_hit(row: Any, text: str) -> MessageHit:
    message_id, room_id, room_name, author, created_at, content, output = row
    body = output if output and text.lower() in output.lower() else content or output or ""
    written = stored_time(created_at)
    assert written is not None  # a message always has its time
    return MessageHit(int(message_id), str(room_id), room_name, author, written, snippet(body, text))


def snippet(body: str, text: str) -> tuple[str, str, str]:
    """``body`` on one line, cut to about :data:`SNIPPET` characters around the first ``text``:
    what comes before the match, the match as written, and what follows."""
    flat = " ".join(body.split())
    start = flat.lower().find(text.lower())
    if start < 0:
        return (flat[:SNIPPET], "", "")
    end = start + len(text)
    lead = max(0, start - SNIPPET // 3)
    before = ("…" if lead else "") + flat[lead:start]
    tail = max(0, SNIPPET - len(before) - len(text))
    after = flat[end : end + tail] + ("…" if end + tail < len(flat) else "")
    return (before, flat[start:end], after)
