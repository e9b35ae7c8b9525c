"""Plugins: one entry-point group, documented hooks, broken plugins survive (PL-1..PL-3).

Every test builds its own plugin manager with ``new_manager()`` and registers its own test
plugins, so plugins installed on the machine never take part.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pluggy
import pytest
from loguru import logger

from oz_app import hookspecs
from oz_app.hookspecs import hookimpl
from oz_app.plugins import collect, describe, load_entry_points, new_manager
from tests.conftest import in_process_app

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELLED", "ERROR"}

GOOD_PLUGIN = "oz-test-good"
BROKEN_PLUGIN = "oz-test-broken"
GOOD_MODULE = "oz_test_good_plugin"
BROKEN_MODULE = "oz_test_broken_plugin"


def _hookspecs() -> dict[str, Callable[..., Any]]:
    marker = f"{hookspecs.PROJECT}_spec"
    return {name: obj for name, obj in vars(hookspecs).items() if callable(obj) and hasattr(obj, marker)}


# ---------------------------------------------------------------------------------------------
# The hook specifications keep their promises
# ---------------------------------------------------------------------------------------------


def test_every_hookspec_is_documented_and_has_a_test() -> None:
    """PL-2: each hook is documented (when, every :param:) and exercised by some test."""
    specs = _hookspecs()
    required = {
        "oz_register_providers",
        "oz_register_runner_modes",
        "oz_register_worker_backends",
        "oz_register_pages",
        "oz_startup",
        "oz_shutdown",
        "oz_run_event",
    }
    assert required <= set(specs), f"missing hookspecs: {required - set(specs)}"

    own_source = inspect.getsource(test_every_hookspec_is_documented_and_has_a_test)
    texts = []
    for path in sorted(TESTS.rglob("*.py")):
        text = path.read_text()
        if path.resolve() == Path(__file__).resolve():
            text = text.replace(own_source, "")
        texts.append(text)
    corpus = "\n".join(texts)

    for name, function in specs.items():
        doc = inspect.getdoc(function) or ""
        assert doc.strip(), f"hookspec {name} has no docstring"
        for parameter in inspect.signature(function).parameters:
            assert f":param {parameter}:" in doc, f"hookspec {name} does not document {parameter}"
        assert name in corpus, f"hookspec {name} is not exercised by any test"


# ---------------------------------------------------------------------------------------------
# Loading from the entry-point group
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def plugin_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A distribution on sys.path declaring a good and a broken ``oz_app`` entry point."""
    site = tmp_path / "site"
    dist_info = site / "oz_test_plugins-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: oz-test-plugins\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        f"[oz_app]\n{GOOD_PLUGIN} = {GOOD_MODULE}\n{BROKEN_PLUGIN} = {BROKEN_MODULE}\n"
    )
    (site / f"{GOOD_MODULE}.py").write_text(
        textwrap.dedent(
            """
            from oz_app.hookspecs import hookimpl


            @hookimpl
            def oz_register_providers(register):
                register("good-type", lambda settings: None)


            @hookimpl
            def oz_startup(context):
                pass
            """
        )
    )
    (site / f"{BROKEN_MODULE}.py").write_text('raise RuntimeError("this plugin is broken on purpose")\n')
    monkeypatch.syspath_prepend(str(site))
    yield site
    for module in (GOOD_MODULE, BROKEN_MODULE):
        sys.modules.pop(module, None)


def test_a_broken_plugin_is_reported_by_name_and_the_good_one_loads(plugin_dist: Path) -> None:
    """PL-1, PL-3: the ``oz_app`` group is loaded; an import error is reported, not raised."""
    manager = new_manager()
    report = load_entry_points(manager, allow=[GOOD_PLUGIN, BROKEN_PLUGIN])

    assert report.loaded == [GOOD_PLUGIN]
    assert set(report.broken) == {BROKEN_PLUGIN}
    assert "this plugin is broken on purpose" in report.broken[BROKEN_PLUGIN]
    assert manager.get_plugin(BROKEN_PLUGIN) is None
    assert dict(describe(manager))[GOOD_PLUGIN] == ["oz_register_providers", "oz_startup"]
    assert set(collect(manager, "oz_register_providers", "provider type")) == {"good-type"}


