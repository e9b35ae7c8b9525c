"""The work engine end to end in a real in-process workspace (WS-12): a PRD planned by its SPEC
agent, approved, its items implemented in dependency order and reviewed to done; bad plans and
verdicts, failing and silent providers, the room's limits, pause, cancel and a restart. The fake
provider plays planner, implementer and reviewer by the prompt's marker and counts per item."""

# ruff: noqa: F811  (the workspace fixtures, imported from tests/test_workspace.py)
from __future__ import annotations

import asyncio
import json
import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from oz_agent_sdk import AsyncOzAPI

from oz_app.config import ConfigError, load_settings
from oz_app.control_plane import tokens
from oz_app.control_plane.service import now
from oz_app.db.models import (
    Agent,
    KnowledgeEntry,
    Notification,
    Prd,
    Room,
    Run,
    RunLabel,
    Task,
    WorkEvent,
    WorkItem,
)
from oz_app.work import STALE_CLAIM, actions
from oz_app.work.engine import STEP_LABEL, WorkEngine, new_mark
from oz_app.work.prompts import IMPLEMENT_MARK, PLAN_MARK, REVIEW_MARK
from oz_app.workspace import service
from tests.test_workspace import Tabs, eventually, llm, tabs, workspace_env  # noqa: F401  (fixtures)

KEY = re.compile(r"\[(k\d+)\]")
WITHIN = 30


def item(key: str, depends_on: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "id": key, "title": f"Item [{key}]", "description": f"Build part {key}.", "acceptance_criteria": ["it works"],
        "estimate": "1h", "depends_on": list(depends_on),
    }  # fmt: skip


def plan_of(*items: dict[str, Any]) -> dict[str, Any]:
    return {"epics": [{"title": "The epic", "description": "All of it.", "items": list(items)}]}


class Team:
    """Planner, implementer and reviewer in one fake provider: answers by the prompt's marker,
    counts the requests per item (``counts[("implement", "k1")]``) and keeps the prompts."""

    def __init__(self, plan: dict[str, Any], verdicts: dict[str, list[str]] | None = None, bad_plans: int = 0) -> None:
        self.plan = plan
        self.verdicts = {key: list(value) for key, value in (verdicts or {}).items()}
        self.bad_plans = bad_plans
        self.counts: Counter[tuple[str, str]] = Counter()
        self.prompts: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.order: list[str] = []
        self.on_implement: Any = None

    def __call__(self, text: str) -> list[str]:
        if PLAN_MARK in text:
            self.counts[("plan", "")] += 1
            self.prompts[("plan", "")].append(text)
            if self.bad_plans:
                self.bad_plans -= 1
                return ["I would rather ", "not write JSON today."]
            return [json.dumps(self.plan)]
        found = KEY.search(text)
        key = found.group(1) if found else ""
        role = "implement" if IMPLEMENT_MARK in text else "review" if REVIEW_MARK in text else "other"
        self.counts[(role, key)] += 1
        self.prompts[(role, key)].append(text)
        if role == "implement":
            self.order.append(key)
            if self.on_implement:
                self.on_implement(key)
            return [f"Implemented {key}.", f"\n\n## Learnings\n- part {key} needs the widget cache warmed\n"]
        if role == "review":
            pending = self.verdicts.get(key) or []
            verdict = pending.pop(0) if pending else "APPROVED"
            if verdict == "PROSE":
                return ["Looks good to me, ship it."]
            comments = f"Please fix the naming in {key} (round feedback)." if verdict != "APPROVED" else "Fine."
            learnings = [f"reviewers of {key} check naming"] if verdict == "APPROVED" else []
            return [json.dumps({"verdict": verdict, "comments": comments, "learnings": learnings})]
        return ["Hello."]


async def team_room(tabs: Tabs, *, implementers: int = 1, work_limit: int = 2, review_rounds: int = 3) -> Room:
    owner = await tabs.local_user()
    names = [("planner", "SPEC"), *((f"coder{n}", "IMPLEMENT") for n in range(implementers)), ("rev", "REVIEW")]
    members = []
    for name, kind in names:
        agent = await service.create_agent(owner, name=name)
        await Agent.filter(id=agent.id).update(agent_type=kind)
        members.append(agent)
    room = await service.create_room(owner, "Work", "where we build", [agent.id for agent in members])
    await Room.filter(id=room.id).update(work_limit=work_limit, review_rounds=review_rounds)
    return await Room.get(id=room.id)


