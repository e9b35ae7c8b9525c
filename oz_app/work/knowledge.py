"""What a room's agents and people learned, offered to the room's later prompts (WS-12).

Entries are short texts (an agent's stated learning, a person's note). A prompt gets the entries
most relevant to its task, ranked by BM25 over the room's entries and taken best first while they
fit a token budget, so a room's knowledge can grow without crowding out the task itself.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import Counter

from oz_app.control_plane.service import new_id, now
from oz_app.db.models import KnowledgeEntry
from oz_app.errors import Invalid, NotFound

MAX_ENTRY = 4_000
K1 = 1.2
B = 0.75
_WORD = re.compile(r"[a-z0-9_]+")
_OFF_LOOP = 200_000  # characters of entries beyond which ranking runs in a thread, keeping the event loop free


def tokens(text: str) -> int:
    """About how many model tokens a text costs (four characters a token, rounded up)."""
    return -(-len(text) // 4)


def words(text: str) -> list[str]:
    """The words BM25 compares: lowercase runs of letters, digits and underscores."""
    return _WORD.findall(text.lower())


def rank(query: str, documents: list[str]) -> list[int]:
    """Indices of the documents that match the query, best first, by Okapi BM25 (k1 1.2, b 0.75).

    A term's weight falls with the number of documents holding it (a rare shared word counts
    more than a common one) and a match counts less in a longer document; documents sharing no
    word with the query are left out. Equal scores keep the documents' order."""
    terms = set(words(query))
    if not terms or not documents:
        return []
    counts = [Counter(words(document)) for document in documents]
    lengths = [sum(count.values()) for count in counts]
    average = sum(lengths) / len(lengths) or 1.0
    total = len(documents)
    weight = {}
    for term in terms:
        holding = sum(1 for count in counts if term in count)
        weight[term] = math.log(1 + (total - holding + 0.5) / (holding + 0.5))
    scores: list[tuple[float, int]] = []
    for index, (count, length) in enumerate(zip(counts, lengths, strict=True)):
        norm = K1 * (1 - B + B * length / average)
        score = sum(weight[t] * count[t] * (K1 + 1) / (count[t] + norm) for t in terms if t in count)
        if score > 0:
            scores.append((score, index))
    scores.sort(key=lambda pair: (-pair[0], pair[1]))
    return [index for _, index in scores]


async def relevant(room_id: str, query: str, budget: int = 1000) -> list[KnowledgeEntry]:
    """The room's entries most relevant to the query, best first, as many as fit ``budget``
    tokens (an entry too big for what is left is skipped, smaller ones may still fit); equal
    scores go to the newest."""
    entries = await entries_of(room_id)  # newest first: rank keeps that order among equals
    texts = [entry.text for entry in entries]
    if sum(map(len, texts)) > _OFF_LOOP:
        order = await asyncio.to_thread(rank, query, texts)
    else:
        order = rank(query, texts)
    chosen: list[KnowledgeEntry] = []
    left = budget
    for index in order:
        cost = tokens(entries[index].text)
        if cost <= left:
            chosen.append(entries[index])
            left -= cost
    return chosen


def as_prompt(entries: list[KnowledgeEntry]) -> str:
    """The entries as a block of a prompt ("" when there are none)."""
    if not entries:
        return ""
    lines = ["What was learned in this room's earlier work (most relevant first):"]
    for entry in entries:
        first, *rest = entry.text.splitlines() or [""]
        lines.append(f"- {first}")
        lines.extend(f"  {line}" for line in rest)
    return "\n".join(lines)


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise Invalid("A knowledge entry must be text.")
    text = text.strip()
    if not text:
        raise Invalid("Write what was learned first: a knowledge entry cannot be empty.")
    if len(text) > MAX_ENTRY:
        raise Invalid(f"A knowledge entry is at most {MAX_ENTRY:,} characters; this one has {len(text):,}.")
    return text


async def add(room_id: str, text: str, source: str, item_id: str | None = None) -> KnowledgeEntry:
    """Keep something learned in the room; ``source`` says who stated it."""
    text = _checked(text)
    stamp = now()
    return await KnowledgeEntry.create(
        id=new_id(),
        room_id=room_id,
        text=text,
        source=(source or "").strip()[:64],
        item_id=item_id,
        created_at=stamp,
        updated_at=stamp,
    )


async def update(room_id: str, entry_id: str, text: str) -> KnowledgeEntry:
    """Change an entry's text; ``NotFound`` when it is not the room's (or is gone)."""
    text = _checked(text)
    changed = await KnowledgeEntry.filter(id=entry_id, room_id=room_id).update(text=text, updated_at=now())
    entry = await KnowledgeEntry.get_or_none(id=entry_id, room_id=room_id) if changed else None
    if entry is None:
        raise NotFound("No such knowledge entry.")
    return entry


async def delete(room_id: str, entry_id: str) -> None:
    """Forget an entry; ``NotFound`` when it is not the room's (or is already gone)."""
    if not await KnowledgeEntry.filter(id=entry_id, room_id=room_id).delete():
        raise NotFound("No such knowledge entry.")


async def entries_of(room_id: str) -> list[KnowledgeEntry]:
    """The room's entries, newest first."""
    return await KnowledgeEntry.filter(room_id=room_id).order_by("-created_at", "-id")
