"""The run list reads rows with plain SQL and turns them into items itself (CP-2): each item is
exactly what the run's own page shows, and every filter, sort and cursor finds exactly the runs
the ORM query it replaced finds, on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.responses import JSONResponse
from tortoise import connections
from tortoise.expressions import Q

from oz_app import db
from oz_app.control_plane import run_items, run_list, runs, service
from oz_app.control_plane.http import tenant_of
from oz_app.db.models import Run, RunAncestor, RunLabel
from oz_app.plugins import new_manager
from tests.conftest import ADMIN_KEY, drop_postgres_database, in_process_app, new_postgres_database

DIALECTS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
NOW = datetime(2026, 2, 1, 8, 30, 15, 250000, tzinfo=UTC)


@pytest.fixture(params=DIALECTS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each dialect, made before the test's event loop runs."""
    if request.param == "postgres":
        database = new_postgres_database()
        yield database
        drop_postgres_database(database)
    else:
        yield f"sqlite://{tmp_path / 'oz.db'}"


def _run(**fields: Any) -> Run:
    stamp = NOW - timedelta(hours=1)
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "tenant": "tenant",
        "title": "a run",
        "prompt": "do it",
        "state": "SUCCEEDED",
        "created_at": stamp,
        "updated_at": stamp,
    }
    return Run(**{**values, **fields})


def _runs_with_every_shape() -> list[Run]:
    start = datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)
    return [
        _run(  # every field set
            title="Ünïcode “title” ✓",
            prompt='line one\nline two\t"quoted" \\ backslash \u2028 \x01',
            state="FAILED",
            agent_config={"model_id": "m", "environment_id": "env", "nested": {"list": [1, 2.5, None, True]}, "é": "ü"},
            environment_id="env",
            model_id="m",
            status_message="No provider configured ✗",
            error_code="integration_not_configured",
            retryable=True,
            output="partial output 🚀",
            artifacts=[{"type": "PULL_REQUEST", "url": "https://example.com/pr/1"}],
            session_link="https://example.com/session",
            execution_location="REMOTE",
            provider="openai",
            provider_model="gpt",
            attempts=[{"provider": "openai", "error": "rate limited", "at": "2026-01-31T12:00:01+00:00"}],
            claimed_by="worker-1",
            lease_expires_at=start + timedelta(minutes=5),
            created_at=start,
            updated_at=start + timedelta(seconds=3, microseconds=1),
            started_at=start + timedelta(seconds=1),
            finished_at=start + timedelta(seconds=2, microseconds=654321),
        ),
        _run(status_message="done", retryable=False, error_code=None, started_at=start, finished_at=start),
        _run(  # whole seconds: stored without a fraction
            created_at=datetime(2026, 1, 31, 12, 0, 0, tzinfo=UTC),
            updated_at=datetime(2026, 1, 31, 12, 0, 1, tzinfo=UTC),
            started_at=datetime(2026, 1, 31, 12, 0, 0, tzinfo=UTC),
            finished_at=datetime(2026, 1, 31, 12, 0, 1, tzinfo=UTC),
        ),
        _run(  # another offset than UTC: shown in UTC, like every timestamp
            created_at=datetime(2026, 1, 31, 14, 0, 0, 5, tzinfo=timezone(timedelta(hours=2))),
            updated_at=datetime(2026, 1, 31, 7, 0, 0, tzinfo=timezone(timedelta(hours=-5))),
            started_at=datetime(2026, 1, 31, 14, 0, 0, 5, tzinfo=timezone(timedelta(hours=2))),
        ),
        _run(state="INPROGRESS", started_at=NOW - timedelta(seconds=90)),  # still running: timed up to now
        _run(state="PENDING", status_message="", retryable=None, started_at=None, finished_at=None),
    ]


