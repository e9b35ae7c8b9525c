"""A task assigned to an agent is that agent's work (UX-9).

Starting a task gives its agent a run with the task as the prompt and moves the card to In
progress; ``tasks.run_id`` links the card to that run, and what the card shows of the work (its
state, why it failed) is read from the run. The run also answers in the room's chat, as a reply
of that agent that the :class:`~oz_app.workspace.dispatch.Conductor` follows and settles like any
other: people see the work, and agents it mentions are asked. When the run ends the card moves,
once, whichever process sees it first (a compare-and-set on the task): to Done when it
succeeded, back to Backlog otherwise. The conductor's sweep also moves the cards of runs that
ended while no process was following them, so a restart in the middle of a run changes nothing.

A start *claims* the task first (``run_id`` set to a ``starting-`` mark by a conditional update),
so two processes never both start its run; a claim left by a process that stopped is released
by the sweep after :data:`STALE_CLAIM`.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from oz_app.bus import Bus
from oz_app.control_plane.service import now
from oz_app.db.models import TERMINAL_STATES, Agent, Message, Room, Run, Task
from oz_app.runners import RunnerError
from oz_app.workspace import replies, service
from oz_app.workspace.live import room_topic

if TYPE_CHECKING:
    from oz_app.workspace.dispatch import Conductor

CLAIM = "starting-"
STALE_CLAIM = timedelta(minutes=2)
_WORDS = {"streaming": "working", "done": "done", "failed": "failed", "cancelled": "cancelled"}  # a reply's state


@dataclass(frozen=True)
class Work:
    """What a card shows of its run: ``state`` in words, ``reason`` when it failed, ``run_id`` to
    link to its output (None while it is being created)."""

    state: str
    reason: str = ""
    run_id: str | None = None

    @property
    def active(self) -> bool:
        return self.state in ("starting", "working")


def announce(bus: Bus, room_ids: list[str]) -> None:
    """Tell the rooms' open tabs that their boards changed."""
    for room_id in dict.fromkeys(room_ids):
        bus.publish(room_topic(room_id), kind="tasks")


def prompt(room: Room, agent: Agent, task: Task) -> str:
    """The run's prompt: who the agent is and where, then the task itself."""
    from oz_app.workspace.dispatch import introduction  # dispatch imports this module

    parts = [*introduction(room, agent), "You were assigned this task:", "", f"# {task.title}"]
    if task.description:
        parts += ["", task.description]
    parts += ["", "Do it, then say what you did (or why you could not)."]
    return "\n".join(parts)


async def start(conductor: Conductor, room: Room, task_id: str) -> Task:
    """Start the assignee's run on the task and move it to In progress; :class:`service.Invalid`
    says why it cannot start (no assignee, a paused room, already working)."""
    task = await service.task_in(room, task_id)
    agent = await _assignee(room, task)
    if room.paused:
        raise service.Invalid("This room is paused: resume it to start the task.")
    if (await work_of([task]))[task.id].active:
        raise service.Invalid(f"{agent.name} is already working on this task.")
    claim = CLAIM + uuid.uuid4().hex[:27]
    if not await _claim(room, task, claim):
        raise service.Invalid("This task was just started or changed elsewhere; look again.")
    announce(conductor.bus, [room.id])
    try:
        run_id = await _new_run(conductor, room, agent, task)
    except RunnerError:
        await Task.filter(id=task.id, run_id=claim).update(run_id=None, status="backlog", updated_at=now())
        announce(conductor.bus, [room.id])
        raise
    created = await _link(room, agent, task, claim, run_id)
    if not created:  # deleted, or released by a sweep, while its run was being created
        with contextlib.suppress(RunnerError):
            await conductor.runner.cancel(run_id, owner=room.owner_id)  # type: ignore[attr-defined]
        raise service.Invalid("The task changed while its run was being created; nothing was started.")
    await conductor.adopt(created)
    announce(conductor.bus, [room.id])
    await task.refresh_from_db()
    return task


async def _assignee(room: Room, task: Task) -> Agent:
    if not task.assignee_id:
        raise service.Invalid("Assign the task to an agent first.")
    agent = await Agent.get_or_none(id=task.assignee_id, owner_id=room.owner_id)  # type: ignore[attr-defined]
    if agent is None:
        raise service.Invalid("The task's agent was deleted: assign it to another one.")
    return agent


