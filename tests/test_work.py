"""Work from the board and the first run, through NiceGUI's simulated user (UX-9, UX-10): a task
given to an agent starts its run and its card follows the run (Done, or back to Backlog with the
reason), also across a restart and two processes; artifacts made and deleted from the Artifacts
tab; the share link as a full URL; the first-run checklist and the room cards."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import ElementFilter, ui

from oz_app.db.models import TERMINAL_STATES, Artifact, Message, Room, Run, Task
from oz_app.workspace import accounts, replies, service, task_runs
from oz_app.workspace.dispatch import Conductor
from oz_app.workspace.live import room_topic
from tests.test_workspace import (  # noqa: F401  (fixtures)
    RETRIES,
    Tabs,
    eventually,
    in_column,
    llm,
    make_room,
    tabs,
    workspace_env,
)


async def open_board(tabs: Tabs, room: Room) -> None:
    await tabs.user.open(f"/rooms/{room.id}")
    await tabs.user.should_see(marker="add-task", retries=RETRIES)


async def card_in(tabs: Tabs, task: Task, column: str) -> Task:
    return await eventually(lambda: Task.get_or_none(id=task.id, status=column), within=20)


async def run_of(task: Task) -> Run:
    await task.refresh_from_db()
    return await Run.get(id=task.run_id)


# Task runs (UX-9) ----------------------------------------------------------------------------------


async def test_assigning_a_task_starts_its_run_and_the_card_moves_to_done_in_every_tab(tabs: Tabs) -> None:
    """UX-9: assigning a task in its dialog starts the agent's run with the task as the prompt, the
    card goes to In progress, then to Done when the run succeeds, in another open tab too; the
    run's reply shows in the chat and the card links to its output."""
    tabs.llm.words, tabs.llm.answer = ["Plan", " written"], "stall"
    room = await make_room(tabs)
    second = tabs.new_tab()
    await second.open(f"/rooms/{room.id}")
    await second.should_see(marker="add-task", retries=RETRIES)
    await open_board(tabs, room)
    tabs.user.find(marker="add-task").click()
    await tabs.user.should_see("New task", retries=RETRIES)
    tabs.user.find(marker="task-title").type("Write the plan")
    tabs.user.find(marker="task-description").type("Three steps, with my_var_name kept.")
    helper = (await service.agents_of(await tabs.local_user()))[0]
    tabs.user.find(marker="task-assignee").elements.pop().set_value(helper.id)
    tabs.user.find(marker="save-task").click()
    task = await eventually(lambda: Task.get_or_none(room=room, title="Write the plan"))
    await card_in(tabs, task, "in_progress")
    await second.should_see(marker="work-Write the plan", retries=RETRIES)
    await second.should_see("helper: running", retries=RETRIES)  # the agent's status says it works (ST-6)
    tabs.llm.release()
    await card_in(tabs, task, "done")
    await second.should_see("helper: idle", retries=RETRIES)
    run = await run_of(task)
    assert run.state == "SUCCEEDED"
    prompt = tabs.llm.requests[0]["body"]["messages"][-1]["content"]
    assert "Write the plan" in prompt and "Three steps, with my_var_name kept." in prompt and "You are helper" in prompt
    reply = await eventually(lambda: Message.get_or_none(room=room, run_id=run.id, state="done"))
    assert reply.author_name == "helper" and reply.content == ""  # the chat reply reads the run (ST-1)
    await second.should_see("Plan written", retries=RETRIES)
    await second.should_see("helper started the task “Write the plan”.", retries=RETRIES)
    await eventually(lambda: in_column(second, "Write the plan", "done"))
    await second.should_see(marker="output-Write the plan", retries=RETRIES)
    link = second.find(marker="output-Write the plan").elements.pop()
    assert link.props["href"] == f"/runs?run={run.id}"
    assert len(tabs.llm.requests) == 1


async def test_a_failed_run_sends_the_card_back_with_its_reason_and_start_tries_again(tabs: Tabs) -> None:
    """UX-9: a run that fails moves its card back to Backlog showing why (read from the run's
    status message, not copied onto the task); Start on the card tries again."""
    tabs.llm.status = 401
    room = await make_room(tabs)
    helper = await service.agent_of(await tabs.local_user(), (await service.agents_of(await tabs.local_user()))[0].id)
    task = await service.create_task(room, "Fix the build", assignee_id=helper.id)
    await open_board(tabs, room)
    await tabs.user.should_see(marker="start-Fix the build", retries=RETRIES)
    tabs.user.find(marker="start-Fix the build").click()
    await eventually(lambda: _has_run(task))
    await card_in(tabs, task, "backlog")
    run = await eventually(lambda: _ended(task))
    assert run.state != "SUCCEEDED"
    reason = replies.status_of(run)
    assert reason
    await tabs.user.should_see(marker="failure-Fix the build", retries=RETRIES)
    await tabs.user.should_see(reason, retries=RETRIES)
    await tabs.user.should_see("failed", retries=RETRIES)
    tabs.llm.status = 200
    tabs.llm.words = ["Fixed"]
    await tabs.user.should_see(marker="start-Fix the build", retries=RETRIES)
    tabs.user.find(marker="start-Fix the build").click()
    await card_in(tabs, task, "done")
    await tabs.user.should_not_see(marker="failure-Fix the build", retries=RETRIES)