async def test_a_listed_row_reads_exactly_like_the_run(url, monkeypatch):
    """CP-2: a row turned into an item gives the same item, and the same JSON, as the Run object
    the other endpoints show, whatever its fields hold."""
    monkeypatch.setattr(service, "now", lambda: NOW)
    await db.connect(url)
    try:
        await Run.bulk_create(_runs_with_every_shape())
        connection = connections.get("default")
        if connection.capabilities.dialect == "sqlite":
            # Written by something else than Tortoise: a zero fraction, no offset at all.
            zero_fraction, naive = (_run(), _run())
            await Run.bulk_create([zero_fraction, naive])
            await connection.execute_query(
                'UPDATE "runs" SET "created_at"=?, "started_at"=? WHERE "id"=?',
                ["2026-01-31 12:00:00.000000+00:00", "2026-01-31 12:00:00.000000+00:00", zero_fraction.id],
            )
            await connection.execute_query(
                'UPDATE "runs" SET "created_at"=?, "finished_at"=?, "started_at"=? WHERE "id"=?',
                ["2026-01-31 12:00:00.5", "2026-01-31 12:00:02", "2026-01-31 12:00:01", naive.id],
            )
        _, rows = await connection.execute_query(run_items.LIST_SELECT + ' ORDER BY "id"')
        stored = {run.id: run for run in await Run.all()}
        assert len(rows) == len(stored) >= 6
        for row in rows:
            listed = runs.row_item(row)
            shown = runs.run_item(stored[row[0]])
            assert listed == shown
            assert runs._json_response({"runs": [listed]}).body == JSONResponse({"runs": [shown]}).body
    finally:
        await db.close()


def test_json_the_fast_encoder_refuses_takes_the_standard_path():
    """CP-2: orjson refuses integers beyond 64 bits; such a page is still served, as before."""
    content = {"runs": [{"agent_config": {"big": 2**70}}]}
    assert runs._json_response(content).body == JSONResponse(content).body


async def _orm_list(tenant: str | None, params: dict[str, Any]) -> list[str]:
    """Run ids as the list found them with the ORM, before it used plain SQL."""
    query = Run.all() if tenant is None else Run.filter(tenant=tenant)
    if states := params.get("state"):
        query = query.filter(state__in=states)
    environment_id = params.get("environment_id")
    if environment_id == run_list.NO_ENVIRONMENT:
        query = query.filter(environment_id__isnull=True)
    elif environment_id:
        query = query.filter(environment_id=environment_id)
    if model_id := params.get("model_id"):
        query = query.filter(model_id=model_id)
    if after := params.get("created_after"):
        query = query.filter(created_at__gt=datetime.fromisoformat(after).astimezone(UTC))
    if before := params.get("created_before"):
        query = query.filter(created_at__lt=datetime.fromisoformat(before).astimezone(UTC))
    if text := params.get("q"):
        query = query.filter(Q(title__icontains=text) | Q(prompt__icontains=text) | Q(skill_spec__icontains=text))
    for name in ("name", "source", "execution_location", "creator", "schedule_id"):
        if name in params:
            query = query.filter(**{name: params[name]})
    if "skill" in params:
        query = query.filter(skill_spec=params["skill"])
    if after := params.get("updated_after"):
        query = query.filter(updated_at__gt=datetime.fromisoformat(after).astimezone(UTC))
    for key, value in params.items():
        if key.startswith("metadata["):
            labelled = RunLabel.filter(key=key[9:-1], value=value).values_list("run_id", flat=True)
            query = query.filter(id__in=await labelled)
    if ancestor := params.get("ancestor_run_id"):
        below = RunAncestor.filter(ancestor_id=ancestor).values_list("run_id", flat=True)
        query = query.filter(id__in=await below)
    sort_by = params.get("sort_by", "created_at")
    prefix = "-" if params.get("sort_order", "desc") == "desc" else ""
    if sort_by == "agent":
        ordered = await query.order_by(f"{prefix}skill_spec", f"{prefix}id")
        return [run.id for run in ordered if run.skill_spec] + [run.id for run in ordered if not run.skill_spec]
    return list(await query.order_by(f"{prefix}{sort_by}", f"{prefix}id").values_list("id", flat=True))


