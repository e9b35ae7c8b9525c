"""Runs executed by real control-plane processes: success, cancel, shutdown, crashes, several
processes on one database (CP-3, CP-4, CP-9, CP-10)."""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from tests.conftest import events, follow_events, scripted_provider_env, sdk, wait_for


def _state(client, run_id, *states):
    run = client.agent.runs.retrieve(run_id)
    return run if run.state in states else None


def test_a_run_is_answered_by_the_configured_provider(make_server, tmp_path, token):
    """CP-4: a run without environment is streamed by the default provider and ends SUCCEEDED."""
    env = scripted_provider_env(tmp_path)
    client = sdk(make_server(env), token)
    run_id = client.agent.run(prompt="hello").run_id
    run = wait_for(lambda: _state(client, run_id, "SUCCEEDED", "FAILED"))
    assert run.state == "SUCCEEDED"
    assert run.output == "chunk0 chunk1 chunk2 "
    assert run.provider == "test"
    assert run.started_at is not None and run.run_time.startswith("PT")
    assert events(env) == [f"start {run_id}", f"done {run_id}"]


def test_cancel_stops_the_provider_call_and_is_never_overwritten(make_server, tmp_path, token):
    """CP-3: cancelling an in-progress run stops its provider call and the run stays CANCELLED."""
    env = scripted_provider_env(tmp_path, OZ_TEST_CHUNKS="100", OZ_TEST_DELAY="0.1")
    client = sdk(make_server(env), token)
    run_id = client.agent.run(prompt="long answer").run_id
    wait_for(lambda: _state(client, run_id, "INPROGRESS") and f"start {run_id}" in events(env))
    assert client.agent.runs.cancel(run_id) == run_id
    wait_for(lambda: f"stop {run_id}" in events(env), timeout=10)
    run = client.agent.runs.retrieve(run_id)
    assert run.state == "CANCELLED"
    assert f"done {run_id}" not in events(env)


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_two_control_planes_on_one_database_never_run_a_run_twice(make_server, new_database, tmp_path, token, dialect):
    """CP-10: two processes sharing one database execute every run exactly once."""
    url = new_database(dialect)
    env = scripted_provider_env(tmp_path, OZ_TEST_DELAY="0.01")
    first = make_server(env, database_url=url, data_dir=tmp_path / "a")
    second = make_server(env, database_url=url, data_dir=tmp_path / "b")
    clients = [sdk(first, token), sdk(second, token)]
    ids = [clients[i % 2].agent.run(prompt=f"job {i}").run_id for i in range(40)]
    wait_for(lambda: all(_state(clients[0], run_id, "SUCCEEDED") for run_id in ids), timeout=30)
    starts = Counter(line.split()[1] for line in events(env) if line.startswith("start"))
    assert set(starts) == set(ids)
    assert max(starts.values()) == 1


def test_shutdown_hands_runs_back_and_the_next_start_resumes_them(make_server, new_database, tmp_path, token):
    """CP-9: SIGTERM stops taking work, hands an unfinished run back, and a restart finishes it."""
    url = new_database()
    slow = scripted_provider_env(tmp_path, OZ_TEST_CHUNKS="1000", OZ_TEST_DELAY="0.1", OZ_SHUTDOWN_GRACE_SECONDS="1")
    srv = make_server(slow, database_url=url, data_dir=tmp_path / "data")
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="interrupted").run_id
    wait_for(lambda: _state(client, run_id, "INPROGRESS"))
    assert srv.stop(signal.SIGTERM) == 0

    fast = {**slow, "OZ_TEST_CHUNKS": "2", "OZ_TEST_DELAY": "0"}
    restarted = make_server(fast, database_url=url, data_dir=tmp_path / "data")
    client = sdk(restarted, token)
    run = wait_for(lambda: _state(client, run_id, "SUCCEEDED", "FAILED"))
    assert run.state == "SUCCEEDED"
    assert run.output == "chunk0 chunk1 "
    assert [line.split()[0] for line in events(slow)] == ["start", "stop", "start", "done"]


def test_a_crashed_process_leaves_no_run_stuck(make_server, new_database, tmp_path, token):
    """CP-9: after SIGKILL mid-run, the next process fails the run with a reason once its lease expires."""
    url = new_database()
    env = scripted_provider_env(tmp_path, OZ_TEST_CHUNKS="1000", OZ_TEST_DELAY="0.1", OZ_LEASE_SECONDS="2")
    srv = make_server(env, database_url=url, data_dir=tmp_path / "data")
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="doomed").run_id
    wait_for(lambda: _state(client, run_id, "INPROGRESS"))
    srv.stop(signal.SIGKILL)

    restarted = make_server(env, database_url=url, data_dir=tmp_path / "data")
    client = sdk(restarted, token)
    run = wait_for(lambda: _state(client, run_id, "FAILED", "SUCCEEDED", "QUEUED"), timeout=15)
    assert run.state == "FAILED"
    assert "stopped before it finished" in run.status_message.message
    assert run.status_message.retryable is True


def test_live_output_streams_while_the_provider_answers(make_server, tmp_path, token):
    """PR-6: a follower sees output chunks as they are produced, then the final state, once each."""
    env = scripted_provider_env(tmp_path, OZ_TEST_CHUNKS="8", OZ_TEST_DELAY="0.05")
    srv = make_server(env)
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="stream please").run_id
    received = follow_events(srv, token, run_id)
    text = "".join(data["text"] for event, data in received if event == "output")
    assert text == "".join(f"chunk{i} " for i in range(8))
    states = [data["state"] for event, data in received if event == "state"]
    assert states[-1] == "SUCCEEDED"
    assert len([event for event, _ in received if event == "output"]) > 1  # streamed, not one block at the end
    finished = follow_events(srv, token, run_id)  # following a finished run replays it and ends
    # ST-2: the status message is the status only, never a copy of the output
    assert finished == [
        ("output", {"offset": 0, "text": text}),
        ("state", {"state": "SUCCEEDED", "status_message": None}),
    ]


def test_another_tenant_cannot_follow_a_run(server, token):
    """CP-1: the live stream checks ownership like every other route."""
    import httpx

    run_id = sdk(server, token).agent.run(prompt="private").run_id
    response = httpx.get(f"{server.api}/agent/runs/{run_id}/events", headers={"Authorization": "Bearer someone-else"})
    assert response.status_code == 404
