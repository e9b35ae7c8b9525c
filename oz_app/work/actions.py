"""What a person (in the Work tab or through the API) does to PRDs and work items (WS-12).

Every change is a plain database write followed by :func:`oz_app.work.announce`; none creates a
run (the engine of some process does, woken by the announcement). Transitions are
compare-and-set on the row's state, so a person and the engines of several processes never both
win: a plan edit first touches its PRD *only if* it is still editable, in the same transaction,
which also serialises it with an approval of the same plan. Runs a change stops are cancelled
after the commit, once their item no longer points at them: the engine then ignores their end
instead of counting a failed attempt.

Bad input raises :class:`~oz_app.workspace.service.Invalid` before anything is written; a change
the record's state does not allow raises :class:`Conflict` (an ``Invalid`` too, so a page shows
both the same way; the API answers 409 for it).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from tortoise.transactions import in_transaction

from oz_app.bus import Bus
from oz_app.control_plane.service import new_id, now
from oz_app.db.models import Agent, Epic, Prd, Room, Task, WorkEvent, WorkItem
from oz_app.errors import Invalid, NotFound, checked_text
from oz_app.work import CLAIM, ITEM_ACTIVE, ITEM_FINAL, PRD_FINAL, announce, knowledge, plan, record, review

Canceller = Callable[[str, str], Awaitable[bool]]  # plane.runs.cancel(run_id, reason)
EDITABLE = ("planned", "plan_failed")  # a plan is edited (and approved) only before it runs
NO_PLANNER = "Add an agent of type SPEC to this room to plan PRDs."
MAX_TITLE = 500
MAX_DESCRIPTION = 20_000  # as a planned item's (plan.py)
MAX_CRITERIA = 20
MAX_CRITERION = 2_000
MAX_ESTIMATE = 64
WORK_LIMITS = range(1, 21)
REVIEW_ROUNDS = range(1, 11)


class Conflict(Invalid):
    """The PRD or item is not in a state that allows this change; the message says why."""


# PRDs ----------------------------------------------------------------------------------------


async def members_of_type(room: Room, agent_type: str) -> list[Agent]:
    """The room's member agents of ``agent_type`` (``SPEC``, ``IMPLEMENT``, ``REVIEW``), by name."""
    return await room.members.filter(agent_type=agent_type).order_by("name")


async def reviewer_of(room: Room) -> Agent | None:
    """The room's reviewer: its first ``REVIEW`` member by name (None: it has none)."""
    return next(iter(await members_of_type(room, "REVIEW")), None)


async def create_prd(bus: Bus, room: Room, user_id: str | None, text: str, planner_id: str | None = None) -> Prd:
    """A new PRD of ``room``, waiting for its planner (the chosen SPEC member, else the first)."""
    text = plan.check_prd(text)
    planners = await members_of_type(room, "SPEC")
    if not planners:
        raise Invalid(NO_PLANNER)
    if planner_id is None:
        planner = planners[0]
    else:
        chosen = [agent for agent in planners if agent.id == planner_id]
        if not chosen:
            raise Invalid("The planner must be an agent of type SPEC in this room.")
        planner = chosen[0]
    stamp = now()
    prd = await Prd.create(
        id=new_id(), room=room, title=plan.prd_title(text), text=text, state="planning", planner_id=planner.id,
        created_by=user_id, created_at=stamp, updated_at=stamp,
    )  # fmt: skip
    announce(bus, room.id)
    return prd


async def prd_in(room: Room, prd_id: str) -> Prd:
    prd = await Prd.get_or_none(id=prd_id, room=room)
    if prd is None:
        raise NotFound("No such PRD.")
    return prd


async def prds_of(room: Room) -> list[Prd]:
    """The room's PRDs, newest first."""
    return await Prd.filter(room=room).order_by("-created_at")


def _room_id(prd: Prd) -> str:
    return str(prd.room_id)  # type: ignore[attr-defined]


async def _fresh(prd: Prd) -> Prd:
    await prd.refresh_from_db()
    return prd


