"""The engine's attempts (WS-12): ready items of running PRDs are claimed by the room's
implementers up to ``Room.work_limit``, each implementation is reviewed by the room's reviewer,
and a verdict, a failed run or a time limit moves the item on, once (compare-and-set on
``(id, run_id)``). A PRD whose items are all done or rejected is done."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from oz_app import work
from oz_app.control_plane.service import now
from oz_app.db.models import TERMINAL_STATES, Agent, Artifact, Epic, Prd, Room, Run, WorkEvent, WorkItem
from oz_app.work import actions, knowledge, prompts, review, views
from oz_app.work.engine import STEP_LABEL, RunNotCreated, claimed_run, failure_of, new_mark
from oz_app.workspace import service

if TYPE_CHECKING:
    from oz_app.work.engine import WorkEngine

BUSY = ("implementing", "implemented", "reviewing")  # counted against the room's work limit
NO_IMPLEMENTER = "Add an agent of type IMPLEMENT to this room to work on the items."
NO_REVIEWER = "Add an agent of type REVIEW to this room to review the items."


async def tick(engine: WorkEngine) -> None:
    prds = {prd.id: prd for prd in await Prd.filter(state__in=("running", "paused"))}
    if not prds:
        return
    rooms = {room.id: room for room in await Room.filter(id__in=[prd.room_id for prd in prds.values()])}  # type: ignore[attr-defined]
    active = await WorkItem.filter(prd_id__in=list(prds), state__in=list(work.ITEM_ACTIVE))
    await _settle_ended(engine, prds, rooms, active)
    items = await WorkItem.filter(prd_id__in=list(prds)).order_by("position")
    running = [item for item in items if prds[item.prd_id].state == "running"]  # type: ignore[attr-defined]
    running = [item for item in running if not rooms[prds[item.prd_id].room_id].paused]  # type: ignore[attr-defined]
    for item in running:
        if item.state == "implemented" and item.run_id is None:
            await start_review(engine, prds[item.prd_id], rooms[prds[item.prd_id].room_id], item)  # type: ignore[attr-defined]
    for room in [room for room in rooms.values() if not room.paused]:  # a paused room starts nothing new
        await _claim_ready(engine, room, [prd for prd in prds.values() if prd.room_id == room.id], items)  # type: ignore[attr-defined]
    await _finish(engine, prds, rooms)


async def _settle_ended(
    engine: WorkEngine, prds: dict[str, Prd], rooms: dict[str, Room], active: list[WorkItem]
) -> None:
    """Settle attempts whose run ended; cancel those over time; recover stale claims."""
    run_ids = [item.run_id for item in active if item.run_id and not item.run_id.startswith(work.CLAIM)]
    runs = {run.id: run for run in await Run.filter(id__in=run_ids)} if run_ids else {}
    for item in active:
        room = rooms[prds[item.prd_id].room_id]  # type: ignore[attr-defined]
        if not item.run_id:
            continue
        if item.run_id.startswith(work.CLAIM):
            if item.updated_at < now() - work.STALE_CLAIM:
                await _recover(engine, room, item)
            continue
        run = runs.get(item.run_id)
        if run is None or run.state in TERMINAL_STATES:
            await settle(engine, prds[item.prd_id], room, item, run)  # type: ignore[attr-defined]
        elif item.lease_expires_at is not None and item.lease_expires_at < now():
            minutes = f"{engine.settings.work_attempt_minutes:g}"
            await engine.cancel(run.id, f"The attempt took longer than {minutes} minutes (OZ_WORK_ATTEMPT_MINUTES).")


async def _recover(engine: WorkEngine, room: Room, item: WorkItem) -> None:
    """A claim left by a process that stopped: link its run if it was created, else release it."""
    mark = str(item.run_id)
    if run_id := await claimed_run(mark):
        await _link(engine, room, item, mark, run_id, "")
        return
    back = "todo" if item.state == "implementing" else "implemented"
    if await WorkItem.filter(id=item.id, run_id=mark).update(state=back, run_id=None, updated_at=now()):
        engine.changed(room.id)


async def _link(engine: WorkEngine, room: Room, item: WorkItem, mark: str, run_id: str, actor: str) -> bool:
    lease = engine.lease()
    async with in_transaction():
        linked = await WorkItem.filter(id=item.id, run_id=mark, state=item.state).update(
            run_id=run_id, root_run_id=item.root_run_id or run_id, lease_expires_at=lease, updated_at=now()
        )
        if linked:
            kind = "implementing" if item.state == "implementing" else "reviewing"
            await work.record(item.id, kind, actor=actor, run_id=run_id)
            await actions.move_card(item.id, "in_progress")
    if not linked:  # paused, cancelled or reassigned while the run was being created
        await engine.cancel(run_id, "The work item changed while its run was being created.")
        return False
    engine.changed(room.id)
    return True


# Settling ---------------------------------------------------------------------------------------


async def settle(engine: WorkEngine, prd: Prd, room: Room, item: WorkItem, run: Run | None) -> None:
    if run is None:
        await _failed(engine, prd, room, item, "The attempt's run was deleted.")
    elif run.state != "SUCCEEDED":
        await _failed(engine, prd, room, item, failure_of(run))
    elif item.state == "implementing":
        async with in_transaction():
            if not await WorkItem.filter(id=item.id, run_id=run.id, state="implementing").update(
                state="implemented", output=run.output, run_id=None, lease_expires_at=None, last_error="",
                updated_at=now(),
            ):  # fmt: skip
                return
            await work.record(item.id, "implemented", actor=run.name or "", run_id=run.id)
        engine.changed(room.id)
    else:
        await _verdict(engine, prd, room, item, run)


async def _failed(engine: WorkEngine, prd: Prd, room: Room, item: WorkItem, reason: str) -> None:
    """A run that did not succeed counts as a failed attempt; after the limit a person decides."""
    attempts = item.attempts + 1
    limit = engine.settings.work_max_attempts
    if attempts >= limit:
        state, why = "needs_person", f"{attempts} attempts failed; the last: {reason}"
    else:
        state, why = ("todo" if item.state == "implementing" else "implemented"), reason
    async with in_transaction():
        if not await WorkItem.filter(id=item.id, run_id=item.run_id, state=item.state).update(
            state=state, attempts=attempts, last_error=why, run_id=None, lease_expires_at=None, updated_at=now()
        ):
            return
        text = f"Attempt {attempts} of {limit} failed: {reason}"
        await work.record(item.id, "attempt_failed", text, run_id=item.run_id)
        if state == "needs_person":
            await _tell_person(engine, room, item, why)
    engine.changed(room.id)


async def _verdict(engine: WorkEngine, prd: Prd, room: Room, item: WorkItem, run: Run) -> None:
    same = Q(id=item.id, run_id=run.id, state="reviewing")
    try:
        verdict = review.parse_verdict(run.output)
    except service.Invalid as exc:
        if (run.labels or {}).get(STEP_LABEL) == "review":
            await start_review(engine, prd, room, item, error=str(exc), previous=run.output)
        else:
            await _ask_person(engine, room, item, same, f"The reviewer's answer could not be read: {exc}", run.id)
        return
    reviewer = run.name or ""
    async with in_transaction():
        if verdict.approved:
            if not await WorkItem.filter(same).update(
                state="done", run_id=None, lease_expires_at=None, last_error="", updated_at=now()
            ):
                return
            await work.record(item.id, "approved", verdict.comments, actor=reviewer, run_id=run.id)
            await actions.move_card(item.id, "done")
            await _learn(room, item, reviewer, list(verdict.learnings))
        else:
            rounds = item.round + 1
            limit = int(room.review_rounds)
            stop = rounds >= limit
            why = f"The reviewer asked for changes {rounds} times (the room's limit is {limit})."
            if not await WorkItem.filter(same).update(
                state="needs_person" if stop else "todo", round=rounds, feedback=verdict.comments, run_id=None,
                lease_expires_at=None, last_error=why if stop else "", updated_at=now(),
            ):  # fmt: skip
                return
            await work.record(item.id, "changes_needed", verdict.comments, actor=reviewer, run_id=run.id)
            if stop:
                await _tell_person(engine, room, item, why)
    engine.changed(room.id)


async def _learn(room: Room, item: WorkItem, reviewer: str, learnings: list[str]) -> None:
    """What the reviewer and the implementer said they learned becomes the room's knowledge."""
    implementer = await _implementer_name(item)
    stated = [(text, reviewer) for text in learnings] + [
        (text, implementer) for text in review.learnings_in(item.output)
    ]
    for text, source in stated:
        try:
            await knowledge.add(room.id, text, source[:64], item.id)
        except service.Invalid:
            continue  # an empty or overlong learning is left out


