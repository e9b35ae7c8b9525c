"""The committed aerich migrations give exactly the models' schema, on SQLite and PostgreSQL (CP-10)."""

from __future__ import annotations

import concurrent.futures
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise, connections
from tortoise.models import Model

import oz_app.db
from oz_app.db import dialect as dialect_of
from oz_app.db import models
from oz_app.db.models import Environment, Run
from tests.conftest import drop_postgres_database, new_postgres_database, start_server

DIALECTS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
REPO = Path(__file__).resolve().parent.parent

Schema = dict[str, dict[str, Any]]


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def urls(dialect: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two empty databases of the test's dialect, made before the test's event loop runs."""
    made: list[str] = []
    for i in range(2):
        if dialect == "postgres":
            made.append(new_postgres_database())
        else:
            (tmp_path / f"db{i}").mkdir()
            made.append(f"sqlite://{tmp_path / f'db{i}' / 'oz.db'}")
    yield made
    for url in made:
        if dialect_of(url) == "postgres":
            drop_postgres_database(url)


async def _rows(sql: str) -> list[Any]:
    _, rows = await connections.get("default").execute_query(sql)
    return list(rows)


async def _sqlite_schema() -> Schema:
    schema: Schema = {}
    tables = await _rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    for table in (row["name"] for row in tables):
        columns = {
            col["name"]: (col["type"].upper(), "NULL" if not col["notnull"] else "NOT NULL")
            for col in await _rows(f'PRAGMA table_info("{table}")')
        }
        indexes = {}
        for index in await _rows(f'PRAGMA index_list("{table}")'):
            parts = sorted(await _rows(f'PRAGMA index_info("{index["name"]}")'), key=lambda p: p["seqno"])
            indexes[index["name"]] = (tuple(p["name"] for p in parts), bool(index["unique"]))
        schema[table] = {"columns": columns, "indexes": indexes}
    return schema


async def _postgres_schema() -> Schema:
    schema: Schema = {}
    columns = await _rows(
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable"
        " FROM information_schema.columns WHERE table_schema = current_schema()"
    )
    for col in columns:
        kind = col["data_type"] + (f"({col['character_maximum_length']})" if col["character_maximum_length"] else "")
        nullable = "NULL" if col["is_nullable"] == "YES" else "NOT NULL"
        table = schema.setdefault(col["table_name"], {"columns": {}, "indexes": {}})
        table["columns"][col["column_name"]] = (kind, nullable)
    for index in await _rows(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    ):
        match = re.search(r"USING \w+ \((.*)\)$", index["indexdef"])
        assert match, index["indexdef"]
        cols = tuple(part.strip().strip('"') for part in match.group(1).split(","))
        unique = index["indexdef"].startswith("CREATE UNIQUE INDEX")
        schema[index["tablename"]]["indexes"][index["indexname"]] = (cols, unique)
    return schema


async def introspect(url: str) -> Schema:
    """Tables -> columns (name: type, nullability) and indexes (name: columns, unique), without aerich's."""
    schema = await (_postgres_schema() if dialect_of(url) == "postgres" else _sqlite_schema())
    schema.pop("aerich", None)
    return schema


async def migrated_schema(url: str) -> Schema:
    try:
        await oz_app.db.connect(url)
        return await introspect(url)
    finally:
        await oz_app.db.close()


async def generated_schema(url: str) -> Schema:
    try:
        await oz_app.db.connect(url, migrate=False)  # the app's own tortoise_config(url)
        await Tortoise.generate_schemas(safe=False)
        return await introspect(url)
    finally:
        await Tortoise.close_connections()


async def test_upgrading_an_empty_database_gives_exactly_the_models(urls):
    """CP-10: the migrations of each dialect build the same tables, columns and indexes as the models."""
    migrated = await migrated_schema(urls[0])
    generated = await generated_schema(urls[1])

    # the introspection must see something real, or the comparison below proves nothing
    model_classes = [
        m
        for m in vars(models).values()
        if isinstance(m, type) and issubclass(m, Model) and m is not Model and not m._meta.abstract
    ]
    tables = {m._meta.db_table for m in model_classes}
    tables |= {m._meta.fields_map[name].through for m in model_classes for name in m._meta.m2m_fields}
    assert set(generated) == tables and Run._meta.db_table in tables and Environment._meta.db_table in tables
    runs = generated[Run._meta.db_table]
    assert set(runs["columns"]) == set(Run._meta.fields_db_projection.values())
    assert runs["columns"]["claimed_by"][1] == "NULL"
    assert runs["columns"]["state"][1] == "NOT NULL"
    assert {cols for cols, _ in runs["indexes"].values()} >= {
        ("tenant", "created_at", "id"),
        ("state", "created_at"),
        ("created_at", "id"),
    }

    for table in sorted(set(migrated) | set(generated)):
        assert table in migrated, f"{table}: missing from the migrations (run scripts/makemigrations.py)"
        assert table in generated, f"{table}: created by the migrations but not in the models"
        assert migrated[table]["columns"] == generated[table]["columns"], f"{table}: columns differ"
        assert migrated[table]["indexes"] == generated[table]["indexes"], f"{table}: indexes differ"
    assert migrated == generated


async def test_second_upgrade_applies_nothing(urls):
    """CP-10: the first upgrade applies every committed migration, the second one nothing."""
    url = urls[0]
    expected = oz_app.db.migration_files(url)
    assert expected, "no committed migrations"
    try:
        await oz_app.db.connect(url, migrate=False)
        assert await oz_app.db.upgrade(url) == expected
        assert await oz_app.db.upgrade(url) == []
        _, rows = await connections.get("default").execute_query('SELECT version FROM "aerich"')
        assert sorted(row["version"] for row in rows) == sorted(expected)
    finally:
        await oz_app.db.close()
    try:
        await oz_app.db.connect(url)  # a restart finds nothing to do
        assert await oz_app.db.upgrade(url) == []
    finally:
        await oz_app.db.close()


def test_cli_db_upgrade_applies_then_reports_up_to_date(urls, tmp_path):
    """CP-10: `oz-app db upgrade` applies the pending migration, then says the database is up to date."""
    url = urls[0]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL"))},
        "DATABASE_URL": url,
        "OZ_CONFIG_FILE": "",
    }
    command = [sys.executable, "-m", "oz_app.cli", "db", "upgrade", "--data-dir", str(tmp_path / "data")]
    outputs = []
    for _ in range(2):
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(done.stdout)
    first_migration = oz_app.db.migration_files(url)[0]
    assert "Applied" in outputs[0] and first_migration in outputs[0], outputs[0]
    assert "up to date" in outputs[1], outputs[1]
    assert "Applied" not in outputs[1], outputs[1]


