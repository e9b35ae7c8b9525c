"""Worker benchmark: a run through the API and ``oz-app --worker`` against a plain ``docker run``.

    python benchmarks/worker.py [--runs 15] [--cancels 10] [--concurrent 20]

Builds (or reuses) the fake-harness task image of ``tests/docker_support.py``, starts its own
``oz-app --headless --control-plane`` process (a temporary data dir, a free port, SQLite in
that dir) and one ``oz-app --worker`` process (the admin key, ``--max-concurrent-runs 20``),
creates an environment with that image, then measures side by side in one run:

1. overhead per run: N plain ``docker run --rm <image> /bin/sh -c 'claude -p ...'`` (the
   docker CLI, as a user would type it; docker-py's ``containers.run(remove=True)`` is shown
   too) against N runs created with the SDK and polled every 10 ms until SUCCEEDED, one after
   another and interleaved with the plain runs so that machine noise hits both alike. The
   overhead is the difference of the medians. The API run also does the sidecar's entrypoint
   work (task document, workspace) before the same fake ``claude``. A run ends once its task has
   exited and its result is read, while the engine removes the container by itself; a second
   series of API runs is also timed until its container is gone, like ``docker run --rm``;
2. cancel to container gone: a ``sleep`` run is started; once it is INPROGRESS and a container
   labelled ``oz.run_id=<run id>`` exists, it is cancelled with the SDK and the time until no
   container carries that label is taken (polled every 10 ms);
3. concurrency: 20 ``nap`` runs (2 s each in the container) created at once; the time until
   none is unfinished, and how many SUCCEEDED (all must).

Prints a table of metric, value, target and PASS/FAIL. A benchmark, not a test: the exit
status is 0 whatever the numbers (non-zero only if the control plane or worker cannot start).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from _common import ROOT, Server, Table, discard, ms, server_env, start_server

sys.path.insert(0, str(ROOT))
from tests.docker_support import build_task_image, containers_of, docker_client

TARGET_OVERHEAD_S = 0.060
TARGET_CANCEL_S = 0.5  # median
TARGET_CANCEL_MAX_S = 1.0
CONCURRENT_TIMEOUT_S = 120.0
POLL_S = 0.01
BUSY = ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS"]
ENDED = {"SUCCEEDED", "FAILED", "CANCELLED", "ERROR", "BLOCKED"}
PROMPT = "bench hello"


class WorkerProcess:
    """An ``oz-app --worker`` process logging to a file."""

    def __init__(self, server: Server, worker_id: str, admin_key: str, log_path: Path, capacity: int) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL"))}
        env.update(OZ_API_KEY=admin_key, OZ_CONFIG_FILE="", OZ_LOG_FORMAT="json")
        self.log_path = log_path
        command = [
            sys.executable, "-m", "oz_app.cli", "--worker", worker_id, "--server", server.url,
            "--max-concurrent-runs", str(capacity),
        ]  # fmt: skip
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def plain_cli(image: str) -> float:
    """One ``docker run --rm`` of the fake harness through the docker CLI; seconds."""
    begin = time.perf_counter()
    done = subprocess.run(
        ["docker", "run", "--rm", image, "/bin/sh", "-c", f'claude -p "{PROMPT}"'],
        capture_output=True,
        timeout=60,
    )
    elapsed = time.perf_counter() - begin
    if done.returncode != 0 or b"pull/42" not in done.stdout:
        raise RuntimeError(f"plain docker run failed ({done.returncode}): {done.stderr[-300:]!r}")
    return elapsed


def plain_py(docker: Any, image: str) -> float:
    """The same through docker-py (create, start, wait, logs, remove); seconds."""
    begin = time.perf_counter()
    out = docker.containers.run(image, ["/bin/sh", "-c", f'claude -p "{PROMPT}"'], remove=True)
    elapsed = time.perf_counter() - begin
    if b"pull/42" not in out:
        raise RuntimeError(f"docker-py run printed {out[-300:]!r}")
    return elapsed


def wait_state(client: Any, run_id: str, states: set[str], timeout: float = 60.0) -> Any:
    deadline = time.perf_counter() + timeout
    while True:
        run = client.agent.runs.retrieve(run_id)
        if run.state in states:
            return run
        if time.perf_counter() > deadline:
            raise RuntimeError(f"run {run_id} still {run.state} after {timeout} s")
        time.sleep(POLL_S)


def api_run(client: Any, env_id: str, docker: Any = None, prompt: str = PROMPT) -> tuple[float, float]:
    """One run created with the SDK and polled until it ended, then (with ``docker``) until its
    container is gone; seconds to each. It must succeed."""
    begin = time.perf_counter()
    run_id = client.agent.run(prompt=prompt, config={"environment_id": env_id}).run_id
    run = wait_state(client, run_id, ENDED)
    elapsed = time.perf_counter() - begin
    if run.state != "SUCCEEDED" or "pull/42" not in (run.output or ""):
        raise RuntimeError(f"run {run_id} ended {run.state}: {run.status_message}")
    while docker is not None and run_containers(docker, run_id):
        if time.perf_counter() - begin > 60:
            raise RuntimeError(f"the container of run {run_id} was still there a minute after it ended")
        time.sleep(POLL_S)
    return elapsed, time.perf_counter() - begin


def run_containers(docker: Any, run_id: str) -> list[Any]:
    return list(docker.containers.list(all=True, sparse=True, filters={"label": f"oz.run_id={run_id}"}))


def cancel_once(client: Any, docker: Any, env_id: str) -> float:
    """Seconds from the SDK's cancel call to no container labelled with the run's id."""
    run_id = client.agent.run(prompt="sleep for the benchmark", config={"environment_id": env_id}).run_id
    deadline = time.perf_counter() + 60
    while not (client.agent.runs.retrieve(run_id).state == "INPROGRESS" and run_containers(docker, run_id)):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"run {run_id} never ran in a container")
        time.sleep(POLL_S)
    begin = time.perf_counter()
    client.agent.runs.cancel(run_id)
    while run_containers(docker, run_id):
        if time.perf_counter() - begin > 30:
            raise RuntimeError(f"the container of run {run_id} was still there 30 s after the cancel")
        time.sleep(POLL_S)
    elapsed = time.perf_counter() - begin
    state = wait_state(client, run_id, ENDED, timeout=10).state
    if state != "CANCELLED":
        raise RuntimeError(f"cancelled run {run_id} ended {state}")
    return elapsed


async def concurrent(api: str, token: str, env_id: str, count: int) -> tuple[float, dict[str, int]]:
    """``count`` nap runs created at once; seconds until none is unfinished, and their end states."""
    from oz_agent_sdk import AsyncOzAPI

    client = AsyncOzAPI(api_key=token, base_url=api, max_retries=0, timeout=30)
    try:
        begin = time.perf_counter()
        ids = await asyncio.gather(
            *(client.agent.run(prompt=f"nap {i}", config={"environment_id": env_id}) for i in range(count))
        )
        while (await client.agent.runs.list(state=BUSY, limit=1)).runs:  # type: ignore[arg-type]
            if time.perf_counter() - begin > CONCURRENT_TIMEOUT_S:
                break
            await asyncio.sleep(POLL_S * 5)
        elapsed = time.perf_counter() - begin
        runs = await asyncio.gather(*(client.agent.runs.retrieve(r.run_id) for r in ids))
        states: dict[str, int] = {}
        for run in runs:
            states[run.state] = states.get(run.state, 0) + 1
        return elapsed, states
    finally:
        await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="plain and API runs timed for the overhead (default 15)")
    parser.add_argument("--cancels", type=int, default=10, help="runs cancelled (default 10)")
    parser.add_argument("--concurrent", type=int, default=20, help="nap runs created at once (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir (logs, database)")
    args = parser.parse_args()
    if shutil.which("docker") is None:
        print("benchmark stopped: the docker CLI is not installed", file=sys.stderr)
        return 1

    from oz_agent_sdk import OzAPI

    docker = docker_client()
    data_dir = Path(tempfile.mkdtemp(prefix="oz-bench-worker-"))
    image = build_task_image(docker, data_dir / "task-image")
    admin_key = "bench-admin-" + secrets.token_hex(16)
    token = "bench-worker-" + secrets.token_hex(8)
    worker_id = f"bench-worker-{uuid.uuid4().hex[:10]}"
    database_url = f"sqlite://{data_dir / 'oz.db'}"
    table = Table()
    row = table.row
    print(f"oz-app worker benchmark: image {image}, worker {worker_id}, data in {data_dir}", flush=True)
    server: Server | None = None
    worker: WorkerProcess | None = None
    try:
        server = start_server(data_dir, server_env(admin_key, database_url))
        api = server.url + "/api/v1"
        worker = WorkerProcess(server, worker_id, admin_key, data_dir / "worker.log", capacity=args.concurrent)
        response = httpx.post(
            api + "/environments",
            json={"name": "bench", "docker_image": image},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 201:
            raise RuntimeError(f"creating the environment answered {response.status_code}: {response.text[:300]}")
        env_id = str(response.json()["id"])

        with OzAPI(api_key=token, base_url=api, max_retries=0, timeout=30) as client:
            # Warm-up (not counted): the worker connects, builds the sidecar volume, caches settle.
            for _ in range(3):
                api_run(client, env_id)
                plain_cli(image)
                plain_py(docker, image)

            # 1. Overhead, interleaved.
            cli, py, full, gone = [], [], [], []
            for _ in range(args.runs):
                cli.append(plain_cli(image))
                py.append(plain_py(docker, image))
                full.append(api_run(client, env_id)[0])
                gone.append(api_run(client, env_id, docker)[1])
            fmt = ", ".join
            print(f"docker run --rm (CLI): {fmt(f'{t * 1000:.0f}' for t in cli)} ms", flush=True)
            print(f"docker-py run:         {fmt(f'{t * 1000:.0f}' for t in py)} ms", flush=True)
            print(f"API run to SUCCEEDED:  {fmt(f'{t * 1000:.0f}' for t in full)} ms", flush=True)
            m_cli, m_py, m_full = statistics.median(cli), statistics.median(py), statistics.median(full)
            row(f"plain docker run --rm, CLI (median of {args.runs})", ms(m_cli))
            row(f"plain docker-py run(remove=True) (median of {args.runs})", ms(m_py))
            row(f"API run, create to SUCCEEDED (median of {args.runs})", ms(m_full))
            row("overhead per run vs docker run --rm (medians)", ms(m_full - m_cli), f"< {ms(TARGET_OVERHEAD_S)}",
                m_full - m_cli < TARGET_OVERHEAD_S)  # fmt: skip
            row("overhead per run vs docker-py (medians)", ms(m_full - m_py))
            # The run ends when its task has exited and its result is read; the engine then removes
            # the container by itself (auto-remove), which `docker run --rm` waits for.
            m_gone = statistics.median(gone)
            row(f"API run, create to container removed (median of {args.runs})", ms(m_gone))
            row("overhead to container removed vs docker run --rm (medians)", ms(m_gone - m_cli))

            # 2. Cancel to container gone.
            gaps = [cancel_once(client, docker, env_id) for _ in range(args.cancels)]
            print(f"cancel to container gone: {fmt(f'{g * 1000:.0f}' for g in gaps)} ms", flush=True)
            median, worst = statistics.median(gaps), max(gaps)
            row(f"cancel to container gone, median of {args.cancels}", ms(median), f"< {ms(TARGET_CANCEL_S)}",
                median < TARGET_CANCEL_S)  # fmt: skip
            row(f"cancel to container gone, max of {args.cancels}", ms(worst), f"< {ms(TARGET_CANCEL_MAX_S)}",
                worst < TARGET_CANCEL_MAX_S)  # fmt: skip

        # 3. Concurrent runs (the tenant has no unfinished run left: the cancels ended).
        elapsed, states = asyncio.run(concurrent(api, token, env_id, args.concurrent))
        succeeded = states.get("SUCCEEDED", 0)
        print(f"{args.concurrent} nap runs at once: {elapsed:.2f} s, states {states}", flush=True)
        row(f"{args.concurrent} concurrent 2 s runs, create to all ended", f"{elapsed:.2f} s")
        row(f"{args.concurrent} concurrent runs SUCCEEDED", f"{succeeded}/{args.concurrent}",
            f"{args.concurrent}/{args.concurrent}", succeeded == args.concurrent)  # fmt: skip
    except RuntimeError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        if server is None:
            return 1
    finally:
        if worker is not None:
            worker.stop()
        if server is not None:
            server.stop()
        leftovers = containers_of(docker, worker_id)
        for container in leftovers:
            container.remove(force=True)
        if leftovers:
            print(f"removed {len(leftovers)} container(s) left by the benchmark worker", file=sys.stderr)
        discard(data_dir, args.keep)

    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
