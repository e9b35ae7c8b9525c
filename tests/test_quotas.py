"""Rolling-window quotas per (tenant, provider), counted when a call starts (PR-3)."""

from __future__ import annotations

from oz_app.control_plane.quotas import Quotas


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_rolls_instead_of_resetting_at_fixed_boundaries():
    """PR-3: 3 calls per 10 s means no more than 3 in ANY 10 s span, freed one by one as they age."""
    clock = Clock()
    quotas = Quotas(clock)
    assert quotas.acquire("t", "p", 3, 10) == 0  # t=0
    clock.now += 4
    assert quotas.acquire("t", "p", 3, 10) == 0  # t=4
    assert quotas.acquire("t", "p", 3, 10) == 0  # t=4
    assert quotas.acquire("t", "p", 3, 10) == 6  # full until the first call ages out at t=10
    clock.now += 6
    assert quotas.acquire("t", "p", 3, 10) == 0  # t=10: one slot freed
    assert quotas.acquire("t", "p", 3, 10) == 4  # the t=4 calls still count until t=14
    clock.now += 4
    assert quotas.acquire("t", "p", 3, 10) == 0


def test_usage_is_counted_per_tenant_and_per_provider():
    """PR-3: one tenant using its quota does not use another's, nor another provider's."""
    quotas = Quotas(Clock())
    assert quotas.acquire("a", "p", 1, 60) == 0
    assert quotas.acquire("a", "p", 1, 60) > 0
    assert quotas.acquire("b", "p", 1, 60) == 0
    assert quotas.acquire("a", "q", 1, 60) == 0


def test_refused_calls_are_not_counted():
    """PR-3: a call that was refused does not push the reset further out."""
    clock = Clock()
    quotas = Quotas(clock)
    quotas.acquire("t", "p", 1, 10)
    for _ in range(5):
        clock.now += 1
        quotas.acquire("t", "p", 1, 10)
    clock.now += 4.9
    assert quotas.acquire("t", "p", 1, 10) > 0  # still inside the first call's window
    clock.now += 0.1
    assert quotas.acquire("t", "p", 1, 10) == 0  # exactly 10 s after the only counted call


def test_a_429_saturates_the_provider_until_retry_after():
    """PR-3: after a 429 the provider is refused for every tenant until its Retry-After has passed."""
    clock = Clock()
    quotas = Quotas(clock)
    quotas.saturate("p", 7)
    assert quotas.acquire("t", "p", 0, 0) == 7
    assert quotas.acquire("other", "p", 100, 60) == 7
    assert quotas.acquire("t", "q", 0, 0) == 0
    clock.now += 7
    assert quotas.acquire("t", "p", 0, 0) == 0


def test_no_limit_configured_means_unlimited():
    """PR-3: MSG_LIMIT or WINDOW_SECONDS of 0 turns the quota off."""
    quotas = Quotas(Clock())
    assert all(quotas.acquire("t", "p", 0, 60) == 0 for _ in range(100))
    assert all(quotas.acquire("t", "p", 5, 0) == 0 for _ in range(100))
