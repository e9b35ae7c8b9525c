"""PRDs and work items through the workspace's API with personal tokens (WS-12): another user's
token finds nothing of them and changes nothing (404), no token is 401; bad input is a 400 with
the Work tab's sentence and saves nothing; a state that forbids a change is a 409; a plan made by
hand is approved, paused, resumed and cancelled, and its items approved, rejected and reassigned,
with the rows, board cards and views to match."""

from __future__ import annotations

from typing import Any

from oz_app.control_plane import tokens
from oz_app.db.models import Agent, Epic, KnowledgeEntry, Prd, Task, WorkEvent, WorkItem
from oz_app.work import actions
from oz_app.workspace import accounts, service
from tests.test_workspace import Tabs, llm, tabs, workspace_env  # noqa: F401 (fixtures)

PASSWORD = "correct horse battery"
PRD_TEXT = "# Shop checkout\n\nPeople pay with a card; the order is mailed."


class Api:
    """One user's personal token against the workspace's /api/v1."""

    def __init__(self, workspace: Tabs, token: str | None) -> None:
        self.client = workspace.user.http_client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def get(self, path: str, **params: Any) -> Any:
        return await self.client.get("/api/v1" + path, params=params, headers=self.headers)

    async def post(self, path: str, body: Any = None) -> Any:
        return await self.client.post("/api/v1" + path, json=body, headers=self.headers)

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        return await self.client.request(method, "/api/v1" + path, json=body, headers=self.headers)


async def person(
    workspace: Tabs, name: str, types: tuple[str, ...] = ("SPEC", "IMPLEMENT", "REVIEW")
) -> tuple[Any, Any, Api]:
    """A member with a room of agents of ``types`` (planner, coder, rev) and a personal token."""
    user = await accounts.sign_up(name, PASSWORD, policy="open")
    agents = []
    for agent_type, agent_name in zip(types, ("planner", "coder", "rev"), strict=False):
        agent = await service.create_agent(user, name=agent_name)
        await Agent.filter(id=agent.id).update(agent_type=agent_type)
        agents.append(agent.id)
    room = await service.create_room(user, f"{name}'s room", "", agents)
    _, token = await tokens.create_token(user, "laptop")
    return user, room, Api(workspace, token)


async def hand_made_plan(api: Api, room: Any) -> tuple[dict[str, Any], list[WorkItem]]:
    """A PRD posted through the API whose planning failed, planned by hand: a, b after a, c after b."""
    created = await api.post("/prds", {"room_id": room.id, "text": PRD_TEXT})
    assert created.status_code == 201, created.text
    prd = await Prd.get(id=created.json()["id"])
    await Prd.filter(id=prd.id).update(state="plan_failed", plan_error="The planner answered prose.")
    await prd.refresh_from_db()
    bus = api_bus()
    epic = await actions.add_epic(bus, prd, "Payments")
    items: list[WorkItem] = []
    for title in ("Card form", "Charge", "Receipt"):
        depends = [items[-1].key] if items else []
        items.append(await actions.add_item(bus, prd, epic_id=epic.id, title=title, depends_on=depends))
    return created.json(), items


def api_bus() -> Any:
    from nicegui import app

    return app.state.workspace.plane.bus


async def first_root() -> None:
    """The first account is the admin: make it someone else, so the people under test are members."""
    admin = await accounts.sign_up("root", PASSWORD, policy="open")
    assert admin.role == "admin"


