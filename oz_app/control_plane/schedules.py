"""``/agent/schedules``: scheduled agents, and the scheduler that starts their runs (CP-6).

A schedule is a cron expression (see :mod:`oz_app.control_plane.cron`) and the run it creates at
each tick: prompt, ``agent_config``, metadata, mode and the agent it runs as, all checked as a
run's are when the schedule is stored.

Each tick creates exactly one run however many control planes share the database. A due
schedule is claimed with a compare-and-set, ``UPDATE schedules SET next_run_at = <next tick>
WHERE id = ? AND next_run_at = <the due tick>``, in the same transaction that stores its run: a
process that loses the race changes nothing, and a crash before the commit leaves the tick due
for the next process, so no tick is lost or doubled. The next tick is counted from *now*:
ticks missed while every process was down run once, at start, not once each.
"""

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from loguru import logger
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from tortoise.transactions import in_transaction

from oz_app.bus import Bus
from oz_app.control_plane import cron, service
from oz_app.control_plane.environments import cloud_config
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text, check_json
from oz_app.control_plane.run_config import parse_config, parse_labels
from oz_app.control_plane.run_create import RunCreator, RunRequest, check_environment
from oz_app.control_plane.run_items import profile
from oz_app.db.models import Environment, Schedule

SCHEDULES_TOPIC = "schedules"  # a schedule was created, changed or resumed: recompute the next wake
MAX_SLEEP_SECONDS = 30.0  # a schedule stored by a process whose announcement was missed waits at most this
RETRY_SECONDS = 5.0
FIRE_BATCH = 100
SPAWN_FAILED = "The run could not be created because of an internal error; the server log has the details."
ScheduleId = Annotated[Text, Path(max_length=32)]  # longer names no schedule
Mode = Literal["normal", "plan", "orchestrate"]
JsonObject = Annotated[dict[str, Any] | None, BeforeValidator(check_json)]


class ScheduleUpdate(BaseModel):
    """The SDK's ``ScheduleUpdateParams``. A field left out keeps its value; ``null`` clears it."""

    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=500)
    cron_schedule: Text = Field(min_length=1, max_length=200)
    enabled: bool
    prompt: Text | None = Field(None, max_length=500_000)
    agent_config: JsonObject = None
    agent_uid: Text | None = Field(None, max_length=32)
    metadata: JsonObject = None
    mode: Mode | None = None


class ScheduleCreate(ScheduleUpdate):
    """The SDK's ``ScheduleCreateParams``; ``team`` is accepted: a schedule is always its tenant's."""

    enabled: bool = True
    team: bool | None = None


