"""What a person does to PRDs and work items, on a real database (WS-12): creating a PRD, editing
its plan before approval (unknown keys and cycles change nothing), approving it into board cards,
pausing with or without stopping the runs under way, cancelling, and a person's approve, reject
and reassign of an item; each change is announced to the room and the engines."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from oz_app.bus import Bus
from oz_app.control_plane import service as plane_service
from oz_app.control_plane.service import ACTIVE_STATES, now
from oz_app.db.models import Agent, Epic, KnowledgeEntry, Prd, Room, Run, Task, User, WorkEvent, WorkItem
from oz_app.work import WORK_TOPIC, actions, views
from oz_app.workspace import service
from oz_app.workspace.live import room_topic
from oz_app.workspace.service import Invalid, NotFound

PRD_TEXT = "# Shop checkout\n\nPeople pay with a card; the order is mailed."


class Heard:
    """What the bus carried to a room's tabs and to the engines."""

    def __init__(self, bus: Bus, room: Room) -> None:
        self.room: list[dict[str, Any]] = []
        self.engines: list[dict[str, Any]] = []
        bus.subscribe(room_topic(room.id), self.room.append)
        bus.subscribe(WORK_TOPIC, self.engines.append)


async def cancel_run(run_id: str, reason: str) -> bool:
    """The control plane's cancel, on the real runs table."""
    return await plane_service.transition(run_id, ACTIVE_STATES, "CANCELLED", status_message=reason)


async def team(name: str = "ann", types: tuple[str, ...] = ("SPEC", "IMPLEMENT", "REVIEW")) -> tuple[User, Room]:
    person = await User.create(id=uuid.uuid4().hex, username=name, password_hash="x", created_at=now())
    agents = []
    for agent_type, agent_name in zip(types, ("planner", "coder", "rev", "other"), strict=False):
        agent = await service.create_agent(person, name=agent_name)
        await Agent.filter(id=agent.id).update(agent_type=agent_type)
        agents.append(agent)
    return person, await service.create_room(person, f"{name}'s room", "", [agent.id for agent in agents])


async def planned(bus: Bus, room: Room, person: User, keys: int = 3) -> tuple[Prd, list[WorkItem]]:
    """A PRD whose planning failed, planned by hand: items a, b (after a), c (after b)."""
    prd = await actions.create_prd(bus, room, person.id, PRD_TEXT)
    await Prd.filter(id=prd.id).update(state="plan_failed", plan_error="The planner answered prose.")
    await prd.refresh_from_db()
    epic = await actions.add_epic(bus, prd, "Payments")
    items: list[WorkItem] = []
    for index, title in enumerate(["Card form", "Charge", "Receipt"][:keys]):
        depends = [items[-1].key] if items else []
        items.append(await actions.add_item(bus, prd, epic_id=epic.id, title=title, depends_on=depends))
        assert items[-1].position == index
    return prd, items


async def run_row(person: User, state: str = "INPROGRESS") -> Run:
    stamp = now()
    return await Run.create(
        id=str(uuid.uuid4()), tenant=f"user:{person.id}", title="attempt", prompt="do it", state=state,
        created_at=stamp, updated_at=stamp,
    )  # fmt: skip


async def working(item: WorkItem, run: Run, agent_name: str = "coder", state: str = "implementing") -> None:
    agent = await Agent.get(name=agent_name)
    await WorkItem.filter(id=item.id).update(state=state, run_id=run.id, claimed_by=agent.id)
    await item.refresh_from_db()