def test_the_allowlist_and_the_blocklist_skip_plugins_with_a_reason(plugin_dist: Path) -> None:
    """PL-3: OZ_LOAD_PLUGINS (allow) and OZ_DISABLE_PLUGINS (disable) skip plugins and say why."""
    manager = new_manager()
    report = load_entry_points(manager, allow=[GOOD_PLUGIN])
    assert report.loaded == [GOOD_PLUGIN]
    assert report.broken == {}
    assert "OZ_LOAD_PLUGINS" in report.skipped[BROKEN_PLUGIN]

    manager = new_manager()
    report = load_entry_points(manager, allow=[GOOD_PLUGIN, BROKEN_PLUGIN], disable=[BROKEN_PLUGIN])
    assert report.loaded == [GOOD_PLUGIN]
    assert report.broken == {}
    assert "OZ_DISABLE_PLUGINS" in report.skipped[BROKEN_PLUGIN]

    manager = new_manager()
    report = load_entry_points(manager, allow=[GOOD_PLUGIN], disable=[GOOD_PLUGIN])
    assert report.loaded == []
    assert manager.get_plugin(GOOD_PLUGIN) is None
    assert "OZ_DISABLE_PLUGINS" in report.skipped[GOOD_PLUGIN]


def _plugins_cli(site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("OZ_") and k != "DATABASE_URL"}
    full_env = {**base, "OZ_CONFIG_FILE": "", "PYTHONPATH": str(site), **env}
    return subprocess.run(
        [sys.executable, "-m", "oz_app.cli", "plugins"],
        env=full_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _line_for(output: str, plugin: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(f"{plugin}:")]
    assert len(lines) == 1, output
    return lines[0]


def test_oz_app_plugins_lists_hooks_and_broken_plugins(plugin_dist: Path) -> None:
    """CL-5, PL-3: ``oz-app plugins`` shows each plugin's hooks and the broken one as BROKEN."""
    result = _plugins_cli(plugin_dist)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    good = _line_for(result.stdout, GOOD_PLUGIN)
    assert "oz_register_providers" in good
    assert "oz_startup" in good
    broken = _line_for(result.stdout, BROKEN_PLUGIN)
    assert "BROKEN" in broken
    assert "broken on purpose" in broken

    result = _plugins_cli(plugin_dist, OZ_LOAD_PLUGINS=GOOD_PLUGIN)
    assert result.returncode == 0, result.stderr
    assert "oz_register_providers" in _line_for(result.stdout, GOOD_PLUGIN)
    skipped = _line_for(result.stdout, BROKEN_PLUGIN)
    assert "skipped" in skipped
    assert "BROKEN" not in skipped

    result = _plugins_cli(plugin_dist, OZ_DISABLE_PLUGINS=f"{BROKEN_PLUGIN},{GOOD_PLUGIN}")
    assert result.returncode == 0, result.stderr
    assert "BROKEN" not in result.stdout
    assert "skipped" in _line_for(result.stdout, GOOD_PLUGIN)
    assert "skipped" in _line_for(result.stdout, BROKEN_PLUGIN)


# ---------------------------------------------------------------------------------------------
# collect(): names are checked by the core
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def error_log() -> Iterator[list[str]]:
    """Messages loguru logs at ERROR or above while the test runs."""
    messages: list[str] = []
    handler = logger.add(lambda message: messages.append(str(message)), level="ERROR", format="{message}")
    yield messages
    logger.remove(handler)


def test_collect_refuses_a_duplicate_name_from_a_second_plugin(error_log: list[str]) -> None:
    """PL-1: a clash is reported against the second plugin; the first keeps the name."""

    def first_factory(settings: Any) -> str:
        return "first"

    def second_factory(settings: Any) -> str:
        return "second"

    def extra_factory(settings: Any) -> str:
        return "extra"

    class First:
        @hookimpl
        def oz_register_providers(self, register: Callable[..., None]) -> None:
            register("shared", first_factory)

    class Second:
        @hookimpl
        def oz_register_providers(self, register: Callable[..., None]) -> None:
            register("shared", second_factory)
            register("only-second", extra_factory)

    manager = new_manager()
    manager.register(First(), name="first-plugin")
    manager.register(Second(), name="second-plugin")

    found = collect(manager, "oz_register_providers", "provider type")

    assert found["shared"] is first_factory
    assert found["only-second"] is extra_factory
    clashes = [message for message in error_log if "shared" in message]
    assert len(clashes) == 1, error_log
    assert "second-plugin" in clashes[0]


def test_collect_survives_a_plugin_that_raises_while_registering(error_log: list[str]) -> None:
    """PL-3: a plugin whose register hook raises is reported by name; the others still count."""

    class Good:
        @hookimpl
        def oz_register_providers(self, register: Callable[..., None]) -> None:
            register("fine", lambda settings: None)

    class Bad:
        @hookimpl
        def oz_register_providers(self, register: Callable[..., None]) -> None:
            raise ValueError("cannot register today")

    manager = new_manager()
    manager.register(Good(), name="good-plugin")
    manager.register(Bad(), name="bad-plugin")

    assert set(collect(manager, "oz_register_providers", "provider type")) == {"fine"}
    assert any("bad-plugin" in message and "cannot register today" in message for message in error_log)


@pytest.mark.parametrize(
    ("hook_name", "what"),
    [
        ("oz_register_runner_modes", "runner mode"),
        ("oz_register_worker_backends", "worker backend"),
        ("oz_register_pages", "page"),
    ],
)
def test_registered_runner_modes_backends_and_pages_come_back_by_name(hook_name: str, what: str) -> None:
    """PL-1, PL-2: oz_register_runner_modes, oz_register_worker_backends and oz_register_pages
    contribute factories by name, from several plugins."""

    def factory_a(*args: Any) -> None:
        return None

    def factory_b(*args: Any) -> None:
        return None

    def make_plugin(name: str, factory: Callable[..., None]) -> object:
        def register_it(register: Callable[..., None]) -> None:
            register(name, factory)

        plugin = type(f"Plugin_{name.strip('/')}", (), {})()
        setattr(plugin, hook_name, hookimpl(register_it))
        return plugin

    manager = new_manager()
    manager.register(make_plugin("/alpha" if what == "page" else "alpha", factory_a), name="plugin-a")
    manager.register(make_plugin("/beta" if what == "page" else "beta", factory_b), name="plugin-b")

    found = collect(manager, hook_name, what)

    if what == "page":
        assert found == {"/alpha": factory_a, "/beta": factory_b}
    else:
        assert found == {"alpha": factory_a, "beta": factory_b}


# ---------------------------------------------------------------------------------------------
# Providers, lifecycle and run events through the control plane
# ---------------------------------------------------------------------------------------------


class Recorder:
    """A test plugin: an ``echo-test`` provider type, and a record of lifecycle and run events."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after
        self.events: list[tuple[str, str]] = []
        self.startups: list[dict[str, Any]] = []
        self.shutdowns: list[dict[str, Any]] = []
        self.provider_keys: list[str] = []

    @hookimpl
    def oz_register_providers(self, register: Callable[..., None]) -> None:
        register("echo-test", self._make_provider)

    @hookimpl
    def oz_startup(self, context: dict[str, Any]) -> None:
        self.startups.append(context)

    @hookimpl
    def oz_shutdown(self, context: dict[str, Any]) -> None:
        self.shutdowns.append(context)

    @hookimpl
    def oz_run_event(self, run_id: str, state: str, event: dict[str, Any]) -> None:
        self.events.append((run_id, state))

    def _make_provider(self, settings: Any) -> Any:
        self.provider_keys.append(settings.key)
        fail_after = self.fail_after

        class EchoProvider:
            async def stream(self, request: Any) -> AsyncIterator[str]:
                for index, chunk in enumerate(["echo:", " ", request.prompt]):
                    if fail_after is not None and index == fail_after:
                        raise RuntimeError("upstream exploded")
                    await asyncio.sleep(0)
                    yield chunk

        return EchoProvider()


def _client(app: Any) -> Any:
    from oz_agent_sdk import AsyncOzAPI

    http_client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    return AsyncOzAPI(
        api_key="tenant-plugins-test", base_url="http://test/api/v1", http_client=http_client, max_retries=0
    )


async def _finished(client: Any, run_id: str, within: float = 10) -> Any:
    deadline = time.monotonic() + within
    while True:
        run = await client.agent.runs.retrieve(run_id)
        if run.state in TERMINAL:
            return run
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {run.state} after {within} s")
        await asyncio.sleep(0.05)


def _manager_with(plugin: object) -> pluggy.PluginManager:
    manager = new_manager()
    manager.register(plugin, name="recorder")
    return manager


async def test_a_registered_provider_answers_a_run_end_to_end(tmp_path: Path) -> None:
    """PL-1, PL-2: oz_register_providers supplies the provider a run streams from;
    oz_run_event reports creation and the final state; oz_startup/oz_shutdown run once each."""
    recorder = Recorder()
    manager = _manager_with(recorder)
    async with in_process_app(tmp_path, manager, OZ_PROVIDER_ECHO_TYPE="echo-test", OZ_DEFAULT_PROVIDER="echo") as app:
        assert len(recorder.startups) == 1
        async with _client(app) as client:
            created = await client.agent.run(prompt="hello plugins")
            run = await _finished(client, created.run_id)
        assert recorder.shutdowns == []

    assert run.state == "SUCCEEDED"
    extra = run.model_extra or {}
    assert extra["output"] == "echo: hello plugins"
    assert extra["provider"] == "echo"
    assert recorder.provider_keys == ["echo"]

    assert (created.run_id, "QUEUED") in recorder.events
    assert (created.run_id, "SUCCEEDED") in recorder.events
    assert {run_id for run_id, _ in recorder.events} == {created.run_id}

    assert len(recorder.startups) == 1
    assert len(recorder.shutdowns) == 1
    assert recorder.startups[0]["part"] == "control-plane"
    assert recorder.shutdowns[0]["part"] == "control-plane"
    assert recorder.startups[0]["settings"].default_provider == "echo"


async def test_a_provider_that_raises_mid_stream_fails_the_run(tmp_path: Path) -> None:
    """PL-3: a provider plugin that raises while streaming fails only that run, with a
    status message naming the provider; the output received so far is kept."""
    recorder = Recorder(fail_after=2)
    manager = _manager_with(recorder)
    async with in_process_app(tmp_path, manager, OZ_PROVIDER_ECHO_TYPE="echo-test", OZ_DEFAULT_PROVIDER="echo") as app:
        async with _client(app) as client:
            created = await client.agent.run(prompt="this one breaks")
            run = await _finished(client, created.run_id)
            assert (await client.agent.run(prompt="the app still answers")).run_id

    assert run.state == "FAILED"
    assert run.status_message is not None
    assert "'echo'" in run.status_message.message
    assert "upstream exploded" in run.status_message.message
    assert (run.model_extra or {})["output"] == "echo: "
    assert (created.run_id, "FAILED") in recorder.events


async def test_a_harness_without_a_provider_fails_promptly_and_says_what_to_set(tmp_path: Path) -> None:
    """PL-1: a run whose harness maps to an unconfigured provider fails at once (it does not
    hang) with a message naming the harness and the variable to set."""
    recorder = Recorder()
    manager = _manager_with(recorder)
    async with in_process_app(tmp_path, manager, OZ_PROVIDER_ECHO_TYPE="echo-test", OZ_DEFAULT_PROVIDER="echo") as app:
        async with _client(app) as client:
            started = time.monotonic()
            created = await client.agent.run(prompt="needs claude", config={"model_id": "claude-sonnet-4"})
            run = await _finished(client, created.run_id, within=5)
            elapsed = time.monotonic() - started

    assert run.state == "FAILED"
    assert elapsed < 5
    assert run.status_message is not None
    assert "No provider configured for harness 'claude-code'" in run.status_message.message
    assert "OZ_PROVIDER_CLAUDE_TYPE" in run.status_message.message
    assert recorder.provider_keys == []
