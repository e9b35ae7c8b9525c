"""A run's conversation (CP-11): its prompt, its answers and the follow-ups sent to it, and the
runs before it that it continues (``conversation_id``).

A follow-up is a turn on the run (``Run.turns``): its message and ``offset``, how long the
run's output was when the follow-up was taken up, so the output splits into the answers. A run
that ended is reopened to answer; one that is executing answers when its current execution
ends (``followups_waiting``). Providers get one prompt, so the earlier turns are written out
before the newest message.
"""

from __future__ import annotations

from typing import Any

from oz_app.db.models import Run

MAX_HISTORY_CHARS = 200_000  # the oldest turns are left out beyond this


def _exchanges(run: Run) -> list[tuple[str, str]]:
    """(speaker, text) of a run, in order: the prompt, the answers and the follow-ups."""
    said: list[tuple[str, str]] = []
    if run.prompt.strip():
        said.append(("User", run.prompt))
    start = 0
    for turn in run.turns or []:
        offset = turn.get("offset")
        if offset is None:
            continue  # waiting for the current execution to end
        if offset > start:
            said.append(("Agent", run.output[start:offset]))
            start = offset
        said.append(("User", str(turn.get("message") or "")))
    if len(run.output) > start:
        said.append(("Agent", run.output[start:]))
    return said


def _transcript(said: list[tuple[str, str]]) -> str:
    text = "\n\n".join(f"{speaker}: {words}" for speaker, words in said)
    return text[-MAX_HISTORY_CHARS:]


async def prompt_for(run: Run) -> str:
    """What the agent is asked now: the whole conversation, ending with what is still unanswered."""
    earlier: list[tuple[str, str]] = []
    if run.conversation_id and run.conversation_id != run.id:
        before = Run.filter(conversation_id=run.conversation_id, tenant=run.tenant, created_at__lt=run.created_at)
        for previous in await before.order_by("created_at", "id"):
            earlier += _exchanges(previous)
    said = _exchanges(run)
    asked: list[str] = []
    while said and said[-1][0] == "User":
        asked.insert(0, said.pop()[1])
    if not earlier and not said:
        return "\n\n".join(asked)
    history = _transcript(earlier + said)
    now = "\n\n".join(asked) or "Carry on from where the conversation left off."
    return f"The conversation so far:\n\n{history}\n\nNow answer this:\n\n{now}"


def new_turn(message: str, mode: str, at: str, offset: int | None) -> dict[str, Any]:
    return {"message": message, "mode": mode, "at": at, "offset": offset}
