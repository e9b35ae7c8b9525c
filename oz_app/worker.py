"""``oz-app --worker ID``: claims runs from the control plane and executes them (WK-1, WK-2, WK-6..WK-8).

One aiohttp WebSocket to ``/api/v1/selfhosted/worker/ws`` speaking the protocol in
``worker_protocol.md``. Runs execute through a worker backend plugin (``docker`` by default,
``OZ_WORKER_BACKEND`` picks another). Results that could not be sent are kept and delivered
after the next connection; the control plane applies each result once, so a repeat is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import random
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import aiohttp
from loguru import logger

from oz_app import worker_frames as frames
from oz_app.config import Settings
from oz_app.harnesses import BUILT_IN, Harness
from oz_app.metrics.worker import MetricsUnavailable, serve_metrics, stop_metrics
from oz_app.task_input import RunFolder, prepare_run
from oz_app.worker_backend import BackendError, LeftFile, RunResult
from oz_app.worker_frames import PROTOCOL_VERSION, TaskAssignment

WS_PATH = "/api/v1/selfhosted/worker/ws"
DEFAULT_SERVER = "http://127.0.0.1:8080"
MAX_OUTPUT_CHARS = 1_000_000  # results carry at most the last million characters of output
SHUTDOWN_REPORT_SECONDS = 10.0
SHUTDOWN_MESSAGE = "The worker shut down while the run was executing; start the run again."
UPLOAD_TIMEOUT_SECONDS = 120
ARTIFACT_FOLDERS = {"artifacts": "FILE", "screenshots": "SCREENSHOT"}


class GiveUp(Exception):
    """The worker stops for good; the message is the one sentence the operator sees."""


def worker_url(server: str, worker_id: str) -> str:
    """The socket URL for ``server`` given as ``http(s)://`` or ``ws(s)://``, with or without the path."""
    parts = urlsplit(server.strip().rstrip("/"))
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme)
    if scheme is None or not parts.netloc:
        raise GiveUp(f"--server must look like http://host:port or ws://host:port, not {server!r}.")
    path = parts.path if parts.path.endswith(WS_PATH) else parts.path + WS_PATH
    return urlunsplit((scheme, parts.netloc, path, f"worker_id={quote(worker_id, safe='')}", ""))


def api_url(server: str) -> str:
    """The control plane's ``/api/v1`` for ``server`` given as ``http(s)://`` or ``ws(s)://``."""
    parts = urlsplit(server.strip().rstrip("/"))
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme, parts.netloc, parts.path.removesuffix(WS_PATH) + "/api/v1", "", ""))


