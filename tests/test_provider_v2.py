"""Provider API v2 (PR-8) and providers' declared settings (PL-5): a v1 plugin and a v2 one both
answer; a v2 provider gets the conversation as turns, the run's options and reports usage, which
the run records and the API and the Runs page show; a type's own settings come from
``OZ_PROVIDER_<KEY>_*`` and from Settings, secrets never shown; ``check()`` backs Settings' Test
and ``oz-app providers check``. Real control planes, real plugins installed as distributions,
local servers speaking the providers' wire formats."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from oz_app.control_plane.conversation import CARRY_ON, messages_of
from oz_app.control_plane.provider_config import ProviderIn, store_provider
from oz_app.db.models import ProviderRecord
from oz_app.providers import Message
from tests.conftest import ADMIN_KEY, install_plugins, new_database_url, openai_provider_env, sdk, wait_for
from tests.fake_llm import FakeAnthropic, FakeOpenAI
from tests.test_workspace import (  # noqa: F401 (fixtures)
    RETRIES,
    Tabs,
    eventually,
    llm,
    tabs,
    workspace_env,
)

# A v1 plugin, as written before API v2: one prompt, str chunks, no api_version.
V1_PLUGIN = """
from oz_app.hookspecs import hookimpl


class Old:
    def __init__(self, settings):
        self.settings = settings

    async def stream(self, request):
        yield "old saw: " + request.prompt


@hookimpl
def oz_register_providers(register):
    register("oldstyle", Old)
"""

# A v2 plugin with its own settings (one secret), an option, usage and a check().
V2_PLUGIN = """
from oz_app.hookspecs import hookimpl
from oz_app.plugin_settings import Setting
from oz_app.providers import ProviderMisconfigured, Usage


class Decl:
    api_version = 2
    settings = [
        Setting("depth", int, required=True, low=1, high=9, help="how deep to go"),
        Setting("token", secret=True, help="the service's token"),
    ]
    options = [Setting("shout", bool, default=False)]

    def __init__(self, config):
        self.config = config

    async def check(self):
        if self.config.extra["depth"] > 5:
            raise ProviderMisconfigured("depth over 5 is too deep: lower OZ_PROVIDER_X_DEPTH")
        return f"is {self.config.extra['depth']} deep"

    async def stream(self, request):
        extra = self.config.extra
        turns = "|".join(f"{turn.role}:{turn.content}" for turn in request.turns())
        text = f"depth={extra['depth']} token-len={len(extra['token'])} turns={turns}"
        yield text.upper() if request.options.get("shout") else text
        yield Usage(7, 3)


