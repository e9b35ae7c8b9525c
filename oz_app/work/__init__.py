"""From a product requirement to reviewed work (WS-12).

A person writes a PRD in a room; the room's planning agent (type ``SPEC``) decomposes it into
epics and work items (:mod:`.plan`); the person edits and approves the plan (:mod:`.actions`);
the room's implementing agents (type ``IMPLEMENT``) take ready items and its reviewing agent
(type ``REVIEW``) approves them or asks for changes (:mod:`.engine`); what they learned is kept
and offered to later prompts (:mod:`.knowledge`). Everything is a row: the engine of any process
carries on what another left, and a person or the API changes the same rows.

A PRD's states: ``planning`` → ``planned`` (or ``plan_failed``) → ``running`` ⇄ ``paused`` →
``done``, or ``cancelled`` from any. A work item's: ``draft`` (an unapproved plan) → ``todo`` →
``implementing`` → ``implemented`` → ``reviewing`` → ``done``; a review asking for changes sends
it back to ``todo`` (``round`` + 1); ``needs_person`` when the round limit, the attempt limit or a
missing reviewer stops it; ``rejected`` and ``cancelled`` by a person.
"""

from __future__ import annotations

from datetime import timedelta

from oz_app.bus import Bus, room_topic
from oz_app.control_plane.service import now
from oz_app.db.models import WorkEvent

PRD_STATES = ("planning", "planned", "plan_failed", "running", "paused", "done", "cancelled")
PRD_FINAL = frozenset({"done", "cancelled"})
ITEM_STATES = (
    "draft", "todo", "implementing", "implemented", "reviewing", "needs_person", "done", "rejected", "cancelled",
)  # fmt: skip
ITEM_ACTIVE = frozenset({"implementing", "reviewing"})  # an attempt's run (or its claim) is under way
ITEM_FINAL = frozenset({"done", "rejected", "cancelled"})
CLAIM = "claim-"  # run_id of an item (or plan_run_id of a PRD) whose run is being created
STALE_CLAIM = timedelta(minutes=2)  # a claim this old was left by a process that stopped
WORK_TOPIC = "work"  # every process's engine listens: something may be ready to start


def announce(bus: Bus, room_id: str) -> None:
    """Tell the room's open tabs that its PRDs or items changed, and every process's engine to
    look (publish after the commit)."""
    bus.publish(room_topic(room_id), kind="work")
    bus.publish(WORK_TOPIC, room_id=room_id)


async def record(item_id: str, kind: str, text: str = "", *, actor: str = "", run_id: str | None = None) -> None:
    """Add a line to a work item's history (inside the caller's transaction when it has one)."""
    await WorkEvent.create(item_id=item_id, kind=kind, actor=actor, text=text, run_id=run_id, at=now())