def _tail(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT_CHARS else text[-MAX_OUTPUT_CHARS:]


class Worker:
    """One worker connection with its runs; :meth:`run` returns the process exit status."""

    def __init__(
        self,
        settings: Settings,
        worker_id: str,
        server_url: str,
        backend: Any,
        max_concurrent_runs: int = 4,
        backend_name: str = "docker",
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        harnesses: dict[str, Harness] | None = None,
    ) -> None:
        self.settings = settings
        self.worker_id = worker_id
        self.server_url = server_url
        self.url = worker_url(server_url, worker_id)
        self.api_url = api_url(server_url)
        self.backend = backend
        self.backend_name = backend_name
        self.harnesses = harnesses if harnesses is not None else dict(BUILT_IN)
        self.capacity = max(1, max_concurrent_runs)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.heartbeat_seconds = 10.0
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._cancel_requested: set[str] = set()
        self._pending: list[dict[str, Any]] = []  # results not sent yet
        self._unconfirmed: list[tuple[float, dict[str, Any]]] = []  # sent on a socket that may still drop them
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._send_lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._stopping = False
        self._side_tasks: set[asyncio.Task[Any]] = set()
        self._http: aiohttp.ClientSession | None = None

    # --- public ------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Stop taking work, cancel running containers, report them and exit (SIGINT/SIGTERM)."""
        self._stop.set()

    @property
    def running(self) -> list[str]:
        """Runs this worker still holds: executing, or finished with the result not yet sent."""
        held = list(self._runs)
        held += [f["data"]["task_id"] for f in self._pending if f["data"]["task_id"] not in held]
        return held

    async def run(self) -> int:
        """Connect, work and reconnect until stopped (0) or until giving up (1)."""
        try:
            await self.backend.start(self.worker_id)
        except BackendError as exc:
            print(f"oz-app: {exc}", file=sys.stderr)
            return 1
        headers = {"Authorization": f"Bearer {self.settings.api_key}"}
        code = 0
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            self._http = session
            try:
                await self._connect_loop(session)
            except GiveUp as exc:
                print(f"oz-app: {exc}", file=sys.stderr)
                code = 1
            finally:
                await self._finish(session)
        return code

    # --- connection --------------------------------------------------------------------------

    async def _connect_loop(self, session: aiohttp.ClientSession) -> None:
        loop = asyncio.get_running_loop()
        max_attempts = self.settings.reconnect_max_attempts
        window = self.settings.reconnect_window_seconds
        failures = 0
        last_connected = loop.time()
        while not self._stop.is_set():
            connected = await self._session(session)
            if connected:
                failures = 0
                last_connected = loop.time()
            if self._stop.is_set():
                return
            failures += 1
            if max_attempts and failures >= max_attempts:
                raise GiveUp(
                    f"gave up reaching the control plane at {self.server_url} after {failures} failed "
                    "attempts (OZ_RECONNECT_MAX_ATTEMPTS); check that it runs, then restart the worker."
                )
            lost_for = loop.time() - last_connected
            if window and lost_for >= window:
                raise GiveUp(
                    f"gave up reaching the control plane at {self.server_url} after {lost_for:.0f} s without a "
                    "connection (OZ_RECONNECT_WINDOW_SECONDS); check that it runs, then restart the worker."
                )
            delay = random.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)))
            if window:
                delay = min(delay, max(0.0, window - lost_for) + 0.01)
            logger.info("reconnecting to {} in {:.2f} s (attempt {})", self.url, delay, failures + 1)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):  # not wait_for: on 3.11 it can lose a cancel
                    await self._stop.wait()

    async def _session(self, session: aiohttp.ClientSession) -> bool:
        """One connection: handshake, then work until it drops or the worker stops; True if welcomed."""
        try:
            ws = await session.ws_connect(self.url, timeout=aiohttp.ClientWSTimeout(ws_close=2), autoping=True)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status in (401, 403):
                raise GiveUp(
                    f"the control plane at {self.server_url} refused the key; set OZ_API_KEY to its admin API key."
                ) from exc
            logger.warning("the control plane at {} refused the socket: {} {}", self.url, exc.status, exc.message)
            return False
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            logger.warning("cannot reach the control plane at {}: {}", self.url, exc)
            return False
        try:
            if not await self._handshake(ws):
                return False
            logger.info("connected to {} as worker {} (capacity {})", self.url, self.worker_id, self.capacity)
            self._ws = ws
            await self._flush(resend=True)
            await self._serve(ws)
            return True
        finally:
            self._ws = None
            await ws.close()

    async def _handshake(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        hello = frames.Hello(
            worker_id=self.worker_id,
            protocol_version=PROTOCOL_VERSION,
            capacity=self.capacity,
            backend=self.backend_name,
            running=self.running,
        )
        try:
            await ws.send_json(hello.wire())
            message = await ws.receive(timeout=10)
        except (aiohttp.ClientError, ConnectionError, TimeoutError) as exc:
            logger.warning("the handshake with {} failed: {}", self.url, exc)
            return False
        if message.type == aiohttp.WSMsgType.TEXT:
            try:
                frame = frames.parse(message.data)
            except frames.FrameError as exc:
                logger.warning("the control plane answered the hello with a bad frame: {}", exc)
                return False
            if isinstance(frame, frames.Welcome):
                self.heartbeat_seconds = float(frame.heartbeat_seconds or self.heartbeat_seconds)
                return True
            if isinstance(frame, frames.Error):
                logger.error("the control plane refused worker {}: {}", self.worker_id, frame.message)
                with contextlib.suppress(TimeoutError):
                    await ws.receive(timeout=1)  # read the close frame for its code
        code = ws.close_code
        if code == 4401:
            raise GiveUp(
                f"the control plane at {self.server_url} refused the key; set OZ_API_KEY to its admin API key."
            )
        if code == 4400:
            raise GiveUp(
                f"the control plane at {self.server_url} does not speak worker protocol {PROTOCOL_VERSION}; "
                "upgrade oz-app on one side."
            )
        if code == 4409:
            logger.error("another worker with id {} is connected; retrying", self.worker_id)
        return False

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        heartbeat = asyncio.create_task(self._heartbeat(ws), name="heartbeat")
        receiver = asyncio.create_task(self._receive(ws), name="receiver")
        stop = asyncio.create_task(self._stop.wait(), name="stop")
        try:
            done, _ = await asyncio.wait({heartbeat, receiver, stop}, return_when=asyncio.FIRST_COMPLETED)
            if heartbeat in done and heartbeat.exception() is not None:
                error = heartbeat.exception()
                logger.critical("the heartbeat task died: {!r}; the worker stops", error)
                raise GiveUp(f"the worker stopped because its heartbeat failed ({error!r}); restart it.")
            if receiver in done and receiver.exception() is not None:
                error = receiver.exception()
                logger.critical("the receiver task died: {!r}; the worker stops", error)
                raise GiveUp(f"the worker stopped because it could not handle a message ({error!r}); restart it.")
            if stop in done:
                await self._drain_runs()
                await self._flush()
        finally:
            for task in (heartbeat, receiver, stop):
                task.cancel()
            await asyncio.gather(heartbeat, receiver, stop, return_exceptions=True)

    async def _heartbeat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        loop = asyncio.get_running_loop()
        while not ws.closed:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                # After any result being sent: what it lists is read once that result is out.
                async with self._send_lock:
                    await ws.send_json(frames.Heartbeat(running=self.running).wire())
            except ConnectionError:
                return  # the socket dropped: the session ends and the worker reconnects
            # Anything sent a heartbeat ago on a socket that still works has reached the server.
            horizon = loop.time() - self.heartbeat_seconds
            self._unconfirmed = [(at, frame) for at, frame in self._unconfirmed if at >= horizon]

    async def _receive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            try:
                frame = frames.parse(message.data)
            except frames.FrameError as exc:
                logger.warning("ignoring a frame: {} ({!r})", exc, message.data[:200])
                continue
            if isinstance(frame, TaskAssignment):
                await self._on_assignment(frame)
            elif isinstance(frame, frames.TaskCancel):
                await self._on_cancel(frame.task_id)
            elif isinstance(frame, frames.Error):
                logger.error("the control plane reported: {}", frame.message)
            else:
                logger.debug("ignoring a {} frame", frame.kind)

    # --- sending ----------------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> bool:
        """Send now if connected; False when there is no socket or it broke."""
        ws = self._ws
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_json(frame)
        except ConnectionError:
            return False
        return True

    async def _flush(self, resend: bool = False) -> None:
        loop = asyncio.get_running_loop()
        async with self._send_lock:
            if resend and self._unconfirmed:
                self._pending[:0] = [frame for _, frame in self._unconfirmed]
                self._unconfirmed = []
            while self._pending:
                if not await self._send(self._pending[0]):
                    return
                self._unconfirmed.append((loop.time(), self._pending.pop(0)))

    # --- runs -------------------------------------------------------------------------------

    async def _on_assignment(self, assignment: TaskAssignment) -> None:
        task_id = assignment.task_id
        if not task_id:
            logger.warning("ignoring a task_assignment without task_id")
            return
        if task_id in self.running:
            return  # a repeat of an assignment executing here, or whose result is not sent yet
        if self._stopping or self._stop.is_set():
            reason = "the worker is shutting down"
        elif len(self._runs) >= self.capacity:
            reason = f"the worker is at capacity ({self.capacity} runs)"
        else:
            self._runs[task_id] = asyncio.create_task(self._execute(task_id, assignment), name=f"run-{task_id}")
            return
        await self._send(frames.TaskRejected(task_id=task_id, reason=reason).wire())

    async def _on_cancel(self, task_id: str) -> None:
        if task_id in self._runs:
            self._cancel_requested.add(task_id)
            self._spawn(self.backend.cancel(task_id))
        elif not any(f["data"]["task_id"] == task_id for f in self._pending):
            await self._send(frames.TaskCancelled(task_id=task_id).wire())

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    async def _execute(self, task_id: str, assignment: TaskAssignment) -> None:
        await self._send(frames.TaskClaimed(task_id=task_id, worker_id=self.worker_id).wire())
        lines: list[str] = []
        wake = asyncio.Event()
        finished = False

        def on_line(line: str) -> None:
            lines.append(line + "\n")
            wake.set()

        async def forward_progress() -> None:
            # Lines that arrive together go out in one frame; while disconnected they are
            # dropped (the result carries the whole output).
            while not finished or lines:
                await wake.wait()
                wake.clear()
                chunk, lines[:] = "".join(lines), []
                if chunk:
                    await self._send(frames.TaskProgress(task_id=task_id, output=chunk).wire())

        forwarder = asyncio.create_task(forward_progress())
        folder: RunFolder | None = None
        try:
            # The run's folder holds its task document and the FIFO whose open end tells the
            # task this worker lives (WK-11); it goes when the run has ended.
            folder = await asyncio.to_thread(prepare_run, assignment, self.harnesses)
            result = await self.backend.run(assignment, folder, on_line)
        except BackendError as exc:
            result = RunResult("failed", message=str(exc), stage="start" if folder else "input")
        except Exception as exc:
            logger.exception("run {} failed inside the worker", task_id)
            result = RunResult("failed", message=f"The worker could not execute the run ({exc!r}).", stage="worker")
        finally:
            if folder is not None:
                await asyncio.to_thread(folder.close)
            finished = True
            wake.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(forwarder, 5)
        if result.files and task_id not in self._cancel_requested:
            await self._hand_over_files(task_id, result)
        # The result is sent now or kept for the next connection; the run is held by it from
        # here on, so no heartbeat names the run once the result is out.
        self._pending.append(self._result_frame(task_id, result))
        self._runs.pop(task_id, None)
        self._cancel_requested.discard(task_id)
        await self._flush()

    async def _hand_over_files(self, task_id: str, result: RunResult) -> None:
        """Upload the files the run left (CP-13): handoff files become its attachments, the others
        its FILE or SCREENSHOT artifacts, reported with the result. A file that cannot be uploaded
        is logged and left out; the result goes out anyway."""
        for left in result.files:
            kind = ARTIFACT_FOLDERS.get(left.folder)
            file_id = await self._upload(task_id, "artifact" if kind else "handoff", left)
            if file_id and kind:
                result.artifacts.append({"artifact_type": kind, "file_id": file_id, "data": {"filepath": left.path}})

    async def _upload(self, task_id: str, purpose: str, left: LeftFile) -> str | None:
        """POST one file to ``/selfhosted/runs/{id}/files``; its id, or None when it failed."""
        name = left.path.rsplit("/", 1)[-1]
        url = f"{self.api_url}/selfhosted/runs/{quote(task_id, safe='')}/files"
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if self._http is None:
            return None
        try:
            async with self._http.post(
                url,
                params={"purpose": purpose, "filename": name},
                data=left.data,
                headers={"Content-Type": content_type},
                timeout=aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT_SECONDS),
            ) as response:
                if response.status == 201:
                    return str((await response.json())["file_id"])
                reason = f"{response.status} {(await response.text())[:300]}"
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError, KeyError) as exc:
            reason = repr(exc)
        logger.warning("run {}: the {} file {} was not uploaded: {}", task_id, purpose, left.path, reason)
        return None

    def _result_frame(self, task_id: str, result: RunResult) -> dict[str, Any]:
        output = _tail(result.output)
        frame: frames.Frame
        if task_id in self._cancel_requested:
            frame = frames.TaskCancelled(task_id=task_id, output=output)
        elif result.status == "cancelled":  # cancelled by the worker itself: it is shutting down
            frame = frames.TaskFailed(task_id=task_id, message=SHUTDOWN_MESSAGE, output=output, stage="shutdown")
        elif result.status == "succeeded":
            frame = frames.TaskCompleted(
                task_id=task_id,
                output=output,
                artifacts=result.artifacts,
                session_link=result.session_link,
                exit_code=result.exit_code,
            )
        else:
            frame = frames.TaskFailed(
                task_id=task_id,
                message=result.message,
                output=output,
                exit_code=result.exit_code,
                artifacts=result.artifacts,
                stage=result.stage,
            )
        return frame.wire()

    async def _drain_runs(self) -> None:
        """Stop taking work, cancel what runs and wait (bounded) until each run has its result."""
        self._stopping = True
        if not self._runs:
            return
        logger.info("stopping {} run(s) before exit", len(self._runs))
        await asyncio.gather(*(self.backend.cancel(task_id) for task_id in list(self._runs)), return_exceptions=True)
        await asyncio.wait(list(self._runs.values()), timeout=SHUTDOWN_REPORT_SECONDS)

    async def _finish(self, session: aiohttp.ClientSession) -> None:
        """Leave nothing running; deliver what can still be delivered with one last connection."""
        await self._drain_runs()
        with contextlib.suppress(Exception):
            await self.backend.stop_all()
        for task in list(self._runs.values()):
            task.cancel()
        if self._pending:
            logger.info("delivering {} result(s) before exit", len(self._pending))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._deliver_once(session), 5)
        if self._pending:
            logger.error(
                "{} result(s) could not be delivered; the control plane's lease ends those runs", len(self._pending)
            )

    async def _deliver_once(self, session: aiohttp.ClientSession) -> None:
        async with session.ws_connect(self.url) as ws:
            if await self._handshake(ws):
                self._ws = ws
                await self._flush(resend=False)
                self._ws = None


