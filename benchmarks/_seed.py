"""Scratch databases and fast bulk seeding of runs for the API benchmarks.

A scratch database is migrated by ``oz-app db upgrade`` (the normal path), then filled straight
through the database driver: 10,000 runs take a second or two, against a minute through the API.
The seeded runs vary in every column a list can filter on, in three classes (see :class:`Seed`):
``common`` (one run in ten), ``rare`` (ten runs) and the rest; the newest 100 runs are never in
``common`` or ``rare``, so a filter the server silently ignores shows up as a first page equal to
the unfiltered one.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import ROOT

NEWEST_PLAIN = 100  # the newest runs match no tested filter value


def scratch_postgres(server_url: str) -> tuple[str, str]:
    """A new empty database on the PostgreSQL server of ``server_url``: (its URL, its name)."""
    import asyncpg

    name = f"oz_bench_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        connection = await asyncpg.connect(server_url)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}", name


def drop_postgres(server_url: str, name: str) -> None:
    import asyncpg

    async def drop() -> None:
        connection = await asyncpg.connect(server_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())


@contextmanager
def database(kind: str, data_dir: Any, postgres_url: str | None) -> Iterator[str]:
    """The URL of a migrated scratch database: SQLite in ``data_dir``, or a new PostgreSQL
    database on ``postgres_url``'s server (dropped afterwards)."""
    if kind == "sqlite":
        url = f"sqlite://{data_dir / 'oz.db'}"
        migrate(url, data_dir)
        yield url
        return
    if not postgres_url:
        raise RuntimeError("PostgreSQL needs --postgres-url")
    url, name = scratch_postgres(postgres_url)
    try:
        migrate(url, data_dir)
        yield url
    finally:
        drop_postgres(postgres_url, name)


def migrate(url: str, data_dir: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, OZ_CONFIG_FILE="")
    command = [sys.executable, "-m", "oz_app.cli", "db", "upgrade", "--data-dir", str(data_dir)]
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)


def _cls(i: int, count: int) -> str:
    """Which class run ``i`` (0 the oldest) is in: common, rare or other."""
    if i >= count - NEWEST_PLAIN:
        return "other"
    if i % 1000 == 7:
        return "rare"
    return "common" if i % 10 == 3 else "other"