async def test_a_prd_needs_text_and_a_spec_member(database: None) -> None:
    """WS-12: an empty or oversized PRD, a room without a SPEC agent, or a planner that is not one
    of its SPEC members is refused with a sentence, and nothing is saved; a good one waits for
    its planner (the first SPEC member) and is announced."""
    bus = Bus()
    person, room = await team()
    _, bare = await team("bob", types=("IMPLEMENT",))
    heard = Heard(bus, room)
    with pytest.raises(Invalid):  # the wording is plan.check_prd's
        await actions.create_prd(bus, room, person.id, "  \n ")
    with pytest.raises(Invalid, match="characters"):
        await actions.create_prd(bus, room, person.id, "x" * 200_000)
    with pytest.raises(Invalid, match=re.escape(actions.NO_PLANNER)):
        await actions.create_prd(bus, bare, person.id, PRD_TEXT)
    coder = await Agent.get(name="coder", owner=person)
    with pytest.raises(Invalid, match="type SPEC"):
        await actions.create_prd(bus, room, person.id, PRD_TEXT, planner_id=coder.id)
    assert await Prd.all().count() == 0 and heard.room == []
    prd = await actions.create_prd(bus, room, person.id, PRD_TEXT)
    assert (prd.state, prd.title, prd.plan_run_id) == ("planning", "Shop checkout", None)
    assert prd.planner_id == (await Agent.get(name="planner", owner=person)).id
    assert heard.room == [{"kind": "work"}] and heard.engines == [{"room_id": room.id}]
    assert [p.id for p in await actions.prds_of(room)] == [prd.id]
    with pytest.raises(NotFound):
        await actions.prd_in(bare, prd.id)


async def test_a_plan_is_edited_before_approval_and_bad_dependencies_change_nothing(database: None) -> None:
    """WS-12: items get unique keys; an unknown key or a cycle in an update is refused and nothing
    changes; removing an item frees those that waited for it; moving reorders; a plan cannot be
    edited once it runs."""
    bus = Bus()
    person, room = await team()
    prd, (a, b, c) = await planned(bus, room, person)
    twin = await actions.add_item(bus, prd, title="Card form")
    assert (a.key, twin.key) == ("card-form", "card-form-2")
    with pytest.raises(Invalid, match="circle"):
        await actions.update_item(bus, prd, a.id, depends_on=[c.key], title="Renamed")
    with pytest.raises(Invalid, match="not in the plan"):
        await actions.update_item(bus, prd, a.id, depends_on=["nowhere"])
    with pytest.raises(Invalid, match="Unknown item fields"):
        await actions.update_item(bus, prd, a.id, state="done")
    with pytest.raises(Invalid, match="whole number"):
        await actions.update_item(bus, prd, a.id, title="Renamed", position="first")
    with pytest.raises(Invalid, match="circle"):  # moved and renamed in one step, or not at all
        await actions.update_item(bus, prd, a.id, title="Renamed", position=2, depends_on=[c.key])
    await a.refresh_from_db()
    assert (a.title, a.depends_on, a.position) == ("Card form", [], 0)
    updated = await actions.update_item(bus, prd, c.id, acceptance=["Mailed", " "], estimate="2h", epic_id=None)
    assert (updated.acceptance, updated.estimate, updated.epic_id) == (["Mailed"], "2h", None)  # type: ignore[attr-defined]
    await actions.remove_item(bus, prd, b.id)
    await c.refresh_from_db()
    assert c.depends_on == []
    await actions.move_item(bus, prd, twin.id, 0)
    order = await WorkItem.filter(prd_id=prd.id).order_by("position").values_list("title", flat=True)
    assert order == ["Card form", "Card form", "Receipt"] and (await WorkItem.get(id=twin.id)).position == 0
    moved = await actions.update_item(bus, prd, c.id, title="Mailed receipt", position=0)
    assert (moved.title, moved.position) == ("Mailed receipt", 0)
    order = await WorkItem.filter(prd_id=prd.id).order_by("position").values_list("title", flat=True)
    assert order == ["Mailed receipt", "Card form", "Card form"]
    epic = await Epic.get(prd_id=prd.id)
    await actions.update_epic(bus, prd, epic.id, title="Paying")
    assert (await Epic.get(id=epic.id)).title == "Paying"
    await actions.approve(bus, prd, person.id)
    for edit in (
        actions.add_item(bus, prd, title="Late"),
        actions.update_item(bus, prd, a.id, title="Late"),
        actions.remove_item(bus, prd, a.id),
        actions.add_epic(bus, prd, "Late"),
        actions.replan(bus, prd),
    ):
        with pytest.raises(actions.Conflict):
            await edit
    assert await WorkItem.filter(prd_id=prd.id).count() == 3


