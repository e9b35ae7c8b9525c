"""Rolling-window quotas per (tenant, provider), counted in the database when a call starts (PR-3)."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from oz_app.control_plane.quotas import Quotas
from oz_app.db.models import ProviderSaturation, QuotaUse
from tests.conftest import TEST_DATABASE, openai_provider_env, sdk, two_servers, wait_for
from tests.fake_llm import FakeOpenAI


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def test_the_window_rolls_instead_of_resetting_at_fixed_boundaries(database):
    """PR-3: 3 calls per 10 s means no more than 3 in ANY 10 s span, freed one by one as they age."""
    clock = Clock()
    quotas = Quotas(clock)
    assert await quotas.acquire("t", "p", 3, 10) == 0  # t=0
    clock.advance(4)
    assert await quotas.acquire("t", "p", 3, 10) == 0  # t=4
    assert await quotas.acquire("t", "p", 3, 10) == 0  # t=4
    assert await quotas.acquire("t", "p", 3, 10) == 6  # full until the first call ages out at t=10
    clock.advance(6)
    assert await quotas.acquire("t", "p", 3, 10) == 0  # t=10: one slot freed
    assert await quotas.acquire("t", "p", 3, 10) == 4  # the t=4 calls still count until t=14
    clock.advance(4)
    assert await quotas.acquire("t", "p", 3, 10) == 0


async def test_usage_is_counted_per_tenant_and_per_provider(database):
    """PR-3: one tenant using its quota does not use another's, nor another provider's."""
    quotas = Quotas(Clock())
    assert await quotas.acquire("a", "p", 1, 60) == 0
    assert await quotas.acquire("a", "p", 1, 60) > 0
    assert await quotas.acquire("b", "p", 1, 60) == 0
    assert await quotas.acquire("a", "q", 1, 60) == 0


async def test_refused_calls_are_not_counted(database):
    """PR-3: a call that was refused does not push the reset further out."""
    clock = Clock()
    quotas = Quotas(clock)
    await quotas.acquire("t", "p", 1, 10)
    for _ in range(5):
        clock.advance(1)
        await quotas.acquire("t", "p", 1, 10)
    clock.advance(4.9)
    assert await quotas.acquire("t", "p", 1, 10) > 0  # still inside the first call's window
    clock.advance(0.1)
    assert await quotas.acquire("t", "p", 1, 10) == 0  # exactly 10 s after the only counted call


async def test_a_lowered_limit_waits_until_enough_calls_have_aged_out(database):
    """PR-3: with 3 calls in the window and the limit lowered to 1, the next call waits for the newest."""
    clock = Clock()
    quotas = Quotas(clock)
    for _ in range(3):
        assert await quotas.acquire("t", "p", 3, 10) == 0
        clock.advance(2)
    assert await quotas.acquire("t", "p", 1, 10) == 8  # now is t=6; the t=4 call ages out at t=14


async def test_concurrent_calls_never_exceed_the_limit(database):
    """PR-3: calls that start at the same moment are counted one at a time."""
    quotas = Quotas(Clock())
    waits = await asyncio.gather(*(quotas.acquire("t", "p", 3, 60) for _ in range(20)))
    assert sorted(waits)[:4] == [0, 0, 0, 60]
    assert await QuotaUse.filter(tenant="t", key="p").count() == 3


async def test_calls_out_of_the_window_are_deleted(database):
    """PR-3: the table keeps only the calls that still count, so it does not grow with use."""
    clock = Clock()
    quotas = Quotas(clock)
    for _ in range(10):
        await quotas.acquire("t", "p", 3, 10)
        clock.advance(4)
    assert await QuotaUse.filter(tenant="t", key="p").count() == 3


async def test_a_429_saturates_the_provider_until_retry_after(database):
    """PR-3: after a 429 the provider is refused for every tenant until its Retry-After has passed."""
    clock = Clock()
    quotas = Quotas(clock)
    await quotas.saturate("p", 7)
    assert await quotas.acquire("t", "p", 0, 0) == 7
    assert await quotas.acquire("other", "p", 100, 60) == 7
    assert await quotas.acquire("t", "q", 0, 0) == 0
    clock.advance(7)
    assert await quotas.acquire("t", "p", 0, 0) == 0


async def test_a_shorter_saturation_never_shortens_a_longer_one(database):
    """PR-3: saturation keeps the later end, whichever 429 was recorded last."""
    clock = Clock()
    quotas = Quotas(clock)
    await quotas.saturate("p", 30)
    await quotas.saturate("p", 5)
    assert await quotas.acquire("t", "p", 0, 0) == 30
    await quotas.saturate("p", 40)
    assert await quotas.acquire("t", "p", 0, 0) == 40
    assert await ProviderSaturation.all().count() == 1


async def test_no_limit_configured_means_unlimited(database):
    """PR-3: MSG_LIMIT or WINDOW_SECONDS of 0 turns the quota off, and nothing is counted."""
    quotas = Quotas(Clock())
    assert all([await quotas.acquire("t", "p", 0, 60) == 0 for _ in range(20)])
    assert all([await quotas.acquire("t", "p", 5, 0) == 0 for _ in range(20)])
    assert await QuotaUse.all().count() == 0


# Real control-plane processes sharing one PostgreSQL database.

LIMIT = 3
on_postgres = pytest.mark.skipif(TEST_DATABASE != "postgres", reason="processes share a database on PostgreSQL")


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.close()


def _settled(client, run_id, states=("SUCCEEDED", "FAILED")):
    """The run once it has ended, or is waiting QUEUED for a quota with its reason."""
    run = client.agent.runs.retrieve(run_id)
    waiting = run.state == "QUEUED" and run.status_message and "rate-limited" in run.status_message.message
    return run if run.state in states or waiting else None


def _finished(client, run_id):
    return wait_for(lambda: _settled(client, run_id))


@on_postgres
@pytest.mark.postgres
def test_two_control_planes_on_one_database_give_a_tenant_its_quota_once(make_server, tmp_path, fake, token):
    """PR-3: with 3 calls per 60 s, 8 runs of one tenant split over two processes on one PostgreSQL
    database send exactly 3 calls to the provider; the other 5 wait QUEUED saying it is rate-limited."""
    env = openai_provider_env(
        fake,
        OZ_PROVIDER_PRIMARY_MSG_LIMIT=str(LIMIT),
        OZ_PROVIDER_PRIMARY_WINDOW_SECONDS="60",
        OZ_QUEUE_ON_SATURATION="true",
    )
    clients = [sdk(server, token) for server in two_servers(make_server, tmp_path, env)]
    ids = [clients[i % 2].agent.run(prompt=f"job {i}").run_id for i in range(8)]
    runs = [wait_for(lambda run_id=run_id: _settled(clients[0], run_id), timeout=20) for run_id in ids]
    assert sorted(run.state for run in runs) == ["QUEUED"] * (8 - LIMIT) + ["SUCCEEDED"] * LIMIT
    assert len(fake.requests) == LIMIT
    for run in runs:
        if run.state == "QUEUED":
            assert "every provider is saturated (primary: rate-limited for" in run.status_message.message


@on_postgres
@pytest.mark.postgres
def test_a_429_seen_by_one_control_plane_is_honoured_by_the_other(make_server, tmp_path, fake, token):
    """PR-3: a provider that answered 429 to one process is not called by another process, for any
    tenant, until its Retry-After has passed."""
    first, second = two_servers(make_server, tmp_path, openai_provider_env(fake))
    fake.status, fake.retry_after = 429, "120"
    one = sdk(first, token)
    refused = _finished(one, one.agent.run(prompt="first").run_id)
    assert refused.state == "FAILED"
    assert "primary: rate-limited for 120 s" in refused.status_message.message
    fake.status = 200
    for tenant in (token, "tenant-" + secrets.token_hex(8)):
        other = sdk(second, tenant)
        run = _finished(other, other.agent.run(prompt="second").run_id)
        assert run.state == "FAILED"
        assert re.search(r"primary: rate-limited for 1[12]\d s", run.status_message.message)
    assert len(fake.requests) == 1