@hookimpl
def oz_register_providers(register):
    register("decl", Decl)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two test plugins, installed as a distribution with ``oz_app`` entry points."""
    return install_plugins(
        tmp_path_factory.mktemp("site"), {"oz_test_old": V1_PLUGIN, "oz_test_decl": V2_PLUGIN}, "oz_test_v2"
    )


@pytest.fixture
def openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI(words=["Hello", " again"])
    yield server
    server.close()


def _pythonpath(site: Path) -> str:
    return os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])


def _ended(client: Any, run_id: str) -> Any:
    run = client.agent.runs.retrieve(run_id)
    return run if run.state in ("SUCCEEDED", "FAILED") else None


def _admin(server: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, server.api + path, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, **kwargs)


SECRET = "tok-" + secrets.token_hex(12)


# The conversation as turns ----------------------------------------------------------------------


def test_pr8_turns_alternate_start_and_end_with_the_person() -> None:
    """PR-8: two follow-ups in a row are one user turn; a conversation whose answers are all given
    ends with a request to carry on; the system prompt comes first."""
    said = [("User", "a"), ("Agent", "b"), ("User", "c"), ("User", "d")]
    assert messages_of(said, "be brief") == [
        Message("system", "be brief"),
        Message("user", "a"),
        Message("assistant", "b"),
        Message("user", "c\n\nd"),
    ]
    assert messages_of([("User", "a"), ("Agent", "b")])[-1] == Message("user", CARRY_ON)


# v1 and v2 plugins, usage -------------------------------------------------------------------------


def test_pr8_a_v1_and_a_v2_plugin_both_answer_and_v2_gets_turns_and_usage(
    make_server: Any, site: Path, openai: FakeOpenAI, token: str
) -> None:
    """PR-8: the v1 plugin still answers (from one prompt, a deprecation note logged once); the
    built-in v2 openai provider gets a follow-up as system/user/assistant turns, and the usage
    both executions reported is summed on the run and shown by the API."""
    env = {
        **openai_provider_env(openai),
        "PYTHONPATH": _pythonpath(site),
        "OZ_PROVIDER_OLD_TYPE": "oldstyle",
    }
    server = make_server(env)
    client = sdk(server, token)
    config = {"base_prompt": "Be brief."}
    run_id = client.agent.run(prompt="Name a colour.", config=config).run_id
    first = wait_for(lambda: _ended(client, run_id))
    assert first.state == "SUCCEEDED" and first.output == "Hello again"
    assert first.model_extra["usage"] == {"input_tokens": 12, "output_tokens": 4}
    assert openai.requests[-1]["body"]["stream_options"] == {"include_usage": True}

    client.agent.runs.submit_followup(run_id, message="And a fruit?")
    wait_for(lambda: (run := _ended(client, run_id)) and run.output == "Hello againHello again")
    sent = [(m["role"], m["content"]) for m in openai.requests[-1]["body"]["messages"]]
    assert sent == [
        ("system", "Be brief."),
        ("user", "Name a colour."),
        ("assistant", "Hello again"),
        ("user", "And a fruit?"),
    ]
    run = client.agent.runs.retrieve(run_id)
    assert run.model_extra["usage"] == {"input_tokens": 24, "output_tokens": 8}
    assert run.model_extra["attempts"][-1]["usage"] == {"input_tokens": 12, "output_tokens": 4}

    for prompt in ("one", "two"):
        old = client.agent.run(prompt=prompt, config={"provider": "old"}).run_id
        done = wait_for(lambda old=old: _ended(client, old))
        assert done.state == "SUCCEEDED" and done.output == f"old saw: {prompt}"
        assert done.model_extra["usage"] is None  # a v1 provider reports none
    assert server.log().count("uses provider API v1, which is deprecated") == 1


def test_pr8_options_reach_the_wire_and_bad_ones_run_nothing(
    make_server: Any, site: Path, openai: FakeOpenAI, token: str
) -> None:
    """PR-8: declared options reach the provider's request (harness.reasoning_level as
    reasoning_effort); an undeclared option or a bad value fails the run before any call with a
    sentence saying which; a malformed ``options`` is a 422 at create time."""
    server = make_server(
        {**openai_provider_env(openai), "PYTHONPATH": _pythonpath(site), "OZ_PROVIDER_OLD_TYPE": "oldstyle"}
    )
    client = sdk(server, token)
    options = {"temperature": 0.2, "max_tokens": 50}
    harness = {"type": "codex", "reasoning_level": "high"}
    run_id = client.agent.run(
        prompt="hi", config={"provider": "primary", "options": options, "harness": harness}
    ).run_id
    assert wait_for(lambda: _ended(client, run_id)).state == "SUCCEEDED"
    body = openai.requests[-1]["body"]
    assert (body["temperature"], body["max_tokens"], body["reasoning_effort"]) == (0.2, 50, "high")

    calls = len(openai.requests)
    refused = {
        "top_k": "provider 'primary' does not take the option 'top_k' "
        "(it takes max_tokens, reasoning_effort, temperature)",
        "temperature": "config.options.temperature must be between 0 and 2, not '5'",
    }
    for name, said in refused.items():
        bad = client.agent.run(prompt="hi", config={"options": {name: 5}}).run_id
        failed = wait_for(lambda bad=bad: _ended(client, bad))
        assert failed.state == "FAILED" and said in failed.status_message.message
        assert failed.status_message.error_code == "invalid_request"
        assert not failed.model_extra["attempts"]
    old = client.agent.run(prompt="hi", config={"provider": "old", "options": {"temperature": 1}}).run_id
    assert "it takes no options" in wait_for(lambda: _ended(client, old)).status_message.message
    assert len(openai.requests) == calls  # nothing was called

    answer = httpx.post(
        server.api + "/agent/runs",
        json={"prompt": "hi", "config": {"options": {"temperature": [1]}}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422 and "config.options.temperature" in answer.json()["error"]


def test_pr8_anthropic_gets_turns_options_and_reports_usage(make_server: Any, token: str) -> None:
    """PR-8: the Anthropic provider sends the system prompt apart and the turns as messages,
    passes max_tokens and temperature, and records message_start/message_delta usage."""
    fake = FakeAnthropic(words=["Bonjour"], usage=(20, 6))
    try:
        env = {
            "OZ_PROVIDER_CLAUDE_TYPE": "anthropic",
            "OZ_PROVIDER_CLAUDE_BASE_URL": fake.url.removesuffix("/v1"),
            "OZ_PROVIDER_CLAUDE_MODEL": "claude-test",
            "OZ_PROVIDER_CLAUDE_API_KEY": "sk-ant-" + secrets.token_hex(8),
            "OZ_DEFAULT_PROVIDER": "claude",
        }
        client = sdk(make_server(env), token)
        config = {"base_prompt": "Answer in French.", "options": {"max_tokens": 99, "temperature": 0.5}}
        run_id = client.agent.run(prompt="Hello", config=config).run_id
        run = wait_for(lambda: _ended(client, run_id))
        assert run.state == "SUCCEEDED" and run.output == "Bonjour"
        assert run.model_extra["usage"] == {"input_tokens": 20, "output_tokens": 6}
        body = fake.requests[-1]["body"]
        assert body["system"] == "Answer in French." and body["messages"] == [{"role": "user", "content": "Hello"}]
        assert (body["max_tokens"], body["temperature"]) == (99, 0.5)
    finally:
        fake.close()


# Declared settings (PL-5) -----------------------------------------------------------------------------


def test_pl5_settings_from_the_environment_and_the_api_secret_never_returned(
    make_server: Any, site: Path, token: str
) -> None:
    """PL-5: a type's own settings are read from OZ_PROVIDER_<KEY>_* and from a stored provider
    (the secret sealed, never returned, only whether it is set); a bad or unknown one is a 422
    sentence or a run failing with the variable named; the cli provider's old fields still work."""
    env = {
        "PYTHONPATH": _pythonpath(site),
        "OZ_PROVIDER_ENV_TYPE": "decl",
        "OZ_PROVIDER_ENV_DEPTH": "3",
        "OZ_PROVIDER_ENV_TOKEN": SECRET,
        "OZ_PROVIDER_BAD_TYPE": "decl",
        "OZ_PROVIDER_BAD_DEPTH": "deep",
        "OZ_DEFAULT_PROVIDER": "env",
    }
    server = make_server(env)
    client = sdk(server, token)
    run_id = client.agent.run(prompt="hi", config={"options": {"shout": True}}).run_id
    run = wait_for(lambda: _ended(client, run_id))
    assert run.output == f"DEPTH=3 TOKEN-LEN={len(SECRET)} TURNS=USER:HI"
    assert run.model_extra["usage"] == {"input_tokens": 7, "output_tokens": 3}
    bad = client.agent.run(prompt="hi", config={"provider": "bad"}).run_id
    message = wait_for(lambda: _ended(client, bad)).status_message.message
    assert "OZ_PROVIDER_BAD_DEPTH must be a whole number, not 'deep'" in message

    listed = _admin(server, "GET", "/providers")
    assert SECRET not in listed.text
    views = {view["key"]: view for view in listed.json()["providers"]}
    assert views["env"]["settings"] == {"depth": 3} and views["env"]["secret_settings_set"] == ["token"]
    types = {kind["type"]: kind for kind in _admin(server, "GET", "/providers/types").json()["types"]}
    assert [item["name"] for item in types["decl"]["settings"]] == ["depth", "token"]
    assert types["decl"]["settings"][1]["secret"] and types["oldstyle"]["api_version"] == 1
    assert [item["name"] for item in types["cli"]["settings"]] == ["cli_cmd", "cli_args"]

    stored_secret = "tok-" + secrets.token_hex(10)
    put = _admin(
        server, "PUT", "/providers/stored", json={"type": "decl", "settings": {"depth": 5, "token": stored_secret}}
    )
    assert put.status_code == 200 and stored_secret not in put.text
    assert put.json()["settings"] == {"depth": 5} and put.json()["secret_settings_set"] == ["token"]
    kept = _admin(server, "PUT", "/providers/stored", json={"type": "decl", "settings": {"depth": 5}, "model": "m"})
    assert kept.status_code == 200 and kept.json()["secret_settings_set"] == ["token"]  # omitted: kept
    moved = _admin(server, "PUT", "/providers/stored", json={"type": "decl", "settings": {"depth": 4}})
    assert moved.status_code == 422 and "needs its API key again" in moved.text  # SEC-3: a secret stays put
    if server.database_url.startswith("sqlite"):
        stored = Path(server.database_url.removeprefix("sqlite://")).read_bytes()
        assert stored_secret.encode() not in stored
    run_id = client.agent.run(prompt="hi", config={"provider": "stored"}).run_id
    assert wait_for(lambda: _ended(client, run_id)).output == f"depth=5 token-len={len(stored_secret)} turns=user:hi"

    refusals = {
        "This provider type has no setting 'colour' (it has depth, token).": {"colour": "red"},
        "OZ_PROVIDER_STORED_DEPTH must be between 1 and 9, not '12'.": {"depth": 12},
    }
    for said, settings in refusals.items():
        answer = _admin(server, "PUT", "/providers/stored", json={"type": "decl", "settings": settings})
        assert answer.status_code == 422 and answer.json()["error"] == said
    missing = _admin(server, "PUT", "/providers/other", json={"type": "decl"})
    assert missing.status_code == 422 and "OZ_PROVIDER_OTHER_DEPTH is not set: how deep to go." in missing.text
    old_style = _admin(server, "PUT", "/providers/tool", json={"type": "cli", "cli_cmd": "claude", "cli_args": "-q"})
    assert old_style.json()["settings"] == {"cli_cmd": "claude", "cli_args": "-q"}