async def _implementer_name(item: WorkItem) -> str:
    event = await WorkEvent.filter(item_id=item.id, kind="implemented").order_by("-id").first()
    return event.actor if event else ""


async def _tell_person(engine: WorkEngine, room: Room, item: WorkItem, why: str) -> None:
    """The room's owner is told that the item waits for them (inside the caller's transaction)."""
    await engine.notify(room, f"“{item.title}” needs you", why)


async def _ask_person(engine: WorkEngine, room: Room, item: WorkItem, same: Q, why: str, run_id: str | None) -> None:
    """The item, while still as ``same`` says, waits for a person: its state, its history line
    and the owner's notification are written together."""
    async with in_transaction():
        if not await WorkItem.filter(same, id=item.id).update(
            state="needs_person", last_error=why, run_id=None, lease_expires_at=None, updated_at=now()
        ):
            return
        await work.record(item.id, "needs_person", why, run_id=run_id)
        await _tell_person(engine, room, item, why)
    engine.changed(room.id)


# Starting runs ----------------------------------------------------------------------------------


async def _knowledge(engine: WorkEngine, room: Room, item: WorkItem) -> str:
    budget = engine.settings.work_knowledge_tokens
    return knowledge.as_prompt(await knowledge.relevant(room.id, item.title + " " + item.description, budget))


