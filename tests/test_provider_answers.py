"""Hostile or broken providers fail the run saying why, never a silent success (SEC-15).

A real control plane, the real ``openai_compatible`` and ``anthropic`` plugins and local fake
servers speaking their wire formats (:mod:`tests.fake_llm`) that answer 200 with a web page,
with an empty event stream, never, or stop in the middle. The timeouts are set short here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from oz_app.config import ConfigError, load_settings
from tests.conftest import TEST_DATABASE, Server, drop_postgres_database, new_database_url, sdk, start_server, wait_for
from tests.fake_llm import FakeAnthropic, FakeOpenAI

FIRST_BYTE = 1.5
IDLE = 0.5
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")


def _provider_env(key: str, fake: FakeOpenAI) -> dict[str, str]:
    kind = "anthropic" if isinstance(fake, FakeAnthropic) else "openai_compatible"
    upper = key.upper()
    return {
        f"OZ_PROVIDER_{upper}_TYPE": kind,
        f"OZ_PROVIDER_{upper}_BASE_URL": fake.url,
        f"OZ_PROVIDER_{upper}_MODEL": f"{key}-model",
        f"OZ_PROVIDER_{upper}_API_KEY": f"sk-{key}-test",
    }


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, FakeOpenAI]]:
    servers = {"openai_compatible": FakeOpenAI(), "anthropic": FakeAnthropic()}
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture(scope="module")
def plane(tmp_path_factory: pytest.TempPathFactory, fakes: dict[str, FakeOpenAI]) -> Iterator[Server]:
    """A control plane whose default provider speaks OpenAI's format and whose ``claude``
    provider (runs with a ``claude-*`` model) speaks Anthropic's."""
    data_dir: Path = tmp_path_factory.mktemp("provider-answers")
    database_url = new_database_url(data_dir)
    env = {
        **_provider_env("local", fakes["openai_compatible"]),
        **_provider_env("claude", fakes["anthropic"]),
        "OZ_DEFAULT_PROVIDER": "local",
        "OZ_PROVIDER_FIRST_BYTE_TIMEOUT": str(FIRST_BYTE),
        "OZ_PROVIDER_IDLE_TIMEOUT": str(IDLE),
    }
    server = start_server(data_dir, database_url, env)
    yield server
    server.stop()
    if TEST_DATABASE == "postgres":
        drop_postgres_database(database_url)


def _run(plane: Server, token: str, kind: str) -> tuple[object, float]:
    """Create a run answered by the provider of ``kind``; its final state and how long it took."""
    client = sdk(plane, token)
    config = {"model_id": "claude-test"} if kind == "anthropic" else {}
    started = time.monotonic()
    run_id = client.agent.run(prompt="say hello", config=config).run_id
    run = wait_for(lambda: (r := client.agent.runs.retrieve(run_id)).state in ENDED and r, timeout=20)
    return run, time.monotonic() - started


@pytest.fixture
def script(fakes: dict[str, FakeOpenAI]) -> Iterator[dict[str, FakeOpenAI]]:
    yield fakes
    for fake in fakes.values():
        fake.answer, fake.words = "stream", ["Hello", " from", " the", " fake"]