async def test_an_upgraded_team_server_gets_its_first_account_as_admin(urls, tmp_path, monkeypatch):
    """SEC-1: a server that had accounts before roles existed makes its earliest account that can
    log in the admin; everyone else is a member."""
    url = urls[0]
    before_roles = tmp_path / "migrations"
    folder = before_roles / dialect_of(url) / "models"
    folder.mkdir(parents=True)
    for source in (oz_app.db.migration_location(url) / "models").glob("[0-3]_*.py"):
        (folder / source.name).write_text(source.read_text())
    monkeypatch.setattr(oz_app.db, "MIGRATIONS_DIR", before_roles)
    users = [("u-local", "local", "", 1), ("u-ann", "ann", "scrypt$x$y", 2), ("u-bob", "bob", "scrypt$x$z", 3)]
    try:
        await oz_app.db.connect(url)
        for user_id, name, password, day in users:
            await connections.get("default").execute_query(
                'INSERT INTO "users" ("id", "username", "password_hash", "created_at") '
                f"VALUES ('{user_id}', '{name}', '{password}', '2026-01-0{day}T00:00:00+00:00')"
            )
        monkeypatch.undo()
        assert await oz_app.db.upgrade(url) == oz_app.db.migration_files(url)[4:]  # teams and later
        roles = {user.username: user.role for user in await models.User.all()}
    finally:
        await oz_app.db.close()
    assert roles == {"local": "member", "ann": "admin", "bob": "member"}


