# ruff: noqa: F811  (the workspace fixtures, imported from tests/test_workspace.py)
"""The Work tab through NiceGUI's simulated user (WS-12): write and decompose a PRD, edit the plan
(add, remove, reorder, dependencies; a cycle refused), approve it onto the board, follow its
progress live in another tab, pause/resume/cancel, approve/reject/reassign an item, keep the
room's knowledge, refuse bad PRDs while keeping the text, show hostile text as text, ``/prd``
from the composer, the agent dialog's type, and board cards that follow their work item."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from nicegui import ui

from oz_app.db.models import Agent, Epic, KnowledgeEntry, Message, Prd, Room, Task, WorkItem
from oz_app.work import actions, announce, plan
from oz_app.work.prompts import IMPLEMENT_MARK, PLAN_MARK, REVIEW_MARK
from oz_app.workspace import service
from oz_app.workspace.service import new_id, now
from tests.test_workspace import (  # noqa: F401  (fixtures)
    RETRIES,
    Tabs,
    eventually,
    in_column,
    llm,
    tabs,
    workspace_env,
)

PLAN = {"Core": [("schema", "Schema", ()), ("api", "API", ("schema",)), ("ui", "Screens", ("api",))]}


async def work_room(tabs: Tabs, *, with_planner: bool = True) -> tuple[Room, dict[str, Agent]]:
    """A room with a planner (SPEC), an implementer and a reviewer among its members."""
    owner = await tabs.local_user()
    kinds = {"planner": "SPEC", "coder": "IMPLEMENT", "second": "IMPLEMENT", "rev": "REVIEW"}
    agents = {name: await service.create_agent(owner, name=name, agent_type=kind) for name, kind in kinds.items()}
    members = [agent.id for name, agent in agents.items() if with_planner or name != "planner"]
    return await service.create_room(owner, "Work", "where we build", members), agents


async def add_plan(prd: Prd, epics: dict[str, list[tuple[str, str, tuple[str, ...]]]], state: str = "draft") -> None:
    """The rows a planner's answer (or an approval, for ``state`` todo) would leave."""
    position = 0
    for epic_position, (title, items) in enumerate(epics.items()):
        epic = await Epic.create(id=new_id(), prd=prd, title=title, description="", position=epic_position)
        for key, item_title, depends_on in items:
            item = await WorkItem.create(
                id=new_id(), prd=prd, epic=epic, key=key, title=item_title, depends_on=list(depends_on),
                acceptance=[f"{item_title} works"], position=position, state=state, updated_at=now(),
            )  # fmt: skip
            position += 1
            if state != "draft":
                await Task.create(
                    id=new_id(),
                    room_id=prd.room_id,
                    title=item_title,
                    item_id=item.id,  # type: ignore[attr-defined]
                    created_at=now(),
                    updated_at=now(),
                )


async def make_prd(room: Room, state: str = "planned", plan_rows: Any = PLAN, title: str = "Checkout") -> Prd:
    prd = await Prd.create(
        id=new_id(), room=room, title=title, text=f"# {title}\n\nPeople pay.", state=state,
        created_at=now(), updated_at=now(),
    )  # fmt: skip
    await add_plan(prd, plan_rows, "draft" if state in ("planned", "plan_failed") else "todo")
    return prd


async def by_hand(tabs: Tabs) -> None:
    """Stop this process's work engine: the test moves the items itself, as the engine would."""
    await tabs.workspace.work.close()


async def open_work(user: Any, room: Room) -> None:
    await user.open(f"/rooms/{room.id}")
    await user.should_see(marker="work-tab", retries=RETRIES)


def agents_answer(prompt: str) -> list[str]:
    """The fake LLM playing the planner (the same plan as PLAN), the implementer and the reviewer."""
    if IMPLEMENT_MARK in prompt:
        return ["Implemented.\n\n## Learnings\n- the schema lives in schema.sql\n"]
    if REVIEW_MARK in prompt:
        return [json.dumps({"verdict": "APPROVED", "comments": "Fine.", "learnings": []})]
    if PLAN_MARK not in prompt:
        return ["Hello."]
    epics = [
        {
            "title": title,
            "description": "",
            "items": [
                {"id": key, "title": name, "description": "", "acceptance_criteria": [f"{name} works"],
                 "estimate": "", "depends_on": list(deps)}
                for key, name, deps in items
            ],
        }
        for title, items in PLAN.items()
    ]  # fmt: skip
    return [json.dumps({"epics": epics})]