async def test_a_restart_in_the_middle_of_a_run_still_settles_the_card(tabs: Tabs) -> None:
    """UX-9: the database is the truth: when the process following a task's run stops and the run
    ends meanwhile, the next process's sweep moves the card (and moving it twice changes nothing)."""
    tabs.llm.words = ["slow"] * 20
    tabs.llm.delay = 0.1
    room = await make_room(tabs)
    owner = await tabs.local_user()
    helper = (await service.agents_of(owner))[0]
    task = await service.create_task(room, "Long job", assignee_id=helper.id)
    await task_runs.start(tabs.workspace.conductor, room, task.id)
    await tabs.workspace.conductor.close()  # the process stops following; the run goes on
    run = await eventually(lambda: _ended(task), within=30)
    assert run.state == "SUCCEEDED"
    assert (await Task.get(id=task.id)).status == "in_progress"
    restarted = Conductor(tabs.workspace.runner, tabs.workspace.live)
    await restarted.sweep()
    assert (await Task.get(id=task.id)).status == "done"
    await restarted.sweep()  # once more, and the reply's own settling: harmless
    await eventually(lambda: Message.get_or_none(room=room, run_id=run.id, state="done"))
    await restarted.close()
    assert (await Task.get(id=task.id)).status == "done"


async def test_two_processes_starting_a_task_at_once_start_one_run(tabs: Tabs) -> None:
    """UX-9: two conductors (two processes on one database) starting the same task at the same
    moment: one claims it, the other is told; one run, one provider call."""
    room = await make_room(tabs)
    helper = (await service.agents_of(await tabs.local_user()))[0]
    task = await service.create_task(room, "Once only", assignee_id=helper.id)
    other = Conductor(tabs.workspace.runner, tabs.workspace.live)
    results = await asyncio.gather(
        task_runs.start(tabs.workspace.conductor, room, task.id),
        task_runs.start(other, room, task.id),
        return_exceptions=True,
    )
    refused = [result for result in results if isinstance(result, service.Invalid)]
    assert len(refused) == 1, results
    await card_in(tabs, task, "done")
    await other.close()
    assert len(await tabs.workspace.runner.list(50)) == 1 and len(tabs.llm.requests) == 1


async def test_a_claim_left_by_a_stopped_process_is_released(tabs: Tabs) -> None:
    """UX-9: a process that stopped between claiming a task and creating its run leaves the card
    startable again after a while (the sweep releases the claim)."""
    room = await make_room(tabs)
    task = await service.create_task(room, "Orphan")
    stale = service.now() - task_runs.STALE_CLAIM * 2
    await Task.filter(id=task.id).update(run_id=task_runs.CLAIM + "x", status="in_progress", updated_at=stale)
    await tabs.workspace.conductor.sweep()
    task = await Task.get(id=task.id)
    assert (task.status, task.run_id) == ("backlog", None)


async def test_a_card_moved_by_hand_stays_where_it_was_put(tabs: Tabs) -> None:
    """UX-9: after its run ended, a card dragged back to In progress is not moved again by the sweep."""
    room = await make_room(tabs)
    helper = (await service.agents_of(await tabs.local_user()))[0]
    task = await service.create_task(room, "Again by hand", assignee_id=helper.id)
    await task_runs.start(tabs.workspace.conductor, room, task.id)
    await card_in(tabs, task, "done")
    await service.update_task(room, task.id, status="in_progress")
    await tabs.workspace.conductor.sweep()
    assert (await Task.get(id=task.id)).status == "in_progress"


async def test_starting_is_refused_in_words_without_an_assignee_or_in_a_paused_room(tabs: Tabs) -> None:
    """UX-9, UX-8: a task cannot start without an agent, nor in a paused room; nothing moves."""
    room = await make_room(tabs)
    owner = await tabs.local_user()
    task = await service.create_task(room, "Nobody's")
    with pytest.raises(service.Invalid, match="Assign the task to an agent first"):
        await task_runs.start(tabs.workspace.conductor, room, task.id)
    helper = (await service.agents_of(owner))[0]
    await service.update_task(room, task.id, assignee_id=helper.id)
    paused = await service.set_paused(owner, room.id, True)
    with pytest.raises(service.Invalid, match="paused"):
        await task_runs.start(tabs.workspace.conductor, paused, task.id)
    assert (await Task.get(id=task.id)).status == "backlog" and not tabs.llm.requests


