"""The control plane's side of the worker socket (WK-1, WK-2, WK-7, WK-8).

Offers PENDING runs to connected workers with free capacity (a compare-and-set claim per run),
writes their progress and results to the run once, forwards cancels, and renews or expires
leases. The protocol is documented in ``oz_app/worker_protocol.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from loguru import logger

from oz_app.config import Settings
from oz_app.control_plane import service
from oz_app.control_plane.artifacts import ArtifactError, add_artifacts
from oz_app.control_plane.conversation import prompt_for
from oz_app.control_plane.inputs import storable
from oz_app.control_plane.output import OutputStream
from oz_app.control_plane.service import RunService
from oz_app.db.models import Environment, Run
from oz_app.secrets import Vault
from oz_app.worker_frames import (
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
    Frame,
    FrameError,
    HarnessConfig,
    Heartbeat,
    Hello,
    TaskAssignment,
    TaskCancel,
    TaskCancelled,
    TaskClaimed,
    TaskCompleted,
    TaskEnvironment,
    TaskFailed,
    TaskProgress,
    TaskRejected,
    Welcome,
    parse,
)

HELLO_TIMEOUT_SECONDS = 10
DISPATCH_POLL_SECONDS = 0.5
MAX_REPORTED_ARTIFACTS = 100  # per result; more is a runaway agent


@dataclass
class WorkerConnection:
    """One connected worker and the runs it holds."""

    worker_id: str
    socket: WebSocket
    capacity: int
    protocol_version: int = PROTOCOL_VERSION
    running: set[str] = field(default_factory=set)
    full: bool = False
    outputs: dict[str, OutputStream] = field(default_factory=dict)
    earlier: dict[str, str] = field(default_factory=dict)  # a run's output before this execution

    @property
    def free(self) -> int:
        return 0 if self.full else max(0, self.capacity - len(self.running))

    async def send(self, frame: Frame) -> None:
        await self.socket.send_json(frame.wire())


class WorkerHub:
    """Every worker connected to this process."""

    def __init__(
        self,
        settings: Settings,
        vault: Vault,
        runs: RunService,
    ) -> None:
        self.settings = settings
        self.vault = vault
        self.workers: dict[str, WorkerConnection] = {}
        self.runs = runs
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._admin = settings.admin_api_key.encode()

    @property
    def heartbeat_seconds(self) -> float:
        return max(0.5, min(5.0, self.settings.lease_seconds / 3))

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._dispatch_forever(), name="oz-worker-hub")

    async def stop(self) -> None:
        """Stop assigning and close every socket; workers keep their runs and reconnect elsewhere."""
        if self._loop_task:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        for connection in list(self.workers.values()):
            with contextlib.suppress(Exception):
                await connection.socket.close(code=1012, reason="control plane restarting")

    async def cancel(self, run_id: str) -> None:
        """Forward a cancel to the worker holding ``run_id`` in this process, if any."""
        for connection in self.workers.values():
            if run_id in connection.running:
                with contextlib.suppress(Exception):
                    await connection.send(TaskCancel(task_id=run_id))

    def router(self) -> APIRouter:
        router = APIRouter()
        router.add_api_websocket_route("/selfhosted/worker/ws", self._serve)
        return router

    # -- the socket ---------------------------------------------------------------------------

    async def _serve(self, websocket: WebSocket, worker_id: str = "") -> None:
        await websocket.accept()
        header = websocket.headers.get("authorization", "")
        token = header.partition(" ")[2].strip().encode()
        if not self._admin or not hmac.compare_digest(token, self._admin):
            await _refuse(websocket, 4401, "The worker socket needs the admin key as its bearer token.")
            return
        try:
            hello = parse(await asyncio.wait_for(websocket.receive_json(), timeout=HELLO_TIMEOUT_SECONDS))
        except (TimeoutError, ValueError, WebSocketDisconnect):
            hello = None
        versions = " or ".join(str(v) for v in SUPPORTED_VERSIONS)
        if not isinstance(hello, Hello) or hello.protocol_version not in SUPPORTED_VERSIONS:
            await _refuse(websocket, 4400, f"Expected hello with protocol_version {versions} and a worker_id.")
            return
        worker_id = worker_id or hello.worker_id
        if not worker_id:
            await _refuse(websocket, 4400, f"Expected hello with protocol_version {versions} and a worker_id.")
            return
        welcome = Welcome(
            protocol_version=hello.protocol_version,
            heartbeat_seconds=self.heartbeat_seconds,
            lease_seconds=self.settings.lease_seconds,
        )
        if hello.probe:  # oz-app doctor: the handshake only; a probe never takes runs
            with contextlib.suppress(Exception):
                await websocket.send_json(welcome.wire())
                await websocket.close(code=1000, reason="probe answered")
            return
        if worker_id in self.workers:
            await _refuse(websocket, 4409, f"A worker with id {worker_id!r} is already connected.")
            return
        connection = WorkerConnection(
            worker_id, websocket, capacity=max(0, hello.capacity), protocol_version=hello.protocol_version
        )
        connection.running = set(hello.running)
        self.workers[worker_id] = connection
        logger.info("worker {} connected (capacity {})", worker_id, connection.capacity)
        try:
            await connection.send(welcome)
            await self._heartbeat(connection, list(connection.running))
            self.wake()
            while True:
                raw = await websocket.receive_json()
                try:
                    frame = parse(raw)
                except FrameError as exc:
                    logger.warning("worker {} sent a frame that was ignored: {}", worker_id, exc)
                    continue
                await self._handle(connection, frame)
        except (WebSocketDisconnect, RuntimeError):
            pass
        except Exception:
            logger.exception("worker {}: unexpected error; closing its socket", worker_id)
        finally:
            self.workers.pop(worker_id, None)
            logger.info("worker {} disconnected; its runs keep their leases until they expire", worker_id)

    async def _handle(self, connection: WorkerConnection, frame: Frame) -> None:
        run_id = str(getattr(frame, "task_id", ""))
        holder = connection.worker_id
        if isinstance(frame, Heartbeat):
            await self._heartbeat(connection, frame.running)
        elif isinstance(frame, TaskClaimed):
            await self.runs.transition(run_id, ["CLAIMED"], "INPROGRESS", holder, started_at=service.now())
        elif isinstance(frame, TaskRejected):
            connection.running.discard(run_id)
            connection.full = True
            await self.runs.transition(
                run_id, ["CLAIMED"], "PENDING", holder, claimed_by=None, lease_expires_at=None, started_at=None
            )
            self.wake()
        elif isinstance(frame, TaskProgress):
            await self._progress(connection, run_id, storable(frame.output))
        elif isinstance(frame, TaskCompleted | TaskFailed):
            await self._finish(connection, run_id, frame)
        elif isinstance(frame, TaskCancelled):
            connection.running.discard(run_id)
            connection.full = False
            self.wake()
        else:
            logger.warning("worker {} sent a {} frame, which a worker does not send; ignored", holder, frame.kind)

    async def _heartbeat(self, connection: WorkerConnection, running: list[str]) -> None:
        connection.running = set(running)
        lost = await self.runs.renew(connection.worker_id, running, self.settings.lease_seconds)
        for run_id in lost:  # cancelled, or failed after a lease expiry: the worker must stop it
            await connection.send(TaskCancel(task_id=run_id))

    async def _progress(self, connection: WorkerConnection, run_id: str, chunk: str) -> None:
        if run_id not in connection.running or not chunk:
            return
        stream = connection.outputs.get(run_id)
        if stream is None:
            stream = connection.outputs[run_id] = OutputStream(run_id, connection.worker_id, self.runs)
        stream.add(chunk)

    async def _finish(self, connection: WorkerConnection, run_id: str, frame: TaskCompleted | TaskFailed) -> None:
        stream = connection.outputs.pop(run_id, None)
        streamed = ""
        if stream is not None:
            await stream.close()
            streamed = stream.text
        earlier = connection.earlier.pop(run_id, "")  # what the run said before a follow-up
        output = earlier + storable(frame.output or streamed)
        streamed = earlier + streamed
        if isinstance(frame, TaskCompleted):
            changes: dict[str, Any] = {
                "output": output,
                "session_link": frame.session_link or None,
                "status_message": None,
            }
            state = "SUCCEEDED"
        else:
            message = storable(frame.message or "The worker reported a failure.")
            changes = {"output": output, "status_message": message, "error_code": "environment_setup_failed"}
            changes["retryable"] = False
            state = "FAILED"
        # The artifacts are stored with the result, in one transaction: whoever sees the run
        # ended finds them (CP-13).
        store = functools.partial(_store_artifacts, run_id, frame.artifacts)
        holder = connection.worker_id
        if await self.runs.transition(run_id, ["CLAIMED", "INPROGRESS"], state, holder, related=store, **changes):
            if output.startswith(streamed):
                self.runs.announce_output(run_id, len(streamed), output[len(streamed) :])
        connection.running.discard(run_id)
        connection.full = False
        self.wake()

    # -- dispatch -----------------------------------------------------------------------------

    async def _dispatch_forever(self) -> None:
        last_recovery = 0.0
        while True:
            try:
                if time.monotonic() - last_recovery > self.heartbeat_seconds:
                    last_recovery = time.monotonic()
                    await self.runs.recover("REMOTE")
                    await self.runs.end_idle("REMOTE")
                for connection in list(self.workers.values()):
                    while connection.free and connection.worker_id in self.workers:
                        if not await self._assign_one(connection):
                            break
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("worker dispatch failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DISPATCH_POLL_SECONDS):  # not wait_for: on 3.11 it can lose a cancel
                    await self._wake.wait()

    async def _assign_one(self, connection: WorkerConnection) -> bool:
        claimed = await self.runs.claim(
            "PENDING",
            connection.worker_id,
            self.settings.lease_seconds,
            1,
            execution_location="REMOTE",
            to_state="CLAIMED",
            worker=connection.worker_id,
        )
        if not claimed:
            return False
        run = claimed[0]
        run_id = run.id
        environment = await Environment.get_or_none(id=run.environment_id)
        if environment is None:
            await self.runs.transition(
                run_id, ["CLAIMED"], "FAILED", status_message=f"Environment {run.environment_id} no longer exists."
            )
            return True
        connection.running.add(run_id)
        connection.earlier[run_id] = run.output
        try:
            prompt = await prompt_for(run)
            if connection.protocol_version == 1:
                await connection.socket.send_json(
                    {"type": "task_assignment", "data": self._v1_assignment(run, environment, prompt)}
                )
            else:
                await connection.send(self._assignment(run, environment, prompt))
        except Exception:
            connection.running.discard(run_id)
            await self.runs.transition(run_id, ["CLAIMED"], "PENDING", claimed_by=None, lease_expires_at=None)
            raise
        return True

    def _assignment(self, run: Run, environment: Environment, prompt: str) -> TaskAssignment:
        """The protocol-2 assignment: each input once, as what it is (WK-9)."""
        config = run.agent_config or {}
        harness = config.get("harness") or {}
        return TaskAssignment(
            task_id=run.id,
            title=run.title or "",
            prompt=prompt,
            environment=TaskEnvironment(
                id=environment.id,
                image=environment.docker_image or "",
                env_vars=self.vault.open(environment.env_vars_sealed),
                repos=list(environment.repos),
                setup_commands=list(environment.setup_commands),
            ),
            harness=HarnessConfig(
                type=harness.get("type") or "",
                model_id=harness.get("model_id") or "",
                reasoning_effort=harness.get("reasoning_level") or "",
            ),
            mode=run.mode or "normal",
            mcp_servers=config.get("mcp_servers") or {},
        )

    def _v1_assignment(self, run: Run, environment: Environment, prompt: str) -> dict[str, Any]:
        """The protocol-1 assignment, for workers of an earlier oz-app: inputs flattened into
        newline-joined OZ_* variables, which loses multi-line values (use a protocol-2 worker)."""
        env_vars: dict[str, str] = self.vault.open(environment.env_vars_sealed)
        model_id = run.model_id or ""
        return {
            "task_id": run.id,
            "task": {
                "id": run.id,
                "title": run.title,
                "task_definition": {"prompt": prompt},
                "agent_config_snapshot": {"environment_id": environment.id, "model_id": model_id},
            },
            "docker_image": environment.docker_image,
            "sidecar_image": self.settings.worker_values.get("OZ_WORKER_SIDECAR_IMAGE", ""),  # for the seed's worker
            "env_vars": {
                "OZ_TASK_PROMPT": prompt,
                "OZ_MODEL_ID": model_id,
                "OZ_ENV_REPOS": "\n".join(environment.repos),
                "OZ_ENV_SETUP_COMMANDS": "\n".join(environment.setup_commands),
                "OZ_ENV_VARS": "\n".join(f"{name}={value}" for name, value in env_vars.items()),
                **harness_inputs(run),
            },
        }


async def _store_artifacts(run_id: str, reported: Any) -> None:
    """Keep what the run reported as artifact rows (CP-13), once, after its result was applied.
    One bad item is logged and skipped: it must not cost the run its other artifacts."""
    if not isinstance(reported, list) or not reported:
        return
    run = await Run.filter(id=run_id).only("id", "tenant").first()
    if run is None:
        return
    for item in reported[:MAX_REPORTED_ARTIFACTS]:
        try:
            await add_artifacts(run.id, run.tenant, [item])
        except ArtifactError as exc:
            logger.warning("run {}: an artifact the worker reported was not stored: {}", run_id, exc)


def harness_inputs(run: Run) -> dict[str, str]:
    """What the sidecar hands the harness CLI from the run's config (CP-11): harness type, model,
    reasoning level, the run's mode and its MCP servers; only what is set."""
    config = run.agent_config or {}
    harness = config.get("harness") or {}
    servers = config.get("mcp_servers") or {}
    values = {
        "OZ_HARNESS": harness.get("type") if harness.get("type") != "oz" else None,
        "OZ_HARNESS_MODEL": harness.get("model_id"),
        "OZ_REASONING_LEVEL": harness.get("reasoning_level"),
        "OZ_RUN_MODE": run.mode if run.mode != "normal" else None,
        "OZ_MCP_CONFIG": json.dumps({"mcpServers": servers}) if servers else None,
    }
    return {name: str(value) for name, value in values.items() if value}


async def _refuse(websocket: WebSocket, code: int, message: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json({"type": "error", "data": {"message": message}})
        await websocket.close(code=code, reason=message[:120])
