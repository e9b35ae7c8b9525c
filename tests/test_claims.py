"""Claims, terminal states, lease recovery and retention on SQLite and PostgreSQL (CP-3, CP-9, CP-10)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from oz_app import db
from oz_app.control_plane import service
from oz_app.db.models import Artifact, Run, RunAncestor, RunLabel, StoredFile
from tests.conftest import drop_postgres_database, new_postgres_database

DIALECTS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CLAIMER = Path(__file__).with_name("claimer.py")
REPO = CLAIMER.parent.parent
PROCESSES = 3
RUNS = 200


@pytest.fixture(params=DIALECTS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each dialect, made before the test's event loop runs."""
    if request.param == "postgres":
        database = new_postgres_database()
        yield database
        drop_postgres_database(database)
    else:
        yield f"sqlite://{tmp_path / 'oz.db'}"


def new_run(state: str, age: timedelta = timedelta(0), **fields: Any) -> Run:
    stamp = service.now() - age
    return Run(
        id=str(uuid.uuid4()),
        tenant="tenant",
        title="a run",
        prompt="do it",
        state=state,
        created_at=stamp,
        updated_at=stamp,
        **fields,
    )


async def _queue_runs(url: str, count: int) -> list[str]:
    await db.connect(url)
    try:
        start = service.now()
        runs = [new_run("QUEUED") for _ in range(count)]
        for i, run in enumerate(runs):
            run.created_at = run.updated_at = start + timedelta(milliseconds=i)
        await Run.bulk_create(runs)
        return [run.id for run in runs]
    finally:
        await db.close()


async def _read_runs(url: str) -> dict[str, dict[str, Any]]:
    await db.connect(url, migrate=False)
    try:
        rows = await Run.all().values("id", "state", "claimed_by", "lease_expires_at", "started_at")
        return {str(row["id"]): row for row in rows}
    finally:
        await db.close()