async def test_an_open_task_dialog_survives_the_board_being_redrawn(tabs: Tabs) -> None:
    """UX-8, WS-13: a card moved in another tab redraws the board live; a task dialog open here
    stays open with what was typed, and saves."""
    room = await make_room(tabs)
    await service.create_task(room, "Keep editing")
    moved = await service.create_task(room, "Moved elsewhere")
    await open_board(tabs, room)
    tabs.user.find(marker="edit-Keep editing").click()
    await tabs.user.should_see("Edit task", retries=RETRIES)
    tabs.user.find(marker="task-title").clear().type("Kept while redrawn")
    await service.update_task(room, moved.id, status="done")
    tabs.workspace.live.publish(room_topic(room.id), kind="tasks")  # what the other tab announces

    def redrawn() -> bool:  # the board was drawn again: the moved card stands under Done
        with tabs.user:
            return in_column(tabs.user, "Moved elsewhere", "done")

    await eventually(redrawn)
    await tabs.user.should_see("Edit task", retries=RETRIES)
    with tabs.user:
        assert tabs.user.find(marker="task-title").elements.pop().value == "Kept while redrawn"
    tabs.user.find(marker="save-task").click()
    await eventually(lambda: Task.get_or_none(room=room, title="Kept while redrawn"))


async def test_deleting_a_task_asks_first(tabs: Tabs) -> None:
    """UX-9, UX-8: Delete in a task's dialog asks for confirmation; Cancel keeps the task."""
    room = await make_room(tabs)
    task = await service.create_task(room, "Keep me")
    await open_board(tabs, room)
    tabs.user.find(marker="edit-Keep me").click()
    await tabs.user.should_see(marker="delete-task", retries=RETRIES)
    tabs.user.find(marker="delete-task").click()
    await tabs.user.should_see("Delete this task?", retries=RETRIES)
    tabs.user.find(marker="cancel-confirm").click()
    await tabs.user.should_not_see("Delete this task?", retries=RETRIES)
    assert await Task.exists(id=task.id)
    tabs.user.find(marker="delete-task").click()
    await tabs.user.should_see(marker="confirm-delete", retries=RETRIES)
    tabs.user.find(marker="confirm-delete").click()
    await eventually(lambda: _gone(task))
    await tabs.user.should_not_see(marker="task-Keep me", retries=RETRIES)


# Artifacts and sharing (UX-9) ------------------------------------------------------------------------


async def test_new_artifact_from_the_tab_shows_in_every_tab_and_deletes_after_confirmation(tabs: Tabs) -> None:
    """UX-9: "New artifact" stores a document (Markdown) like the runs' ones; a URL that is not
    http(s) is refused in words and nothing is saved; another tab sees it; Delete asks first;
    another user's room is "not found"."""
    room = await make_room(tabs)
    second = tabs.new_tab()
    await second.open(f"/rooms/{room.id}")
    await second.should_see(marker="new-artifact", retries=RETRIES)
    await tabs.user.open(f"/rooms/{room.id}")
    tabs.user.find(marker="new-artifact").click()
    await tabs.user.should_see(marker="artifact-title", retries=RETRIES)
    tabs.user.find(marker="artifact-title").type("Release notes")
    tabs.user.find(marker="artifact-url").type("javascript:alert(1)")
    tabs.user.find(marker="save-artifact").click()
    await tabs.user.should_see("An artifact's URL starts with http:// or https://.", retries=RETRIES)
    assert not await Artifact.exists(room=room)
    tabs.user.find(marker="artifact-url").clear()
    tabs.user.find(marker="artifact-content").type("## Fixed\n\n- `my_var_name` no longer breaks")
    tabs.user.find(marker="save-artifact").click()
    artifact = await eventually(lambda: Artifact.get_or_none(room=room, title="Release notes"))
    assert (artifact.kind, artifact.artifact_type) == ("document", "FILE") and artifact.file_id
    await second.should_see(marker="artifact-Release notes", retries=RETRIES)
    await second.should_see("my_var_name", retries=RETRIES)
    stranger = await accounts.sign_up("stranger", "a-long-enough-password", policy="open")
    with pytest.raises(service.NotFound):
        await service.add_artifact(stranger, room.id, "plan", "Mine now", content="x")
    with pytest.raises(service.NotFound):
        await service.delete_artifact(stranger, room.id, artifact.id)
    second.find(marker="delete-artifact-Release notes").click()
    await second.should_see("Delete this artifact?", retries=RETRIES)
    second.find(marker="confirm-delete").click()
    await eventually(lambda: _artifact_gone(artifact))
    await tabs.user.should_not_see(marker="artifact-Release notes", retries=RETRIES)