async def planned(tabs: Tabs, room: Room, team: Team) -> Prd:
    tabs.llm.respond = team
    owner = await tabs.local_user()
    prd = await actions.create_prd(tabs.workspace.live, room, owner.id, "# Widgets\n\nBuild the widgets.")
    return await eventually(lambda: Prd.get_or_none(id=prd.id, state="planned"), within=WITHIN)


async def approved(tabs: Tabs, room: Room, team: Team) -> Prd:
    prd = await planned(tabs, room, team)
    owner = await tabs.local_user()
    return await actions.approve(tabs.workspace.live, prd, owner.id)


async def item_of(prd: Prd, key: str) -> WorkItem:
    return await WorkItem.get(prd_id=prd.id, key=key)


async def state_is(prd: Prd, key: str, *states: str) -> WorkItem | None:
    return await WorkItem.get_or_none(prd_id=prd.id, key=key, state__in=list(states))


async def prd_done(prd: Prd) -> Prd:
    return await eventually(lambda: Prd.get_or_none(id=prd.id, state="done"), within=WITHIN)


async def test_a_prd_is_planned_approved_implemented_in_order_reviewed_and_done(tabs: Tabs) -> None:
    """WS-12: the planner's plan becomes drafts and the owner is told; once approved the items are
    implemented in dependency order, reviewed to done, their learnings kept, the PRD done and the
    owner told; every run of the PRD descends from its first planning run."""
    room = await team_room(tabs, implementers=2)
    team = Team(plan_of(item("k1"), item("k2", ("k1",)), item("k3", ("k1",)), item("k4", ("k2", "k3"))))
    prd = await planned(tabs, room, team)
    assert await WorkItem.filter(prd_id=prd.id, state="draft").count() == 4
    assert await Notification.exists(title=f"The plan of “{prd.title}” is ready")
    owner = await tabs.local_user()
    prd = await actions.approve(tabs.workspace.live, prd, owner.id)
    prd = await prd_done(prd)
    assert team.order[0] == "k1" and team.order[-1] == "k4" and set(team.order[1:3]) == {"k2", "k3"}
    for key in ("k1", "k2", "k3", "k4"):
        assert team.counts[("implement", key)] == 1 and team.counts[("review", key)] == 1
        assert (await item_of(prd, key)).state == "done"
    assert "Implemented k1." in team.prompts[("review", "k1")][0]  # the reviewer read the implementation
    assert await Task.filter(room_id=room.id, status="done").exclude(item_id=None).count() == 4  # the cards followed
    assert await Notification.exists(title=f"“{prd.title}” is done")
    learned = await KnowledgeEntry.filter(room_id=room.id).values_list("text", flat=True)
    assert "part k1 needs the widget cache warmed" in learned and "reviewers of k1 check naming" in learned
    ours = set(await RunLabel.filter(key=STEP_LABEL).values_list("run_id", flat=True))
    assert len(ours) == 1 + 4 * 2
    _, token = await tokens.create_token(owner, "laptop")
    client = AsyncOzAPI(api_key=token, base_url="http://test/api/v1", http_client=tabs.user.http_client, max_retries=0)
    listed = [run.run_id async for run in client.agent.runs.list(ancestor_run_id=str(prd.root_run_id), limit=50)]
    assert set(listed) == ours - {prd.root_run_id} and len(listed) == len(ours) - 1
    implemented = client.agent.runs.list(ancestor_run_id=str(prd.root_run_id), metadata={STEP_LABEL: "implement"})
    assert len([run async for run in implemented]) == 4


async def test_a_malformed_plan_is_retried_once_with_the_error_then_shown(tabs: Tabs) -> None:
    """WS-12: an unreadable plan is sent back once with the error; a second one is shown (plan_failed)."""
    room = await team_room(tabs)
    team = Team(plan_of(item("k1")), bad_plans=2)
    tabs.llm.respond = team
    owner = await tabs.local_user()
    prd = await actions.create_prd(tabs.workspace.live, room, owner.id, "# Widgets\n\nBuild them.")
    failed = await eventually(lambda: Prd.get_or_none(id=prd.id, state="plan_failed"), within=WITHIN)
    assert team.counts[("plan", "")] == 2 and failed.plan_error
    assert "not write JSON today" in team.prompts[("plan", "")][1]  # the retry shows the planner its answer
    assert await Notification.exists(title=f"The plan of “{prd.title}” failed")


async def test_a_good_second_plan_is_taken(tabs: Tabs) -> None:
    """WS-12: after one unreadable answer, the planner's corrected plan becomes the drafts."""
    room = await team_room(tabs)
    prd = await planned(tabs, room, team := Team(plan_of(item("k1"), item("k2")), bad_plans=1))
    assert team.counts[("plan", "")] == 2
    assert await WorkItem.filter(prd_id=prd.id).count() == 2


