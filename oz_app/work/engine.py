"""The work engine: PRDs planned, items implemented and reviewed, by agents' runs (WS-12).

Everything it knows is a row, and every step is a compare-and-set on the row it moves, so the
engine of any process may take any step and none is taken twice: a run is created only after
its PRD or item was *claimed* (``plan_run_id``/``run_id`` set to a ``claim-`` mark), the run
carries the mark as its ``oz_work_claim`` metadata, and the mark is then swapped for the run's id.
A claim left by a process that stopped is linked to its labelled run when one exists, or released.
An ended run is *settled* once, by whoever moves the row away from that run first.

The engine wakes when a run ends (``RUNS_TOPIC``) or work changes (``WORK_TOPIC``), coalescing
wakes into ticks (one at a time; a wake during a tick runs one more), and sweeps every few
seconds for anything missed. Planning steps are in :mod:`.engine_plan`, attempts in
:mod:`.engine_items`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from loguru import logger

from oz_app import work
from oz_app.bus import RUNS_TOPIC, Bus
from oz_app.config import Settings
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.run_create import RunRequest
from oz_app.control_plane.service import now
from oz_app.control_plane.tokens import user_tenant
from oz_app.db.models import TERMINAL_STATES, Agent, Room, Run, RunLabel
from oz_app.workspace import replies, service
from oz_app.workspace.live import user_topic

SWEEP_SECONDS = 3.0
CLOSE_SECONDS = 10.0  # how long a stop waits for the tick under way
CLAIM_LABEL = "oz_work_claim"  # the claim mark a run was created under (to link it after a restart)
STEP_LABEL = "oz_work_step"  # plan, plan-retry, implement, review, review-retry


class RunNotCreated(Exception):
    """The control plane refused the run (a deleted environment, a bad config): the message says why."""


def new_mark() -> str:
    return work.CLAIM + uuid.uuid4().hex[:30]


async def claimed_run(mark: str) -> str | None:
    """The run created under the claim ``mark``, if its creation got that far."""
    run_ids = await RunLabel.filter(key=CLAIM_LABEL, value=mark).values_list("run_id", flat=True)
    return str(run_ids[0]) if run_ids else None


def failure_of(run: Run) -> str:
    """Why a run did not succeed, in a sentence for the item's history and a person."""
    return replies.status_of(run) or f"The run ended {run.state.lower()}."


class WorkEngine:
    """Drives every room's PRDs from rows; one per process, any number of processes."""

    def __init__(self, plane: Any, bus: Bus, settings: Settings) -> None:
        self.plane = plane
        self.bus = bus
        self.settings = settings
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._loop: asyncio.Task[None] | None = None
        self._unsubscribe: list[Any] = []
        self._rooms: set[str] = set()  # rooms whose work changed in this tick (announced at its end)
        self._inboxes: set[str] = set()  # users told something in this tick (their inbox redrawn at its end)
        self._stopping = False

    async def start(self) -> None:
        """Carry on what earlier processes left, then listen and sweep."""
        await self._tick_logged()
        self._unsubscribe = [
            self.bus.subscribe(RUNS_TOPIC, self._on_run),
            self.bus.subscribe(work.WORK_TOPIC, self._on_work),
        ]
        self._loop = asyncio.create_task(self._forever(), name="oz-work-engine")

    async def close(self) -> None:
        """Stop listening once the tick under way is over (a claim it made gets its run linked,
        rather than waiting for :data:`oz_app.work.STALE_CLAIM`); runs go on, and a later
        engine settles them."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._stopping = True  # the loop ends by itself too: Python 3.11's wait_for can lose a cancel
        self._wake.set()
        if self._loop is not None:
            held = False
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLOSE_SECONDS):
                    held = await self._lock.acquire()
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
            self._loop = None
            if held:
                self._lock.release()

    def wake(self) -> None:
        self._wake.set()

    def _on_run(self, event: dict[str, Any]) -> None:
        if event.get("state") in TERMINAL_STATES or event.get("kind") == "resync":
            self._wake.set()

    def _on_work(self, event: dict[str, Any]) -> None:
        self._wake.set()

    async def _forever(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SWEEP_SECONDS):
                    await self._wake.wait()
            self._wake.clear()
            if not self._stopping:
                await self._tick_logged()

    async def _tick_logged(self) -> None:
        try:
            await self.tick()
        except Exception as exc:  # a database hiccup: the next sweep tries again
            logger.opt(exception=exc).warning("the work engine's tick failed")

    async def tick(self) -> None:
        """One pass over every planning and running PRD (one at a time in this process)."""
        from oz_app.work import engine_items, engine_plan  # they import this module

        async with self._lock:
            try:
                await engine_plan.tick(self)
                await engine_items.tick(self)
            finally:
                rooms, self._rooms = self._rooms, set()
                for room_id in rooms:
                    work.announce(self.bus, room_id)
                owners, self._inboxes = self._inboxes, set()
                for owner in owners:
                    self.bus.publish(user_topic(owner), kind="inbox")

    # What the steps share -------------------------------------------------------------------------

    def changed(self, room_id: str) -> None:
        self._rooms.add(room_id)

    async def new_run(
        self, room: Room, agent: Agent, *, prompt: str, title: str, parent: str | None, mark: str, step: str
    ) -> str:
        """Create the agent's run for the room's owner, labelled with the claim ``mark``."""
        from oz_app.workspace.dispatch import run_config

        request = RunRequest(
            prompt=prompt,
            title=title[:500],
            config=run_config(agent),
            parent_run_id=parent,
            labels={CLAIM_LABEL: mark, STEP_LABEL: step},
            source="WEB_APP",
        )
        caller = Caller(tenant=user_tenant(room.owner_id), is_admin=False)  # type: ignore[attr-defined]
        try:
            run = await self.plane.creator.create(caller, request)
        except ApiError as exc:
            raise RunNotCreated(exc.message) from exc
        return str(run.id)

    async def cancel(self, run_id: str, reason: str) -> bool:
        return bool(await self.plane.runs.cancel(run_id, reason))

    async def notify(self, room: Room, title: str, body: str = "") -> None:
        """Tell the room's owner in the inbox: written inside the caller's transaction, with the
        change it reports, and shown live at the end of the tick."""
        owner = str(room.owner_id)  # type: ignore[attr-defined]
        await service.notify(owner, title[:500], body[:100_000], room.id)
        self._inboxes.add(owner)

    def lease(self) -> datetime:
        """Until when an attempt starting now may run (OZ_WORK_ATTEMPT_MINUTES)."""
        return now() + timedelta(minutes=float(self.settings.work_attempt_minutes))
