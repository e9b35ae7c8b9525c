"""Prometheus metrics: the control plane's ``/metrics`` (OPS-1) and a worker's ``--metrics-port``
(OPS-2), scraped over HTTP and read with Prometheus' own text parser, around real runs: the SDK,
real control-plane processes, providers served by tests/fake_llm.py, a real ``oz-app --worker``
with the Docker engine."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import (
    ADMIN_KEY,
    drop_postgres_database,
    free_port,
    new_database_url,
    sdk,
    start_server,
    two_servers,
    wait_for,
)
from tests.docker_support import build_task_image, containers_of, docker_client, new_worker_id
from tests.fake_llm import FakeOpenAI
from tests.test_worker_hub import FakeWorker

METRICS_TOKEN = "metrics-" + secrets.token_hex(16)
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")
Sample = tuple[str, dict[str, str], float]


def scrape(url: str, key: str = ADMIN_KEY) -> list[Sample]:
    """Every sample of ``url``'s metrics, as Prometheus parses them."""
    response = httpx.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sum of the samples named ``name`` whose labels include ``labels`` (0 when none)."""
    return sum(v for n, have, v in samples if n == name and labels.items() <= have.items())


def labels_of(samples: list[Sample], name: str, label: str) -> set[str]:
    return {have[label] for n, have, _ in samples if n == name and label in have}


@pytest.fixture
def fakes() -> Iterator[Any]:
    servers: list[FakeOpenAI] = []

    def make(**script: Any) -> FakeOpenAI:
        servers.append(FakeOpenAI(**script))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def _provider(key: str, fake: FakeOpenAI, **settings: str) -> dict[str, str]:
    upper = key.upper()
    return {
        f"OZ_PROVIDER_{upper}_TYPE": "openai_compatible",
        f"OZ_PROVIDER_{upper}_BASE_URL": fake.url,
        f"OZ_PROVIDER_{upper}_MODEL": f"{key}-model",
        f"OZ_PROVIDER_{upper}_API_KEY": f"sk-{key}-{secrets.token_hex(8)}",
        **{f"OZ_PROVIDER_{upper}_{name}": setting for name, setting in settings.items()},
    }


def _ended(client: Any, run_id: str, timeout: float = 20) -> Any:
    return wait_for(lambda: (run := client.agent.runs.retrieve(run_id)).state in ENDED and run, timeout=timeout)


# --- who may scrape -------------------------------------------------------------------------


def test_only_the_admin_and_the_metrics_token_may_scrape(make_server, fakes, token):
    """OPS-1 on hostile ground: an anonymous caller gets 401, a member (any tenant token) 403; the
    admin key and OZ_METRICS_TOKEN read the metrics, and the metrics token opens nothing else.
    Nothing secret is in the metrics: no provider key, no admin key, no tenant token."""
    env = _provider("primary", fakes()) | {"OZ_DEFAULT_PROVIDER": "primary", "OZ_METRICS_TOKEN": METRICS_TOKEN}
    server = make_server(env)
    url = server.url + "/metrics"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer"}).status_code == 401
    member = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
    assert member.status_code == 403
    assert member.json()["error"] == "Only the admin, or the holder of OZ_METRICS_TOKEN, may read the metrics."
    assert httpx.get(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}x"}).status_code == 403
    assert httpx.get(url, headers={"Authorization": f"Basic {METRICS_TOKEN}"}).status_code == 401
    sdk(server, token).agent.run(prompt="hello")
    text = httpx.get(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    assert "oz_runs" in text and "oz_build_info" in text
    for secret in (env["OZ_PROVIDER_PRIMARY_API_KEY"], ADMIN_KEY, token, METRICS_TOKEN):
        assert secret not in text
    assert scrape(url)  # the admin key
    as_scraper = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert httpx.get(server.api + "/providers", headers=as_scraper).status_code == 403
    assert httpx.get(server.api + "/admin/tokens", headers=as_scraper).status_code == 403


def test_the_workspace_serves_the_same_metrics(tmp_path, token):
    """OPS-1: the workspace (``oz-app --headless``) hands /metrics to its control plane: the admin
    key reads it; anonymous callers and tokens it did not issue are refused."""
    database_url = new_database_url(tmp_path)
    server = start_server(tmp_path / "workspace", database_url, part="--workspace", timeout=40)
    try:
        url = server.url + "/metrics"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401  # not issued
        samples = scrape(url)
        assert value(samples, "oz_runs", state="QUEUED") == 0
        assert "/health" in labels_of(samples, "oz_http_request_duration_seconds_count", "route")
    finally:
        server.stop()
        if database_url.startswith("postgres"):
            drop_postgres_database(database_url)


def test_metrics_off_answer_404_and_count_nothing(make_server):
    """OPS-1: OZ_METRICS=false turns /metrics off (for the benchmark), with a sentence saying so."""
    server = make_server({"OZ_METRICS": "false"})
    response = httpx.get(server.url + "/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert response.status_code == 404
    assert response.json()["error"] == "Metrics are off on this server (OZ_METRICS=false)."


# --- the control plane's numbers ------------------------------------------------------------


def test_runs_providers_and_requests_before_and_after_runs(make_server, fakes, token):
    """OPS-1: scraped before and after real runs through the SDK. A 429 from ``primary`` counts a
    call, a RateLimited error and a fallback to ``backup``, which answers; ``primary`` is then
    saturated (the next run skips it: one more fallback, no call); a 400 from ``custom`` fails its
    run. Runs by state, run durations, quota use and HTTP latency by route template follow."""
    primary = fakes(status=429, retry_after="60")
    backup = fakes(words=["backup", " answer"])
    custom = fakes(status=400)
    env = (
        _provider("primary", primary)
        | _provider("backup", backup, MSG_LIMIT="10", WINDOW_SECONDS="600")
        | _provider("custom", custom)
        | {"OZ_DEFAULT_PROVIDER": "primary", "OZ_PROVIDER_FALLBACK_ORDER": "primary,backup"}
    )
    server = make_server(env)
    url = server.url + "/metrics"
    before = scrape(url)
    assert {state: value(before, "oz_runs", state=state) for state in ("QUEUED", "SUCCEEDED", "FAILED")} == {
        "QUEUED": 0,
        "SUCCEEDED": 0,
        "FAILED": 0,
    }
    assert value(before, "oz_provider_calls_total") == 0
    assert value(before, "oz_provider_saturated", provider="primary") == 0
    assert value(before, "oz_provider_quota_used_ratio", provider="backup") == 0
    assert value(before, "oz_workers_connected") == 0

    client = sdk(server, token)
    first = _ended(client, client.agent.run(prompt="first").run_id)
    second = _ended(client, client.agent.run(prompt="second").run_id)
    failed = _ended(client, client.agent.run(prompt="third", config={"model_id": "custom"}).run_id)
    assert (first.provider, second.provider, failed.state) == ("backup", "backup", "FAILED")
    assert client.agent.runs.retrieve(first.run_id).state == "SUCCEEDED"
    httpx.get(server.api + f"/agent/runs/{secrets.token_hex(8)}", headers={"Authorization": f"Bearer {token}"})
    httpx.get(server.url + f"/no/such/page/{secrets.token_hex(8)}")
    httpx.request("PROPFIND", server.api + "/agent/runs", headers={"Authorization": f"Bearer {token}"})

    after = scrape(url)
    assert value(after, "oz_runs", state="SUCCEEDED") == 2 and value(after, "oz_runs", state="FAILED") == 1
    assert value(after, "oz_run_queue_depth") == 0
    calls = {
        (labels["provider"], labels["outcome"]): count
        for name, labels, count in after
        if name == "oz_provider_calls_total" and count
    }
    assert calls == {("primary", "failed"): 1, ("backup", "answered"): 2, ("custom", "failed"): 1}
    assert value(after, "oz_provider_errors_total", provider="primary", error="RateLimited") == 1
    assert value(after, "oz_provider_errors_total", provider="custom") == 1
    assert value(after, "oz_provider_errors_total", provider="backup") == 0
    assert value(after, "oz_provider_fallbacks_total", provider="primary") == 2
    assert value(after, "oz_provider_fallbacks_total", provider="backup") == 0
    assert value(after, "oz_provider_call_duration_seconds_count", provider="backup", outcome="answered") == 2
    assert value(after, "oz_provider_saturated", provider="primary") == 1
    assert 50 < value(after, "oz_provider_saturated_seconds", provider="primary") <= 60
    assert value(after, "oz_provider_quota_used_ratio", provider="backup") == pytest.approx(0.2)
    assert value(after, "oz_run_duration_seconds_count", state="SUCCEEDED", location="LOCAL") == 2
    assert value(after, "oz_run_duration_seconds_count", state="FAILED", location="LOCAL") == 1

    routes = labels_of(after, "oz_http_request_duration_seconds_count", "route")
    assert {"/api/v1/agent/runs", "/api/v1/agent/runs/{run_id}", "/metrics", "unmatched"} <= routes
    assert not any(run_id in route for route in routes for run_id in (first.run_id, failed.run_id))
    assert all(route.startswith("/") or route == "unmatched" for route in routes)
    assert value(after, "oz_http_request_duration_seconds_count", route="/api/v1/agent/runs/{run_id}", status="404")
    assert value(after, "oz_http_request_duration_seconds_count", route="unmatched", status="404") == 1
    assert value(after, "oz_http_request_duration_seconds_count", method="other") == 1
    assert labels_of(after, "oz_http_request_duration_seconds_count", "method") <= {"GET", "POST", "other"}


async def test_runs_by_state_are_the_databases_and_workers_are_read_at_scrape(make_server, tmp_path, token):
    """OPS-1: a run written by another process (control plane A) is counted by B's /metrics, which
    reads the shared database when scraped: the PENDING queue's depth and age, then the run on a
    worker connected to B (its capacity and free slots), then its cancel made on A."""
    first, second = two_servers(make_server, tmp_path, {"OZ_SECRET_KEY": Fernet.generate_key().decode()})
    headers = {"Authorization": f"Bearer {token}"}
    body = {"name": "task", "docker_image": "busybox:local"}
    created = await asyncio.to_thread(httpx.post, first.api + "/environments", json=body, headers=headers)
    environment = created.json()["id"]
    client = sdk(first, token)
    run_id = client.agent.run(prompt="wait for a worker", config={"environment_id": environment}).run_id
    url = second.url + "/metrics"
    seen = scrape(url)
    assert value(seen, "oz_runs", state="PENDING") == 1
    assert value(seen, "oz_run_queue_depth", state="PENDING") == 1
    age = value(seen, "oz_run_queue_oldest_age_seconds", state="PENDING")
    assert 0 <= age < 30
    later = wait_for(lambda: (again := scrape(url)) and value(again, "oz_run_queue_oldest_age_seconds") > age and again)
    assert value(later, "oz_runs", state="PENDING") == 1

    async with FakeWorker(second, worker_id="metrics-w1", capacity=2) as worker:
        assignment = await worker.receive()
        assert assignment["data"]["task_id"] == run_id
        held = scrape(url)
        assert value(held, "oz_workers_connected") == 1
        assert value(held, "oz_connected_worker_capacity", worker="metrics-w1") == 2
        assert value(held, "oz_connected_worker_free_slots", worker="metrics-w1") == 1
        assert value(held, "oz_connected_worker_running_runs", worker="metrics-w1") == 1
        assert value(held, "oz_run_queue_depth", state="PENDING") == 0
        assert value(held, "oz_runs", state="CLAIMED") == 1
        assert value(scrape(first.url + "/metrics"), "oz_workers_connected") == 0  # connected to B only
        client.agent.runs.cancel(run_id)
        ended = scrape(url)
        assert value(ended, "oz_runs", state="CANCELLED") == 1 and value(ended, "oz_runs", state="CLAIMED") == 0
    wait_for(lambda: value(scrape(url), "oz_workers_connected") == 0)


# --- a worker's numbers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    client = docker_client()
    return {"client": client, "image": build_task_image(client, tmp_path_factory.mktemp("task-image"))}


@pytest.fixture
def worker_process(engine: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    """Start ``oz-app --worker ID --metrics-port N``; stopped after the test, its containers gone."""
    started: list[tuple[subprocess.Popen[bytes], str]] = []

    def start(server: Any, port: int, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        worker_id = new_worker_id()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("OZ_")}
        full_env.update(OZ_API_KEY=ADMIN_KEY, OZ_CONFIG_FILE="", OZ_LOG_FORMAT="json", **env)
        log = tmp_path / f"{worker_id}.log"
        command = [sys.executable, "-m", "oz_app.cli", "--worker", worker_id, "--server", server.url]
        command += ["--max-concurrent-runs", "2", "--metrics-port", str(port)]
        with log.open("ab") as out:
            process = subprocess.Popen(command, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        started.append((process, worker_id))
        return process, log

    yield start
    leftovers = []
    for process, worker_id in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        leftovers += containers_of(engine["client"], worker_id)
    for container in leftovers:
        container.remove(force=True)
    assert not leftovers, "containers were left behind"


def _worker_scrape(url: str, key: str = METRICS_TOKEN) -> list[Sample] | None:
    try:
        return scrape(url, key)
    except httpx.TransportError:
        return None


def test_a_worker_serves_its_metrics_while_it_runs(make_server, worker_process, engine, token):
    """OPS-2: ``oz-app --worker ID --metrics-port N`` serves /metrics (to OZ_METRICS_TOKEN only):
    its capacity and free slots, the run executing while it runs, then runs finished by outcome,
    the failed one by stage, and the container start latency."""
    server = make_server()
    port = free_port()
    process, log = worker_process(server, port, OZ_METRICS_TOKEN=METRICS_TOKEN)
    url = f"http://127.0.0.1:{port}/metrics"
    idle = wait_for(lambda: _worker_scrape(url), timeout=30)
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}).status_code == 401
    assert value(idle, "oz_worker_capacity") == 2 and value(idle, "oz_worker_free_slots") == 2
    assert value(idle, "oz_worker_running_tasks") == 0 and value(idle, "oz_worker_runs_finished_total") == 0
    wait_for(lambda: value(scrape(server.url + "/metrics"), "oz_workers_connected") == 1, timeout=30)

    headers = {"Authorization": f"Bearer {token}"}
    body = {"name": "task", "docker_image": engine["image"]}
    environment = httpx.post(server.api + "/environments", json=body, headers=headers).json()["id"]
    client = sdk(server, token)
    napping = client.agent.run(prompt="nap a little", config={"environment_id": environment}).run_id
    busy = wait_for(lambda: (seen := _worker_scrape(url)) and value(seen, "oz_worker_running_tasks") == 1 and seen)
    assert value(busy, "oz_worker_free_slots") == 1 and value(busy, "oz_worker_held_tasks") == 1
    assert _ended(client, napping, timeout=60).state == "SUCCEEDED", log.read_text()
    failing = client.agent.run(prompt="fail please", config={"environment_id": environment}).run_id
    assert _ended(client, failing, timeout=60).state == "FAILED"

    finished = "oz_worker_runs_finished_total"
    after = wait_for(lambda: (seen := _worker_scrape(url)) and value(seen, finished) > 1 and seen)
    assert value(after, "oz_worker_runs_finished_total", outcome="succeeded") == 1
    assert value(after, "oz_worker_runs_finished_total", outcome="failed") == 1
    assert value(after, "oz_worker_failures_total", stage="harness") == 1
    assert value(after, "oz_worker_run_duration_seconds_count") == 2
    assert value(after, "oz_worker_running_tasks") == 0 and value(after, "oz_worker_free_slots") == 2
    assert value(after, "oz_worker_container_start_seconds_count") == 2
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_a_worker_refuses_a_port_it_cannot_listen_on(tmp_path):
    """OPS-2: a metrics port already taken stops the worker at once with one sentence."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OZ_")}
        env.update(OZ_API_KEY=ADMIN_KEY, OZ_CONFIG_FILE="", OZ_WORKER_BACKEND="docker")
        command = [sys.executable, "-m", "oz_app.cli", "--worker", "w", "--server", "http://127.0.0.1:9"]
        started = time.monotonic()
        done = subprocess.run(
            [*command, "--metrics-port", str(port)], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2
    assert f"oz-app: cannot serve metrics on 127.0.0.1:{port}: Address already in use." in done.stderr
    assert time.monotonic() - started < 30


def test_metrics_port_is_a_worker_flag(tmp_path):
    """OPS-2: --metrics-port without --worker says where a control plane's metrics are instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OZ_")} | {"OZ_CONFIG_FILE": ""}
    command = [sys.executable, "-m", "oz_app.cli", "--headless", "--metrics-port", "9100", "--data-dir", str(tmp_path)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (
        "oz-app: --metrics-port is for a worker (--worker ID); a control plane serves /metrics on its port.\n"
    )


def test_metrics_settings_are_checked():
    """OPS-1: OZ_METRICS is on unless turned off; a bad value or a short OZ_METRICS_TOKEN is one sentence."""
    from oz_app.config import ConfigError, load_settings

    assert load_settings({"OZ_CONFIG_FILE": ""}).metrics is True
    assert load_settings({"OZ_CONFIG_FILE": "", "OZ_METRICS": "false"}).metrics is False
    for env, problem in (
        ({"OZ_METRICS": "maybe"}, "OZ_METRICS must be true or false, not 'maybe'."),
        (
            {"OZ_METRICS_TOKEN": "short"},
            "OZ_METRICS_TOKEN must be at least 16 characters (it is a password for /metrics): "
            "use a long random string.",
        ),
    ):
        with pytest.raises(ConfigError) as raised:
            load_settings({"OZ_CONFIG_FILE": "", **env})
        assert raised.value.problems == [problem]
    assert METRICS_TOKEN not in repr(load_settings({"OZ_CONFIG_FILE": "", "OZ_METRICS_TOKEN": METRICS_TOKEN}))