@dataclass
class Seed:
    """What was written: ids oldest first, creation times, and the values a filter can ask for."""

    ids: list[str]
    created: list[datetime]
    now: datetime
    runs: list[dict[str, Any]] = field(default_factory=list)
    labels: list[tuple[str, str, str]] = field(default_factory=list)
    ancestors: list[tuple[str, str, int]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)

    def filters(self) -> dict[str, dict[str, list[tuple[str, str]]]]:
        """Per filter of ``RunListParams``: ``{"common": query, "rare": query}``, each a list of
        query pairs matching one run in ten, or ten runs."""
        n = len(self.ids)
        at = self.created

        def two(name: str, common: str, rare: str) -> dict[str, list[tuple[str, str]]]:
            return {"common": [(name, common)], "rare": [(name, rare)]}

        stamp = lambda value: value.isoformat().replace("+00:00", "Z")  # noqa: E731
        recent = lambda **ago: self.now - timedelta(**ago)  # noqa: E731
        return {
            "ancestor_run_id": two("ancestor_run_id", self.ids[0], self.ids[1]),
            "artifact_type": two("artifact_type", "PULL_REQUEST", "SCREENSHOT"),
            "automation_id": two("automation_id", "auto-common", "auto-rare"),
            "created_after": two("created_after", stamp(at[n - n // 10]), stamp(at[n - 11])),
            "created_before": two("created_before", stamp(at[n // 10]), stamp(at[10])),
            "creator": two("creator", "user-common", "user-rare"),
            "environment_id": two("environment_id", "envcommon", "envrare"),
            "execution_location": {"common": [("execution_location", "REMOTE")]},
            "executor": two("executor", "agent-common", "agent-rare"),
            "factory_uid": {"none": [("factory_uid", "factorynotthere00000000")]},
            "metadata": two("metadata[team]", "team-common", "team-rare"),
            "model_id": two("model_id", "model-common", "model-rare"),
            "name": two("name", "name-common", "name-rare"),
            "q": two("q", "needle-common", "needle-rare"),
            "schedule_id": two("schedule_id", "schedcommon", "schedrare"),
            "skill": two("skill", "acme/skills:common/SKILL.md", "acme/skills:rare/SKILL.md"),
            "skill_spec": two("skill_spec", "acme/skills:common/SKILL.md", "acme/skills:rare/SKILL.md"),
            "source": two("source", "SCHEDULED_AGENT", "SLACK"),
            "state": two("state", "FAILED", "CANCELLED"),
            "updated_after": two("updated_after", stamp(recent(hours=2)), stamp(recent(minutes=30))),
        }


def build(tenant: str, count: int) -> Seed:
    """``count`` runs of ``tenant`` created over the last two days, one every 10 seconds or so;
    the values of each filtered column follow the run's class (see :func:`_cls`)."""
    now = datetime.now(UTC).replace(microsecond=0)
    step = timedelta(hours=40) / count
    base = now - timedelta(days=2)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    created = [base + step * i + timedelta(microseconds=i % 997) for i in range(count)]
    seed = Seed(ids, created, now)
    for i, run_id in enumerate(ids):
        cls = _cls(i, count)
        pick = {"common": "common", "rare": "rare"}.get(cls, str(i % 10))
        seed.runs.append(_run(seed, i, cls, pick, tenant))
        for key, value in seed.runs[-1]["labels"].items():
            seed.labels.append((run_id, key, value))
        if cls != "other":
            seed.ancestors.append((run_id, ids[0] if cls == "common" else ids[1], 1))
        kind = {"common": "PULL_REQUEST", "rare": "SCREENSHOT"}.get(cls, "PLAN" if i % 10 == 1 else "")
        if kind:
            seed.artifacts.append(_artifact(run_id, tenant, kind, created[i]))
    return seed


def _run(seed: Seed, i: int, cls: str, pick: str, tenant: str) -> dict[str, Any]:
    created = seed.created[i]
    updated = created + timedelta(seconds=1)
    if cls == "common":
        updated = seed.now - timedelta(hours=1) + timedelta(milliseconds=i)
    elif cls == "rare":
        updated = seed.now - timedelta(minutes=10) + timedelta(milliseconds=i)
    special = cls != "other"
    skill = f"acme/skills:{pick}/SKILL.md" if special or i % 10 == 5 else None
    labels = {"team": f"team-{pick}"}
    if special:
        labels["automation_id"] = f"auto-{pick}"
    kind = {"common": "PULL_REQUEST", "rare": "SCREENSHOT"}.get(cls, "PLAN" if i % 10 == 1 else "")
    artifacts = [_artifact_item(kind, created)] if kind else []
    text = f"needle-{pick} " if special else ""
    config = {"name": f"name-{pick}", "model_id": f"model-{pick}", **({"skill_spec": skill} if skill else {})}
    return {
        "id": seed.ids[i], "tenant": tenant, "title": f"Benchmark run {i}", "prompt": f"{text}Benchmark run {i}",
        "state": {"common": "FAILED", "rare": "CANCELLED"}.get(cls, "SUCCEEDED"),
        "agent_config": config,
        "environment_id": f"env{pick}" if special else None, "model_id": f"model-{pick}",
        "status_message": None, "error_code": None, "retryable": None, "output": "hello", "artifacts": artifacts,
        "session_link": None, "execution_location": "REMOTE" if cls == "common" else "LOCAL",
        "provider": "bench", "provider_model": "m", "attempts": [], "claimed_by": None, "lease_expires_at": None,
        "created_at": created, "updated_at": updated, "started_at": created, "finished_at": updated,
        "labels": labels, "parent_run_id": (seed.ids[0] if cls == "common" else seed.ids[1]) if special else None,
        "conversation_id": None, "mode": "normal",
        "source": {"common": "SCHEDULED_AGENT", "rare": "SLACK"}.get(cls, "API"),
        "creator": f"user-{pick}", "executor": f"agent-{pick}", "name": f"name-{pick}", "skill_spec": skill,
        "schedule_id": f"sched{pick}" if special else None, "agent_identity_uid": None, "worker_host": None,
        "idle_timeout_minutes": None,
    }  # fmt: skip


def _artifact_item(kind: str, created: datetime) -> dict[str, Any]:
    data = {"url": "https://example.com/x", "branch": "b"} if kind == "PULL_REQUEST" else {"document_uid": "d"}
    return {"artifact_type": kind, "created_at": created.isoformat(), "data": data}


def _artifact(run_id: str, tenant: str, kind: str, created: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()), "room_id": None, "tenant": tenant, "artifact_type": kind,
        "data": _artifact_item(kind, created)["data"], "file_id": None, "public": False,
        "kind": {"PULL_REQUEST": "pull_request"}.get(kind, "document"), "title": kind.lower(), "url": "",
        "content": "", "run_id": run_id, "created_at": created,
    }  # fmt: skip


def seed_runs(url: str, tenant: str, count: int) -> Seed:
    """Write ``count`` varied runs of ``tenant`` (with their labels, ancestors and artifacts)."""
    seed = build(tenant, count)
    if url.startswith("sqlite://"):
        _write_sqlite(url.removeprefix("sqlite://"), seed)
    else:
        asyncio.run(_write_postgres(url, seed))
    return seed


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(" ")  # as Tortoise writes an aware UTC time
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return int(value) if isinstance(value, bool) else value


def _write_sqlite(path: str, seed: Seed) -> None:
    db = sqlite3.connect(path, timeout=30)
    try:
        with db:
            for table, rows in (("runs", seed.runs), ("artifacts", seed.artifacts)):
                columns = list(rows[0])
                names = ",".join(f'"{c}"' for c in columns)
                db.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({",".join("?" * len(columns))})',
                    [[_sqlite_value(row[c]) for c in columns] for row in rows],
                )
            db.executemany('INSERT INTO "run_labels" ("run_id","key","value") VALUES (?,?,?)', seed.labels)
            db.executemany(
                'INSERT INTO "run_ancestors" ("run_id","ancestor_id","depth") VALUES (?,?,?)', seed.ancestors
            )
    finally:
        db.close()


async def _write_postgres(url: str, seed: Seed) -> None:
    import asyncpg

    def value(v: Any) -> Any:
        return json.dumps(v) if isinstance(v, (dict, list)) else v

    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            for table, rows in (("runs", seed.runs), ("artifacts", seed.artifacts)):
                columns = list(rows[0])
                records = [tuple(value(row[c]) for c in columns) for row in rows]
                await connection.copy_records_to_table(table, records=records, columns=columns)
            await connection.copy_records_to_table(
                "run_labels", records=seed.labels, columns=["run_id", "key", "value"]
            )
            await connection.copy_records_to_table(
                "run_ancestors", records=seed.ancestors, columns=["run_id", "ancestor_id", "depth"]
            )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