async def start_review(
    engine: WorkEngine, prd: Prd, room: Room, item: WorkItem, *, error: str = "", previous: str = ""
) -> None:
    """Claim the item's review (from ``implemented``, or from the review whose answer was
    unreadable) and create the reviewer's run with the implementation's answer and artifacts."""
    reviewer = await actions.reviewer_of(room)
    same = Q(run_id=item.run_id, state="reviewing") if error else Q(run_id__isnull=True, state="implemented")
    if reviewer is None:
        await _ask_person(engine, room, item, same, NO_REVIEWER, None)
        return
    mark = new_mark()
    lease = engine.lease()
    if not await WorkItem.filter(same, id=item.id).update(
        state="reviewing", run_id=mark, lease_expires_at=lease, updated_at=now()
    ):
        return
    item.state = "reviewing"
    implemented = await WorkEvent.filter(item_id=item.id, kind="implemented").order_by("-id").first()
    artifacts = []
    if implemented and implemented.run_id:
        found = await Artifact.filter(run_id=implemented.run_id).order_by("created_at")
        artifacts = [f"{artifact.title}: {artifact.url}" if artifact.url else artifact.title for artifact in found]
    text = prompts.reviewer(
        room, reviewer, item, item.output, artifacts, await _knowledge(engine, room, item), error=error,
        previous=previous,
    )  # fmt: skip
    await _create(engine, room, item, reviewer, mark, text, "review-retry" if error else "review", "review")


async def _create(
    engine: WorkEngine, room: Room, item: WorkItem, agent: Agent, mark: str, text: str, step: str, what: str
) -> None:
    parent = item.root_run_id or (await Prd.get(id=item.prd_id)).root_run_id  # type: ignore[attr-defined]
    try:
        run_id = await engine.new_run(
            room, agent, prompt=text, title=f"{agent.name}: {what} {item.title}", parent=parent, mark=mark, step=step
        )
    except RunNotCreated as exc:
        await _ask_person(engine, room, item, Q(run_id=mark), f"The {what} run could not be created: {exc}", None)
        return
    await _link(engine, room, item, mark, run_id, agent.name)


