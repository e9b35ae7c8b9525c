"""The run service: every write of a run, state changes, claims, leases, recovery and retention
(CP-3, CP-9, CP-10, ST-2). :class:`RunService` is what the rest of the program calls; the
functions below it are its queries.

Every state change that could race (two processes, a worker and a cancel) is a single
compare-and-set ``UPDATE ... WHERE id = ? AND state IN (...)``: the caller learns from the
number of rows changed whether it won. No run is therefore claimed or finished twice, on
SQLite or on PostgreSQL, by one process or several.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from loguru import logger
from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from oz_app.bus import RUNS_TOPIC, Bus, run_topic
from oz_app.control_plane.conversation import new_turn
from oz_app.db import in_dialect
from oz_app.db.models import TERMINAL_STATES, Artifact, Run, RunAncestor, RunLabel, StoredFile

ACTIVE_STATES = ("QUEUED", "PENDING", "CLAIMED", "INPROGRESS")
# States in which a run can be held by a claimer; QUEUED is held while it waits for a provider (PR-5).
HELD_STATES = ["QUEUED", "CLAIMED", "INPROGRESS"]


# Announcements held back while a caller's transaction is open (see RunService.deferred_announcements).
_held_announcements: ContextVar[list[tuple[tuple[Any, ...], dict[str, Any]]] | None] = ContextVar(
    "held_announcements", default=None
)


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A new row id (32 hex digits), for the tables whose ids are not runs'."""
    return uuid.uuid4().hex


def process_owner() -> str:
    """A name for this process that is unique among processes sharing a database."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


async def transition(
    run_id: str, from_states: Iterable[str], to_state: str, holder: str | None = None, **changes: Any
) -> bool:
    """Move a run to ``to_state`` only if it is still in one of ``from_states`` (and, given a
    ``holder``, still claimed by it); True if it moved.

    A terminal run never moves again (CP-3), even when a caller lists a terminal state.
    """
    from_states = [state for state in from_states if state not in TERMINAL_STATES]
    if not from_states:
        return False
    stamp = now()
    changes.setdefault("updated_at", stamp)
    if to_state in TERMINAL_STATES:
        changes.setdefault("finished_at", stamp)
        changes.setdefault("lease_expires_at", None)
    held = {"claimed_by": holder} if holder is not None else {}
    changed = await Run.filter(id=run_id, state__in=from_states, **held).update(state=to_state, **changes)
    return changed == 1


async def append_output(run_id: str, text: str, holder: str) -> int | None:
    """Append ``text`` to the output of a run ``holder`` holds (ST-2): the output is stored once and
    grows as it streams, never rewritten. Returns where the text starts in the output (for the
    ``offset`` of its event), or None when the run is no longer ``holder``'s to write."""
    statement = in_dialect(
        'UPDATE "runs" SET "output"="output"||?,"updated_at"=? WHERE "id"=? '
        'AND "claimed_by"=? AND "state" IN (\'CLAIMED\',\'INPROGRESS\') RETURNING LENGTH("output")'
    )
    rows = await connections.get("default").execute_query_dict(statement, [text, now(), run_id, holder])
    if not rows:
        return None
    return int(next(iter(rows[0].values()))) - len(text)


async def claim_batch(
    from_state: str,
    owner: str,
    lease_seconds: float,
    limit: int,
    execution_location: str = "LOCAL",
    to_state: str = "INPROGRESS",
    worker: str | None = None,
) -> list[Run]:
    """Claim up to ``limit`` of the oldest runs waiting in ``from_state`` for ``owner``, with one
    compare-and-set ``UPDATE`` for all of them; returns the runs won, as they are after the claim.

    A run another process took first is simply not won (the ``UPDATE`` skips it). Two queries
    for a whole batch instead of two per run: claiming no longer limits how fast runs start.
    """
    while True:
        waiting = Run.filter(state=from_state, execution_location=execution_location, claimed_by__isnull=True)
        if worker is not None:  # a run pinned to another worker (config.worker_host) is not this one's
            waiting = waiting.filter(Q(worker_host__isnull=True) | Q(worker_host=worker))
        candidates = await waiting.order_by("created_at", "id").limit(limit)
        if not candidates:
            return []
        stamp = now()
        changes = {
            "state": to_state,
            "claimed_by": owner,
            "lease_expires_at": stamp + timedelta(seconds=lease_seconds),
            "started_at": stamp,
            "updated_at": stamp,
        }
        ids = [run.id for run in candidates]
        changed = await Run.filter(id__in=ids, state=from_state, claimed_by__isnull=True).update(**changes)
        if changed == len(candidates):
            won = candidates
        elif changed:
            # Some were taken meanwhile. Candidates were unclaimed and only this owner's claims
            # write its name, so the ones holding it now are the ones this UPDATE won.
            held = set(await Run.filter(id__in=ids, claimed_by=owner).values_list("id", flat=True))
            won = [run for run in candidates if run.id in held]
        else:
            continue  # every candidate was taken by someone else meanwhile: look again
        for run in won:
            for name, value in changes.items():
                setattr(run, name, value)
        return won