async def test_removing_an_epic_removes_its_items_and_replanning_clears_the_draft(database: None) -> None:
    """WS-12: an epic goes with its items; planning again removes the draft and asks the planner anew."""
    bus = Bus()
    person, room = await team()
    prd, (a, _, _) = await planned(bus, room, person)
    loose = await actions.add_item(bus, prd, title="Docs", depends_on=[a.key])
    await actions.remove_epic(bus, prd, (await Epic.get(prd_id=prd.id)).id)
    assert [item.id for item in await WorkItem.filter(prd_id=prd.id)] == [loose.id]
    assert (await WorkItem.get(id=loose.id)).depends_on == []
    again = await actions.replan(bus, prd)
    assert (again.state, again.plan_error) == ("planning", "")
    assert await WorkItem.filter(prd_id=prd.id).count() == 0 and await Epic.filter(prd_id=prd.id).count() == 0
    with pytest.raises(actions.Conflict):
        await actions.replan(bus, prd)


async def test_approval_makes_items_ready_with_one_card_each(database: None) -> None:
    """WS-12: approving moves the plan's items to todo and puts one card per item on the board;
    an empty plan or a second approval is refused."""
    bus = Bus()
    person, room = await team()
    empty = await actions.create_prd(bus, room, person.id, PRD_TEXT)
    with pytest.raises(actions.Conflict, match="planning"):
        await actions.approve(bus, empty, person.id)
    await Prd.filter(id=empty.id).update(state="planned")
    with pytest.raises(Invalid, match="no work items"):
        await actions.approve(bus, empty, person.id)
    assert (await Prd.get(id=empty.id)).state == "planned"
    prd, items = await planned(bus, room, person)
    heard = Heard(bus, room)
    approved = await actions.approve(bus, prd, person.id)
    assert approved.state == "running" and approved.approved_at is not None
    assert set(await WorkItem.filter(prd_id=prd.id).values_list("state", flat=True)) == {"todo"}
    cards = await Task.filter(room=room).order_by("position")
    assert [(card.title, card.item_id, card.status) for card in cards] == [
        (item.title, item.id, "backlog") for item in items
    ]
    assert heard.engines == [{"room_id": room.id}]
    with pytest.raises(actions.Conflict, match="running"):
        await actions.approve(bus, prd, person.id)
    assert await Task.filter(room=room).count() == 3


async def test_pause_stops_claims_and_optionally_the_runs_under_way(database: None) -> None:
    """WS-12: pausing keeps attempts running unless asked; stopping them cancels their runs, sends
    an implementing item back to todo (no attempt counted) and a reviewing one back to its
    review; resume carries on."""
    bus = Bus()
    person, room = await team()
    prd, (a, b, c) = await planned(bus, room, person)
    await actions.approve(bus, prd, person.id)
    run_a, run_b = await run_row(person), await run_row(person)
    await working(a, run_a)
    await working(b, run_b, "rev", "reviewing")
    await WorkItem.filter(id=c.id).update(state="implementing", run_id=actions.CLAIM + "x", claimed_by=None)
    paused = await actions.pause(bus, prd, cancel_run, stop_running=False)
    assert paused.state == "paused" and (await Run.get(id=run_a.id)).state == "INPROGRESS"
    with pytest.raises(actions.Conflict, match="paused"):
        await actions.pause(bus, prd, cancel_run, stop_running=True)
    await actions.resume(bus, prd)
    await actions.pause(bus, prd, cancel_run, stop_running=True)
    assert (await Run.get(id=run_a.id)).state == "CANCELLED" and (await Run.get(id=run_b.id)).state == "CANCELLED"
    a, b, c = [await WorkItem.get(id=item.id) for item in (a, b, c)]
    assert (a.state, a.run_id, a.claimed_by, a.attempts) == ("todo", None, None, 0)
    assert (b.state, c.state, c.run_id) == ("implemented", "todo", None)
    assert await WorkEvent.filter(item_id=a.id, kind="stopped", run_id=run_a.id).exists()
    resumed = await actions.resume(bus, prd)
    assert resumed.state == "running"
    with pytest.raises(actions.Conflict):
        await actions.resume(bus, prd)


