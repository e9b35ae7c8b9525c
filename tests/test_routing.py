"""The provider router end to end: a real control plane, the real openai_compatible plugin, local
servers speaking the OpenAI streaming format (PR-2..PR-6)."""

from __future__ import annotations

import secrets
import time

import pytest

from tests.conftest import sdk, wait_for
from tests.fake_llm import FakeOpenAI

ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")


@pytest.fixture
def fakes():
    servers: list[FakeOpenAI] = []

    def make(**script) -> FakeOpenAI:
        servers.append(FakeOpenAI(**script))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def _providers(**servers: FakeOpenAI) -> dict[str, str]:
    env = {}
    for key, server in servers.items():
        upper = key.upper()
        env |= {
            f"OZ_PROVIDER_{upper}_TYPE": "openai_compatible",
            f"OZ_PROVIDER_{upper}_BASE_URL": server.url,
            f"OZ_PROVIDER_{upper}_MODEL": f"{key}-model",
            f"OZ_PROVIDER_{upper}_API_KEY": f"sk-{key}-{secrets.token_hex(8)}",
        }
    return env


def _finished(client, run_id, states=ENDED, timeout=15):
    return wait_for(lambda: (run := client.agent.runs.retrieve(run_id)).state in states and run, timeout=timeout)


def test_a_run_streams_its_answer_from_an_openai_compatible_server(make_server, fakes, token):
    """PR-1, PR-2: the custom harness maps to the `custom` provider, which answers with its model and key."""
    fake = fakes()
    env = _providers(custom=fake)
    client = sdk(make_server(env), token)
    run = _finished(client, client.agent.run(prompt="say hello", config={"model_id": "custom"}).run_id)
    assert run.state == "SUCCEEDED"
    assert run.output == "Hello from the fake"
    assert run.provider == "custom" and run.provider_model == "custom-model"
    [request] = fake.requests
    assert request["body"]["model"] == "custom-model" and request["body"]["stream"] is True
    assert request["body"]["messages"][-1] == {"role": "user", "content": "say hello"}
    assert request["headers"]["Authorization"] == f"Bearer {env['OZ_PROVIDER_CUSTOM_API_KEY']}"


@pytest.mark.parametrize("failure", [{"status": 429, "retry_after": "30"}, {"status": 503}, {"status": 500}])
def test_rate_limits_and_server_errors_fall_back_to_the_next_provider(make_server, fakes, token, failure):
    """PR-4: 429 (with Retry-After) and 5xx move the run to the next provider, which answers it."""
    primary, backup = fakes(**failure), fakes(words=["backup", " answer"])
    env = _providers(primary=primary, backup=backup) | {
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_PROVIDER_FALLBACK_ORDER": "primary,backup",
    }
    client = sdk(make_server(env), token)
    run = _finished(client, client.agent.run(prompt="hi").run_id)
    assert run.state == "SUCCEEDED"
    assert run.output == "backup answer"
    assert run.provider == "backup"
    outcomes = [(a["provider"], a["outcome"].split(":")[0]) for a in run.model_extra["attempts"]]
    expected = "RateLimited" if failure["status"] == 429 else "TransientError"
    assert outcomes == [("primary", expected), ("backup", "answered")]
    if failure["status"] == 429:  # saturated until Retry-After: the next run skips the primary entirely
        second = _finished(client, client.agent.run(prompt="again").run_id)
        assert second.provider == "backup"
        assert len(primary.requests) == 1


def test_an_unreachable_provider_falls_back(make_server, fakes, token):
    """PR-4: a connection error is transient and moves to the next provider."""
    dead = fakes()
    dead.close()
    backup = fakes(words=["still", " here"])
    env = _providers(primary=dead, backup=backup) | {
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_PROVIDER_FALLBACK_ORDER": "backup",
    }
    client = sdk(make_server(env), token)
    run = _finished(client, client.agent.run(prompt="hi").run_id)
    assert (run.state, run.output, run.provider) == ("SUCCEEDED", "still here", "backup")


def test_a_400_does_not_fall_back(make_server, fakes, token):
    """PR-4: a 4xx other than 429 fails the run with the provider's message; the fallback is not asked."""
    primary, backup = fakes(status=400), fakes()
    env = _providers(primary=primary, backup=backup) | {
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_PROVIDER_FALLBACK_ORDER": "primary,backup",
    }
    client = sdk(make_server(env), token)
    run = _finished(client, client.agent.run(prompt="hi").run_id)
    assert run.state == "FAILED"
    assert "fake error 400" in run.status_message.message
    assert run.status_message.retryable is False
    assert backup.requests == []