async def test_another_users_token_finds_nothing_and_changes_nothing(tabs: Tabs) -> None:  # noqa: F811
    """WS-12 (tenancy as for runs): Ann's token gets 404 for Bob's PRD, its items and its room,
    lists none of them, and cannot approve, pause, cancel or decide on them; no token is 401;
    Bob's own token sees and changes them."""
    await first_root()
    _, room, bob = await person(tabs, "bob")
    _, _, ann = await person(tabs, "ann")
    prd, items = await hand_made_plan(bob, room)
    item = items[0]
    attacks = [
        ("GET", f"/prds/{prd['id']}", None),
        ("GET", f"/prds/{prd['id']}/items", None),
        ("POST", f"/prds/{prd['id']}/approve", None),
        ("POST", f"/prds/{prd['id']}/pause", {"stop_running": True}),
        ("POST", f"/prds/{prd['id']}/resume", None),
        ("POST", f"/prds/{prd['id']}/cancel", None),
        ("GET", f"/work_items/{item.id}", None),
        ("POST", f"/work_items/{item.id}/approve", None),
        ("POST", f"/work_items/{item.id}/reject", {"reason": "mine now"}),
        ("POST", f"/work_items/{item.id}/reassign", {"agent_id": None}),
        ("POST", "/prds", {"room_id": room.id, "text": PRD_TEXT}),
        ("POST", f"/prds/{prd['id']}/replan", None),
        ("POST", f"/prds/{prd['id']}/epics", {"title": "Mine"}),
        ("PATCH", f"/prds/{prd['id']}/epics/{item.epic_id}", {"title": "Mine"}),
        ("DELETE", f"/prds/{prd['id']}/epics/{item.epic_id}", None),
        ("POST", f"/prds/{prd['id']}/items", {"title": "Mine"}),
        ("PATCH", f"/work_items/{item.id}", {"title": "Mine", "position": 2}),
        ("DELETE", f"/work_items/{item.id}", None),
    ]
    for method, path, body in attacks:
        answer = await ann.call(method, path, None if method == "GET" else body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert "Card form" not in answer.text and "Shop checkout" not in answer.text
        anonymous = await Api(tabs, None).call(method, path, None if method == "GET" else body)
        assert anonymous.status_code == 401, (method, path)
    for listing in (await ann.get("/prds"), await ann.get("/prds", room_id=room.id)):
        assert listing.status_code == 200 and listing.json() == {"prds": []}
    assert (await Prd.get(id=prd["id"])).state == "plan_failed" and await Prd.all().count() == 1
    assert set(await WorkItem.all().values_list("state", flat=True)) == {"draft"}
    assert await WorkItem.all().order_by("position").values_list("title", flat=True) == [
        "Card form", "Charge", "Receipt",
    ]  # fmt: skip
    assert await Epic.all().values_list("title", flat=True) == ["Payments"]
    assert await WorkEvent.all().count() == 0 and await Task.all().count() == 0
    mine = await bob.get("/prds", room_id=room.id)
    assert [listed["id"] for listed in mine.json()["prds"]] == [prd["id"]]
    assert (await bob.post(f"/prds/{prd['id']}/approve")).status_code == 200


async def test_bad_input_is_a_400_and_a_forbidden_change_a_409_and_nothing_changes(tabs: Tabs) -> None:  # noqa: F811
    """WS-12 (bad input): an empty PRD, one of 200 KB, an unknown field, a room without a SPEC
    agent: 400 or 422 with a sentence and nothing saved; approving a plan with a dependency cycle
    is a 400 that changes nothing; approving while planning, pausing what does not run and
    deciding on a draft item are 409s."""
    await first_root()
    bob_user, room, bob = await person(tabs, "bob")
    coder = await Agent.get(name="coder", owner=bob_user)
    bare_room = await service.create_room(bob_user, "no planner", "", [coder.id])
    empty = await bob.post("/prds", {"room_id": room.id, "text": "   "})
    assert empty.status_code == 400 and empty.json()["error"]
    huge = await bob.post("/prds", {"room_id": room.id, "text": "x" * 200_000})
    assert huge.status_code == 400 and "characters" in huge.json()["error"]
    extra = await bob.post("/prds", {"room_id": room.id, "text": PRD_TEXT, "state": "running"})
    assert extra.status_code == 422 and "state" in extra.json()["error"]
    bad_state = await bob.get("/prds", state="finished")
    assert bad_state.status_code == 400
    bare = await bob.post("/prds", {"room_id": bare_room.id, "text": PRD_TEXT})
    assert bare.status_code == 400 and bare.json()["error"] == actions.NO_PLANNER
    assert await Prd.all().count() == 0

    planning = (await bob.post("/prds", {"room_id": room.id, "text": PRD_TEXT})).json()
    assert (planning["state"], planning["title"], planning["progress"]) == (
        "planning", "Shop checkout", {"total": 0, "done": 0},
    )  # fmt: skip
    early = await bob.post(f"/prds/{planning['id']}/approve")
    assert early.status_code == 409 and "planning" in early.json()["error"]
    assert (await bob.post(f"/prds/{planning['id']}/pause", {"stop_running": False})).status_code == 409
    assert (await bob.post(f"/prds/{planning['id']}/resume")).status_code == 409

    prd, (a, _, c) = await hand_made_plan(bob, room)
    await WorkItem.filter(id=a.id).update(depends_on=[c.key])  # as a planner's bug would leave it
    cycle = await bob.post(f"/prds/{prd['id']}/approve")
    assert cycle.status_code == 400 and "circle" in cycle.json()["error"]
    assert (await Prd.get(id=prd["id"])).state == "plan_failed" and await Task.all().count() == 0
    assert set(await WorkItem.filter(prd_id=prd["id"]).values_list("state", flat=True)) == {"draft"}
    draft = await bob.post(f"/work_items/{a.id}/approve")
    assert draft.status_code == 409 and "not approved" in draft.json()["error"]
    bad_body = await bob.post(f"/prds/{prd['id']}/pause", {"stop_running": "soon", "extra": 1})
    assert bad_body.status_code == 422


async def test_a_plan_made_by_hand_runs_and_a_person_decides_through_the_api(tabs: Tabs) -> None:  # noqa: F811
    """WS-12: approving makes the items ready with a card each (the views say "ready" and
    "waiting for …"); pause, resume; approving an item keeps its learnings, rejecting cancels
    its run, reassigning starts it over for an implementer; cancel ends what is left. The engine
    is stopped: this test moves the items itself (tests/test_work_engine.py drives them)."""
    await tabs.workspace.work.close()
    await first_root()
    bob_user, room, bob = await person(tabs, "bob")
    prd, (a, b, c) = await hand_made_plan(bob, room)
    approved = await bob.post(f"/prds/{prd['id']}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "running"
    assert [(e["title"], e["total"], e["done"]) for e in approved.json()["epics"]] == [("Payments", 3, 0)]
    listed = (await bob.get(f"/prds/{prd['id']}/items")).json()["items"]
    assert [(i["title"], i["state"], i["shown"]) for i in listed] == [
        ("Card form", "todo", "ready"),
        ("Charge", "todo", "waiting for Card form"),
        ("Receipt", "todo", "waiting for Charge"),
    ]
    assert sorted(await Task.filter(room_id=room.id).values_list("item_id", flat=True)) == sorted([a.id, b.id, c.id])

    paused = await bob.post(f"/prds/{prd['id']}/pause", {"stop_running": True})
    assert paused.status_code == 200 and paused.json()["state"] == "paused"
    assert (await bob.post(f"/prds/{prd['id']}/resume")).json()["state"] == "running"

    coder = await Agent.get(name="coder", owner=bob_user)
    output = "Built it.\n\n## Learnings\n- The card form needs the shop's public key."
    await WorkItem.filter(id=a.id).update(state="reviewing", claimed_by=coder.id, output=output)
    done = await bob.post(f"/work_items/{a.id}/approve")
    assert done.status_code == 200 and (done.json()["state"], done.json()["shown"]) == ("done", "done")
    assert [line["kind"] for line in done.json()["history"]] == ["approved"]
    assert done.json()["history"][0]["actor"] == "bob"
    learned = await KnowledgeEntry.get(room_id=room.id)
    assert (learned.text, learned.source, learned.item_id) == (
        "The card form needs the shop's public key.",
        "coder",
        a.id,
    )
    assert (await bob.post(f"/work_items/{a.id}/reject")).status_code == 409
    progress = (await bob.get(f"/prds/{prd['id']}")).json()
    assert progress["progress"] == {"total": 3, "done": 1}
    shown = (await bob.get(f"/work_items/{b.id}")).json()
    assert shown["shown"] == "ready" and shown["history"] == []

    rev = await Agent.get(name="rev", owner=bob_user)
    wrong = await bob.post(f"/work_items/{b.id}/reassign", {"agent_id": rev.id})
    assert wrong.status_code == 400 and "IMPLEMENT" in wrong.json()["error"]
    moved = await bob.post(f"/work_items/{b.id}/reassign", {"agent_id": coder.id})
    assert moved.status_code == 200 and moved.json()["assignee_name"] == "coder"
    rejected = await bob.post(f"/work_items/{c.id}/reject", {"reason": "Receipts come later."})
    assert rejected.json()["state"] == "rejected" and rejected.json()["history"][0]["text"] == "Receipts come later."

    ended = await bob.post(f"/prds/{prd['id']}/cancel")
    assert ended.status_code == 200 and ended.json()["state"] == "cancelled"
    states = dict(await WorkItem.filter(prd_id=prd["id"]).values_list("id", "state"))
    assert states == {a.id: "done", b.id: "cancelled", c.id: "rejected"}
    assert (await bob.post(f"/prds/{prd['id']}/cancel")).status_code == 409


async def test_a_plan_is_edited_through_the_api_as_on_the_work_tab(tabs: Tabs) -> None:  # noqa: F811
    """WS-12 (the plan, before approval, through the API): epics and items are added, changed,
    moved and removed with the Work tab's checks; an unknown dependency or a circle is a 400 that
    changes nothing; a removed item is no longer waited for; once approved every edit is a 409;
    planning again drops the draft."""
    await tabs.workspace.work.close()
    await first_root()
    _, room, bob = await person(tabs, "bob")
    prd, (a, b, c) = await hand_made_plan(bob, room)
    base = f"/prds/{prd['id']}"
    epic = await bob.post(base + "/epics", {"title": "Mail", "description": "Receipts by mail."})
    assert epic.status_code == 201 and (epic.json()["title"], epic.json()["total"]) == ("Mail", 0)
    renamed = await bob.call("PATCH", f"{base}/epics/{epic.json()['id']}", {"title": "Mailing"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Mailing"
    added = await bob.post(base + "/items", {
        "epic_id": epic.json()["id"], "title": "Send receipt", "acceptance": ["A mail arrives."],
        "depends_on": [c.key],
    })  # fmt: skip
    assert added.status_code == 201, added.text
    assert (added.json()["key"], added.json()["state"], added.json()["acceptance"]) == (
        "send-receipt", "draft", ["A mail arrives."],
    )  # fmt: skip

    before = await WorkItem.filter(prd_id=prd["id"]).order_by("position").values_list("key", "depends_on", "title")
    refused = [
        (f"/work_items/{a.id}", {"depends_on": ["send-receipt"]}, "circle"),
        (f"/work_items/{a.id}", {"depends_on": ["nowhere"]}, "not in the plan"),
        (f"/work_items/{a.id}", {"title": "   "}, "cannot be empty"),
        (f"/work_items/{a.id}", {"epic_id": "someone-elses"}, "epics"),
    ]
    for path, body, sentence in refused:
        answer = await bob.call("PATCH", path, body)
        assert answer.status_code == 400 and sentence in answer.json()["error"], (body, answer.text)
    bad = await bob.post(base + "/items", {"title": "Loop", "depends_on": ["nowhere"]})
    assert bad.status_code == 400 and "not in the plan" in bad.json()["error"]
    assert (await bob.call("PATCH", f"/work_items/{a.id}", {"position": "first"})).status_code == 422
    after = await WorkItem.filter(prd_id=prd["id"]).order_by("position").values_list("key", "depends_on", "title")
    assert after == before

    changed = await bob.call("PATCH", f"/work_items/{c.id}", {"title": "Printed receipt", "position": 0})
    assert changed.status_code == 200 and (changed.json()["title"], changed.json()["position"]) == (
        "Printed receipt", 0,
    )  # fmt: skip
    assert (await bob.call("DELETE", f"/work_items/{b.id}")).status_code == 204
    listed = (await bob.get(base + "/items")).json()["items"]
    assert [(i["title"], i["depends_on"]) for i in listed] == [
        ("Printed receipt", []), ("Card form", []), ("Send receipt", [c.key]),
    ]  # fmt: skip
    assert (await bob.call("DELETE", f"{base}/epics/{epic.json()['id']}")).status_code == 204
    assert [i["title"] for i in (await bob.get(base + "/items")).json()["items"]] == ["Printed receipt", "Card form"]
    assert (await bob.call("DELETE", f"{base}/epics/nothing")).status_code == 404

    assert (await bob.post(base + "/approve")).json()["state"] == "running"
    for method, path, body in (
        ("PATCH", f"/work_items/{a.id}", {"title": "Late"}),
        ("DELETE", f"/work_items/{a.id}", None),
        ("POST", base + "/items", {"title": "Late"}),
        ("POST", base + "/epics", {"title": "Late"}),
        ("POST", base + "/replan", None),
    ):
        late = await bob.call(method, path, body)
        assert late.status_code == 409, (method, path, late.text)
        assert "before it is approved" in late.json()["error"] or "planned again" in late.json()["error"]
    assert await WorkItem.filter(prd_id=prd["id"]).count() == 2 and not await WorkItem.filter(title="Late").exists()

    other, _ = await hand_made_plan(bob, room)
    again = await bob.post(f"/prds/{other['id']}/replan")
    assert again.status_code == 200 and (again.json()["state"], again.json()["epics"]) == ("planning", [])
    assert not await WorkItem.filter(prd_id=other["id"]).exists()
