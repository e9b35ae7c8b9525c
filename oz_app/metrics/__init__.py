"""Prometheus metrics of the control plane (OPS-1) and of a worker (OPS-2).

Every metric is defined in this package: :mod:`oz_app.metrics.control_plane` for ``/metrics`` of
the control plane, :mod:`oz_app.metrics.worker` for ``oz-app --worker ID --metrics-port N``. The
rest of the program calls them with one line where something happens. Each app instance (and each
worker) has a registry of its own, so several in one process (tests) never share a counter.
"""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "bearer_matches"]


def bearer_matches(header: str, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` as its bearer token (constant time)."""
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