async def confirmed(user: Any) -> None:
    await user.should_see(marker="confirm-delete", retries=RETRIES)
    user.find(marker="confirm-delete").click()


async def item(title: str) -> WorkItem:
    return await WorkItem.get(title=title)


async def click_in_item(user: Any, title: str, action: str) -> None:
    """Open an item's details (drawn when opened) and press one of its buttons."""
    await user.should_see(marker=f"details-{title}", retries=RETRIES)  # the tab may be being redrawn
    user.find(marker=f"details-{title}").elements.pop().set_value(True)


# Writing and decomposing ---------------------------------------------------------------------------


async def test_a_prd_written_on_the_tab_is_decomposed_and_its_plan_shows(tabs: Tabs) -> None:
    """WS-12: the PRD typed in the editor goes to the room's SPEC agent, and its plan shows in the
    tab once it is there."""
    tabs.llm.respond = agents_answer
    room, agents = await work_room(tabs)
    await open_work(tabs.user, room)
    tabs.user.find(marker="prd-text").type("# Checkout\n\nPeople pay for their basket.")
    tabs.user.find(marker="decompose").click()
    prd = await eventually(lambda: Prd.get_or_none(room=room))
    assert prd.planner_id == agents["planner"].id and prd.title == "Checkout"
    await tabs.user.should_see(marker="prd-title", retries=RETRIES)
    assert tabs.user.find(marker="prd-text").elements.pop().value == ""
    # Without an engine in this process the test plays the planner's result; with it, the fake LLM does.
    # Planning under way is shown in test_planning_shows_who_plans_and_a_room_without_planner_says_so.
    if await Prd.filter(id=prd.id, state="planning", plan_run_id__isnull=True).update(state="planned"):
        await add_plan(prd, PLAN)
        announce(tabs.workspace.live, room.id)
    await tabs.user.should_see(marker="approve-plan", retries=RETRIES)
    for title in ("Schema", "API", "Screens"):
        await tabs.user.should_see(marker=f"item-{title}", retries=RETRIES)


async def test_planning_shows_who_plans_and_a_room_without_planner_says_so(tabs: Tabs) -> None:
    """WS-12: while planning, the spinner names the planner; a room with no SPEC agent says what
    to do and refuses to decompose."""
    await by_hand(tabs)
    room, _ = await work_room(tabs, with_planner=False)
    await open_work(tabs.user, room)
    await tabs.user.should_see("Add an agent of type SPEC", retries=RETRIES)
    tabs.user.find(marker="prd-text").type("# Checkout")
    tabs.user.find(marker="decompose").click()
    await tabs.user.should_see("Add an agent of type SPEC to this room to plan PRDs.", retries=RETRIES)
    assert await Prd.all().count() == 0
    assert tabs.user.find(marker="prd-text").elements.pop().value == "# Checkout"

    other, agents = await work_room_named(tabs, "Planned")
    prd = await Prd.create(
        id=new_id(), room=other, title="Later", text="# Later", state="planning", planner_id=agents["planner"].id,
        plan_run_id="claim-held", created_at=now(), updated_at=now(),
    )  # fmt: skip
    await open_work(tabs.user, other)
    await tabs.user.should_see("planner2 is decomposing the PRD…", retries=RETRIES)
    assert prd.state == "planning"