@pytest.mark.parametrize("batch", [1, 8], ids=["one-at-a-time", "batches"])
def test_processes_never_claim_the_same_run(url, batch):
    """CP-10: several OS processes claiming from one database each take different runs, all of them,
    one run per claim or (as the executor does) several; as many claims either way, so they race."""
    queued = asyncio.run(_queue_runs(url, RUNS * batch))
    owners = [f"claimer-{i}" for i in range(PROCESSES)]
    processes = [
        subprocess.Popen(
            [sys.executable, str(CLAIMER), url, owner, "--wait", "--batch", str(batch)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for owner in owners
    ]
    try:
        for process in processes:  # all connected before any starts claiming
            assert process.stdout is not None and process.stdout.readline().strip() == "READY"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [process.communicate(timeout=90) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    claimed: dict[str, list[str]] = {}
    for owner, process, (out, err) in zip(owners, processes, results, strict=True):
        assert process.returncode == 0, f"{owner} exited with {process.returncode}:\n{err}"
        claimed[owner] = out.split()
    everything = [run_id for ids in claimed.values() for run_id in ids]
    shares = {owner: len(ids) for owner, ids in claimed.items()}
    assert len(everything) == len(set(everything)), f"a run was claimed twice: {shares}"
    assert sorted(everything) == sorted(queued), f"not every run was claimed: {shares}"
    assert sum(1 for ids in claimed.values() if ids) >= 2, f"no contention happened: {shares}"

    rows = asyncio.run(_read_runs(url))
    for owner, ids in claimed.items():
        for run_id in ids:
            row = rows[run_id]
            assert row["state"] == "INPROGRESS", row
            assert row["claimed_by"] == owner, row
            assert row["lease_expires_at"] is not None and row["started_at"] is not None, row


async def test_transition_never_moves_a_terminal_run(url):
    """CP-3: a terminal run keeps its state; transition reports False instead of overwriting it."""
    await db.connect(url)
    try:
        done = new_run("SUCCEEDED", output="result")
        queued = new_run("QUEUED")
        await Run.bulk_create([done, queued])

        assert await service.transition(done.id, service.ACTIVE_STATES, "CANCELLED") is False
        assert await service.transition(done.id, ["SUCCEEDED"], "CANCELLED") is False
        after = await Run.get(id=done.id)
        assert (after.state, after.output, after.finished_at) == ("SUCCEEDED", "result", None)

        assert await service.transition(queued.id, service.ACTIVE_STATES, "CANCELLED") is True
        cancelled = await Run.get(id=queued.id)
        assert cancelled.state == "CANCELLED" and cancelled.finished_at is not None
        assert await service.transition(queued.id, service.ACTIVE_STATES, "FAILED") is False
        assert (await Run.get(id=queued.id)).state == "CANCELLED"
    finally:
        await db.close()


async def test_recover_expired_leases(url):
    """CP-9: an expired CLAIMED run goes back to the queue, an expired INPROGRESS run fails with a reason."""
    await db.connect(url)
    try:
        past = service.now() - timedelta(minutes=1)
        future = service.now() + timedelta(minutes=5)
        claimed = new_run("CLAIMED", claimed_by="gone", lease_expires_at=past, started_at=past)
        running = new_run("INPROGRESS", claimed_by="gone", lease_expires_at=past, started_at=past)
        alive = new_run("INPROGRESS", claimed_by="alive", lease_expires_at=future, started_at=past)
        remote = new_run("CLAIMED", claimed_by="worker", lease_expires_at=past, execution_location="REMOTE")
        await Run.bulk_create([claimed, running, alive, remote])

        assert sorted(await service.recover_expired_leases()) == sorted([claimed.id, running.id])
        requeued = await Run.get(id=claimed.id)
        assert requeued.state == "QUEUED"
        assert (requeued.claimed_by, requeued.lease_expires_at, requeued.started_at) == (None, None, None)
        assert requeued.status_message and "Requeued" in requeued.status_message
        failed = await Run.get(id=running.id)
        assert failed.state == "FAILED" and failed.finished_at is not None
        assert failed.error_code == "resource_unavailable"
        assert failed.status_message and "stopped" in failed.status_message
        assert (await Run.get(id=alive.id)).state == "INPROGRESS"
        assert (await Run.get(id=remote.id)).state == "CLAIMED"  # a worker's run is not a local lease

        assert await service.recover_expired_leases() == []
        assert await service.recover_expired_leases("REMOTE") == [remote.id]
        assert (await Run.get(id=remote.id)).state == "PENDING"
    finally:
        await db.close()


async def test_sweep_retention_deletes_only_old_terminal_runs(url):
    """CP-9: retention deletes terminal runs older than the cutoff, with their metadata, lineage,
    files and artifacts, and nothing else."""
    await db.connect(url)
    try:
        old, recent = timedelta(days=10), timedelta(days=1)
        old_done = [new_run(state, age=old) for state in ("SUCCEEDED", "FAILED", "CANCELLED")]
        kept = [
            new_run("SUCCEEDED", age=recent),
            new_run("QUEUED", age=old),
            new_run("INPROGRESS", age=old),
            new_run("PENDING", age=old),
        ]
        await Run.bulk_create(old_done + kept)
        stamp = service.now()
        for run in (old_done[0], kept[0]):  # what belongs to a run goes with it, and only then
            await RunLabel.create(run_id=run.id, key="k", value="v")
            await RunAncestor.create(run_id=run.id, ancestor_id=kept[1].id, depth=1)
            await StoredFile.create(
                id=run.id, run_id=run.id, purpose="handoff", filename="f", data=b"x", created_at=stamp
            )
            await Artifact.create(
                id=run.id, run_id=run.id, artifact_type="PLAN", title="p", kind="plan", created_at=stamp
            )

        assert await service.sweep_retention(0) == 0  # 0 keeps everything
        assert await Run.all().count() == len(old_done) + len(kept)
        assert await service.sweep_retention(7) == len(old_done)
        assert sorted(await Run.all().values_list("id", flat=True)) == sorted(run.id for run in kept)
        for model in (RunLabel, RunAncestor, StoredFile, Artifact):
            assert await model.all().values_list("run_id", flat=True) == [kept[0].id], model
        assert await service.sweep_retention(7) == 0
    finally:
        await db.close()