def test_quota_saturates_and_the_run_fails_clearly_without_a_queue(make_server, fakes, token):
    """PR-3: with 2 messages per window and no fallback, the third run is refused, naming the limit."""
    fake = fakes()
    env = _providers(primary=fake) | {
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_PROVIDER_PRIMARY_MSG_LIMIT": "2",
        "OZ_PROVIDER_PRIMARY_WINDOW_SECONDS": "60",
    }
    client = sdk(make_server(env), token)
    runs = [_finished(client, client.agent.run(prompt=f"run {i}").run_id) for i in range(3)]
    assert [run.state for run in runs] == ["SUCCEEDED", "SUCCEEDED", "FAILED"]
    assert "primary: rate-limited for 60 s" in runs[2].status_message.message
    assert len(fake.requests) == 2
    other_tenant = sdk(make_server(env), "tenant-" + secrets.token_hex(8))  # quotas are per tenant
    assert _finished(other_tenant, other_tenant.agent.run(prompt="mine").run_id).state == "SUCCEEDED"


def test_queue_on_saturation_waits_visibly_then_answers_when_the_window_rolls(make_server, fakes, token):
    """PR-3, PR-5: a saturated run waits QUEUED with a reason, and runs once the rolling window frees a slot."""
    fake = fakes()
    env = _providers(primary=fake) | {
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_PROVIDER_PRIMARY_MSG_LIMIT": "1",
        "OZ_PROVIDER_PRIMARY_WINDOW_SECONDS": "3",
        "OZ_QUEUE_ON_SATURATION": "true",
        "OZ_QUEUE_MAX_WAIT_SECONDS": "30",
    }
    client = sdk(make_server(env), token)
    first = _finished(client, client.agent.run(prompt="first").run_id)
    started = time.monotonic()
    second_id = client.agent.run(prompt="second").run_id
    waiting = wait_for(
        lambda: (r := client.agent.runs.retrieve(second_id)).state == "QUEUED" and r.status_message and r
    )
    assert "every provider is saturated" in waiting.status_message.message
    second = _finished(client, second_id)
    assert first.state == second.state == "SUCCEEDED"
    assert time.monotonic() - started >= 1.5  # it really waited for the window to roll


def test_the_queue_gives_up_after_its_bound_with_a_clear_reason(make_server, fakes, token):
    """PR-5: a queue that would wait past OZ_QUEUE_MAX_WAIT_SECONDS fails the run and says why."""
    fake = fakes(status=429, retry_after="120")
    env = _providers(primary=fake) | {
        "OZ_DEFAULT_PROVIDER": "primary",
        "OZ_QUEUE_ON_SATURATION": "true",
        "OZ_QUEUE_MAX_WAIT_SECONDS": "5",
    }
    client = sdk(make_server(env), token)
    run = _finished(client, client.agent.run(prompt="hi").run_id)
    assert run.state == "FAILED"
    assert "Gave up waiting for a provider after 5 s" in run.status_message.message
    assert run.status_message.retryable is True


def test_cancel_aborts_the_http_call_at_once(make_server, fakes, token):
    """PR-6: cancelling a streaming run drops the provider connection at once (the bound is loose
    for a busy machine, yet far below the 10 s the answer would take) and keeps the output so far."""
    fake = fakes(words=[f"w{i} " for i in range(200)], delay=0.05)
    client = sdk(make_server(_providers(primary=fake) | {"OZ_DEFAULT_PROVIDER": "primary"}), token)
    run_id = client.agent.run(prompt="long").run_id
    wait_for(lambda: client.agent.runs.retrieve(run_id).output.startswith("w0 w1"))
    client.agent.runs.cancel(run_id)
    wait_for(lambda: fake.disconnects == 1, timeout=3.0)
    run = client.agent.runs.retrieve(run_id)
    assert run.state == "CANCELLED"
    assert run.output.startswith("w0 w1")


def test_api_keys_never_appear_in_logs_or_responses(make_server, fakes, token):
    """PR-2: provider keys stay secret, even when the provider fails and the run is inspected."""
    fake = fakes(status=401)
    env = _providers(primary=fake) | {"OZ_DEFAULT_PROVIDER": "primary", "OZ_LOG_LEVEL": "DEBUG"}
    srv = make_server(env)
    client = sdk(srv, token)
    run = _finished(client, client.agent.run(prompt="hi").run_id)
    assert run.state == "FAILED"
    key = env["OZ_PROVIDER_PRIMARY_API_KEY"]
    assert key not in run.model_dump_json()
    assert key not in client.agent.runs.list().model_dump_json()
    assert key not in srv.log()
