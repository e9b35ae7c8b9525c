"""The engine's planning steps (WS-12): a PRD in ``planning`` gets its planner's run; the run's
answer becomes the draft plan (``planned``), or, when it cannot be read, the planner is asked
once more with the error, and a second bad answer is shown to the person (``plan_failed``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from oz_app import work
from oz_app.control_plane.service import now
from oz_app.db.models import TERMINAL_STATES, Agent, Epic, Prd, Room, Run, WorkItem
from oz_app.work import actions, knowledge, plan, prompts
from oz_app.work.engine import STEP_LABEL, RunNotCreated, claimed_run, failure_of, new_mark
from oz_app.workspace import service

if TYPE_CHECKING:
    from oz_app.work.engine import WorkEngine


async def tick(engine: WorkEngine) -> None:
    for prd in await Prd.filter(state="planning"):
        if prd.plan_run_id is None:
            await start(engine, prd)
        elif prd.plan_run_id.startswith(work.CLAIM):
            if prd.updated_at < now() - work.STALE_CLAIM:
                await recover(engine, prd)
        else:
            run = await Run.get_or_none(id=prd.plan_run_id)
            if run is None or run.state in TERMINAL_STATES:
                await settle(engine, prd, run)


async def planner_of(room: Room, prd: Prd) -> Agent | None:
    """The PRD's planner while it is a SPEC member of the room, else the room's first SPEC member."""
    members = await actions.members_of_type(room, "SPEC")
    chosen = [agent for agent in members if agent.id == prd.planner_id]
    return next(iter(chosen or members), None)


async def start(engine: WorkEngine, prd: Prd, *, error: str = "", previous: str = "", step: str = "plan") -> None:
    """Claim the PRD's planning (its run is still the one read) and create the planner's run."""
    room = await Room.get(id=prd.room_id)  # type: ignore[attr-defined]
    planner = await planner_of(room, prd)
    same = Q(plan_run_id=prd.plan_run_id) if prd.plan_run_id else Q(plan_run_id__isnull=True)
    if planner is None:
        await fail(engine, room, prd, same, actions.NO_PLANNER)
        return
    mark = new_mark()
    fields = {"plan_error": error} if error else {}
    if not await Prd.filter(same, id=prd.id, state="planning").update(plan_run_id=mark, updated_at=now(), **fields):
        return
    known = knowledge.as_prompt(
        await knowledge.relevant(room.id, prd.title + " " + prd.text[:2000], engine.settings.work_knowledge_tokens)
    )
    text = prompts.planner(room, planner, prd, known, error=error, previous=previous)
    try:
        run_id = await engine.new_run(
            room, planner, prompt=text, title=f"{planner.name}: plan {prd.title}", parent=prd.root_run_id,
            mark=mark, step=step,
        )  # fmt: skip
    except RunNotCreated as exc:
        await fail(engine, room, prd, Q(plan_run_id=mark), f"The planner's run could not be created: {exc}")
        return
    await link(engine, prd, mark, run_id)


async def link(engine: WorkEngine, prd: Prd, mark: str, run_id: str) -> None:
    linked = await Prd.filter(id=prd.id, plan_run_id=mark).update(
        plan_run_id=run_id, root_run_id=prd.root_run_id or run_id, updated_at=now()
    )
    if not linked:  # replanned or cancelled meanwhile
        await engine.cancel(run_id, "The PRD changed while its planning run was being created.")
    engine.changed(str(prd.room_id))  # type: ignore[attr-defined]


async def recover(engine: WorkEngine, prd: Prd) -> None:
    """A claim left by a process that stopped: link its run if it was created, else plan again."""
    mark = str(prd.plan_run_id)
    if run_id := await claimed_run(mark):
        await link(engine, prd, mark, run_id)
    elif await Prd.filter(id=prd.id, plan_run_id=mark).update(plan_run_id=None, updated_at=now()):
        engine.changed(str(prd.room_id))  # type: ignore[attr-defined]


async def settle(engine: WorkEngine, prd: Prd, run: Run | None) -> None:
    """The planner's run ended: its plan becomes the draft, or the planner is asked once more."""
    error = ""
    parsed: plan.Plan | None = None
    if run is None:
        error = "The planner's run was deleted."
    elif run.state != "SUCCEEDED":
        error = f"The planner's run failed: {failure_of(run)}"
    else:
        try:
            parsed = plan.parse_plan(run.output)
        except service.Invalid as exc:
            error = str(exc)
    room = await Room.get(id=prd.room_id)  # type: ignore[attr-defined]
    same = Q(plan_run_id=prd.plan_run_id)
    if parsed is None:
        first = run is not None and (run.labels or {}).get(STEP_LABEL) == "plan"
        if first and run is not None and run.state == "SUCCEEDED":
            await Prd.filter(same, id=prd.id).update(plan_attempts=prd.plan_attempts + 1)
            await start(engine, prd, error=error, previous=run.output, step="plan-retry")
        else:
            await fail(engine, room, prd, same, error)
        return
    async with in_transaction():
        if not await Prd.filter(same, id=prd.id, state="planning").update(
            state="planned", plan_error="", plan_attempts=prd.plan_attempts + 1, updated_at=now()
        ):
            return
        await write_plan(prd, parsed)
        count = sum(len(epic.items) for epic in parsed.epics)
        await engine.notify(room, f"The plan of “{prd.title}” is ready", f"{count} work items wait for your approval.")
    engine.changed(room.id)


async def write_plan(prd: Prd, parsed: plan.Plan) -> None:
    """The plan's epics and items as drafts (inside the caller's transaction)."""
    epics: list[Epic] = []
    items: list[WorkItem] = []
    for position, planned in enumerate(parsed.epics):
        epic = Epic(id=service.new_id(), prd_id=prd.id, title=planned.title[:500], description=planned.description)
        epic.position = position
        epics.append(epic)
        for entry in planned.items:
            items.append(
                WorkItem(
                    id=service.new_id(),
                    prd_id=prd.id,
                    epic_id=epic.id,
                    key=entry.key[:64],
                    title=entry.title[:500],
                    description=entry.description,
                    acceptance=list(entry.acceptance),
                    estimate=entry.estimate[:64],
                    depends_on=list(entry.depends_on),
                    position=len(items),
                    state="draft",
                    updated_at=now(),
                )
            )
    await Epic.bulk_create(epics)
    await WorkItem.bulk_create(items)


async def fail(engine: WorkEngine, room: Room, prd: Prd, same: Q, error: str) -> None:
    """The plan cannot be made: shown to the person, who may plan again or write items by hand."""
    async with in_transaction():
        if not await Prd.filter(same, id=prd.id, state="planning").update(
            state="plan_failed", plan_error=error, plan_attempts=prd.plan_attempts + 1, updated_at=now()
        ):
            return
        await engine.notify(room, f"The plan of “{prd.title}” failed", error)
    engine.changed(room.id)
