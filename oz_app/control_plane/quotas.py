"""Rolling-window quotas per (tenant, provider), counted when a call starts (PR-3)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class Quotas:
    """At most ``limit`` calls in any ``window`` seconds per (tenant, provider), plus saturation
    of a provider (for every tenant) after it answered 429."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._starts: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._saturated_until: dict[str, float] = {}

    def acquire(self, tenant: str, provider: str, limit: int, window: float) -> float:
        """Count a call that starts now and return 0, or return the seconds until one may start."""
        now = self._clock()
        blocked = self._saturated_until.get(provider, 0.0) - now
        if blocked > 0:
            return blocked
        if limit <= 0 or window <= 0:
            return 0.0
        starts = self._starts[(tenant, provider)]
        while starts and starts[0] <= now - window:
            starts.popleft()
        if len(starts) >= limit:
            return starts[0] + window - now
        starts.append(now)
        return 0.0

    def saturate(self, provider: str, seconds: float) -> None:
        """Refuse calls to ``provider`` for ``seconds`` (a 429's Retry-After, or the window)."""
        until = self._clock() + max(seconds, 0.0)
        self._saturated_until[provider] = max(until, self._saturated_until.get(provider, 0.0))
