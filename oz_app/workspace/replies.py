"""What a message shows, read from the database: an agent's reply from its run (ST-1).

A reply and its run cannot disagree because the reply has no text or state of its own to
disagree with: its text is the run's output, its state the run's state, its status line the
run's status message. Only a reply whose run lives on another control plane (remote runner
mode) shows what was kept of it when it ended.
"""

from __future__ import annotations

from typing import Any

from oz_app.db.models import TERMINAL_STATES, Message, Run

# A run's state as a reply shows it.
SHOWN_STATE = {"SUCCEEDED": "done", "CANCELLED": "cancelled"}
ACTIVE_REPLY = ("queued", "streaming")


def shown_state(run_state: str) -> str:
    if run_state in TERMINAL_STATES:
        return SHOWN_STATE.get(run_state, "failed")
    return "streaming"


def status_of(run: Run) -> str:
    """The reply's status line: why it failed or waits, and that it was retried (ST-3)."""
    parts = []
    retried = [a for a in run.attempts if isinstance(a, dict) and a.get("outcome") == "interrupted"]
    if retried:
        times = "once" if len(retried) == 1 else f"{len(retried)} times"
        parts.append(f"Retried {times}: {retried[-1].get('reason', 'interrupted')}.")
    if run.status_message and run.state != "SUCCEEDED":
        parts.append(run.status_message)
    return " ".join(parts)


def view(message: Message, run: Run | None = None) -> dict[str, Any]:
    """What a tab needs to show a message (also all a share link shows of it)."""
    shown = {
        "id": message.id,
        "author_kind": message.author_kind,
        "author_name": message.author_name,
        "agent_id": message.agent_id,
        "content": message.content,
        "state": message.state,
        "status": "",
        "run_id": message.run_id,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "asked_by": None,  # the agent whose mention started this reply (filled in by views)
    }
    if message.state == "queued":
        shown["status"] = "answers once the agent is free here and the room is not paused"
    elif run is not None:
        shown.update(content=run.output, state=shown_state(run.state), status=status_of(run))
    return shown


async def runs_of(messages: list[Message]) -> dict[str, Run]:
    """The runs of the replies among ``messages``, by id, in one query."""
    ids = [message.run_id for message in messages if message.run_id]
    return {run.id: run for run in await Run.filter(id__in=ids)} if ids else {}


async def views(messages: list[Message]) -> list[dict[str, Any]]:
    runs = await runs_of(messages)
    shown = [view(message, runs.get(message.run_id or "")) for message in messages]
    askers = await askers_of(messages)
    for message, one in zip(messages, shown, strict=True):
        one["asked_by"] = askers.get(message.asked_by or 0)
    return shown


async def askers_of(messages: list[Message]) -> dict[int, str]:
    """The agents whose mentions started replies among ``messages`` (UX-1), by the asking
    message's id, in one query; only replies one level deeper than a person's ask one."""
    ids = {message.asked_by for message in messages if message.asked_by and message.depth > 1}
    if not ids:
        return {}
    rows = await Message.filter(id__in=ids, author_kind="agent").values_list("id", "author_name")
    return {int(row[0]): str(row[1]) for row in rows}


async def answer_of(message: Message) -> str:
    """A reply's text as other agents read it: the run's output once it succeeded."""
    shown = (await views([message]))[0]
    return str(shown["content"]) if shown["state"] == "done" else ""
