"""Work tab benchmark (WS-12): how long the server takes to build a room's Work tab with a PRD
of 100 items open.

    python benchmarks/work_tab_render.py [--items 100] [--builds 20] [--database sqlite|postgres]

Runs the workspace in this process under NiceGUI's simulated user (``nicegui.testing``, as the
tests do; a temporary data dir and SQLite file, or a new database on the PostgreSQL server of
OZ_TEST_POSTGRES_URL). Its rows are written directly: a room with a planner, two implementers
and a reviewer, a running PRD of ``--items`` items in 10 epics, in mixed states (done,
implementing, reviewing, todo waiting on others, needs_person, rejected), most depending on one
to three earlier items, each with a board card and two history lines.

This process's work engine is stopped first, so the items keep those states. The room's page is
opened once (the warm-up: imports, the Markdown parser's first run). Then,
``--builds`` times, a new ``WorkTab`` of that room is built in the page's client, from nothing to
its last element, the way the room's page builds it when it opens (and as a live redraw does):
the clock runs from the call of ``WorkTab.build()`` until it returns, so the figure holds the
database reads (the PRD list, ``views.prd_view``, ``views.item_views``, the settings, the
knowledge) and the making of every element, but not sending them to a browser. The element count
of one build is printed with it. The median is judged against the target (≤ 300 ms, issue 12).
Also shown: opening the whole room page (chat, board with its 100 cards, Work tab) in the
simulated user, median of 5.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, Table, ms

sys.path.insert(0, str(ROOT))
TARGET_S = 0.300
STATES = ("done", "done", "done", "implementing", "reviewing", "todo", "todo", "todo", "needs_person", "rejected")


async def seed(items: int) -> tuple[Any, Any]:
    """The room and the running PRD, rows made directly."""
    from oz_app.db.models import Epic, Prd, Task, WorkEvent, WorkItem
    from oz_app.workspace import accounts, service
    from oz_app.workspace.service import new_id, now

    owner = await accounts.local_user()
    kinds = {"planner": "SPEC", "coder": "IMPLEMENT", "coder2": "IMPLEMENT", "rev": "REVIEW"}
    agents = {name: await service.create_agent(owner, name=name, agent_type=kind) for name, kind in kinds.items()}
    room = await service.create_room(owner, "Bench", "", [agent.id for agent in agents.values()])
    prd = await Prd.create(
        id=new_id(), room=room, title="A big PRD", text="# A big PRD\n\n" + "Lots to build. " * 200,
        state="running", planner_id=agents["planner"].id, created_at=now(), updated_at=now(),
    )  # fmt: skip
    epics = [await Epic.create(id=new_id(), prd=prd, title=f"Epic {e}", position=e) for e in range(10)]
    for index in range(items):
        state = STATES[index % len(STATES)]
        depends_on = [f"i{index - step}" for step in (1, 3, 7)[: 1 + index % 3] if index - step >= 0]
        claimant = {"implementing": agents["coder"].id, "reviewing": agents["rev"].id}.get(state)
        item = await WorkItem.create(
            id=new_id(), prd=prd, epic=epics[index * len(epics) // items], key=f"i{index}",
            title=f"Item {index}: build part {index}", description=f"Part {index} of the work.",
            acceptance=[f"part {index} works", "tests pass"], estimate="2h", depends_on=depends_on,
            position=index, state=state, claimed_by=claimant, round=index % 2,
            last_error="the round limit" if state == "needs_person" else "", updated_at=now(),
        )  # fmt: skip
        await Task.create(id=new_id(), room=room, title=item.title, item_id=item.id, created_at=now(), updated_at=now())
        for kind in ("claimed", "implemented"):
            await WorkEvent.create(item=item, kind=kind, actor="coder", text="", at=now())
    return room, owner


async def measure(items: int, builds: int) -> list[tuple[str, str, str, str]]:
    from nicegui import app
    from nicegui.testing.user_simulation import user_simulation

    async with user_simulation(main_file=ROOT / "tests" / "workspace_main.py") as user:
        from oz_app.workspace.pages.work import WorkTab

        await app.state.workspace.ready.wait()
        await app.state.workspace.work.close()  # the items stay in the states seeded
        room, owner = await seed(items)
        opens = []
        for _ in range(6):
            started = time.perf_counter()
            client = await user.open(f"/rooms/{room.id}")
            opens.append(time.perf_counter() - started)
        await user.should_see("Item 99" if items >= 100 else "Item 0", retries=100)
        times, elements = [], 0
        for _ in range(builds):
            with client, client.content:
                from nicegui import ui

                box = ui.column()
                with box:
                    tab = WorkTab(app.state.workspace, owner, room)
                    started = time.perf_counter()
                    await tab.build()
                    times.append(time.perf_counter() - started)
                elements = sum(1 for _ in box.descendants())
                box.delete()
    median = statistics.median(times)
    return [
        (
            f"Work tab build, PRD of {items} items open (median of {builds})",
            ms(median),
            f"≤ {ms(TARGET_S)}",
            "PASS" if median <= TARGET_S else "FAIL",
        ),
        ("  the same, fastest / slowest", f"{ms(min(times))} / {ms(max(times))}", "", ""),
        ("  elements made by one build", str(elements), "", ""),
        ("room page open in the simulated user (median of 5)", ms(statistics.median(opens[1:])), "", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.database == "postgres":
            from tests.conftest import new_postgres_database

            url = new_postgres_database()
        else:
            url = f"sqlite://{Path(folder) / 'oz.db'}"
        os.environ.update(
            {"OZ_DATA_DIR": str(Path(folder) / "data"), "DATABASE_URL": url, "OZ_CONFIG_FILE": "", "AGENT_API_KEY": "k"}
        )
        # NiceGUI's simulated user expects to run under pytest (its ui.run then only prepares the app)
        os.environ.setdefault("PYTEST_CURRENT_TEST", "benchmarks/work_tab_render.py")
        rows = asyncio.run(measure(args.items, args.builds))
    table = Table()
    table.rows.extend(rows)
    table.print()


if __name__ == "__main__":
    main()
