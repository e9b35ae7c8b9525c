"""The ``docker`` worker backend: each run executes in a container of its environment's image.

The sidecar (``sidecar/`` at the top of the repository, shipped inside this package as
``oz_worker_docker/sidecar``) becomes the image ``oz-agent-sidecar:<content hash>``, built here
from the installed files when it is missing and never pulled (WK-4). Its files reach task
containers through a named volume ``oz-sidecar-<image id>``: creating (not starting) one
container of the sidecar image with the empty volume mounted at ``/agent`` makes the engine
copy the image's ``/agent`` into it, once per image version; every task container then mounts
that volume read-only at ``/agent``. A named volume was chosen over ``volumes_from`` a stopped
sidecar container because it outlives containers (orphan cleanup and ``docker container
prune`` cannot break it) and is mounted read-only with no extra container per run.

Limits come from ``OZ_WORKER_MEMORY_LIMIT``, ``OZ_WORKER_CPUS``, ``OZ_WORKER_PIDS_LIMIT`` and
``OZ_WORKER_RUN_TIMEOUT_SECONDS``. docker-py is synchronous: every call goes through
``asyncio.to_thread``, and log lines come back to the loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import re
import secrets
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import docker.errors
from docker.models.containers import _create_container_args
from docker.utils.socket import frames_iter
from loguru import logger

from oz_app.config import Settings
from oz_app.plugin_settings import Setting
from oz_app.task_input import RunFolder
from oz_app.worker_backend import (
    MAX_LEFT_FILE_BYTES,
    BackendError,
    LeftFile,
    RunResult,
    backend_settings,
)
from oz_app.worker_frames import TaskAssignment

SIDECAR_DIR = Path(__file__).resolve().parent / "sidecar"
RESULTS_DIR = "/workspace/.oz"
IN_DIR = "/oz/in"  # the task document and the worker's FIFO (the sidecar's defaults)
MANAGED_LABEL = "oz.managed"
MAX_LOG_BYTES = 16 * 1024 * 1024


def sidecar_hash(directory: Path = SIDECAR_DIR) -> str:
    """A short hash of the sidecar's files: it names the image, so a changed sidecar is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def left_files_in_archive(folder: str, chunks: Any) -> list[LeftFile]:
    """The regular files of a folder copied out of a container (``get_archive``) as LeftFiles."""
    found = []
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.size <= MAX_LEFT_FILE_BYTES and "/" in member.name:
                handle = archive.extractfile(member)
                if handle is not None:
                    found.append(LeftFile(folder, member.name.split("/", 1)[1], handle.read()))
    return sorted(found, key=lambda left: left.path)


def _option_problems(options: dict[str, Any]) -> list[str]:
    """What the declared types cannot say: a size and a network name Docker accepts."""
    problems = []
    memory = options["memory_limit"] = str(options["memory_limit"]).lower()
    if not re.fullmatch(r"[0-9]+[bkmg]?", memory):
        problems.append(f"OZ_WORKER_MEMORY_LIMIT must be a size such as 512m or 2g, not {memory!r}.")
    network = options["network"]
    if network and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", network):
        problems.append(f"OZ_WORKER_NETWORK must be a Docker network such as bridge or host, not {network!r}.")
    return problems


def _pump_lines(
    stream: Iterator[bytes], loop: asyncio.AbstractEventLoop, emit: Callable[[str], None], task_id: str
) -> None:
    """Hand each line of a container's output to ``emit`` on the loop, up to MAX_LOG_BYTES (in a
    thread: the stream blocks)."""
    pending = b""
    size = 0
    try:
        for chunk in stream:
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                size += len(raw)
                if size <= MAX_LOG_BYTES:
                    loop.call_soon_threadsafe(emit, raw.decode("utf-8", "replace"))
        if pending:
            loop.call_soon_threadsafe(emit, pending.decode("utf-8", "replace"))
    except Exception as exc:  # the container was removed under us (cancel): the stream just ends
        logger.debug("log stream of {} ended: {}", task_id, exc)