async def renew_leases(owner: str, run_ids: Iterable[str], lease_seconds: float) -> set[str]:
    """Extend the leases ``owner`` holds; returns the ids it no longer holds (e.g. cancelled)."""
    wanted = set(run_ids)
    if not wanted:
        return set()
    await Run.filter(id__in=list(wanted), claimed_by=owner, state__in=HELD_STATES).update(
        lease_expires_at=now() + timedelta(seconds=lease_seconds)
    )
    held = await Run.filter(id__in=list(wanted), claimed_by=owner, state__in=HELD_STATES).values_list("id", flat=True)
    return wanted - {str(run_id) for run_id in held}


async def recover_expired_leases(execution_location: str = "LOCAL") -> list[str]:
    """Runs whose holder vanished: CLAIMED or waiting ones go back to the queue, INPROGRESS ones fail.

    Returns the ids that were changed. Safe to call from any process at any time.
    """
    expired = await Run.filter(
        execution_location=execution_location,
        state__in=HELD_STATES,
        claimed_by__isnull=False,
        lease_expires_at__lt=now(),
    ).values_list("id", "state")
    changed = []
    back_to = "QUEUED" if execution_location == "LOCAL" else "PENDING"
    for run_id, state in expired:
        if state != "INPROGRESS":
            moved = await transition(
                run_id,
                [state],
                back_to,
                claimed_by=None,
                lease_expires_at=None,
                started_at=None,
                status_message="Requeued: the process that claimed this run stopped before starting it.",
            )
        else:
            moved = await transition(
                run_id,
                ["INPROGRESS"],
                "FAILED",
                error_code="resource_unavailable",
                retryable=True,
                status_message=(
                    "The worker running this run stopped answering before it finished; create the run again."
                    if execution_location == "REMOTE"
                    else "The process running this run stopped before it finished; create the run again."
                ),
            )
        if moved:
            changed.append(run_id)
            logger.warning(
                "run {} recovered from an expired lease ({} -> {})",
                run_id,
                state,
                "FAILED" if state == "INPROGRESS" else "requeued",
            )
    return changed


HANDED_BACK = "Handed back at shutdown; it will start again."
INTERRUPTED = "the process executing it stopped"


async def hand_back(owner: str, run_ids: Iterable[str]) -> list[str]:
    """At shutdown, return unfinished local runs to the queue so a process resumes them (ST-3).
    The attempt that was answering is kept in ``attempts`` as ``interrupted``, so the run, and
    the reply it is, say it was retried and why; the output starts again from where this execution
    began (nothing, or the end of the answer before a follow-up)."""
    handed = []
    for run in await Run.filter(id__in=list(run_ids), claimed_by=owner, state__in=HELD_STATES):
        attempts = [
            {**attempt, "outcome": "interrupted", "reason": INTERRUPTED}
            if attempt.get("outcome") == "answering"
            else attempt
            for attempt in run.attempts
        ]
        if await transition(
            run.id, [run.state], "QUEUED", owner, claimed_by=None, lease_expires_at=None, started_at=None,
            output=run.output[: answered_until(run)], attempts=attempts, status_message=HANDED_BACK,
        ):  # fmt: skip
            handed.append(run.id)
    return handed


def answered_until(run: Run) -> int:
    """Where the current execution's output starts: after the answers before the last follow-up."""
    offsets = [turn["offset"] for turn in run.turns or [] if turn.get("offset") is not None]
    return max(offsets, default=0)


async def sweep_retention(days: int) -> int:
    """Delete terminal runs that finished more than ``days`` ago (0 keeps everything)."""
    if days <= 0:
        return 0
    cutoff = now() - timedelta(days=days)
    old = Run.filter(state__in=list(TERMINAL_STATES), updated_at__lt=cutoff)
    ids = list(await old.values_list("id", flat=True))
    deleted = 0
    for start in range(0, len(ids), 500):  # what belongs to a run goes with it, in one transaction
        batch = ids[start : start + 500]
        async with in_transaction():
            await RunLabel.filter(run_id__in=batch).delete()
            await RunAncestor.filter(run_id__in=batch).delete()
            await StoredFile.filter(run_id__in=batch).delete()
            await Artifact.filter(run_id__in=batch, room_id__isnull=True).delete()
            deleted += await Run.filter(id__in=batch).delete()
    if deleted:
        logger.info("retention: deleted {} runs finished before {}", deleted, cutoff.isoformat())
    return deleted