@pytest.mark.postgres
def test_processes_starting_together_on_a_new_postgres_database_all_start(tmp_path: Path) -> None:
    """ST-7, CP-10: control planes started at the same moment on a PostgreSQL database that is not
    migrated yet all start: one migrates while the others wait for it, none fails on a table
    another created."""
    url = new_postgres_database()
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        starts = [pool.submit(start_server, tmp_path / f"cp{i}", url, None, 60) for i in range(3)]
        concurrent.futures.wait(starts)
    servers = [start.result() for start in starts if start.exception() is None]
    try:
        assert len(servers) == 3, [str(start.exception()) for start in starts if start.exception()]
        for server in servers:
            assert server.stop() == 0, server.log()
    finally:
        for server in servers:
            server.stop()
        drop_postgres_database(url)


async def test_upgrading_a_used_database_keeps_agents_room_members_artifacts_and_runs(urls, tmp_path, monkeypatch):
    """CP-10, CP-12: the API migration makes agents and artifacts ownable without a user; on
    SQLite that rebuilds both tables. A database in use before it keeps every agent (now also
    owned by its user's tenant), every room membership, artifact and run."""
    url = urls[0]
    before = tmp_path / "migrations"
    folder = before / dialect_of(url) / "models"
    folder.mkdir(parents=True)
    for source in (oz_app.db.migration_location(url) / "models").glob("[0-6]_*.py"):
        (folder / source.name).write_text(source.read_text())
    monkeypatch.setattr(oz_app.db, "MIGRATIONS_DIR", before)
    stamp = "'2026-01-01T00:00:00+00:00'"
    rows = [
        f'INSERT INTO "users" ("id","username","password_hash","role","disabled","created_at") '
        f"VALUES ('u1','ann','',  'admin', {'false' if 'postgres' in url else 0}, {stamp})",
        'INSERT INTO "agents" ("id","owner_id","name","color","icon","harness","model","system_prompt",'
        f"\"repository\",\"status\",\"created_at\") VALUES ('a1','u1','helper','#fff','x','default','','be kind','',"
        f"'idle',{stamp})",
        f'INSERT INTO "rooms" ("id","owner_id","name","description","paused","created_at") '
        f"VALUES ('r1','u1','room','',{'false' if 'postgres' in url else 0},{stamp})",
        'INSERT INTO "room_members" ("rooms_id","agent_id") VALUES (\'r1\',\'a1\')',
        'INSERT INTO "artifacts" ("id","room_id","kind","title","url","content","created_at") '
        f"VALUES ('f1','r1','plan','The plan','','# plan',{stamp})",
        'INSERT INTO "runs" ("id","tenant","title","prompt","state","agent_config","output","artifacts",'
        f"\"execution_location\",\"attempts\",\"created_at\",\"updated_at\") VALUES ('run1','user:u1','t','p',"
        f"'SUCCEEDED','{{}}','out','[]','LOCAL','[]',{stamp},{stamp})",
    ]
    try:
        await oz_app.db.connect(url)
        for statement in rows:
            await connections.get("default").execute_query(statement)
        monkeypatch.undo()
        assert await oz_app.db.upgrade(url) == oz_app.db.migration_files(url)[7:]
        agent = await models.Agent.get(id="a1")
        room = await models.Room.get(id="r1").prefetch_related("members")
        artifact = await models.Artifact.get(id="f1")
        run = await models.Run.get(id="run1")
    finally:
        await oz_app.db.close()
    assert (agent.name, agent.system_prompt, agent.owner_id, agent.tenant) == ("helper", "be kind", "u1", "user:u1")
    assert [member.id for member in room.members] == ["a1"]
    assert (artifact.title, artifact.content, artifact.room_id) == ("The plan", "# plan", "r1")
    assert (run.output, run.labels, run.mode, run.source) == ("out", {}, "normal", "API")