async def run_worker(
    settings: Settings,
    worker_id: str,
    server_url: str,
    manager: Any,
    max_concurrent_runs: int = 4,
    metrics_port: int | None = None,
) -> int:
    """Run ``oz-app --worker`` until SIGINT/SIGTERM (0) or until it gives up (non-zero)."""
    from oz_app.harnesses import load_harnesses
    from oz_app.plugins import collect

    backend_name = settings.worker_values.get("OZ_WORKER_BACKEND", "").strip() or "docker"
    backends = collect(manager, "oz_register_worker_backends", "worker backend")
    if backend_name not in backends:
        known = ", ".join(sorted(backends)) or "none"
        print(f"oz-app: no worker backend {backend_name!r} is loaded (loaded: {known}).", file=sys.stderr)
        return 2
    try:
        worker = Worker(
            settings,
            worker_id,
            server_url,
            backends[backend_name](settings),
            max_concurrent_runs,
            backend_name,
            harnesses=load_harnesses(manager),
        )
        metrics = await serve_metrics(worker, settings, metrics_port) if metrics_port is not None else None
    except (GiveUp, BackendError, MetricsUnavailable) as exc:
        print(f"oz-app: {exc}", file=sys.stderr)
        return 2
    loop = asyncio.get_running_loop()
    # A backend's blocking calls (docker-py) hold a thread per run for its output and one for its
    # exit: the default pool (CPUs + 4 threads) would let only a few runs progress at once.
    loop.set_default_executor(ThreadPoolExecutor(4 * max_concurrent_runs + 8, thread_name_prefix="oz-worker"))
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, worker.request_stop)
    context = {"settings": settings, "part": "worker"}
    manager.hook.oz_startup(context=context)
    try:
        return await worker.run()
    finally:
        manager.hook.oz_shutdown(context=context)
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop_signal)
        with contextlib.suppress(Exception):
            await worker.backend.close()
        await stop_metrics(metrics)
