"""A run's conversation (CP-11): its prompt, its answers and the follow-ups sent to it, and the
runs before it that it continues (``conversation_id``).

A follow-up is a turn on the run (``Run.turns``): its message and ``offset``, how long the
run's output was when the follow-up was taken up, so the output splits into the answers. A run
that ended is reopened to answer; one that is executing answers when its current execution
ends (``followups_waiting``). A v2 provider gets the conversation as turns (:func:`messages_for`,
PR-8); a v1 provider and a worker get one prompt, with the earlier turns written out before the
newest message (:func:`prompt_for`).
"""

from __future__ import annotations

from typing import Any

from oz_app.db.models import Run
from oz_app.providers import Message

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


async def _earlier(run: Run) -> list[tuple[str, str]]:
    """The exchanges of the runs before ``run`` in its conversation, oldest first."""
    earlier: list[tuple[str, str]] = []
    if run.conversation_id and run.conversation_id != run.id:
        before = Run.filter(conversation_id=run.conversation_id, tenant=run.tenant, created_at__lt=run.created_at)
        for previous in await before.order_by("created_at", "id"):
            earlier += _exchanges(previous)
    return earlier


async def prompt_for(run: Run, earlier: list[tuple[str, str]] | None = None) -> str:
    """What the agent is asked now: the whole conversation, ending with what is still unanswered."""
    earlier = await _earlier(run) if earlier is None else earlier
    said = _exchanges(run)
    asked: list[str] = []
    while said and said[-1][0] == "User":
        asked.insert(0, said.pop()[1])
    if not earlier and not said:
        return "\n\n".join(asked)
    history = _transcript(earlier + said)
    now = "\n\n".join(asked) or CARRY_ON
    return f"The conversation so far:\n\n{history}\n\nNow answer this:\n\n{now}"


CARRY_ON = "Carry on from where the conversation left off."
_ROLES = {"User": "user", "Agent": "assistant"}


async def request_parts(run: Run) -> tuple[str, list[Message]]:
    """The conversation for a provider call: as one prompt (v1) and as turns (v2), read once."""
    earlier = await _earlier(run)
    return await prompt_for(run, earlier), messages_of(earlier + _exchanges(run), _base_prompt(run))


def _base_prompt(run: Run) -> str:
    return str(run.agent_config.get("base_prompt") or "")


def messages_of(said: list[tuple[str, str]], system: str = "") -> list[Message]:
    """Turns for a v2 provider: the system prompt, then user and assistant turns alternating (two
    follow-ups in a row are one turn), starting with a user turn and ending with one (when the
    answers are all given: carry on). The oldest turns go beyond ``MAX_HISTORY_CHARS``."""
    turns: list[Message] = []
    for speaker, words in said:
        role = _ROLES[speaker]
        if turns and turns[-1].role == role:
            turns[-1] = Message(role, f"{turns[-1].content}\n\n{words}")
        elif turns or role == "user":
            turns.append(Message(role, words))  # type: ignore[arg-type]
    if not turns or turns[-1].role != "user":
        turns.append(Message("user", CARRY_ON))
    while len(turns) > 1 and sum(len(turn.content) for turn in turns) > MAX_HISTORY_CHARS:
        turns = turns[2:] if len(turns) > 2 else turns[1:]  # a user turn and its answer go together
    return ([Message("system", system)] if system else []) + turns


def new_turn(message: str, mode: str, at: str, offset: int | None) -> dict[str, Any]:
    return {"message": message, "mode": mode, "at": at, "offset": offset}
