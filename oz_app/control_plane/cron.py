"""Cron expressions of schedules (CP-6): checked once when stored, then asked for their next tick.

An expression is five fields (minute hour day-of-month month day-of-week, as cron(8) and
``cronsim`` read them), in UTC unless it starts with ``CRON_TZ=Area/City``: then its times are
that zone's wall-clock times, daylight saving included. A seconds field is refused: a schedule
runs at most once a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from oz_app.control_plane.http import ApiError

_ZONE_PREFIX = re.compile(r"CRON_TZ=(\S*)\s+(.*)", re.DOTALL)
EXAMPLE = '"0 9 * * 1-5" (09:00 UTC on weekdays) or "CRON_TZ=Europe/Berlin 0 9 * * *"'


@dataclass(frozen=True)
class Cron:
    """A checked expression: its five fields and the zone they are read in."""

    fields: str
    zone: tzinfo

    def next_after(self, moment: datetime) -> datetime | None:
        """The first tick strictly after ``moment``, in UTC; None if there is none before year 9999."""
        try:
            tick = next(CronSim(self.fields, moment.astimezone(self.zone)))
        except (StopIteration, ValueError, OverflowError):
            return None
        return tick.astimezone(UTC)


def parse(expression: str) -> Cron:
    """``expression`` checked, or a 400 that names it and says what is wrong."""
    fields = expression.strip()
    zone: tzinfo = UTC
    prefixed = _ZONE_PREFIX.fullmatch(fields)
    if prefixed:
        name, fields = prefixed.group(1), prefixed.group(2).strip()
        zone = _zone(name, expression)
    elif fields.startswith("CRON_TZ="):
        raise ApiError(400, f"cron_schedule {expression!r}: give CRON_TZ=Area/City, then five fields, e.g. {EXAMPLE}.")
    if len(fields.split()) != 5:
        raise ApiError(
            400,
            f"cron_schedule {expression!r} is not a cron expression: give five fields "
            f"(minute hour day-of-month month day-of-week), e.g. {EXAMPLE}.",
        )
    try:
        cron = Cron(fields, zone)
        CronSim(fields, datetime.now(zone))
    except CronSimError as exc:
        raise ApiError(400, f"cron_schedule {expression!r} is not a cron expression: {exc}.") from None
    if cron.next_after(datetime.now(UTC)) is None:
        raise ApiError(400, f"cron_schedule {expression!r} never comes round; check its day and month fields.")
    return cron


def _zone(name: str, expression: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ApiError(
            400, f"cron_schedule {expression!r}: {name!r} is not a time zone; use an IANA name such as Europe/Berlin."
        ) from None