async def test_changes_needed_twice_then_approved(tabs: Tabs) -> None:
    """WS-12: the reviewer's feedback reaches the implementer's next prompt; the history keeps each verdict."""
    room = await team_room(tabs)
    team = Team(plan_of(item("k1")), verdicts={"k1": ["CHANGES_NEEDED", "CHANGES_NEEDED", "APPROVED"]})
    prd = await prd_done(await approved(tabs, room, team))
    assert team.counts[("implement", "k1")] == 3 and team.counts[("review", "k1")] == 3
    assert "Please fix the naming in k1" in team.prompts[("implement", "k1")][1]
    done = await item_of(prd, "k1")
    assert done.round == 2
    kinds = await WorkEvent.filter(item_id=done.id).order_by("id").values_list("kind", flat=True)
    assert kinds.count("changes_needed") == 2 and kinds.count("approved") == 1


async def test_the_round_limit_asks_a_person(tabs: Tabs) -> None:
    """WS-12: after ``review_rounds`` changes-needed verdicts the item waits for a person, who is told."""
    room = await team_room(tabs, review_rounds=2)
    team = Team(plan_of(item("k1")), verdicts={"k1": ["CHANGES_NEEDED"] * 5})
    prd = await approved(tabs, room, team)
    waiting = await eventually(lambda: state_is(prd, "k1", "needs_person"), within=WITHIN)
    assert waiting.round == 2 and "2 times" in waiting.last_error
    assert team.counts[("implement", "k1")] == 2
    assert await Notification.exists(title="“Item [k1]” needs you")
    assert (await Prd.get(id=prd.id)).state == "running"


async def test_a_failing_provider_counts_attempts_then_asks_a_person(tabs: Tabs) -> None:
    """WS-12: each failed run is an attempt with its reason; after OZ_WORK_MAX_ATTEMPTS a person decides."""
    room = await team_room(tabs)
    team = Team(plan_of(item("k1")))
    prd = await planned(tabs, room, team)
    tabs.llm.status = 500
    owner = await tabs.local_user()
    await actions.approve(tabs.workspace.live, prd, owner.id)
    waiting = await eventually(lambda: state_is(prd, "k1", "needs_person"), within=WITHIN)
    assert waiting.attempts == 3 and "3 attempts failed" in waiting.last_error
    failures = await WorkEvent.filter(item_id=waiting.id, kind="attempt_failed").values_list("text", flat=True)
    assert len(failures) == 3 and all("500" in text for text in failures)
    assert await Notification.exists(title="“Item [k1]” needs you")


async def test_a_silent_reviewer_is_timed_out_and_the_item_goes_on(tabs: Tabs) -> None:
    """WS-12: a review that never answers is cancelled at OZ_WORK_ATTEMPT_MINUTES, counted, and tried again."""
    workspace = tabs.workspace
    workspace.work.settings = replace(workspace.settings, work_attempt_minutes=0.02)  # 1.2 s
    room = await team_room(tabs)
    team = Team(plan_of(item("k1")))
    team.on_implement = lambda key: setattr(tabs.llm, "answer", "silent")  # the next request: the review
    prd = await approved(tabs, room, team)
    first = await eventually(lambda: WorkItem.get_or_none(prd_id=prd.id, key="k1", attempts=1), within=WITHIN)
    assert "longer than 0.02 minutes" in first.last_error
    tabs.llm.answer = "stream"
    await prd_done(prd)
    assert team.counts[("implement", "k1")] == 1


async def test_the_work_limit_holds(tabs: Tabs) -> None:
    """WS-12: never more than the room's work_limit items are worked on at once."""
    room = await team_room(tabs, implementers=3, work_limit=2)
    team = Team(plan_of(*(item(f"k{n}") for n in range(1, 7))))
    tabs.llm.delay = 0.05
    busiest = 0

    async def watch() -> None:
        nonlocal busiest
        while True:
            busy = await WorkItem.filter(state__in=("implementing", "implemented", "reviewing")).count()
            busiest = max(busiest, busy)
            await asyncio.sleep(0.01)

    watcher = asyncio.create_task(watch())
    try:
        await prd_done(await approved(tabs, room, team))
    finally:
        watcher.cancel()
    assert busiest == 2