async def _claim_ready(engine: WorkEngine, room: Room, prds: list[Prd], items: list[WorkItem]) -> None:
    """Claim ready items of the room's running PRDs while fewer than ``work_limit`` are busy."""
    ours = [item for item in items if any(item.prd_id == prd.id for prd in prds)]  # type: ignore[attr-defined]
    busy = [item for item in ours if item.state in BUSY]
    free = int(room.work_limit) - len(busy)
    running = {prd.id: prd for prd in prds if prd.state == "running"}
    plans: dict[str, dict[str, WorkItem]] = {}  # each PRD's items by key
    for item in ours:
        plans.setdefault(item.prd_id, {})[item.key] = item  # type: ignore[attr-defined]
    ready = [
        item
        for item in ours
        if item.state == "todo" and item.prd_id in running and not views.waiting_for(item, plans[item.prd_id])  # type: ignore[attr-defined]
    ]
    ready.sort(key=lambda item: (running[item.prd_id].created_at, item.position))  # type: ignore[attr-defined]
    if free <= 0 or not ready:
        return
    implementers = await actions.members_of_type(room, "IMPLEMENT")
    load = Counter(item.claimed_by for item in busy)
    epics = {epic.id: epic.title for epic in await Epic.filter(prd_id__in=list(running))}
    for item in ready[:free]:
        agent = _choose(implementers, item, load)
        if agent is None:
            await _ask_person(engine, room, item, Q(state="todo", run_id__isnull=True), NO_IMPLEMENTER, None)
            continue
        if await claim(engine, room, running[item.prd_id], item, agent, epics.get(item.epic_id or "", "")):  # type: ignore[attr-defined]
            load[agent.id] += 1


def _choose(implementers: list[Agent], item: WorkItem, load: Counter[Any]) -> Agent | None:
    """The person's choice when it is an implementer of the room, else the least busy one."""
    chosen = [agent for agent in implementers if agent.id == item.assignee_id]
    if chosen:
        return chosen[0]
    return min(implementers, key=lambda agent: load[agent.id], default=None)


async def claim(engine: WorkEngine, room: Room, prd: Prd, item: WorkItem, agent: Agent, epic_title: str) -> bool:
    """Take the item for an attempt (compare-and-set), within the room's limit, and start it."""
    mark = new_mark()
    lease = engine.lease()
    if not await WorkItem.filter(id=item.id, state="todo", run_id__isnull=True).update(
        state="implementing", run_id=mark, claimed_by=agent.id, lease_expires_at=lease, updated_at=now()
    ):
        return False
    busy = await WorkItem.filter(prd__room_id=room.id, prd__state__in=("running", "paused"), state__in=BUSY).count()
    if busy > room.work_limit:  # another process claimed meanwhile: give this one back
        await WorkItem.filter(id=item.id, run_id=mark).update(
            state="todo", run_id=None, claimed_by=None, updated_at=now()
        )
        return False
    item.state = "implementing"
    text = prompts.implementer(room, agent, prd, item, epic_title, await _knowledge(engine, room, item))
    await _create(engine, room, item, agent, mark, text, "implement", "implement")
    return True


async def _finish(engine: WorkEngine, prds: dict[str, Prd], rooms: dict[str, Room]) -> None:
    """A running PRD whose items are all done or rejected is done."""
    for prd in prds.values():
        if prd.state != "running":
            continue
        states = set(await WorkItem.filter(prd_id=prd.id).values_list("state", flat=True))
        if not states or not states <= {"done", "rejected"}:
            continue
        room = rooms[prd.room_id]  # type: ignore[attr-defined]
        async with in_transaction():
            if not await Prd.filter(id=prd.id, state="running").update(
                state="done", finished_at=now(), updated_at=now()
            ):
                continue
            await engine.notify(room, f"“{prd.title}” is done", "Every work item of the PRD is done.")
        engine.changed(room.id)