async def test_pl5_stored_cli_providers_keep_their_command_after_the_migration(tmp_path: Path) -> None:
    """PL-5: a cli provider stored before the migration keeps its command and arguments (moved
    into its settings), and a downgrade puts them back."""
    from tortoise import connections

    from oz_app import db
    from oz_app.db import migration_location

    url = new_database_url(tmp_path)
    assert sorted(path.name for path in migration_location(url).glob("models/*.py"))[-1].startswith("9_")
    await db.connect(url, migrate=True)
    try:
        conn = connections.get("default")
        await conn.execute_script(
            'ALTER TABLE "providers" ADD "cli_cmd" VARCHAR(2000) NOT NULL DEFAULT \'\';'
            'ALTER TABLE "providers" ADD "cli_args" TEXT NOT NULL DEFAULT \'\';'
        )
        module = _migration(url)
        await conn.execute_query(
            db.in_dialect(
                'INSERT INTO "providers" ("key","type","model","base_url","api_key_sealed","msg_limit",'
                '"window_seconds","cli_cmd","cli_args","created_at","updated_at","settings","settings_sealed") '
                "VALUES ('tool','cli','','','',0,0,'codex','exec --full-auto',?,?,'{}','')"
            ),
            [datetime.now(UTC), datetime.now(UTC)],
        )
        update = [line for line in (await module.upgrade(conn)).splitlines() if 'UPDATE "providers"' in line]
        await conn.execute_script(update[0])
        record = await ProviderRecord.get(key="tool")
        assert record.settings == {"cli_cmd": "codex", "cli_args": "exec --full-auto"}
    finally:
        await db.close()
        if url.startswith("postgres"):
            from tests.conftest import drop_postgres_database

            drop_postgres_database(url)