async def test_filters_sorts_and_cursors_find_what_the_orm_found(tmp_path):
    """CP-1, CP-2: for a tenant and for the admin, each filter and sort, walked page by page with
    cursors through runs that share timestamps and titles, lists exactly the ORM's runs in its order."""
    mine, theirs = ("tenant-" + secrets.token_hex(8) for _ in range(2))
    base = service.now() - timedelta(minutes=30)
    titles = ["Alpha", "a%b_c\\d", "same", "same", "beta"]
    states = ["PENDING", "SUCCEEDED", "FAILED", "CANCELLED"]
    async with in_process_app(tmp_path, new_manager()) as app:
        await Run.bulk_create(
            _run(
                tenant=tenant_of(theirs if i % 5 == 4 else mine),
                title=titles[i % len(titles)],
                prompt="find the needle" if i % 7 == 0 else f"prompt {i}",
                state=states[i % len(states)],
                environment_id="env1" if i % 3 == 0 else None,
                model_id="m1" if i % 2 else None,
                created_at=base + timedelta(seconds=i // 3),  # three runs share each timestamp
                updated_at=base + timedelta(seconds=(40 - i) // 4),
                skill_spec=[None, "a/r:SKILL.md", "b/r:x/SKILL.md", "a/r:SKILL.md"][i % 4],
                name="nightly" if i % 6 == 0 else None,
                source="SCHEDULED_AGENT" if i % 4 == 1 else "API",
                schedule_id="sched1" if i % 4 == 1 else None,
                execution_location="REMOTE" if i % 3 == 0 else "LOCAL",
                creator=tenant_of(theirs if i % 5 == 4 else mine),
                labels={"team": "core" if i % 2 else "ops", "n": str(i % 3)},
            )
            for i in range(40)
        )
        every = await Run.all().order_by("created_at", "id")
        await RunLabel.bulk_create(
            RunLabel(run_id=run.id, key=key, value=value) for run in every for key, value in run.labels.items()
        )
        root = every[0].id  # runs 5, 10, 15 ... are below it, 10, 20 ... two levels down
        await RunAncestor.bulk_create(
            [RunAncestor(run_id=run.id, ancestor_id=root, depth=1 + (i % 10 == 0)) for i, run in enumerate(every)][5::5]
        )
        middle = (base + timedelta(seconds=6)).astimezone(timezone(timedelta(hours=2))).isoformat()
        queries: list[dict[str, Any]] = [
            {},
            {"state": ["FAILED"]},
            {"state": ["FAILED", "PENDING"]},
            {"environment_id": "env1"},
            {"environment_id": run_list.NO_ENVIRONMENT},
            {"model_id": "m1"},
            {"created_after": (base + timedelta(seconds=4)).isoformat()},
            {"created_before": (base + timedelta(seconds=8)).isoformat()},
            {"created_after": middle},
            {"q": "a%b_c\\d"},
            {"q": "ALPHA"},
            {"q": "needle", "state": ["PENDING", "FAILED", "CANCELLED"]},
            {"sort_order": "asc"},
            {"sort_by": "updated_at"},
            {"sort_by": "updated_at", "sort_order": "asc", "model_id": "m1"},
            {"sort_by": "title"},
            {"sort_by": "title", "sort_order": "asc", "environment_id": run_list.NO_ENVIRONMENT},
            {"sort_by": "agent"},
            {"sort_by": "agent", "sort_order": "asc", "state": ["FAILED", "PENDING"]},
            {"name": "nightly"},
            {"source": "SCHEDULED_AGENT", "schedule_id": "sched1"},
            {"execution_location": "REMOTE", "sort_by": "agent"},
            {"creator": tenant_of(mine)},
            {"skill": "a/r:SKILL.md"},
            {"q": "x/skill"},
            {"updated_after": (base + timedelta(seconds=5)).isoformat()},
            {"metadata[team]": "core"},
            {"metadata[team]": "core", "metadata[n]": "1", "sort_order": "asc"},
            {"ancestor_run_id": root},
        ]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
            for token, tenant in ((mine, tenant_of(mine)), (ADMIN_KEY, None)):
                for params in queries:
                    expected = await _orm_list(tenant, params)
                    for limit in (4, 100):
                        listed: list[str] = []
                        cursor = None
                        while True:
                            page_params = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
                            response = await client.get(
                                "/agent/runs", params=page_params, headers={"Authorization": f"Bearer {token}"}
                            )
                            assert response.status_code == 200, response.text
                            page = response.json()
                            listed += [item["run_id"] for item in page["runs"]]
                            cursor = page["page_info"]["next_cursor"]
                            assert page["page_info"]["has_next_page"] is (cursor is not None)
                            if cursor is None:
                                break
                        assert listed == expected, (token == ADMIN_KEY, params, limit)