def _reopened(status: str) -> dict[str, Any]:
    """What a run that ended no longer has once it is reopened for a follow-up."""
    return {
        "status_message": status,
        "error_code": None,
        "retryable": None,
        "finished_at": None,
        "claimed_by": None,
        "lease_expires_at": None,
    }


class RunService:
    """The one writer of runs (ST-2, ST-4): every change goes through here and is announced once
    it is committed, on the bus (``run:<id>``: ``output``, ``reset`` and ``state`` events;
    ``runs``: ``{run_id, state, tenant}``) and to this process's plugins (``oz_run_event``)."""

    def __init__(self, bus: Bus, hook: Any) -> None:
        self.bus = bus
        self.hook = hook
        self.on_end: Callable[[str, str], None] | None = None  # told of each run this process ended (metrics)

    def announce(
        self, run_id: str, state: str = "", *, tenant: str | None = None, reset: bool = False, **event: Any
    ) -> None:
        """A run changed state (``""``: changed somehow; read it). ``reset``: its output starts again."""
        held = _held_announcements.get()
        if held is not None:
            held.append(((run_id, state), {"tenant": tenant, "reset": reset, **event}))
            return
        if reset:
            self.bus.publish(run_topic(run_id), type="reset")
        self.bus.publish(run_topic(run_id), type="state", state=state)
        self.bus.publish(RUNS_TOPIC, run_id=run_id, state=state, tenant=tenant)
        if state in TERMINAL_STATES and self.on_end is not None:
            self.on_end(run_id, state)
        if state:  # plugins hear of state changes they can name
            self.hook.oz_run_event(run_id=run_id, state=state, event={"tenant": tenant, **event})

    @contextlib.contextmanager
    def deferred_announcements(self) -> Iterator[None]:
        """Hold back the announcements made inside, and make them on leaving without an error.
        Put it around a transaction that creates runs, so that nobody (another process's
        executor, a plugin) hears of a run before it is committed, or of one rolled back."""
        held: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        token = _held_announcements.set(held)
        try:
            yield
        finally:
            _held_announcements.reset(token)
        for args, kwargs in held:
            self.announce(*args, **kwargs)

    async def create(self, related: Callable[[str], Awaitable[None]] | None = None, **fields: Any) -> Run:
        """Store a new run, and with ``related`` the rows that belong to it, in one transaction."""
        stamp = now()
        run_id = fields.pop("id", None) or str(uuid.uuid4())
        if related is None:
            run = await Run.create(id=run_id, created_at=stamp, updated_at=stamp, **fields)
        else:
            async with in_transaction():
                run = await Run.create(id=run_id, created_at=stamp, updated_at=stamp, **fields)
                await related(run_id)
        self.announce(run.id, run.state, tenant=run.tenant)
        return run

    async def transition(
        self,
        run_id: str,
        from_states: Iterable[str],
        to_state: str,
        holder: str | None = None,
        related: Callable[[], Awaitable[None]] | None = None,
        **changes: Any,
    ) -> bool:
        """:func:`transition`, announced when it moved the run. ``related`` writes what belongs to
        the change (a worker's artifacts) in the same transaction, so whoever sees the run moved
        finds it."""
        tenant = changes.pop("tenant", None)
        if related is None:
            moved = await transition(run_id, from_states, to_state, holder, **changes)
        else:
            async with in_transaction():
                moved = await transition(run_id, from_states, to_state, holder, **changes)
                if moved:
                    await related()
        if not moved:
            return False
        self.announce(run_id, to_state, tenant=tenant, status_message=changes.get("status_message"))
        if to_state in TERMINAL_STATES and to_state != "CANCELLED":
            await self._answer_waiting_followups(run_id)
        return True

    async def follow_up(self, run_id: str, message: str, mode: str) -> str:
        """Add a follow-up to a run (CP-11) and return its state after: an ended run is reopened to
        answer it; an executing one answers it when its current execution ends; a waiting one
        answers it with its prompt."""
        async with in_transaction():
            run = await Run.select_for_update().get(id=run_id)
            executing = run.state in ("CLAIMED", "INPROGRESS")
            turn = new_turn(message, mode, now().isoformat(), None if executing else len(run.output))
            changes: dict[str, Any] = {"turns": [*(run.turns or []), turn], "updated_at": now()}
            state = run.state
            if executing:
                changes["followups_waiting"] = run.followups_waiting + 1
            elif run.state in TERMINAL_STATES:
                state = changes["state"] = "PENDING" if run.execution_location == "REMOTE" else "QUEUED"
                changes.update(_reopened("A follow-up is waiting to be answered."))
            await Run.filter(id=run_id).update(**changes)
        self.announce(run_id, state, tenant=run.tenant)
        return state

    async def _answer_waiting_followups(self, run_id: str) -> None:
        """A run that ended with follow-ups sent while it executed starts again to answer them."""
        if not await Run.filter(id=run_id, followups_waiting__gt=0).exists():
            return
        async with in_transaction():
            run = await Run.select_for_update().filter(id=run_id, followups_waiting__gt=0).first()
            if run is None or run.state not in TERMINAL_STATES:
                return
            turns = [
                {**turn, "offset": len(run.output)} if turn.get("offset") is None else turn for turn in run.turns or []
            ]
            state = "PENDING" if run.execution_location == "REMOTE" else "QUEUED"
            await Run.filter(id=run_id).update(
                state=state, turns=turns, followups_waiting=0, updated_at=now(), **_reopened("Answering a follow-up.")
            )
        self.announce(run_id, state, tenant=run.tenant)

    async def cancel(self, run_id: str, reason: str) -> bool:
        """Cancel an active run; False if it had already ended. Its output so far is already stored,
        and wherever it executes stops on the announcement (PR-6)."""
        return await self.transition(run_id, ACTIVE_STATES, "CANCELLED", status_message=reason)

    async def claim(self, from_state: str, owner: str, lease_seconds: float, limit: int, **options: Any) -> list[Run]:
        runs = await claim_batch(from_state, owner, lease_seconds, limit, **options)
        for run in runs:
            self.announce(run.id, run.state, tenant=run.tenant)
        return runs

    async def append_output(self, run_id: str, text: str, holder: str) -> int | None:
        """:func:`append_output`, announced with where the text starts."""
        offset = await append_output(run_id, text, holder)
        if offset is not None:
            self.bus.publish(run_topic(run_id), type="output", offset=offset, text=text)
        return offset

    def announce_output(self, run_id: str, offset: int, text: str) -> None:
        """Text an ending write added to the output (the part not appended while streaming)."""
        if text:
            self.bus.publish(run_topic(run_id), type="output", offset=offset, text=text)

    async def start_attempt(self, run_id: str, attempts: list[dict[str, Any]]) -> None:
        """A provider is being asked (the last of ``attempts``)."""
        attempt = attempts[-1]
        await Run.filter(id=run_id, state="INPROGRESS").update(
            provider=attempt["provider"],
            provider_model=attempt["model"],
            attempts=attempts,
            status_message=f"Asking provider {attempt['provider']!r}.",
            updated_at=now(),
        )
        self.bus.publish(run_topic(run_id), type="state", state="INPROGRESS")  # its status line changed

    async def keep_attempts(self, run_id: str, attempts: list[dict[str, Any]]) -> None:
        """The attempts of a call stopped by a cancel or a shutdown (which already moved the run)."""
        await Run.filter(id=run_id).update(attempts=attempts)

    async def renew(self, owner: str, run_ids: Iterable[str], lease_seconds: float) -> set[str]:
        return await renew_leases(owner, run_ids, lease_seconds)

    async def recover(self, execution_location: str = "LOCAL") -> list[str]:
        recovered = await recover_expired_leases(execution_location)
        if recovered:
            for run_id, state, tenant in await Run.filter(id__in=recovered).values_list("id", "state", "tenant"):
                self.announce(str(run_id), str(state), tenant=str(tenant))
        return recovered

    async def end_idle(self, execution_location: str) -> list[str]:
        """End the executing runs that produced nothing for their ``config.idle_timeout_minutes``
        (CP-11); whoever executes one stops when it next renews its lease."""
        executing = Run.filter(
            state__in=("CLAIMED", "INPROGRESS"),
            execution_location=execution_location,
            idle_timeout_minutes__isnull=False,
        )
        ended = []
        for run_id, updated_at, minutes, tenant in await executing.values_list(
            "id", "updated_at", "idle_timeout_minutes", "tenant"
        ):
            stamp = now()
            quiet_since = stamp - timedelta(minutes=minutes)
            if updated_at > quiet_since:
                continue
            message = f"Ended: no output for {minutes} min (config.idle_timeout_minutes)."
            still_idle = Run.filter(id=run_id, state__in=("CLAIMED", "INPROGRESS"), updated_at__lte=quiet_since)
            changed = await still_idle.update(
                state="FAILED", status_message=message, retryable=False, finished_at=stamp, updated_at=stamp,
                lease_expires_at=None,
            )  # fmt: skip
            if changed:
                ended.append(run_id)
                self.announce(run_id, "FAILED", tenant=tenant, status_message=message)
        return ended

    async def hand_back(self, owner: str, run_ids: Iterable[str]) -> list[str]:
        handed = await hand_back(owner, run_ids)
        for run_id in handed:
            self.announce(run_id, "QUEUED", reset=True, status_message=HANDED_BACK)
        return handed