async def _claim(room: Room, task: Task, claim: str) -> bool:
    """Take the task for this start: only if its run is still the one read (compare-and-set)."""
    same_run = Q(run_id=task.run_id) if task.run_id else Q(run_id__isnull=True)
    position = await Task.filter(room=room, status="in_progress").exclude(id=task.id).count()
    changed = await Task.filter(same_run, id=task.id).update(
        run_id=claim, status="in_progress", position=position, updated_at=now()
    )
    return bool(changed)


async def _new_run(conductor: Conductor, room: Room, agent: Agent, task: Task) -> str:
    from oz_app.workspace.dispatch import run_config  # dispatch imports this module

    return await conductor.runner.start(
        prompt(room, agent, task),
        title=f"{agent.name}: {task.title}"[:500],
        config=run_config(agent),
        owner=room.owner_id,  # type: ignore[attr-defined]
    )


async def _link(room: Room, agent: Agent, task: Task, claim: str, run_id: str) -> list[Message]:
    """In one transaction: the card gets its run, and the chat a note and the agent's reply (the run)."""
    async with in_transaction():
        if not await Task.filter(id=task.id, run_id=claim).update(run_id=run_id, updated_at=now()):
            return []
        note = await service.post_message(room, "system", "oz", f"{agent.name} started the task “{task.title}”.")
        reply = await service.post_message(
            room, "agent", agent.name, "", agent_id=agent.id, state="streaming", depth=1, run_id=run_id
        )
    return [note, reply]


async def settle(run_id: str, run_state: str) -> list[str]:
    """The run ended: move its cards still In progress to Done (it succeeded) or Backlog. Called
    inside the caller's transaction; returns the rooms whose boards changed (to :func:`announce`)."""
    column = "done" if run_state == "SUCCEEDED" else "backlog"
    moved = []
    for task in await Task.filter(run_id=run_id, status="in_progress"):
        position = await Task.filter(room_id=task.room_id, status=column).count()  # type: ignore[attr-defined]
        if await Task.filter(id=task.id, run_id=run_id, status="in_progress").update(
            status=column, position=position, updated_at=now()
        ):
            moved.append(str(task.room_id))  # type: ignore[attr-defined]
    return moved


async def sweep(bus: Bus) -> None:
    """Settle the cards whose run ended while no process followed it, and release claims left
    by a process that stopped between claiming a task and creating its run."""
    stale = Task.filter(run_id__startswith=CLAIM, updated_at__lt=now() - STALE_CLAIM)
    rooms = [str(room_id) for room_id in await stale.values_list("room_id", flat=True)]
    if rooms:
        await stale.update(run_id=None, status="backlog", updated_at=now())
    run_ids = await Task.filter(status="in_progress", run_id__isnull=False).values_list("run_id", flat=True)
    ended = await Run.filter(id__in=run_ids, state__in=list(TERMINAL_STATES)).values_list("id", "state")
    for run_id, state in ended:
        async with in_transaction():
            rooms += await settle(str(run_id), str(state))
    announce(bus, rooms)


async def stop(conductor: Conductor, room: Room, task: Task) -> None:
    """Cancel the task's run if it is still working (before the task is deleted)."""
    if task.run_id and not task.run_id.startswith(CLAIM):
        with contextlib.suppress(RunnerError):
            await conductor.runner.cancel(task.run_id, owner=room.owner_id)  # type: ignore[attr-defined]


async def work_of(tasks: list[Task]) -> dict[str, Work]:
    """What each task's card shows of its run, read from the runs (two queries for a board)."""
    run_ids = [task.run_id for task in tasks if task.run_id and not task.run_id.startswith(CLAIM)]
    runs = {run.id: run for run in await Run.filter(id__in=run_ids)} if run_ids else {}
    elsewhere = [run_id for run_id in run_ids if run_id not in runs]  # remote mode: the reply kept it
    kept = {m.run_id: m for m in await Message.filter(run_id__in=elsewhere)} if elsewhere else {}
    shown: dict[str, Work] = {}
    for task in tasks:
        if not task.run_id:
            shown[task.id] = Work("")
        elif task.run_id.startswith(CLAIM):
            shown[task.id] = Work("starting")
        elif task.run_id in runs:
            run = runs[task.run_id]
            state = replies.shown_state(run.state)
            reason = (replies.status_of(run) or "The run failed.") if state == "failed" else ""
            shown[task.id] = Work(_WORDS[state], reason, run.id)
        elif task.run_id in kept:
            message = kept[task.run_id]
            state = message.state if message.state != "queued" else "streaming"
            shown[task.id] = Work(_WORDS.get(state, state), message.content if state == "failed" else "", task.run_id)
        else:
            shown[task.id] = Work("", "", task.run_id)
    return shown