def _container_name(task_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", task_id)[:48]
    return f"oz-run-{safe}-{secrets.token_hex(3)}"


class DockerBackend:
    """Runs each assignment in a container of its environment's image with the sidecar at ``/agent``."""

    settings = [
        Setting("sidecar_image", help="the sidecar image to use (empty: oz-agent-sidecar:<content hash>, built here)"),
        Setting("memory_limit", default="2g", help="memory per task container, such as 512m or 2g"),
        Setting("cpus", float, default=2.0, low=0.01, help="CPUs per task container"),
        Setting("pids_limit", int, default=1024, low=16, help="processes per task container"),
        Setting("network", help="the Docker network of task containers, such as bridge or host (Docker's default)"),
    ]

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self.config = settings
        self.options = backend_settings(type(self), settings, _option_problems)
        self._client = client
        self.worker_id = ""
        self.sidecar_image = ""
        self.sidecar_volume = ""
        self._sidecar_lock = asyncio.Lock()
        self._containers: dict[str, Any] = {}
        self._cancelled: set[str] = set()
        self._removals: dict[str, asyncio.Future[None]] = {}

    @property
    def client(self) -> Any:
        if self._client is None:
            try:
                self._client = docker.from_env(timeout=30)
            except docker.errors.DockerException as exc:
                raise BackendError(f"Docker is not reachable ({exc}); start dockerd or set DOCKER_HOST.") from exc
        return self._client

    async def start(self, worker_id: str) -> None:
        """Check the engine, remove this worker's orphans and prepare the sidecar volume."""
        self.worker_id = worker_id
        try:
            await asyncio.to_thread(self.client.ping)
        except docker.errors.DockerException as exc:
            raise BackendError(f"Docker is not reachable ({exc}); start dockerd or set DOCKER_HOST.") from exc
        removed = await self.cleanup_orphans(worker_id)
        if removed:
            logger.warning("removed {} container(s) left by an earlier run of worker {}", removed, worker_id)
        await self.ensure_sidecar_volume()

    async def cleanup_orphans(self, worker_id: str) -> int:
        """Remove every container labelled with ``worker_id`` (left by a crash); return how many."""

        def remove_all() -> int:
            found = self.client.containers.list(all=True, filters={"label": f"oz.worker_id={worker_id}"})
            for container in found:
                with contextlib.suppress(docker.errors.NotFound):
                    container.remove(force=True)
            return len(found)

        return await asyncio.to_thread(remove_all)

    async def ensure_sidecar_image(self) -> str:
        """Build the sidecar image from the installed package files if it is missing; never pull."""
        tag = self.options["sidecar_image"] or f"oz-agent-sidecar:{sidecar_hash()}"

        def ensure() -> str:
            try:
                return str(self.client.images.get(tag).id)
            except docker.errors.ImageNotFound:
                pass
            if not (SIDECAR_DIR / "Dockerfile").is_file():
                raise BackendError(f"The sidecar files are missing from {SIDECAR_DIR}; reinstall oz-app.")
            logger.info("building the sidecar image {} from {}", tag, SIDECAR_DIR)
            try:
                image, _ = self.client.images.build(path=str(SIDECAR_DIR), tag=tag, rm=True, pull=False)
            except (docker.errors.BuildError, docker.errors.APIError) as exc:
                raise BackendError(f"Building the sidecar image {tag} failed: {exc}.") from exc
            return str(image.id)

        image_id = await asyncio.to_thread(ensure)
        self.sidecar_image = tag
        return image_id

    async def ensure_sidecar_volume(self) -> str:
        """The named volume holding the sidecar's files for this image version, filled once."""
        async with self._sidecar_lock:
            if self.sidecar_volume:
                return self.sidecar_volume
            image_id = await self.ensure_sidecar_image()
            name = f"oz-sidecar-{image_id.split(':')[-1][:12]}"

            def populate() -> None:
                try:
                    self.client.volumes.get(name)
                except docker.errors.NotFound:
                    self.client.volumes.create(name, labels={"oz.sidecar_image": self.sidecar_image})
                # The engine copies the image's /agent into the volume only while the volume is
                # empty, so this fills a new volume and leaves a filled one alone.
                helper = self.client.containers.create(
                    self.sidecar_image,
                    volumes={name: {"bind": "/agent", "mode": "rw"}},
                    labels={MANAGED_LABEL: "sidecar", "oz.worker_id": self.worker_id},
                )
                try:
                    helper.get_archive("/agent/entrypoint.sh")
                except docker.errors.NotFound as exc:
                    raise BackendError(
                        f"The sidecar volume {name} has no entrypoint.sh; remove it with 'docker volume rm {name}'."
                    ) from exc
                finally:
                    helper.remove(force=True)

            await asyncio.to_thread(populate)
            self.sidecar_volume = name
            return name

    async def run(self, assignment: TaskAssignment, folder: RunFolder, on_line: Callable[[str], None]) -> RunResult:
        """Execute one assignment to the end; ``on_line`` receives each output line as it comes."""
        called = time.monotonic()
        task_id = assignment.task_id
        image = assignment.environment.image
        if not image:
            raise BackendError("The run's environment has no docker_image; set one on the environment.")
        volume = await self.ensure_sidecar_volume()
        if task_id in self._cancelled:
            return RunResult("cancelled", stage="cancelled")
        labels = {MANAGED_LABEL: "run", "oz.run_id": task_id, "oz.worker_id": self.worker_id}
        # The engine must see this host's files: the task document and the FIFO go in read-only,
        # the sidecar's output comes back through the folder mounted at /workspace/.oz.
        mounts = {
            volume: {"bind": "/agent", "mode": "ro"},
            str(folder.in_dir): {"bind": IN_DIR, "mode": "ro"},
            str(folder.out_dir): {"bind": RESULTS_DIR, "mode": "rw"},
        }
        try:
            # No image check first: create answers 404 for a missing image (it never pulls).
            container = await asyncio.to_thread(
                self._create,
                image=image,
                entrypoint=["/bin/sh", "/agent/entrypoint.sh"],
                command=[],
                working_dir="/workspace",
                labels=labels,
                name=_container_name(task_id),
                volumes=mounts,
                mem_limit=self.options["memory_limit"],
                nano_cpus=int(self.options["cpus"] * 1e9),
                pids_limit=self.options["pids_limit"],
                network_mode=self.options["network"] or None,
                init=True,  # PID 1 forwards signals and ends the namespace when the sidecar ends
                auto_remove=True,  # the engine removes it, also when this worker is gone (WK-11)
            )
        except docker.errors.ImageNotFound as exc:
            raise BackendError(
                f"The image {image!r} is not on this worker's Docker host; build or load it there (workers never pull)."
            ) from exc
        except docker.errors.APIError as exc:
            raise BackendError(f"The container for the run could not be created: {exc.explanation or exc}.") from exc
        self._containers[task_id] = container
        try:
            return await self._execute(task_id, container, on_line, folder, called)
        finally:
            self._containers.pop(task_id, None)
            self._cancelled.discard(task_id)
            removal = self._removals.pop(task_id, None)
            if removal is not None:  # a cancel is removing it: the run ends when the container is gone
                with contextlib.suppress(Exception):
                    await asyncio.shield(removal)

    async def _execute(
        self, task_id: str, container: str, on_line: Callable[[str], None], folder: RunFolder, called: float
    ) -> RunResult:
        log_lines: list[str] = []
        if task_id in self._cancelled:
            await asyncio.to_thread(self._remove, container)
            return RunResult("cancelled", stage="cancelled")

        def emit(line: str) -> None:
            log_lines.append(line)
            on_line(line)

        # The wait is asked before the start, as `docker run` does: an auto-removed container
        # cannot be asked about after it ended (if it still comes too late, result.json has the
        # exit code).
        waiter = asyncio.ensure_future(asyncio.to_thread(self._wait_exit, container))
        try:
            stream = await asyncio.to_thread(self._attach_and_start, container)
        except docker.errors.APIError as exc:
            waiter.cancel()
            await asyncio.to_thread(self._remove, container)
            if task_id in self._cancelled:
                return RunResult("cancelled", stage="cancelled")
            raise BackendError(f"The run's container did not start: {exc.explanation or exc}.") from exc
        start_seconds = time.monotonic() - called
        loop = asyncio.get_running_loop()
        pump = asyncio.ensure_future(asyncio.to_thread(_pump_lines, stream, loop, emit, task_id))
        timed_out = False
        try:
            await asyncio.wait_for(asyncio.shield(pump), self.config.worker_run_timeout_seconds)
        except TimeoutError:
            timed_out = True
            await asyncio.to_thread(self._remove, container)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(pump), 5)
        exit_code: int | None = None
        if folder.result() is None or task_id in self._cancelled:
            # No result.json: the sidecar was killed, so the engine's exit code is all there is.
            # Otherwise the run does not wait for the engine to remove the container.
            with contextlib.suppress(TimeoutError):
                exit_code = await asyncio.wait_for(asyncio.shield(waiter), 5)
        await asyncio.sleep(0)  # let the last call_soon_threadsafe(emit) callbacks run
        log_text = "\n".join(log_lines)
        if task_id in self._cancelled:
            return RunResult("cancelled", output=log_text, exit_code=exit_code, stage="cancelled")
        return self._result(folder, log_text, exit_code, timed_out, start_seconds)

    def _attach_and_start(self, container: str) -> Iterator[bytes]:
        """Attach to the container's output, then start it (as `docker run` does: an auto-removed
        container's output cannot be asked for after it ended); its output as it comes."""
        api = self.client.api
        url = api._url("/containers/{0}/attach", container)
        params = {"logs": 1, "stdout": 1, "stderr": 1, "stream": 1}
        response = api._post(url, headers={"Connection": "Upgrade", "Upgrade": "tcp"}, params=params, stream=True)
        api._raise_for_status(response)
        # The multiplexed stream, read with no socket timeout (a harness may be silent for long);
        # docker-py's attach() keeps the client's timeout and inspects first.
        sock = api._get_raw_response_socket(response)
        api._disable_socket_timeout(sock)
        api.start(container)
        return (data for _, data in frames_iter(sock, False))

    def _result(
        self, folder: RunFolder, log_text: str, exit_code: int | None, timed_out: bool, start_seconds: float
    ) -> RunResult:
        """The run's result from the sidecar's result.json; the container's exit code only when
        the sidecar was killed before writing it (137: most likely out of memory)."""
        ended = folder.outcome(log_text, exit_code, timed_out, self.config.worker_run_timeout_seconds)
        ended.start_seconds = start_seconds
        if ended.stage == "killed" and exit_code == 137:
            memory = self.options["memory_limit"]
            ended.message = (
                f"The run was killed (exit code 137), most likely because it ran out of memory "
                f"(limit {memory}, OZ_WORKER_MEMORY_LIMIT)."
            )
        return ended

    def _create(self, **options: Any) -> str:
        """Create a container and return its id: one request (docker-py's ``containers.create``
        inspects it afterwards, a round trip a run does not need)."""
        arguments = _create_container_args({**options, "version": self.client.api._version})
        return str(self.client.api.create_container(**arguments)["Id"])

    def _wait_exit(self, container: str) -> int | None:
        try:
            return int(self.client.api.wait(container, timeout=None, condition="removed")["StatusCode"])
        except Exception:  # gone before the wait arrived, or the connection broke on a force-remove
            return None

    def _remove(self, container: str) -> None:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            self.client.api.remove_container(container, force=True)

    async def cancel(self, task_id: str) -> bool:
        """Kill and remove the run's container at once; True if it was running here. A
        cancelled run's work is discarded, so there is no grace period to wait for."""
        self._cancelled.add(task_id)
        container = self._containers.get(task_id)
        if container is None:
            return False
        removal = self._removals.get(task_id)
        if removal is None:
            removal = self._removals[task_id] = asyncio.ensure_future(asyncio.to_thread(self._remove, container))
        await asyncio.shield(removal)
        return True

    def running(self) -> list[str]:
        """Ids of the runs with a container right now."""
        return list(self._containers)

    async def stop_all(self) -> None:
        """Cancel every run of this backend."""
        await asyncio.gather(*(self.cancel(task_id) for task_id in list(self._containers)))

    async def close(self) -> None:
        if self._client is not None:
            await asyncio.to_thread(self._client.close)