KINDS = ["openai_compatible", "anthropic"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_provider_that_answers_properly_still_succeeds(plane, script, token, kind):
    """SEC-15: the checks below do not get in the way of a real answer."""
    run, _ = _run(plane, token, kind)
    assert (run.state, run.output) == ("SUCCEEDED", "Hello from the fake")


@pytest.mark.parametrize("kind", KINDS)
def test_an_html_page_instead_of_an_answer_fails_the_run_saying_so(plane, script, token, kind):
    """SEC-15: a 200 with a web page (a wrong base URL, a login or proxy page) fails the run with
    a status naming the page, instead of succeeding with empty output."""
    script[kind].answer = "html"
    run, _ = _run(plane, token, kind)
    assert run.state == "FAILED" and run.output == ""
    message = run.status_message.message
    assert "answered 200 with an HTML page, not an event stream or JSON" in message
    assert "Sign in to continue" in message


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_stream_fails_the_run_saying_so(plane, script, token, kind):
    """SEC-15: a 200 event stream without a single byte fails the run: the answer was empty."""
    script[kind].answer = "empty"
    run, _ = _run(plane, token, kind)
    assert run.state == "FAILED" and run.output == ""
    assert "empty answer" in run.status_message.message


@pytest.mark.parametrize("kind", KINDS)
def test_a_provider_that_sends_nothing_times_out_after_the_first_byte_timeout(plane, script, token, kind):
    """SEC-15: no byte within OZ_PROVIDER_FIRST_BYTE_TIMEOUT fails the run, naming the setting."""
    script[kind].answer = "silent"
    run, took = _run(plane, token, kind)
    assert run.state == "FAILED"
    assert f"sent nothing within {FIRST_BYTE:g} s (OZ_PROVIDER_FIRST_BYTE_TIMEOUT)" in run.status_message.message
    assert FIRST_BYTE <= took < FIRST_BYTE + 5


@pytest.mark.parametrize("kind", KINDS)
def test_a_provider_that_stops_mid_answer_times_out_after_the_idle_timeout(plane, script, token, kind):
    """SEC-15: a gap over OZ_PROVIDER_IDLE_TIMEOUT between chunks fails the run, naming the
    setting, and keeps what was streamed so far."""
    script[kind].answer = "stall"
    run, took = _run(plane, token, kind)
    assert (run.state, run.output) == ("FAILED", "Hello")
    assert f"went silent for {IDLE:g} s in the middle of its answer (OZ_PROVIDER_IDLE_TIMEOUT)" in (
        run.status_message.message
    )
    assert took < FIRST_BYTE + 5


@pytest.mark.parametrize("kind", KINDS)
def test_nul_in_an_answer_is_stored_as_a_replacement_character(plane, script, token, kind):
    """SEC-15, SEC-13: a provider streaming NUL (which PostgreSQL cannot store) or an unpaired
    surrogate (which no database encodes) still completes the run; each shows as U+FFFD."""
    script[kind].words = ["bad\u0000byte", " \ud800 done"]
    run, _ = _run(plane, token, kind)
    assert (run.state, run.output) == ("SUCCEEDED", "bad\ufffdbyte \ufffd done")


def test_an_html_answer_falls_back_to_the_next_provider(make_server, token):
    """SEC-15: like a 5xx, a web page instead of an answer lets the next provider answer the run."""
    primary, backup = FakeOpenAI(answer="html"), FakeAnthropic(words=["backup"])
    try:
        env = _provider_env("primary", primary) | _provider_env("backup", backup)
        env |= {"OZ_DEFAULT_PROVIDER": "primary", "OZ_PROVIDER_FALLBACK_ORDER": "primary,backup"}
        client = sdk(make_server(env), token)
        run_id = client.agent.run(prompt="hi").run_id
        run = wait_for(lambda: (r := client.agent.runs.retrieve(run_id)).state in ENDED and r, timeout=20)
    finally:
        primary.close()
        backup.close()
    assert (run.state, run.output, run.provider) == ("SUCCEEDED", "backup", "backup")
    outcomes = [attempt["outcome"] for attempt in run.model_extra["attempts"]]
    assert outcomes[0].startswith("TransientError:") and "HTML page" in outcomes[0]
    assert outcomes[1] == "answered"


def test_provider_timeouts_default_to_60_seconds_and_bad_values_are_named():
    """SEC-15: both timeouts are settings (60 s unless set); a value that is not a positive number
    is reported in one sentence naming the variable."""
    base = {"OZ_CONFIG_FILE": "", "OZ_PROVIDER_X_TYPE": "openai_compatible"}
    settings = load_settings(base)
    assert (settings.provider_first_byte_timeout, settings.provider_idle_timeout) == (60, 60)
    assert (settings.providers["x"].first_byte_timeout, settings.providers["x"].idle_timeout) == (60, 60)
    tuned = load_settings(base | {"OZ_PROVIDER_FIRST_BYTE_TIMEOUT": "90", "OZ_PROVIDER_IDLE_TIMEOUT": "2.5"})
    assert (tuned.providers["x"].first_byte_timeout, tuned.providers["x"].idle_timeout) == (90, 2.5)
    with pytest.raises(ConfigError) as caught:
        load_settings(base | {"OZ_PROVIDER_FIRST_BYTE_TIMEOUT": "soon", "OZ_PROVIDER_IDLE_TIMEOUT": "-1"})
    assert caught.value.problems == [
        "OZ_PROVIDER_FIRST_BYTE_TIMEOUT must be a positive number such as 1.5, not 'soon'.",
        "OZ_PROVIDER_IDLE_TIMEOUT must be a positive number such as 1.5, not '-1'.",
    ]
