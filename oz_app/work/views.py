"""PRDs and work items as the Work tab and the API show them (WS-12), derived from the rows.

What an item shows in words (``shown``) is read from its row, its dependencies' rows and the
agents named on it, never stored: "ready", "waiting for Card form", "claimed by coder", "in review
by rev", "changes needed, round 1/3", "needs you: <why>", "done". A PRD's view costs three
queries and its items' four, however many items it has.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from oz_app.db.models import Agent, Epic, Prd, Room, WorkEvent, WorkItem
from oz_app.work import CLAIM
from oz_app.work.actions import reviewer_of

PRD_FIELDS = (
    "id", "title", "text", "state", "planner_id", "plan_run_id", "root_run_id", "plan_attempts", "plan_error",
    "created_by",
)  # fmt: skip
ITEM_FIELDS = (
    "id", "key", "title", "description", "acceptance", "estimate", "depends_on", "position", "state", "assignee_id",
    "claimed_by", "root_run_id", "round", "attempts", "feedback", "output", "last_error",
)  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _run(run_id: str | None) -> str | None:
    """A run's id; None for a claim mark (its run is still being created)."""
    return run_id if run_id and not run_id.startswith(CLAIM) else None


async def prd_view(prd: Prd) -> dict[str, Any]:
    """The PRD's fields, its progress (items done of all) and its epics with theirs."""
    epics = await Epic.filter(prd_id=prd.id).order_by("position", "id")
    rows = await WorkItem.filter(prd_id=prd.id).values_list("epic_id", "state")
    total: Counter[str | None] = Counter(epic_id for epic_id, _ in rows)
    done: Counter[str | None] = Counter(epic_id for epic_id, state in rows if state == "done")
    return {
        **{name: getattr(prd, name) for name in PRD_FIELDS},
        "room_id": str(prd.room_id),  # type: ignore[attr-defined]
        "plan_run_id": _run(prd.plan_run_id),
        "created_at": _iso(prd.created_at),
        "updated_at": _iso(prd.updated_at),
        "approved_at": _iso(prd.approved_at),
        "finished_at": _iso(prd.finished_at),
        "progress": {"total": len(rows), "done": sum(done.values())},
        "epics": [
            {
                "id": epic.id,
                "title": epic.title,
                "description": epic.description,
                "position": epic.position,
                "total": total[epic.id],
                "done": done[epic.id],
            }
            for epic in epics
        ],
    }


async def item_views(prd: Prd) -> list[dict[str, Any]]:
    """The PRD's items in plan order, each with its fields, the names of its agents and ``shown``."""
    room = await Room.get(id=prd.room_id)  # type: ignore[attr-defined]
    items = await WorkItem.filter(prd_id=prd.id).order_by("position", "id")
    named = {item.claimed_by for item in items} | {item.assignee_id for item in items}
    named.discard(None)
    agents = {agent.id: agent for agent in await Agent.filter(id__in=list(named))} if named else {}
    reviewer = await reviewer_of(room)
    by_key = {item.key: item for item in items}
    views = []
    for item in items:
        claimant = agents.get(item.claimed_by or "")
        assignee = agents.get(item.assignee_id or "")
        views.append(
            {
                **{name: getattr(item, name) for name in ITEM_FIELDS},
                "prd_id": prd.id,
                "epic_id": item.epic_id,  # type: ignore[attr-defined]
                "run_id": _run(item.run_id),
                "updated_at": _iso(item.updated_at),
                "claimed_by_name": claimant.name if claimant else None,
                "assignee_name": assignee.name if assignee else None,
                "shown": shown(item, by_key, claimant, reviewer, room.review_rounds),
            }
        )
    return views


def waiting_for(item: WorkItem, by_key: dict[str, WorkItem]) -> list[str]:
    """What ``item`` still waits for (the titles of its dependencies not done; a key no longer in
    the plan by itself): the engine takes it only when this is empty."""
    missing = [key for key in item.depends_on or [] if key not in by_key or by_key[key].state != "done"]
    return [by_key[key].title if key in by_key else key for key in missing]


def shown(
    item: WorkItem, by_key: dict[str, WorkItem], claimant: Agent | None, reviewer: Agent | None, rounds: int
) -> str:
    """An item's state in a person's words."""
    state = item.state
    if state == "todo":
        if waiting := waiting_for(item, by_key):
            return "waiting for " + ", ".join(waiting)
        if item.round:
            return f"changes needed, round {item.round}/{rounds}"
        if item.attempts:
            return f"ready, attempt {item.attempts + 1} (the last failed: {item.last_error or 'no reason given'})"
        return "ready"
    if state == "implementing":
        return f"claimed by {claimant.name}" if claimant else "starting"
    if state == "implemented":
        return "waiting for review"
    if state == "reviewing":
        by = claimant if claimant is not None and claimant.agent_type == "REVIEW" else reviewer
        return f"in review by {by.name}" if by else "in review"
    if state == "needs_person":
        return f"needs you: {item.last_error or 'a person has to decide'}"
    return state  # draft, done, rejected, cancelled


async def history_of(item: WorkItem) -> list[dict[str, Any]]:
    """The item's history, oldest first."""
    events = await WorkEvent.filter(item_id=item.id).order_by("id")
    return [
        {"kind": event.kind, "actor": event.actor, "text": event.text, "run_id": event.run_id, "at": _iso(event.at)}
        for event in events
    ]