async def test_changes_while_the_tab_is_still_drawing_redraw_it_once_after_the_other(
    tabs: Tabs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WS-12, WS-13: a change that comes while the tab is still reading the one before (a slow
    database) redraws it after that one, not over it: the PRD list is drawn once, not twice."""
    await by_hand(tabs)
    room, agents = await work_room(tabs)
    await Prd.create(
        id=new_id(), room=room, title="Later", text="# Later", state="planning", planner_id=agents["planner"].id,
        plan_run_id="claim-held", created_at=now(), updated_at=now(),
    )  # fmt: skip
    await open_work(tabs.user, room)
    await tabs.user.should_see(marker="prd-list", retries=RETRIES)
    reads, answered, database = [], [], asyncio.Event()
    prds_of = actions.prds_of

    async def slow_prds_of(of: Room) -> list[Prd]:
        reads.append(of.id)
        await database.wait()
        found = await prds_of(of)
        answered.append(of.id)  # the list is drawn before the drawing awaits anything else
        return found

    monkeypatch.setattr(actions, "prds_of", slow_prds_of)
    announce(tabs.workspace.live, room.id)
    await eventually(lambda: len(reads) == 1)
    announce(tabs.workspace.live, room.id)  # its redraw is due while the first one still reads
    await asyncio.sleep(0.5)  # past that redraw's delay: it has begun, or waits for the first to end
    database.set()
    await eventually(lambda: len(answered) == 2)
    assert len(tabs.user.find(marker="prd-list").elements) == 1


async def work_room_named(tabs: Tabs, name: str) -> tuple[Room, dict[str, Agent]]:
    owner = await tabs.local_user()
    planner = await service.create_agent(owner, name="planner2", agent_type="SPEC")
    return await service.create_room(owner, name, "", [planner.id]), {"planner": planner}


@pytest.mark.parametrize("size", [0, 200_000])
async def test_an_empty_or_huge_prd_is_refused_with_its_message_and_the_text_kept(tabs: Tabs, size: int) -> None:
    """WS-12 (bad input): an empty PRD and one of 200 KB get the check's sentence; nothing is made
    and the editor keeps what was written."""
    text = "x" * size if size else "   "
    with pytest.raises(service.Invalid) as refusal:
        plan.check_prd(text)
    room, _ = await work_room(tabs)
    await open_work(tabs.user, room)
    tabs.user.find(marker="prd-text").elements.pop().set_value(text)
    tabs.user.find(marker="decompose").click()
    await tabs.user.should_see(str(refusal.value), retries=RETRIES)
    assert await Prd.all().count() == 0
    assert tabs.user.find(marker="prd-text").elements.pop().value == text


async def test_prd_in_the_composer_makes_a_prd_asks_no_agent_and_a_bad_one_keeps_the_text(tabs: Tabs) -> None:
    """WS-12: ``/prd <markdown>`` posts nothing to the agents and opens the PRD on the Work tab; an
    empty one is refused and stays in the box."""
    room, _ = await work_room(tabs)
    await open_work(tabs.user, room)
    box = tabs.user.find(marker="message").elements.pop()
    box.set_value("/prd")
    tabs.user.find(marker="send").click()
    with pytest.raises(service.Invalid) as refusal:
        plan.check_prd("")
    await tabs.user.should_see(str(refusal.value), retries=RETRIES)
    assert box.value == "/prd"
    box.set_value("/prd # Search\n\nFind anything.")
    tabs.user.find(marker="send").click()
    prd = await eventually(lambda: Prd.get_or_none(room=room))
    assert prd.title == "Search" and prd.text.startswith("# Search")
    await eventually(lambda: box.value == "")
    await tabs.user.should_see(marker="prd-title", retries=RETRIES)
    assert await Message.filter(room=room).count() == 0
    assert not [
        r for r in tabs.llm.requests if "Search" in json.dumps(r["body"]) and "Decompose" not in json.dumps(r["body"])
    ]


# Editing and approving the plan --------------------------------------------------------------------


async def test_the_plan_is_edited_and_a_cycle_is_refused_changing_nothing(tabs: Tabs) -> None:
    """WS-12: add an item (in the epic it was added to), give it a dependency, move it up, take it
    out of its epic, remove another (after a confirmation); a dependency that makes a cycle is
    refused with the cycle named and nothing changes."""
    room, _ = await work_room(tabs)
    prd = await make_prd(room)
    await open_work(tabs.user, room)
    await tabs.user.should_see(marker="item-Schema", retries=RETRIES)

    tabs.user.find(marker="add-item-Core").click()
    await tabs.user.should_see(marker="item-title", retries=RETRIES)
    tabs.user.find(marker="item-title").type("Receipts")
    tabs.user.find(marker="item-acceptance").type("A receipt is mailed\nIt has the total")
    tabs.user.find(marker="item-depends").elements.pop().set_value([(await item("API")).key])
    tabs.user.find(marker="save-item").click()
    receipts = await eventually(lambda: WorkItem.get_or_none(prd=prd, title="Receipts"))
    assert receipts.acceptance == ["A receipt is mailed", "It has the total"]
    assert receipts.depends_on == ["api"] and receipts.epic_id is not None
    await tabs.user.should_see(marker="deps-Receipts", retries=RETRIES)

    tabs.user.find(marker="up-Receipts").click()
    order = lambda: WorkItem.filter(prd=prd).order_by("position").values_list("title", flat=True)  # noqa: E731
    await eventually(lambda: _eq(order(), ["Schema", "API", "Receipts", "Screens"]))

    # Schema waiting for Screens closes schema → api → ui → schema
    await tabs.user.should_see(marker="edit-Schema", retries=RETRIES)  # the plan may be being redrawn
    tabs.user.find(marker="edit-Schema").click()
    await tabs.user.should_see(marker="item-depends", retries=RETRIES)
    tabs.user.find(marker="item-depends").elements.pop().set_value(["ui"])
    tabs.user.find(marker="save-item").click()
    await tabs.user.should_see("→", retries=RETRIES)
    assert (await item("Schema")).depends_on == []
    with tabs.user.scope(ui.dialog):  # not the PRD's own Cancel
        tabs.user.find("Cancel").click()

    await tabs.user.should_see(marker="edit-Receipts", retries=RETRIES)
    tabs.user.find(marker="edit-Receipts").click()  # out of its epic
    await tabs.user.should_see(marker="item-epic", retries=RETRIES)
    tabs.user.find(marker="item-epic").elements.pop().set_value("")
    tabs.user.find(marker="save-item").click()
    await eventually(lambda: WorkItem.get_or_none(prd=prd, title="Receipts", epic_id=None))
    await tabs.user.should_see(marker="epic-Items", retries=RETRIES)

    tabs.user.find(marker="remove-API").click()
    await confirmed(tabs.user)
    await eventually(lambda: _gone(prd, "API"))
    assert (await item("Screens")).depends_on == [] and (await item("Receipts")).depends_on == []


async def test_a_failed_plan_says_why_and_is_planned_again_or_written_by_hand(tabs: Tabs) -> None:
    """WS-12 (an agent answering prose): the planner's failure is shown; items can be added by
    hand and approved, or the PRD planned again."""
    await by_hand(tabs)
    room, _ = await work_room(tabs)
    prd = await make_prd(room, "plan_failed", {})
    await Prd.filter(id=prd.id).update(plan_error="The planner's answer has no JSON object.")
    await open_work(tabs.user, room)
    await tabs.user.should_see("The planner's answer has no JSON object.", retries=RETRIES)
    tabs.user.find(marker="add-item-Items").click()
    await tabs.user.should_see(marker="item-title", retries=RETRIES)
    tabs.user.find(marker="item-title").type("Write it myself")
    tabs.user.find(marker="save-item").click()
    await tabs.user.should_see(marker="item-Write it myself", retries=RETRIES)
    tabs.user.find(marker="plan-again").click()
    await eventually(lambda: Prd.get_or_none(id=prd.id, state="planning"))
    await tabs.user.should_see("is decomposing the PRD…", retries=RETRIES)
    assert not await WorkItem.exists(prd=prd)


async def _eq(values: Any, expected: list[str]) -> bool:
    return list(await values) == expected


async def _gone(prd: Prd, title: str) -> bool:
    return not await WorkItem.exists(prd=prd, title=title)


async def test_approving_the_plan_puts_its_items_on_the_board(tabs: Tabs) -> None:
    """WS-12: Approve plan starts the PRD: its items are cards in the Backlog, linked to them."""
    room, _ = await work_room(tabs)
    prd = await make_prd(room)
    await open_work(tabs.user, room)
    tabs.user.find(marker="approve-plan").click()
    await eventually(lambda: Prd.get_or_none(id=prd.id, state__in=["running", "done"]))
    for title in ("Schema", "API", "Screens"):
        await tabs.user.should_see(marker=f"task-{title}", retries=RETRIES)
    assert await Task.filter(room=room, item_id__isnull=False).count() == 3


# Following and steering ----------------------------------------------------------------------------


async def test_progress_is_live_in_a_second_tab_and_the_board_follows_the_item(tabs: Tabs) -> None:
    """WS-12, WS-13: an item that moves shows its new state and the epic's count in another open
    tab, and its board card moves to the column its state says; dragging it is refused."""
    await by_hand(tabs)
    room, agents = await work_room(tabs)
    prd = await make_prd(room, "running")
    second = tabs.new_tab()
    await open_work(second, room)
    await second.should_see(marker="count-Core", retries=RETRIES)
    await second.should_see("0/3", retries=RETRIES)
    schema = await item("Schema")
    await WorkItem.filter(id=schema.id).update(state="implementing", claimed_by=agents["coder"].id, run_id=None)
    announce(tabs.workspace.live, room.id)
    await second.should_see("claimed by coder", retries=RETRIES)
    await eventually(lambda: in_column(second, "Schema", "in_progress"))

    await WorkItem.filter(id=schema.id).update(state="done")
    announce(tabs.workspace.live, room.id)
    await second.should_see("1/3", retries=RETRIES)
    await eventually(lambda: in_column(second, "Schema", "done"))

    second.find(marker="task-API").trigger("dragstart")
    second.find(marker="column-done").trigger("drop")
    await second.should_see("on the Work tab", retries=RETRIES)
    assert (await item("API")).state == "todo"
    assert prd.state == "running"


async def test_agents_take_an_approved_plan_to_done_watched_in_a_second_tab(tabs: Tabs) -> None:
    """WS-12: with the engine of this process and the fake LLM playing planner, implementer and
    reviewer, a PRD decomposed and approved on the tab is worked to done; another open tab shows
    the items done and the PRD's progress 3/3, and the board has the cards in Done."""
    tabs.llm.respond = agents_answer
    room, _ = await work_room(tabs)
    second = tabs.new_tab()
    await open_work(second, room)
    await open_work(tabs.user, room)
    tabs.user.find(marker="prd-text").type("# Checkout\n\nPeople pay for their basket.")
    tabs.user.find(marker="decompose").click()
    await tabs.user.should_see(marker="approve-plan", retries=RETRIES)
    await tabs.user.should_see(marker="item-Screens", retries=RETRIES)
    tabs.user.find(marker="approve-plan").click()
    prd = await eventually(lambda: Prd.get_or_none(room=room, state="done"), within=30)
    await second.should_see("3/3 items done", retries=RETRIES)
    await second.should_see(marker="shown-Screens", retries=RETRIES)
    assert {label.text for label in second.find(marker="shown-Screens").elements} == {"done"}
    await eventually(lambda: in_column(second, "Screens", "done"))
    await second.should_see("done", retries=RETRIES)
    assert prd.finished_at is not None


async def test_pause_resume_and_cancel_a_prd(tabs: Tabs) -> None:
    """WS-12: Pause asks whether running attempts finish; Resume; Cancel after a confirmation."""
    await by_hand(tabs)
    room, _ = await work_room(tabs)
    prd = await make_prd(room, "running")
    await open_work(tabs.user, room)
    tabs.user.find(marker="pause-prd").click()
    await tabs.user.should_see(marker="pause-finish", retries=RETRIES)
    tabs.user.find(marker="pause-finish").click()
    await eventually(lambda: Prd.get_or_none(id=prd.id, state="paused"))
    await tabs.user.should_see(marker="resume-prd", retries=RETRIES)
    tabs.user.find(marker="resume-prd").click()
    await eventually(lambda: Prd.get_or_none(id=prd.id, state="running"))
    await tabs.user.should_see(marker="pause-prd", retries=RETRIES)
    tabs.user.find(marker="cancel-prd").click()
    await confirmed(tabs.user)
    await eventually(lambda: Prd.get_or_none(id=prd.id, state="cancelled"))
    assert await WorkItem.filter(prd=prd, state="cancelled").count() == 3


async def test_a_person_approves_rejects_and_reassigns_items(tabs: Tabs) -> None:
    """WS-12: from an item's details: Approve makes it done, Reject (confirmed) rejects it, Reassign
    gives it to the implementer chosen; each is on its history."""
    await by_hand(tabs)
    room, agents = await work_room(tabs)
    await make_prd(room, "running")
    await open_work(tabs.user, room)
    await tabs.user.should_see(marker="details-Schema", retries=RETRIES)

    await click_in_item(tabs.user, "Schema", "approve")
    await tabs.user.should_see(marker="approve-Schema", retries=RETRIES)
    tabs.user.find(marker="approve-Schema").click()
    await eventually(lambda: WorkItem.get_or_none(title="Schema", state="done"))

    await click_in_item(tabs.user, "API", "reject")
    await tabs.user.should_see(marker="reject-API", retries=RETRIES)
    tabs.user.find(marker="reject-API").click()
    await confirmed(tabs.user)
    await eventually(lambda: WorkItem.get_or_none(title="API", state="rejected"))

    await click_in_item(tabs.user, "Screens", "reassign")
    await tabs.user.should_see(marker="reassign-Screens", retries=RETRIES)
    tabs.user.find(marker="reassign-Screens").click()
    await tabs.user.should_see(marker="reassign-agent", retries=RETRIES)
    tabs.user.find(marker="reassign-agent").elements.pop().set_value(agents["second"].id)
    tabs.user.find(marker="save-reassign").click()
    await eventually(lambda: WorkItem.get_or_none(title="Screens", assignee_id=agents["second"].id))
    await tabs.user.should_see("reassigned · local · Reassigned to second.", retries=RETRIES)


async def test_work_settings_are_saved(tabs: Tabs) -> None:
    """WS-12: the room's parallel limit and review rounds; out of range is refused."""
    room, _ = await work_room(tabs)
    await open_work(tabs.user, room)
    tabs.user.find(marker="work-limit").elements.pop().set_value(4)
    tabs.user.find(marker="review-rounds").elements.pop().set_value(2)
    tabs.user.find(marker="save-work-settings").click()
    await eventually(lambda: Room.get_or_none(id=room.id, work_limit=4, review_rounds=2))
    tabs.user.find(marker="work-limit").elements.pop().set_value(50)
    tabs.user.find(marker="save-work-settings").click()
    await eventually(lambda: tabs.user.notify.messages and "Saved." not in tabs.user.notify.messages[-1])
    assert (await Room.get(id=room.id)).work_limit == 4


async def test_knowledge_is_added_edited_and_deleted(tabs: Tabs) -> None:
    """WS-12: a person's note is kept, edited and deleted (after a confirmation), in every tab."""
    room, _ = await work_room(tabs)
    second = tabs.new_tab()
    await open_work(second, room)
    await open_work(tabs.user, room)
    tabs.user.find(marker="knowledge-text").type("Run the migrations before the tests.")
    tabs.user.find(marker="add-knowledge").click()
    entry = await eventually(lambda: KnowledgeEntry.get_or_none(room=room))
    await second.should_see("Run the migrations before the tests.", retries=RETRIES)
    await tabs.user.should_see(marker=f"edit-entry-{entry.id}", retries=RETRIES)  # this tab redraws too
    tabs.user.find(marker=f"edit-entry-{entry.id}").click()
    await tabs.user.should_see(marker="entry-edit", retries=RETRIES)
    tabs.user.find(marker="entry-edit").elements.pop().set_value("Run make migrate first.")
    tabs.user.find(marker="save-entry").click()
    await eventually(lambda: KnowledgeEntry.get_or_none(id=entry.id, text="Run make migrate first."))
    await second.should_see("Run make migrate first.", retries=RETRIES)
    await tabs.user.should_see(marker=f"delete-entry-{entry.id}", retries=RETRIES)
    tabs.user.find(marker=f"delete-entry-{entry.id}").click()
    await confirmed(tabs.user)
    await eventually(lambda: _no_entry(entry.id))
    await second.should_not_see("Run make migrate first.", retries=RETRIES)


async def _no_entry(entry_id: str) -> bool:
    return not await KnowledgeEntry.exists(id=entry_id)


async def test_hostile_text_in_a_prd_and_an_item_is_shown_as_text(tabs: Tabs) -> None:
    """WS-12, SEC-9: a PRD titled with a script and an item with an image's onerror show as the
    text they are; the PRD's Markdown is rendered safely."""
    await by_hand(tabs)
    room, _ = await work_room(tabs)
    script, image = "<script>alert(1)</script>", '<img src=x onerror="alert(2)">'
    prd = await make_prd(room, "running", {"Core": [("x", image, ())]}, title=script)
    await Prd.filter(id=prd.id).update(text=f"# Plan\n\n{script}\n\n{image}")
    await open_work(tabs.user, room)
    await tabs.user.should_see(script, retries=RETRIES)
    await tabs.user.should_see(image, retries=RETRIES)
    for element in tabs.user.find(marker="work-tab").elements.pop().descendants():
        html = str(element._props.get("innerHTML", ""))
        assert "<script" not in html and "<img" not in html, html
    assert any(
        isinstance(element, ui.label) and element.text == image
        for element in tabs.user.find(marker="work-tab").elements.pop().descendants()
    )


async def test_the_agent_dialog_sets_the_type_with_a_hint(tabs: Tabs) -> None:
    """WS-12: an agent is CUSTOM unless given a type; SPEC says what it does in the room's work."""
    await tabs.user.open("/agents")
    tabs.user.find("New agent").click()
    await tabs.user.should_see(marker="agent-type", retries=RETRIES)
    assert tabs.user.find(marker="agent-type").elements.pop().value == "CUSTOM"
    tabs.user.find(marker="agent-name").type("planner")
    tabs.user.find(marker="agent-type").elements.pop().set_value("SPEC")
    await tabs.user.should_see("decomposes a room's PRDs", retries=RETRIES)
    tabs.user.find(marker="save-agent").click()
    agent = await eventually(lambda: Agent.get_or_none(name="planner"))
    assert agent.agent_type == "SPEC"
    with pytest.raises(service.Invalid, match="type"):
        await service.update_agent(await tabs.local_user(), agent.id, agent_type="BOSS")