async def test_cancel_ends_the_prd_its_runs_and_its_open_items(database: None) -> None:
    """WS-12: cancelling cancels the runs under way and every item not yet final; done items stay."""
    bus = Bus()
    person, room = await team()
    prd, (a, b, c) = await planned(bus, room, person)
    await actions.approve(bus, prd, person.id)
    run = await run_row(person)
    await working(a, run)
    await WorkItem.filter(id=b.id).update(state="done")
    cancelled = await actions.cancel(bus, prd, cancel_run)
    assert cancelled.state == "cancelled" and cancelled.finished_at is not None
    assert (await Run.get(id=run.id)).state == "CANCELLED"
    states = {item.id: item.state for item in await WorkItem.filter(prd_id=prd.id)}
    assert states == {a.id: "cancelled", b.id: "done", c.id: "cancelled"}
    assert await WorkEvent.filter(item_id=c.id, kind="cancelled").exists()
    with pytest.raises(actions.Conflict, match="already cancelled"):
        await actions.cancel(bus, prd, cancel_run)


async def test_a_person_approves_rejects_or_reassigns_an_item(database: None) -> None:
    """WS-12: approving an item marks it done, keeps the implementer's learnings as knowledge in
    its name, moves its card to Done and cancels its run; rejecting cancels its run; reassigning starts it over
    for a chosen implementer (only an IMPLEMENT member); each is on the item's history."""
    bus = Bus()
    person, room = await team()
    prd, (a, b, c) = await planned(bus, room, person)
    with pytest.raises(actions.Conflict, match="not approved"):
        await actions.approve_item(bus, a, "ann", cancel_run)
    await actions.approve(bus, prd, person.id)
    run = await run_row(person)
    await working(a, run)
    await WorkItem.filter(id=a.id).update(output="Done.\n\n## Learnings\n- Cards are tokenised first.\n- Use cents.")
    done = await actions.approve_item(bus, a, "ann", cancel_run)
    assert (done.state, done.run_id) == ("done", None)
    assert (await Run.get(id=run.id)).state == "CANCELLED"  # the agent stops working on it
    learned = await KnowledgeEntry.filter(room_id=room.id).order_by("text")
    assert [(entry.text, entry.source, entry.item_id) for entry in learned] == [
        ("Cards are tokenised first.", "coder", a.id),
        ("Use cents.", "coder", a.id),
    ]
    assert (await Task.get(item_id=a.id)).status == "done"
    with pytest.raises(actions.Conflict, match="already done"):
        await actions.reject_item(bus, a, "ann", cancel_run)

    run_b = await run_row(person)
    await working(b, run_b)
    rejected = await actions.reject_item(bus, b, "ann", cancel_run, "Not needed any more.")
    assert rejected.state == "rejected" and (await Run.get(id=run_b.id)).state == "CANCELLED"
    assert (await WorkEvent.get(item_id=b.id, kind="rejected")).text == "Not needed any more."

    rev = await Agent.get(name="rev", owner=person)
    with pytest.raises(Invalid, match="type IMPLEMENT"):
        await actions.reassign_item(bus, c, "ann", cancel_run, rev.id)
    coder = await Agent.get(name="coder", owner=person)
    run_c = await run_row(person)
    await working(c, run_c)
    await WorkItem.filter(id=c.id).update(round=2, attempts=1, feedback="Fix it.")
    again = await actions.reassign_item(bus, c, "ann", cancel_run, coder.id)
    assert (again.state, again.assignee_id, again.round, again.attempts, again.run_id, again.feedback) == (
        "todo", coder.id, 0, 0, None, "",
    )  # fmt: skip
    assert (await Run.get(id=run_c.id)).state == "CANCELLED"
    history = await WorkEvent.filter(item_id=c.id).values_list("kind", "actor", "text")
    assert history == [("reassigned", "ann", "Reassigned to coder.")]


