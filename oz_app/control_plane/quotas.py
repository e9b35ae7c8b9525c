"""Rolling-window quotas per (tenant, provider), counted in the database when a call starts (PR-3).

Every process on one database shares the counts and the 429 saturations, so N control planes
give a tenant its quota once. Counting is atomic across processes: on PostgreSQL an advisory
lock per (tenant, provider), held until the transaction ends, makes the count and the insert one
step; on SQLite the transaction's first statement (a DELETE) takes the database's write lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from oz_app.db.models import ProviderSaturation, QuotaUse

# One statement, so two processes saturating a provider at once keep the later end.
_SATURATE = {
    "postgres": 'INSERT INTO "provider_saturations" ("key", "until") VALUES ($1, $2) ON CONFLICT ("key") '
    'DO UPDATE SET "until" = GREATEST("provider_saturations"."until", EXCLUDED."until")',
    "sqlite": 'INSERT INTO "provider_saturations" ("key", "until") VALUES (?, ?) ON CONFLICT ("key") '
    'DO UPDATE SET "until" = max("until", excluded."until")',
}


SATURATION_READ_SECONDS = 1.0  # how long a saturation read from the database is trusted


def utc_now() -> datetime:
    return datetime.now(UTC)


class Quotas:
    """At most ``limit`` calls in any ``window`` seconds per (tenant, provider), plus saturation
    of a provider (for every tenant) after it answered 429. ``clock`` gives an aware datetime.

    A provider's saturation is read from the database at most once every
    ``SATURATION_READ_SECONDS`` per process, not for every call: a 429 recorded in this process is
    seen here at once, one recorded by another process within a second."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._saturations: dict[str, tuple[float, datetime | None]] = {}  # provider: (read at, until)

    async def acquire(self, tenant: str, provider: str, limit: int, window: float) -> float:
        """Count a call that starts now and return 0, or return the seconds until one may start."""
        blocked = await self._saturated_for(provider)
        if blocked > 0 or limit <= 0 or window <= 0:
            return blocked
        async with in_transaction() as conn:
            await _lock(conn, f"quota {tenant} {provider}")
            return await self._count(conn, tenant, provider, limit, timedelta(seconds=window))

    async def saturate(self, provider: str, seconds: float) -> None:
        """Refuse calls to ``provider`` for ``seconds`` (a 429's Retry-After, or the window)."""
        until = self._clock() + timedelta(seconds=max(seconds, 0.0))
        conn = connections.get("default")
        await conn.execute_query(_SATURATE[conn.capabilities.dialect], [provider, until])
        read_at, known = self._saturations.get(provider, (time.monotonic(), None))
        self._saturations[provider] = (read_at, max(until, known) if known else until)  # the later end, as stored

    async def _saturated_for(self, provider: str) -> float:
        read_at, until = self._saturations.get(provider, (float("-inf"), None))
        if time.monotonic() - read_at > SATURATION_READ_SECONDS:
            saturation = await ProviderSaturation.get_or_none(key=provider)
            until = saturation.until if saturation else None
            self._saturations[provider] = (time.monotonic(), until)
        return max((until - self._clock()).total_seconds(), 0.0) if until else 0.0

    async def _count(self, conn: BaseDBAsyncClient, tenant: str, provider: str, limit: int, window: timedelta) -> float:
        """Under the lock: forget calls out of the window, then count this one if there is room."""
        now = self._clock()
        uses = QuotaUse.filter(tenant=tenant, key=provider).using_db(conn)
        await uses.filter(at__lte=now - window).delete()  # first: on SQLite it takes the write lock
        # The limit-th newest call: while it is in the window, the quota is full.
        blocking = await uses.order_by("-at").offset(limit - 1).first()
        if blocking is not None:
            return (blocking.at + window - now).total_seconds()
        await QuotaUse.create(tenant=tenant, key=provider, at=now, using_db=conn)
        return 0.0


async def _lock(conn: BaseDBAsyncClient, name: str) -> None:
    """Hold a PostgreSQL advisory lock on ``name`` until the transaction ends (SQLite needs none)."""
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [name])