def schedule_item(schedule: Schedule, environment: Environment | None) -> dict[str, Any]:
    """A schedule in the SDK's ``ScheduledAgentItem`` shape (plus the ``mode`` its runs get)."""
    tenant = schedule.tenant
    return {
        "id": schedule.id,
        "name": schedule.name,
        "cron_schedule": schedule.cron_schedule,
        "enabled": schedule.enabled,
        "prompt": schedule.prompt,
        "created_at": schedule.created_at.isoformat(),
        "updated_at": schedule.updated_at.isoformat(),
        "agent_config": schedule.agent_config,
        "agent_uid": schedule.agent_uid,
        "created_by": profile(schedule.created_by),
        "updated_by": profile(schedule.updated_by),
        "environment": None if environment is None else cloud_config(environment),
        "history": {"last_ran": _iso(schedule.last_ran_at), "next_run": _iso(schedule.next_run_at)},
        "last_spawn_error": schedule.last_spawn_error,
        "metadata": schedule.labels,
        "scope": {"type": "User" if tenant.startswith("user:") else "Team", "uid": tenant},
        "mode": schedule.mode,
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


async def schedules_of(schedule_ids: list[str]) -> dict[str, dict[str, str]]:
    """The schedules that made these runs, as a ``RunItem``'s ``schedule``, by id (deleted ones
    are missing): ``{id: {"schedule_id", "schedule_name", "cron_schedule"}}``."""
    wanted = list({schedule_id for schedule_id in schedule_ids if schedule_id})
    if not wanted:
        return {}
    rows = await Schedule.filter(id__in=wanted).values_list("id", "name", "cron_schedule")
    return {
        str(schedule_id): {"schedule_id": str(schedule_id), "schedule_name": str(name), "cron_schedule": str(expr)}
        for schedule_id, name, expr in rows
    }


async def _environments(schedules: list[Schedule]) -> dict[str, Environment]:
    ids = {schedule.agent_config.get("environment_id") for schedule in schedules}
    ids.discard(None)
    return {environment.id: environment for environment in await Environment.filter(id__in=list(ids))}


def _agent_config(raw: Any) -> dict[str, Any]:
    """``parse_config``, its errors naming ``agent_config`` as this request calls it."""
    try:
        return parse_config(raw)
    except ApiError as exc:
        message = exc.message.replace("config", "agent_config", 1)
        raise ApiError(exc.status, message) from None


async def _check_references(creator: RunCreator, owner: Caller, fields: dict[str, Any]) -> None:
    """What a run of this schedule names must exist for its owner now, not fail at every tick."""
    config, agent_uid = fields["agent_config"], fields["agent_uid"]
    await check_environment(owner, config, "agent_config")
    if agent_uid:
        if creator.identity_defaults is None:
            raise ApiError(400, "agent_uid names an agent, but this control plane has no agents.")
        await creator.identity_defaults(owner, agent_uid)
    skill = config.get("skill_spec")
    if skill:
        if creator.resolve_skill is None:
            raise ApiError(400, f"Skill {skill!r} cannot be run: this control plane lists no skills.")
        await creator.resolve_skill(owner, skill)


async def _checked(
    creator: RunCreator, owner: Caller, body: ScheduleUpdate, current: Schedule | None
) -> dict[str, Any]:
    """The schedule's stored fields from ``body``; what it leaves out keeps ``current``'s value
    (stored values are not checked again: they were when they came)."""
    given = body.model_fields_set

    def pick(name: str, stored: str, check: Callable[[Any], Any], default: Any) -> Any:
        if name in given:
            value = getattr(body, name)
            return default if value is None else check(value)
        return default if current is None else getattr(current, stored)

    name = body.name.strip()
    if not name:
        raise ApiError(422, "Invalid request: name must not be blank.")
    cron.parse(body.cron_schedule)
    fields = {
        "name": name,
        "cron_schedule": body.cron_schedule.strip(),
        "enabled": body.enabled,
        "prompt": pick("prompt", "prompt", str, ""),
        "agent_config": pick("agent_config", "agent_config", _agent_config, {}),
        "agent_uid": pick("agent_uid", "agent_uid", str, None),
        "labels": pick("metadata", "labels", parse_labels, {}),
        "mode": pick("mode", "mode", str, "normal"),
    }
    if not fields["prompt"].strip() and not fields["agent_config"].get("skill_spec"):
        raise ApiError(422, "Invalid request: prompt is required unless agent_config.skill_spec or skills is given.")
    await _check_references(creator, owner, fields)
    return fields


def _timing(fields: dict[str, Any], current: Schedule | None, now: datetime) -> dict[str, Any]:
    """The next run to store: none when paused; counted from now when new, re-timed or resumed;
    else left alone (never written back as read: the scheduler may have moved it meanwhile)."""
    if not fields["enabled"]:
        return {"next_run_at": None}
    if current is not None and current.enabled and current.cron_schedule == fields["cron_schedule"]:
        return {}
    return {"next_run_at": cron.parse(fields["cron_schedule"]).next_after(now)}


def build_router(auth: Any, creator: RunCreator, bus: Bus) -> APIRouter:
    """The schedules endpoints; ``creator``'s hooks check the agent and skill a schedule names."""
    router = APIRouter(tags=["schedules"])
    CallerDep = Annotated[Caller, Depends(auth)]

    async def visible(schedule_id: str, caller: Caller) -> Schedule:
        schedule = await Schedule.get_or_none(id=schedule_id)
        if schedule is None or not (caller.is_admin or schedule.tenant == caller.tenant):
            raise ApiError(404, f"Schedule {schedule_id} was not found.")
        return schedule

    async def answer(schedule: Schedule) -> dict[str, Any]:
        environments = await _environments([schedule])
        return schedule_item(schedule, environments.get(schedule.agent_config.get("environment_id") or ""))

    @router.post("/agent/schedules", status_code=201, summary="Create a scheduled agent")
    async def create(body: ScheduleCreate, caller: CallerDep) -> dict[str, Any]:
        fields = await _checked(creator, Caller(caller.tenant, is_admin=False), body, None)
        stamp = service.now()
        schedule = await Schedule.create(
            id=uuid.uuid4().hex, tenant=caller.tenant, **fields, **_timing(fields, None, stamp),
            created_by=caller.tenant, updated_by=caller.tenant, created_at=stamp, updated_at=stamp,
        )  # fmt: skip
        bus.publish(SCHEDULES_TOPIC, schedule_id=schedule.id)
        return await answer(schedule)

    @router.get("/agent/schedules", summary="List scheduled agents, by name")
    async def list_schedules(caller: CallerDep) -> dict[str, Any]:
        query = Schedule.all() if caller.is_admin else Schedule.filter(tenant=caller.tenant)
        schedules = await query.order_by("name", "id")
        environments = await _environments(schedules)
        items = [schedule_item(s, environments.get(s.agent_config.get("environment_id") or "")) for s in schedules]
        return {"schedules": items}

    @router.get("/agent/schedules/{schedule_id}", summary="Get a scheduled agent")
    async def retrieve(schedule_id: ScheduleId, caller: CallerDep) -> dict[str, Any]:
        return await answer(await visible(schedule_id, caller))

    @router.put("/agent/schedules/{schedule_id}", summary="Update a scheduled agent")
    async def update(schedule_id: ScheduleId, body: ScheduleUpdate, caller: CallerDep) -> dict[str, Any]:
        schedule = await visible(schedule_id, caller)
        fields = await _checked(creator, Caller(schedule.tenant, is_admin=False), body, schedule)
        stamp = service.now()
        changes = {**fields, **_timing(fields, schedule, stamp), "updated_by": caller.tenant}
        return await change(schedule, changes, stamp)

    @router.delete("/agent/schedules/{schedule_id}", summary="Delete a scheduled agent; its runs stay")
    async def delete(schedule_id: ScheduleId, caller: CallerDep) -> dict[str, Any]:
        await (await visible(schedule_id, caller)).delete()
        return {"success": True}

    @router.post("/agent/schedules/{schedule_id}/pause", summary="Pause a scheduled agent")
    async def pause(schedule_id: ScheduleId, caller: CallerDep) -> dict[str, Any]:
        schedule = await visible(schedule_id, caller)
        changes = {"enabled": False, "next_run_at": None, "updated_by": caller.tenant}
        return await change(schedule, changes, service.now())

    @router.post("/agent/schedules/{schedule_id}/resume", summary="Resume a scheduled agent from its next tick")
    async def resume(schedule_id: ScheduleId, caller: CallerDep) -> dict[str, Any]:
        schedule = await visible(schedule_id, caller)
        if schedule.enabled:
            return await answer(schedule)
        stamp = service.now()
        following = cron.parse(schedule.cron_schedule).next_after(stamp)
        return await change(schedule, {"enabled": True, "next_run_at": following, "updated_by": caller.tenant}, stamp)

    async def change(schedule: Schedule, changes: dict[str, Any], stamp: datetime) -> dict[str, Any]:
        changes["updated_at"] = stamp
        schedule.update_from_dict(changes)
        await schedule.save(update_fields=list(changes))  # only these: the scheduler writes the others
        if schedule.enabled:
            bus.publish(SCHEDULES_TOPIC, schedule_id=schedule.id)
        return await answer(schedule)

    return router


class Scheduler:
    """Starts the runs of due schedules, in every control plane at once (CP-6).

    It sleeps until the earliest next tick, or until a schedule is created, changed or resumed
    in any process (the ``schedules`` topic of the bus), or at most :data:`MAX_SLEEP_SECONDS`.
    ``clock`` tells it the time; tests move it forward instead of waiting.
    """

    def __init__(self, bus: Bus, creator: RunCreator, clock: Callable[[], datetime] = service.now) -> None:
        self.bus = bus
        self.creator = creator
        self.clock = clock
        self._woken = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def wake(self, _event: object = None) -> None:
        """Look at the schedules again now."""
        self._woken.set()

    def start(self) -> None:
        self._unsubscribe = self.bus.subscribe(SCHEDULES_TOPIC, self.wake)
        self._task = asyncio.create_task(self._loop(), name="oz-scheduler")

    async def stop(self) -> None:
        """Stop; a run being created is rolled back with its claim, so its tick stays due."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            self._woken.clear()  # before looking: a change made while we look wakes the wait below
            try:
                await self.fire_due()
                delay = await self._seconds_to_next_tick()
            except Exception:
                logger.exception("the scheduler failed; it tries again in {} s", RETRY_SECONDS)
                delay = RETRY_SECONDS
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):  # not wait_for: on 3.11 it can lose a cancel
                    await self._woken.wait()

    async def _seconds_to_next_tick(self) -> float:
        first = await Schedule.filter(enabled=True, next_run_at__isnull=False).order_by("next_run_at").first()
        if first is None or first.next_run_at is None:
            return MAX_SLEEP_SECONDS
        return min(MAX_SLEEP_SECONDS, max(0.0, (first.next_run_at - self.clock()).total_seconds()))

    async def fire_due(self) -> int:
        """Start one run for each schedule that is due now; returns how many this process started."""
        now = self.clock()
        due = await Schedule.filter(enabled=True, next_run_at__lte=now).order_by("next_run_at", "id").limit(FIRE_BATCH)
        started = 0
        for schedule in due:
            started += await self._fire(schedule, now)
        return started

    async def _fire(self, schedule: Schedule, now: datetime) -> bool:
        """Claim ``schedule``'s due tick and create its run, together or not at all."""
        following = cron.parse(schedule.cron_schedule).next_after(now)

        def claim() -> Any:  # the compare-and-set: only the process that still sees the due tick wins
            return Schedule.filter(id=schedule.id, enabled=True, next_run_at=schedule.next_run_at)

        try:
            with self.creator.runs.deferred_announcements():
                async with in_transaction():
                    if not await claim().update(next_run_at=following, last_ran_at=now, last_spawn_error=None):
                        return False  # another process took this tick
                    await self.creator.create(Caller(schedule.tenant, is_admin=False), _request(schedule))
            return True
        except ApiError as exc:  # e.g. its environment was deleted: the schedule says so, and goes on
            error = exc.message
        except Exception:
            logger.exception("schedule {} could not create its run", schedule.id)
            error = SPAWN_FAILED
        if await claim().update(next_run_at=following, last_spawn_error=error):
            logger.warning("schedule {} skipped a tick: {}", schedule.id, error)
        return False


def _request(schedule: Schedule) -> RunRequest:
    """The run of one tick; titled as a run with its config would be, else after the schedule."""
    return RunRequest(
        prompt=schedule.prompt,
        title=schedule.title or schedule.agent_config.get("name") or schedule.name,
        config=dict(schedule.agent_config),
        labels=dict(schedule.labels),
        mode=schedule.mode,
        agent_identity_uid=schedule.agent_uid,
        source="SCHEDULED_AGENT",
        schedule_id=schedule.id,
    )