async def test_share_dialog_shows_the_full_link_with_a_copy_button(tabs: Tabs) -> None:
    """UX-9: the share dialog shows the link as a full URL (the request's address here) in a
    read-only field next to Copy; the link reads the room."""
    room = await make_room(tabs)
    await service.post_message(room, "user", "local", "shared words")
    await tabs.user.open(f"/rooms/{room.id}")
    tabs.user.find("Share").click()
    await tabs.user.should_see(marker="new-share-link", retries=RETRIES)
    tabs.user.find(marker="new-share-link").click()
    room = await eventually(lambda: Room.get_or_none(id=room.id, share_token__isnull=False))
    field = tabs.user.find(marker="share-link").elements.pop()
    await eventually(lambda: field.value == f"http://test/share/{room.share_token}")
    assert "readonly" in field.props
    await tabs.user.should_see(marker="copy-share-link", retries=RETRIES)
    tabs.user.find(marker="copy-share-link").click()
    await tabs.user.should_see("Link copied.", retries=RETRIES)
    viewer = tabs.new_tab()
    await viewer.open(field.value.removeprefix("http://test"))
    await viewer.should_see("shared words", retries=RETRIES)


# The first page (UX-10) -------------------------------------------------------------------------------


async def test_first_run_checklist_ticks_itself_off_and_goes_away(tabs: Tabs) -> None:
    """UX-10: a new user's first page lists the three steps, each linking to where it is done and
    ticked from the database; once all are done it is gone, and rooms show as cards with their
    description, member agents and last activity."""
    catalog = tabs.workspace.plane.catalog
    providers, catalog._env = catalog._env, {}  # a fresh install: no provider anywhere
    await tabs.user.open("/")
    await tabs.user.should_see(marker="checklist", retries=RETRIES)
    for step in ("step-1-todo", "step-2-todo", "step-3-todo"):
        await tabs.user.should_see(marker=step, retries=RETRIES)
    links = links_in(tabs, "checklist")
    assert links["1. Add a provider"] == "/settings" and links["2. Make an agent"] == "/agents"
    await tabs.user.should_see("No rooms yet", retries=RETRIES)
    catalog._env = providers
    room = await make_room(tabs)  # an agent, and a room it is a member of
    await tabs.user.open("/")
    for step in ("step-1-done", "step-2-done", "step-3-todo"):
        await tabs.user.should_see(marker=step, retries=RETRIES)
    assert links_in(tabs, "checklist")["3. Open a room and mention the agent"] == f"/rooms/{room.id}"
    await tabs.user.should_see(marker="room-Design", retries=RETRIES)
    await tabs.user.should_see("1 agent", retries=RETRIES)
    await tabs.user.should_see("where we plan", retries=RETRIES)
    await tabs.user.should_not_see(marker="unread-Design")
    await tabs.workspace.conductor.post(room, "local", "@helper hello")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    await tabs.user.open("/")
    await tabs.user.should_see(marker="unread-Design", retries=RETRIES)  # the reply; one's own message is read
    with tabs.user:
        badge = tabs.user.find(marker="unread-Design").elements.pop()
        assert badge.text == "1"
        card = tabs.user.find(marker="room-Design").elements.pop()
        stamps = [element.props.get("data-oz-time") for element in card.descendants()]
    assert any(stamp and stamp.startswith(reply.created_at.isoformat()[:16]) for stamp in stamps)
    await tabs.user.should_not_see(marker="checklist", retries=RETRIES)


# Helpers ------------------------------------------------------------------------------------------------


def links_in(tabs: Tabs, marker: str) -> dict[str, str]:
    """The links inside the element marked ``marker``: text -> target."""
    with tabs.user.client:
        return {link.text: link.props["href"] for link in ElementFilter(kind=ui.link).within(marker=marker)}


async def _has_run(task: Task) -> bool:
    await task.refresh_from_db()
    return bool(task.run_id) and not task.run_id.startswith(task_runs.CLAIM)


async def _ended(task: Task) -> Run | None:
    await task.refresh_from_db()
    run = await Run.get_or_none(id=task.run_id) if task.run_id else None
    return run if run is not None and run.state in TERMINAL_STATES else None


async def _gone(task: Task) -> bool:
    return not await Task.exists(id=task.id)


async def _artifact_gone(artifact: Artifact) -> bool:
    return not await Artifact.exists(id=artifact.id)