async def test_work_settings_are_bounded(database: None) -> None:
    """WS-12: the per-room limits are whole numbers in their ranges; a bad one changes nothing."""
    bus = Bus()
    _, room = await team()
    for limit, rounds in ((0, 3), (21, 3), (2, 0), (2, 11), (True, 3)):
        with pytest.raises(Invalid, match="whole number"):
            await actions.set_work_settings(bus, room, work_limit=limit, review_rounds=rounds)
    assert (await Room.get(id=room.id)).work_limit == 2
    changed = await actions.set_work_settings(bus, room, work_limit=5, review_rounds=1)
    assert (changed.work_limit, (await Room.get(id=room.id)).review_rounds) == (5, 1)


async def test_views_say_each_items_state_in_words_and_each_epics_progress(database: None) -> None:
    """WS-12: the words an item shows are derived from its row, its dependencies and its agents;
    a PRD shows its progress and each epic's; an item's history is in order."""
    bus = Bus()
    person, room = await team()
    prd, (a, b, c) = await planned(bus, room, person)
    d = await actions.add_item(bus, prd, title="Docs")
    await actions.approve(bus, prd, person.id)
    coder = await Agent.get(name="coder", owner=person)
    words = {view["id"]: view["shown"] for view in await views.item_views(prd)}
    assert words == {a.id: "ready", b.id: "waiting for Card form", c.id: "waiting for Charge", d.id: "ready"}
    await WorkItem.filter(id=a.id).update(state="implementing", claimed_by=coder.id, run_id=actions.CLAIM + "x")
    await WorkItem.filter(id=d.id).update(state="reviewing", claimed_by=coder.id)
    listed = {view["id"]: view for view in await views.item_views(prd)}
    assert (listed[a.id]["shown"], listed[a.id]["run_id"], listed[a.id]["claimed_by_name"]) == (
        "claimed by coder", None, "coder",
    )  # fmt: skip
    assert listed[d.id]["shown"] == "in review by rev"
    await WorkItem.filter(id=a.id).update(state="done")
    await WorkItem.filter(id=b.id).update(round=1)
    await WorkItem.filter(id=c.id).update(state="needs_person", last_error="The reviewer asked for changes 3 times.")
    await WorkItem.filter(id=d.id).update(state="todo", attempts=1, last_error="The run failed.")
    words = {view["id"]: view["shown"] for view in await views.item_views(prd)}
    assert words == {
        a.id: "done",
        b.id: "changes needed, round 1/3",
        c.id: "needs you: The reviewer asked for changes 3 times.",
        d.id: "ready, attempt 2 (the last failed: The run failed.)",
    }
    shown = await views.prd_view(prd)
    assert (shown["state"], shown["progress"], shown["room_id"]) == ("running", {"total": 4, "done": 1}, room.id)
    assert [(epic["title"], epic["total"], epic["done"]) for epic in shown["epics"]] == [("Payments", 3, 1)]
    await actions.reject_item(bus, c, "ann", cancel_run, "Out of scope.")
    assert [(line["kind"], line["actor"], line["text"]) for line in await views.history_of(c)] == [
        ("rejected", "ann", "Out of scope.")
    ]