def _migration(url: str) -> Any:
    import importlib.util

    from oz_app.db import migration_location

    path = next(migration_location(url).glob("models/9_*.py"))
    spec = importlib.util.spec_from_file_location("provider_v2_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# check(): the command and Settings' Test -------------------------------------------------------------


def _check_command(tmp_path: Path, site: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL"))}
    base.update(PYTHONPATH=_pythonpath(site), OZ_CONFIG_FILE="", OZ_DATA_DIR=str(tmp_path / "data"))
    base.update(env)
    base.setdefault("DATABASE_URL", new_database_url(tmp_path))
    return subprocess.run(
        [sys.executable, "-m", "oz_app.cli", "providers", "check"], env=base, capture_output=True, text=True, timeout=60
    )


def test_pr8_providers_check_prints_a_line_each_and_fails_when_one_fails(
    tmp_path: Path, site: Path, openai: FakeOpenAI
) -> None:
    """PR-8: ``oz-app providers check`` checks every configured provider (its check(), else a
    two-word answer) and says how to fix what fails; status 1 when any failed, else 0."""
    good = {
        "OZ_PROVIDER_WEB_TYPE": "openai_compatible",
        "OZ_PROVIDER_WEB_BASE_URL": openai.url,
        "OZ_PROVIDER_TOOL_TYPE": "cli",
        "OZ_PROVIDER_TOOL_CLI_CMD": sys.executable,
        "OZ_PROVIDER_OLD_TYPE": "oldstyle",
        "OZ_PROVIDER_DEEP_TYPE": "decl",
        "OZ_PROVIDER_DEEP_DEPTH": "2",
    }
    result = _check_command(tmp_path / "good", site, good)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = sorted(result.stdout.splitlines())
    assert lines == [
        "ok    deep (decl): is 2 deep",
        "ok    old (oldstyle): answered: old saw: Reply with the word OK.",
        f"ok    tool (cli): runs: Python {sys.version.split()[0]}",
        "ok    web (openai_compatible): answered: Hello again",
    ]
    assert openai.requests[-1]["body"]["max_tokens"] == 16

    broken = {
        **good,
        "OZ_PROVIDER_TOOL_CLI_CMD": str(tmp_path / "no-such-tool"),
        "OZ_PROVIDER_DEEP_DEPTH": "7",
        "OZ_PROVIDER_GONE_TYPE": "nonexistent",
    }
    result = _check_command(tmp_path / "broken", site, broken)
    assert result.returncode == 1
    lines = sorted(result.stdout.splitlines())
    assert lines[0] == "FAIL  deep (decl): depth over 5 is too deep: lower OZ_PROVIDER_X_DEPTH"
    assert lines[1].startswith(
        "FAIL  gone (nonexistent): its type 'nonexistent' is not installed: set OZ_PROVIDER_GONE_TYPE"
    )
    assert lines[2] == (
        f"FAIL  tool (cli): OZ_PROVIDER_TOOL_CLI_CMD names '{tmp_path / 'no-such-tool'}', which was not found: "
        "install it or give its full path."
    )


def test_pr8_providers_check_also_checks_the_stored_providers(make_server: Any, site: Path, tmp_path: Path) -> None:
    """PR-8: the command reads the team's stored providers too (their secrets opened with the
    data dir's key), and says which fails."""
    server = make_server({"PYTHONPATH": _pythonpath(site)})
    for key, depth in (("shallow", 2), ("deeper", 8)):
        body = {"type": "decl", "settings": {"depth": depth, "token": SECRET}}
        assert _admin(server, "PUT", f"/providers/{key}", json=body).status_code == 200
    server.stop()
    env = {"DATABASE_URL": server.database_url, "OZ_DATA_DIR": str(server.data_dir)}
    result = _check_command(tmp_path, site, env)
    assert result.returncode == 1 and SECRET not in result.stdout + result.stderr
    assert sorted(result.stdout.splitlines()) == [
        "FAIL  deeper (decl): depth over 5 is too deep: lower OZ_PROVIDER_X_DEPTH",
        "ok    shallow (decl): is 2 deep",
    ]


async def test_pr8_settings_test_uses_check_and_the_form_shows_declared_settings(
    tabs: Tabs,  # noqa: F811
) -> None:
    """PR-8, PL-5: Settings' Test runs the provider's check() (a cli provider whose program is
    missing says so); the provider form shows the cli type's declared settings, and stores them."""
    workspace = tabs.workspace
    plane = workspace.plane
    body = ProviderIn(type="cli", settings={"cli_cmd": "/nonexistent/tool"})
    await store_provider(plane.catalog, plane.vault, plane.executor.provider_types, "broken", body)
    await tabs.user.open("/settings")
    await tabs.user.should_see(marker="provider-broken", retries=RETRIES)
    tabs.user.find(marker="test-broken").click()
    await tabs.user.should_see("broken does not work: OZ_PROVIDER_BROKEN_CLI_CMD names", retries=RETRIES)
    tabs.user.find(marker="test-fake").click()
    await tabs.user.should_see("fake answered: Hello there!", retries=RETRIES)

    tabs.user.find(marker="edit-broken").click()
    await tabs.user.should_see(marker="provider-setting-cli_cmd", retries=RETRIES)
    tabs.user.find(marker="provider-setting-cli_cmd").clear().type(sys.executable)
    tabs.user.find(marker="save-provider").click()
    await eventually(lambda: _settings_are(sys.executable))
    tabs.user.find(marker="test-broken").click()
    await tabs.user.should_see(f"broken runs: Python {sys.version.split()[0]}", retries=RETRIES)


async def _settings_are(command: str) -> bool:
    record = await ProviderRecord.get_or_none(key="broken")
    return record is not None and record.settings.get("cli_cmd") == command


async def test_pr8_the_runs_page_shows_a_runs_usage(tabs: Tabs) -> None:  # noqa: F811
    """PR-8: the Runs page shows the tokens a run used, as the provider reported them."""
    run_id = await tabs.workspace.runner.start("count my tokens", title="counted")
    await eventually(lambda: _succeeded(tabs, run_id))
    await tabs.user.open("/runs")
    await tabs.user.should_see(marker=f"usage-{run_id}", retries=RETRIES)
    await tabs.user.should_see("12 tokens in · 4 out", retries=RETRIES)


async def _succeeded(where: Tabs, run_id: str) -> bool:
    return (await where.workspace.runner.get(run_id))["state"] == "SUCCEEDED"


@pytest.fixture
def decl_installed(site: Path, monkeypatch: Any) -> None:
    """The test plugins importable by the in-process workspace (before it loads its plugins)."""
    monkeypatch.syspath_prepend(str(site))


async def test_pl5_the_form_shows_a_types_settings_and_never_a_secret(
    decl_installed: None,
    tabs: Tabs,  # noqa: F811
) -> None:
    """PL-5: the Settings form draws the chosen type's declared settings; a secret one is a
    password field, sealed when saved, never sent back to the page (editing shows it as set)."""
    user = tabs.user
    await user.open("/settings")
    user.find(marker="add-provider").click()
    await user.should_see(marker="provider-key", retries=RETRIES)
    user.find(marker="provider-key").type("deep")
    user.find(marker="provider-type").click()
    user.find("decl").click()
    await user.should_see(marker="provider-setting-token", retries=RETRIES)
    user.find(marker="provider-setting-depth").type("3")
    user.find(marker="provider-setting-token").type(SECRET)
    user.find(marker="save-provider").click()
    await user.should_see(marker="provider-deep", retries=RETRIES)
    record = await ProviderRecord.get(key="deep")
    assert record.settings == {"depth": 3} and record.settings_sealed and SECRET not in record.settings_sealed
    user.find(marker="edit-deep").click()
    await user.should_see("Token (set: leave empty to keep it)", retries=RETRIES)
    await user.should_not_see(SECRET)
    user.find(marker="test-deep").click()
    await user.should_see("deep is 3 deep", retries=RETRIES)