async def replan(bus: Bus, prd: Prd) -> Prd:
    """Plan again from scratch: the draft plan goes, and the planner is asked anew."""
    async with in_transaction():
        moved = await Prd.filter(id=prd.id, state__in=EDITABLE).update(
            state="planning", plan_run_id=None, plan_attempts=0, plan_error="", updated_at=now()
        )
        if not moved:
            raise Conflict("Only a planned PRD, or one whose planning failed, can be planned again.")
        await WorkItem.filter(prd_id=prd.id).delete()
        await Epic.filter(prd_id=prd.id).delete()
    announce(bus, _room_id(prd))
    return await _fresh(prd)


# Editing a plan before it is approved ------------------------------------------------------


async def _hold_editable(prd: Prd) -> None:
    """Inside a transaction: go on only while the plan is editable (the PRD's row is touched, so
    an approval of the same plan waits for this edit or makes it fail)."""
    if not await Prd.filter(id=prd.id, state__in=EDITABLE).update(updated_at=now()):
        raise Conflict("The plan can be changed only before it is approved.")


def _criteria(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise Invalid("The acceptance criteria must be a list of texts.")
    criteria = [checked_text(criterion, "An acceptance criterion", MAX_CRITERION) for criterion in value]
    criteria = [criterion for criterion in criteria if criterion]
    if len(criteria) > MAX_CRITERIA:
        raise Invalid(f"An item has at most {MAX_CRITERIA} acceptance criteria.")
    return criteria


def _keys(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise Invalid("The dependencies must be a list of item keys.")
    return list(dict.fromkeys(checked_text(key, "A dependency", 64, required=True) for key in value))


async def _epic_of(prd: Prd, epic_id: Any) -> str | None:
    if epic_id is None or epic_id == "":
        return None
    if not isinstance(epic_id, str) or not await Epic.exists(id=epic_id, prd_id=prd.id):
        raise Invalid("The epic must be one of this PRD's epics.")
    return epic_id


async def _graph(prd: Prd) -> dict[str, list[str]]:
    rows = await WorkItem.filter(prd_id=prd.id).values_list("key", "depends_on")
    return {str(key): list(depends_on or []) for key, depends_on in rows}


def _unique_key(title: str, taken: Iterable[str]) -> str:
    """A key for a hand-made item, from its title, unlike the PRD's other keys."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "item"
    used = set(taken)
    key, count = base, 1
    while key in used:
        count += 1
        key = f"{base}-{count}"
    return key


async def add_epic(bus: Bus, prd: Prd, title: str, description: str = "") -> Epic:
    title = checked_text(title, "The epic's title", MAX_TITLE, required=True)
    description = checked_text(description, "The description", MAX_DESCRIPTION)
    async with in_transaction():
        await _hold_editable(prd)
        position = await Epic.filter(prd_id=prd.id).count()
        epic = await Epic.create(id=new_id(), prd=prd, title=title, description=description, position=position)
    announce(bus, _room_id(prd))
    return epic


async def update_epic(bus: Bus, prd: Prd, epic_id: str, **fields: Any) -> Epic:
    """Change an epic's ``title`` or ``description``."""
    changes: dict[str, Any] = {}
    if "title" in fields:
        changes["title"] = checked_text(fields.pop("title"), "The epic's title", MAX_TITLE, required=True)
    if "description" in fields:
        changes["description"] = checked_text(fields.pop("description"), "The description", MAX_DESCRIPTION)
    if fields:
        raise Invalid(f"Unknown epic fields: {', '.join(sorted(fields))}.")
    async with in_transaction():
        await _hold_editable(prd)
        epic = await Epic.get_or_none(id=epic_id, prd_id=prd.id)
        if epic is None:
            raise NotFound("No such epic.")
        if changes:
            await Epic.filter(id=epic.id).update(**changes)
            epic.update_from_dict(changes)
    announce(bus, _room_id(prd))
    return epic


async def remove_epic(bus: Bus, prd: Prd, epic_id: str) -> None:
    """Remove an epic with its items (the other items stop waiting for them)."""
    async with in_transaction():
        await _hold_editable(prd)
        if not await Epic.exists(id=epic_id, prd_id=prd.id):
            raise NotFound("No such epic.")
        keys = await WorkItem.filter(prd_id=prd.id, epic_id=epic_id).values_list("key", flat=True)
        await WorkItem.filter(prd_id=prd.id, epic_id=epic_id).delete()
        await _forget_keys(prd, [str(key) for key in keys])
        await Epic.filter(id=epic_id).delete()
    announce(bus, _room_id(prd))


async def _forget_keys(prd: Prd, keys: Sequence[str]) -> None:
    """Drop ``keys`` from the ``depends_on`` of the PRD's remaining items."""
    gone = set(keys)
    if not gone:
        return
    for item_id, depends_on in await WorkItem.filter(prd_id=prd.id).values_list("id", "depends_on"):
        kept = [key for key in depends_on or [] if key not in gone]
        if kept != list(depends_on or []):
            await WorkItem.filter(id=item_id).update(depends_on=kept)


async def add_item(
    bus: Bus,
    prd: Prd,
    *,
    epic_id: str | None = None,
    title: str,
    description: str = "",
    acceptance: Sequence[str] = (),
    estimate: str = "",
    depends_on: Sequence[str] = (),
) -> WorkItem:
    """A hand-made item at the end of the plan; its key is made from its title."""
    title = checked_text(title, "The item's title", MAX_TITLE, required=True)
    description = checked_text(description, "The description", MAX_DESCRIPTION)
    criteria = _criteria(acceptance)
    estimate = checked_text(estimate, "The estimate", MAX_ESTIMATE)
    wanted = _keys(depends_on)
    async with in_transaction():
        await _hold_editable(prd)
        epic = await _epic_of(prd, epic_id)
        graph = await _graph(prd)
        if len(graph) >= plan.MAX_ITEMS:
            raise Invalid(f"A plan has at most {plan.MAX_ITEMS} items.")
        key = _unique_key(title, graph)
        plan.check_dependencies({**graph, key: wanted})
        item = await WorkItem.create(
            id=new_id(), prd=prd, epic_id=epic, key=key, title=title, description=description, acceptance=criteria,
            estimate=estimate, depends_on=wanted, position=len(graph), state="draft", updated_at=now(),
        )  # fmt: skip
    announce(bus, _room_id(prd))
    return item


async def _item_of(prd: Prd, item_id: str) -> WorkItem:
    item = await WorkItem.get_or_none(id=item_id, prd_id=prd.id)
    if item is None:
        raise NotFound("No such work item.")
    return item


async def update_item(bus: Bus, prd: Prd, item_id: str, **fields: Any) -> WorkItem:
    """Change a draft item's ``title``, ``description``, ``acceptance``, ``estimate``,
    ``depends_on``, ``epic_id`` or ``position`` (see :func:`move_item`), together; a dependency
    that is unknown or makes a cycle changes nothing."""
    changes: dict[str, Any] = {}
    if "title" in fields:
        changes["title"] = checked_text(fields.pop("title"), "The item's title", MAX_TITLE, required=True)
    if "description" in fields:
        changes["description"] = checked_text(fields.pop("description"), "The description", MAX_DESCRIPTION)
    if "acceptance" in fields:
        changes["acceptance"] = _criteria(fields.pop("acceptance"))
    if "estimate" in fields:
        changes["estimate"] = checked_text(fields.pop("estimate"), "The estimate", MAX_ESTIMATE)
    if "depends_on" in fields:
        changes["depends_on"] = _keys(fields.pop("depends_on"))
    epic_given, epic_id = "epic_id" in fields, fields.pop("epic_id", None)
    position = fields.pop("position", None)  # None: it stays where it is
    if position is not None:
        position = _position(position)
    if fields:
        raise Invalid(f"Unknown item fields: {', '.join(sorted(fields))}.")
    async with in_transaction():
        await _hold_editable(prd)
        item = await _item_of(prd, item_id)
        if epic_given:
            changes["epic_id"] = await _epic_of(prd, epic_id)
        if "depends_on" in changes:
            plan.check_dependencies({**await _graph(prd), item.key: changes["depends_on"]})
        if changes:
            changes["updated_at"] = now()
            await WorkItem.filter(id=item.id).update(**changes)
            item.update_from_dict(changes)
        if position is not None:
            item.position = await _place(prd, item.id, position)
    announce(bus, _room_id(prd))
    return item


async def remove_item(bus: Bus, prd: Prd, item_id: str) -> None:
    """Remove a draft item; the others stop waiting for it."""
    async with in_transaction():
        await _hold_editable(prd)
        item = await _item_of(prd, item_id)
        await WorkItem.filter(id=item.id).delete()
        await _forget_keys(prd, [item.key])
    announce(bus, _room_id(prd))


async def move_item(bus: Bus, prd: Prd, item_id: str, position: int) -> None:
    """Put an item at ``position`` (0 first) of the plan's order; the others keep theirs."""
    await update_item(bus, prd, item_id, position=_position(position))


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("The position must be a whole number.")
    return value


async def _place(prd: Prd, item_id: str, position: int) -> int:
    """Inside a transaction: renumber the plan with the item at ``position`` (clamped); where it went."""
    rows = await WorkItem.filter(prd_id=prd.id).order_by("position", "id").values_list("id", "position")
    current = {str(each): place for each, place in rows}
    order = list(current)
    order.remove(item_id)
    order.insert(max(0, min(position, len(order))), item_id)
    for index, moved_id in enumerate(order):
        if current.get(moved_id) != index:
            await WorkItem.filter(id=moved_id).update(position=index)
    return order.index(item_id)


# Running a PRD ----------------------------------------------------------------------------------


async def approve(bus: Bus, prd: Prd, user_id: str | None) -> Prd:
    """Start the work: the plan's items become ready to take (``todo``), each with a card on the
    room's board. ``user_id`` is who approved (kept for the record, not checked here)."""
    del user_id  # who approved is the caller's business (the route checked them); rows say when
    stamp = now()
    async with in_transaction():
        moved = await Prd.filter(id=prd.id, state__in=EDITABLE).update(
            state="running", approved_at=stamp, updated_at=stamp
        )
        if not moved:
            await prd.refresh_from_db()
            raise Conflict(f"Only a planned PRD can be approved; this one is {prd.state.replace('_', ' ')}.")
        items = await WorkItem.filter(prd_id=prd.id).order_by("position", "id")
        if not items:
            raise Invalid("The plan has no work items: add one, or plan the PRD again.")
        plan.check_dependencies({item.key: list(item.depends_on or []) for item in items})
        await WorkItem.filter(prd_id=prd.id, state="draft").update(state="todo", updated_at=stamp)
        first = await Task.filter(room_id=_room_id(prd), status="backlog").count()
        await Task.bulk_create(
            [
                Task(
                    id=new_id(),
                    room_id=_room_id(prd),
                    title=item.title,
                    description=item.description,
                    status="backlog",
                    position=first + index,
                    item_id=item.id,
                    created_at=stamp,
                    updated_at=stamp,
                )
                for index, item in enumerate(items)
            ]
        )
    announce(bus, _room_id(prd))
    return await _fresh(prd)


async def _stop_active(prd_id: str, reason: str, *, to_state: dict[str, str]) -> list[str]:
    """Inside a transaction: take the PRD's active items off their runs (each to ``to_state`` of
    its state), with a history line; returns the runs to cancel once committed (claims are left
    to their claimant, which finds its claim gone). The rows are locked as read: a claimant linking
    its new run meanwhile is either seen here or finds its claim gone, never lost in between."""
    runs: list[str] = []
    for item in await WorkItem.filter(prd_id=prd_id, state__in=list(ITEM_ACTIVE)).select_for_update():
        released = await WorkItem.filter(id=item.id, state=item.state, run_id=item.run_id).update(
            state=to_state[item.state], run_id=None, claimed_by=None, lease_expires_at=None, updated_at=now()
        )
        if released:
            await record(item.id, "stopped", reason, run_id=_real_run(item.run_id))
            if _real_run(item.run_id):
                runs.append(str(item.run_id))
    return runs


def _real_run(run_id: str | None) -> str | None:
    return run_id if run_id and not run_id.startswith(CLAIM) else None


async def _cancel_all(cancel: Canceller, run_ids: Iterable[str], reason: str) -> None:
    for run_id in run_ids:
        await cancel(run_id, reason)


async def pause(bus: Bus, prd: Prd, cancel: Canceller, *, stop_running: bool) -> Prd:
    """No item is taken any more; with ``stop_running`` the attempts under way are cancelled too
    (the item is ready again, and that attempt is not counted; a review starts over)."""
    reason = "The PRD was paused."
    async with in_transaction():
        if not await Prd.filter(id=prd.id, state="running").update(state="paused", updated_at=now()):
            await prd.refresh_from_db()
            raise Conflict(f"Only a running PRD can be paused; this one is {prd.state.replace('_', ' ')}.")
        runs = await _stop_active(prd.id, reason, to_state=_BACK) if stop_running else []
    await _cancel_all(cancel, runs, reason)
    announce(bus, _room_id(prd))
    return await _fresh(prd)


_BACK = {"implementing": "todo", "reviewing": "implemented"}  # where a stopped attempt leaves its item


async def resume(bus: Bus, prd: Prd) -> Prd:
    if not await Prd.filter(id=prd.id, state="paused").update(state="running", updated_at=now()):
        await prd.refresh_from_db()
        raise Conflict(f"Only a paused PRD can be resumed; this one is {prd.state.replace('_', ' ')}.")
    announce(bus, _room_id(prd))
    return await _fresh(prd)


async def cancel(bus: Bus, prd: Prd, cancel: Canceller) -> Prd:
    """Stop the PRD for good: its runs are cancelled and its unfinished items cancelled."""
    reason = "The PRD was cancelled."
    stamp = now()
    async with in_transaction():
        await prd.refresh_from_db()
        if not await Prd.filter(id=prd.id, state__not_in=list(PRD_FINAL)).update(
            state="cancelled", finished_at=stamp, updated_at=stamp
        ):
            raise Conflict(f"This PRD is already {prd.state}.")
        runs = await _stop_active(prd.id, reason, to_state={"implementing": "cancelled", "reviewing": "cancelled"})
        left = await WorkItem.filter(prd_id=prd.id, state__not_in=list(ITEM_FINAL)).select_for_update()
        runs += [run_id for item in left if (run_id := _real_run(item.run_id))]  # linked since: stopped too
        open_items = [item.id for item in left]
        await WorkItem.filter(id__in=open_items).update(
            state="cancelled", run_id=None, claimed_by=None, lease_expires_at=None, updated_at=stamp
        )
        await WorkEvent.bulk_create(
            [WorkEvent(item_id=item_id, kind="cancelled", text=reason, at=stamp) for item_id in open_items]
        )
        plan_run = _real_run(prd.plan_run_id) if prd.state == "planning" else None
    await _cancel_all(cancel, [*runs, *([plan_run] if plan_run else [])], reason)
    announce(bus, _room_id(prd))
    return await _fresh(prd)


# A person's decisions on an item --------------------------------------------------------------------


async def _decide(item: WorkItem, changes: dict[str, Any], kind: str, actor: str, text: str) -> str | None:
    """Inside a transaction: move an item that is neither a draft nor final, off its run; returns
    that run (to cancel after the commit)."""
    await item.refresh_from_db()
    if item.state == "draft":
        raise Conflict("This item's plan is not approved yet.")
    if item.state in ITEM_FINAL:
        raise Conflict(f"This item is already {item.state}.")
    moved = await WorkItem.filter(id=item.id, state=item.state, run_id=item.run_id).update(
        run_id=None, lease_expires_at=None, updated_at=now(), **changes
    )
    if not moved:
        raise Conflict("This item just changed elsewhere; look again.")
    await record(item.id, kind, text, actor=actor, run_id=_real_run(item.run_id))
    return _real_run(item.run_id) if item.state in ITEM_ACTIVE else None


async def move_card(item_id: str, status: str) -> None:
    """The item's board card follows it (In progress when worked on, Done when approved, Backlog
    when sent back), for what reads the card's own status (search)."""
    await Task.filter(item_id=item_id).exclude(status=status).update(status=status, updated_at=now())


async def _prd_room(item: WorkItem) -> str:
    rows = await Prd.filter(id=item.prd_id).values_list("room_id", flat=True)  # type: ignore[attr-defined]
    return str(rows[0])


async def approve_item(bus: Bus, item: WorkItem, actor: str, cancel: Canceller) -> WorkItem:
    """A person says the item is done, whatever its state: its run, if any, is cancelled, and the
    learnings its implementer stated are kept as the room's knowledge (credited to that agent when
    one claimed it)."""
    room_id = await _prd_room(item)
    async with in_transaction():
        run_id = await _decide(item, {"state": "done"}, "approved", actor, "Approved by a person.")
        implementer = await Agent.get_or_none(id=item.claimed_by) if item.claimed_by else None
        source = implementer.name if implementer is not None else actor
        for learning in review.learnings_in(item.output):
            await knowledge.add(room_id, learning, source, item_id=item.id)
        await move_card(item.id, "done")
    if run_id:
        await cancel(run_id, "A person approved the work item.")
    announce(bus, room_id)
    return await _fresh_item(item)


async def _fresh_item(item: WorkItem) -> WorkItem:
    await item.refresh_from_db()
    return item


async def reject_item(bus: Bus, item: WorkItem, actor: str, cancel: Canceller, reason: str = "") -> WorkItem:
    """A person rejects the item: it will not be done (its run, if any, is cancelled)."""
    reason = checked_text(reason, "The reason", 10_000)
    room_id = await _prd_room(item)
    async with in_transaction():
        run_id = await _decide(item, {"state": "rejected"}, "rejected", actor, reason)
    if run_id:
        await cancel(run_id, "A person rejected the work item.")
    announce(bus, room_id)
    return await _fresh_item(item)


async def reassign_item(bus: Bus, item: WorkItem, actor: str, cancel: Canceller, agent_id: str | None) -> WorkItem:
    """Start the item over, for ``agent_id`` (an IMPLEMENT member of the room) or any implementer:
    its run, if any, is cancelled, and its rounds and attempts count from zero."""
    room_id = await _prd_room(item)
    room = await Room.get(id=room_id)
    name = "any implementer"
    if agent_id is not None:
        chosen = [agent for agent in await members_of_type(room, "IMPLEMENT") if agent.id == agent_id]
        if not chosen:
            raise Invalid("Reassign the item to an agent of type IMPLEMENT in this room.")
        name = chosen[0].name
    changes = {
        "state": "todo", "assignee_id": agent_id, "claimed_by": None, "round": 0, "attempts": 0,
        "feedback": "", "last_error": "",
    }  # fmt: skip
    async with in_transaction():
        run_id = await _decide(item, changes, "reassigned", actor, f"Reassigned to {name}.")
        await move_card(item.id, "backlog")
    if run_id:
        await cancel(run_id, "A person reassigned the work item.")
    announce(bus, room_id)
    return await _fresh_item(item)


# A room's settings -------------------------------------------------------------------------------


async def set_work_settings(bus: Bus, room: Room, *, work_limit: int, review_rounds: int) -> Room:
    """How many items the room's agents work on at once, and how many reviews may ask for changes
    before a person decides."""
    for value, allowed, what in (
        (work_limit, WORK_LIMITS, "The number of items worked on at once"),
        (review_rounds, REVIEW_ROUNDS, "The number of review rounds"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise Invalid(f"{what} must be a whole number from {allowed.start} to {allowed.stop - 1}.")
    await Room.filter(id=room.id).update(work_limit=work_limit, review_rounds=review_rounds)
    room.work_limit, room.review_rounds = work_limit, review_rounds
    announce(bus, room.id)
    return room
