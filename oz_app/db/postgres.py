"""The connection class of the PostgreSQL pool (imported only when the database is PostgreSQL)."""

from __future__ import annotations

import asyncpg


class PooledConnection(asyncpg.Connection):
    """A pooled connection goes back to the pool without asyncpg's reset query (``SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;``), a round trip on every release.
    Nothing here leaves session state to reset: quota locks are transaction-scoped
    (``pg_advisory_xact_lock``), ``LISTEN`` has connections of its own (``oz_app/bus.py``), no
    query sets a session variable or opens a cursor outside a transaction. An open transaction is
    still rolled back on release (asyncpg does that whatever the reset query)."""

    def get_reset_query(self) -> str:
        return ""