async def test_pause_stops_new_claims_and_resume_goes_on(tabs: Tabs) -> None:
    """WS-12: a paused PRD starts nothing new (its running attempt finishes); resumed, it is done."""
    room = await team_room(tabs, work_limit=1)
    team = Team(plan_of(item("k1"), item("k2"), item("k3")))
    tabs.llm.answer = "stall"  # the implementer's answer waits for release() (the plan is one word)
    prd = await approved(tabs, room, team)
    await eventually(lambda: state_is(prd, "k1", "implementing"), within=WITHIN)
    prd = await actions.pause(tabs.workspace.live, prd, tabs.workspace.work.cancel, stop_running=False)
    tabs.llm.release()
    await eventually(lambda: state_is(prd, "k1", "implemented"), within=WITHIN)
    await tabs.workspace.work.tick()
    assert await WorkItem.filter(prd_id=prd.id, state="todo").count() == 2
    assert team.counts[("review", "k1")] == 0
    await actions.resume(tabs.workspace.live, prd)
    await prd_done(prd)


async def test_cancel_stops_the_runs_and_the_items(tabs: Tabs) -> None:
    """WS-12: a cancelled PRD's running attempt is cancelled and nothing else starts."""
    room = await team_room(tabs)
    team = Team(plan_of(item("k1"), item("k2", ("k1",))))
    tabs.llm.answer = "stall"  # the implementer's answer waits, so its run is running when cancelled
    prd = await approved(tabs, room, team)
    await eventually(lambda: state_is(prd, "k1", "implementing"), within=WITHIN)
    claimed = await eventually(lambda: RunLabel.get_or_none(key=STEP_LABEL, value="implement"))
    await actions.cancel(tabs.workspace.live, prd, tabs.workspace.work.cancel)
    await eventually(lambda: Run.get_or_none(id=claimed.run_id, state="CANCELLED"), within=WITHIN)
    await eventually(lambda: state_is(prd, "k1", "cancelled"))
    await tabs.workspace.work.tick()
    assert set(await WorkItem.filter(prd_id=prd.id).values_list("state", flat=True)) == {"cancelled"}
    assert (await Prd.get(id=prd.id)).state == "cancelled"
    assert team.counts[("implement", "k2")] == 0


async def test_a_prd_cancelled_while_an_attempts_run_is_being_created_cancels_that_run(tabs: Tabs) -> None:
    """WS-12: Cancel pressed between an item's claim and the link to its new run: the run is
    cancelled as soon as it exists, and the cancelled item keeps no run."""
    room = await team_room(tabs)
    team = Team(plan_of(item("k1")))
    tabs.llm.answer = "stall"
    engine = tabs.workspace.work
    create = engine.new_run
    created: list[str] = []

    async def cancelled_meanwhile(room: Room, agent: Agent, **options: Any) -> str:
        run_id = await create(room, agent, **options)
        if options["step"] == "implement":
            created.append(run_id)
            await actions.cancel(tabs.workspace.live, await Prd.get(id=prd.id), engine.cancel)
        return run_id

    engine.new_run = cancelled_meanwhile  # type: ignore[method-assign]
    prd = await approved(tabs, room, team)
    await eventually(lambda: created)
    await eventually(lambda: Run.get_or_none(id=created[0], state="CANCELLED"), within=WITHIN)
    cancelled = await item_of(prd, "k1")
    assert (cancelled.state, cancelled.run_id) == ("cancelled", None)
    assert (await Prd.get(id=prd.id)).state == "cancelled"


async def test_a_restart_mid_prd_loses_nothing_and_runs_no_attempt_twice(tabs: Tabs) -> None:
    """WS-12: the engine stops while an attempt runs; a new one (and a second process's) carries
    on from the rows, and every item was implemented and reviewed exactly once."""
    workspace = tabs.workspace
    room = await team_room(tabs, implementers=2)
    team = Team(plan_of(item("k1"), item("k2", ("k1",)), item("k3")))
    tabs.llm.delay = 0.3
    prd = await approved(tabs, room, team)
    await eventually(lambda: state_is(prd, "k1", "implementing"), within=WITHIN)
    await workspace.work.close()  # the process stops following; its runs go on
    await eventually(lambda: state_is(prd, "k1", "implementing"), within=WITHIN)
    first = await RunLabel.filter(key=STEP_LABEL, value="implement").values_list("run_id", flat=True)
    await eventually(lambda: Run.get_or_none(id=first[0], state="SUCCEEDED"), within=WITHIN)  # ended unfollowed
    workspace.work = WorkEngine(workspace.plane, workspace.live, workspace.settings)
    second = WorkEngine(workspace.plane, workspace.live, workspace.settings)  # another process's
    await asyncio.gather(workspace.work.start(), second.start())
    try:
        await prd_done(prd)
    finally:
        await second.close()
    for key in ("k1", "k2", "k3"):
        assert team.counts[("implement", key)] == 1 and team.counts[("review", key)] == 1


async def test_claims_left_by_a_stopped_process_are_linked_or_released(tabs: Tabs) -> None:
    """WS-12 (kill -9 while a run is being created): an item whose claim has no run yet is
    released and implemented; one whose run was created under the claim is linked to that run,
    not started again. Each is implemented once."""
    workspace = tabs.workspace
    room = await team_room(tabs)
    team = Team(plan_of(item("k1"), item("k2")))
    prd = await planned(tabs, room, team)
    await workspace.work.close()  # the process that claimed them stops
    owner = await tabs.local_user()
    await actions.approve(workspace.live, prd, owner.id)
    coder = await Agent.get(name="coder0", owner=owner)
    stale = now() - STALE_CLAIM * 2
    marks = {"k1": new_mark(), "k2": new_mark()}
    text = f"{IMPLEMENT_MARK} Item [k2]"
    made = await workspace.work.new_run(
        room, coder, prompt=text, title="k2", parent=None, mark=marks["k2"], step="implement"
    )
    for key, mark in marks.items():
        await WorkItem.filter(prd_id=prd.id, key=key).update(
            state="implementing", run_id=mark, claimed_by=coder.id, updated_at=stale
        )
    workspace.work = WorkEngine(workspace.plane, workspace.live, workspace.settings)
    await workspace.work.start()
    await prd_done(prd)
    assert (await item_of(prd, "k2")).root_run_id == made
    assert team.counts[("implement", "k1")] == 1 and team.counts[("implement", "k2")] == 1


async def test_an_unreadable_verdict_is_asked_again_once(tabs: Tabs) -> None:
    """WS-12: a review answer that is not a verdict goes back to the reviewer with the error, once."""
    room = await team_room(tabs)
    team = Team(plan_of(item("k1"), item("k2")), verdicts={"k1": ["PROSE"], "k2": ["PROSE", "PROSE"]})
    prd = await approved(tabs, room, team)
    waiting = await eventually(lambda: state_is(prd, "k2", "needs_person"), within=WITHIN)
    assert "could not be read" in waiting.last_error
    assert (await eventually(lambda: state_is(prd, "k1", "done"), within=WITHIN)) is not None
    assert team.counts[("review", "k1")] == 2 and "Looks good to me" in team.prompts[("review", "k1")][1]
    assert team.counts[("implement", "k1")] == 1


async def test_a_room_without_a_reviewer_asks_a_person(tabs: Tabs) -> None:
    """WS-12: an implemented item with no REVIEW member in the room waits for a person, who is told why."""
    room = await team_room(tabs)
    await room.members.remove(await Agent.get(name="rev"))
    prd = await approved(tabs, room, Team(plan_of(item("k1"))))
    waiting = await eventually(lambda: state_is(prd, "k1", "needs_person"), within=WITHIN)
    assert "type REVIEW" in waiting.last_error
    assert await Notification.exists(title="“Item [k1]” needs you", body=waiting.last_error)


def test_work_settings_are_checked() -> None:
    """WS-12: the engine's settings have defaults and a bad value is refused with its name."""
    settings = load_settings({"OZ_CONFIG_FILE": ""})
    assert (settings.work_max_attempts, settings.work_attempt_minutes, settings.work_knowledge_tokens) == (3, 30, 1000)
    bad = {"OZ_CONFIG_FILE": "", "OZ_WORK_MAX_ATTEMPTS": "0", "OZ_WORK_ATTEMPT_MINUTES": "soon"}
    try:
        load_settings(bad)
    except ConfigError as exc:
        assert "OZ_WORK_MAX_ATTEMPTS must be between 1 and 100" in str(exc) and "OZ_WORK_ATTEMPT_MINUTES" in str(exc)
    else:
        raise AssertionError("bad work settings were accepted")


async def test_a_paused_room_starts_no_work_until_resumed(tabs: Tabs) -> None:
    """WS-12: while the room is paused (its Pause button) the engine takes no item; resumed, the PRD goes on."""
    room = await team_room(tabs)
    prd = await planned(tabs, room, Team(plan_of(item("k1"))))
    owner = await tabs.local_user()
    await service.set_paused(owner, room.id, True)
    await actions.approve(tabs.workspace.live, prd, owner.id)
    await tabs.workspace.work.tick()
    assert (await item_of(prd, "k1")).state == "todo"
    await service.set_paused(owner, room.id, False)
    tabs.workspace.work.wake()
    await prd_done(prd)
