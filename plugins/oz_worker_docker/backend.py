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
import shutil
import tarfile
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import docker.errors
from loguru import logger

from oz_app.config import Settings
from oz_app.worker_backend import (
    LEFT_FOLDERS,
    MAX_LEFT_FILE_BYTES,
    BackendError,
    LeftFile,
    RunResult,
    at_most_files,
    extract_artifacts,
    left_files_on_disk,
)

SIDECAR_DIR = Path(__file__).resolve().parent / "sidecar"
RESULTS_DIR = "/workspace/.oz"
OUTPUT_FILE = "agent_output.txt"
OUTPUT_PATH = f"{RESULTS_DIR}/{OUTPUT_FILE}"
MANAGED_LABEL = "oz.managed"
MAX_LOG_BYTES = 16 * 1024 * 1024
ERROR_PREFIX = "oz-sidecar: error: "


def sidecar_hash(directory: Path = SIDECAR_DIR) -> str:
    """A short hash of the sidecar's files: it names the image, so a changed sidecar is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def failure_reason(log_text: str, exit_code: int | None) -> str:
    """The sidecar's last error line, or a sentence about the exit code."""
    for line in reversed(log_text.splitlines()):
        if line.startswith(ERROR_PREFIX):
            reason = line.removeprefix(ERROR_PREFIX).strip()
            return reason[:1].upper() + reason[1:]
    return f"The agent exited with code {exit_code}."


def _read_file_from_archive(chunks: Any) -> bytes:
    archive = tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))
    for member in archive.getmembers():
        if member.isfile():
            handle = archive.extractfile(member)
            return handle.read() if handle else b""
    return b""


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


def _container_name(task_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", task_id)[:48]
    return f"oz-run-{safe}-{secrets.token_hex(3)}"


class DockerBackend:
    """Runs each assignment in a container of its environment's image with the sidecar at ``/agent``."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self.settings = settings
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
        tag = self.settings.worker_sidecar_image or f"oz-agent-sidecar:{sidecar_hash()}"

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

    async def run(self, assignment: dict[str, Any], on_line: Callable[[str], None]) -> RunResult:
        """Execute one assignment to the end; ``on_line`` receives each output line as it comes."""
        task_id = str(assignment["task_id"])
        image = str(assignment.get("docker_image") or "")
        if not image:
            raise BackendError("The run's environment has no docker_image; set one on the environment.")
        env = self._environment(assignment)

        def image_present() -> bool:
            try:
                self.client.images.get(image)
            except docker.errors.ImageNotFound:
                return False
            return True

        if not await asyncio.to_thread(image_present):
            raise BackendError(
                f"The image {image!r} is not on this worker's Docker host; build or load it there (workers never pull)."
            )
        volume = await self.ensure_sidecar_volume()
        if task_id in self._cancelled:
            return RunResult("cancelled")
        labels = {MANAGED_LABEL: "run", "oz.run_id": task_id, "oz.worker_id": self.worker_id}
        # /workspace/.oz is a folder of this host, so the final output is read from disk instead
        # of copied out of the container (about 115 ms a run).
        results = Path(tempfile.mkdtemp(prefix="oz-run-"))
        mounts = {volume: {"bind": "/agent", "mode": "ro"}, str(results): {"bind": RESULTS_DIR, "mode": "rw"}}
        try:
            container = await asyncio.to_thread(
                self.client.containers.create,
                image,
                entrypoint=["/bin/sh", "/agent/entrypoint.sh"],
                command=[],
                working_dir="/workspace",
                environment=env,
                labels=labels,
                name=_container_name(task_id),
                volumes=mounts,
                mem_limit=self.settings.worker_memory_limit,
                nano_cpus=int(self.settings.worker_cpus * 1e9),
                pids_limit=self.settings.worker_pids_limit,
                network_mode=self.settings.worker_network or None,
                init=True,  # PID 1 forwards SIGTERM, so a stop takes milliseconds instead of the grace period
            )
        except docker.errors.APIError as exc:
            shutil.rmtree(results, ignore_errors=True)
            raise BackendError(f"The container for the run could not be created: {exc.explanation or exc}.") from exc
        self._containers[task_id] = container
        try:
            return await self._execute(task_id, container, on_line, results)
        finally:
            shutil.rmtree(results, ignore_errors=True)
            self._containers.pop(task_id, None)
            self._cancelled.discard(task_id)
            removal = self._removals.pop(task_id, None)
            if removal is not None:  # a cancel is removing it: the run ends when the container is gone
                with contextlib.suppress(Exception):
                    await asyncio.shield(removal)
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                await asyncio.to_thread(container.remove, force=True)

    def _environment(self, assignment: dict[str, Any]) -> dict[str, str]:
        env = {str(k): str(v) for k, v in (assignment.get("env_vars") or {}).items() if v is not None}
        task = assignment.get("task") or {}
        if "OZ_TASK_PROMPT" not in env:
            env["OZ_TASK_PROMPT"] = str((task.get("task_definition") or {}).get("prompt") or "")
        if "OZ_MODEL_ID" not in env:
            env["OZ_MODEL_ID"] = str((task.get("agent_config_snapshot") or {}).get("model_id") or "")
        return env

    async def _execute(self, task_id: str, container: Any, on_line: Callable[[str], None], results: Path) -> RunResult:
        loop = asyncio.get_running_loop()
        log_lines: list[str] = []
        if task_id in self._cancelled:
            return RunResult("cancelled")
        try:
            await asyncio.to_thread(container.start)
        except docker.errors.APIError as exc:
            if task_id in self._cancelled:
                return RunResult("cancelled")
            raise BackendError(f"The run's container did not start: {exc.explanation or exc}.") from exc

        def emit(line: str) -> None:
            log_lines.append(line)
            on_line(line)

        logs_done = threading.Event()

        def pump_logs() -> None:
            pending = b""
            size = 0
            try:
                for chunk in container.logs(stream=True, follow=True, stdout=True, stderr=True):
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
            finally:
                logs_done.set()

        pump = asyncio.ensure_future(asyncio.to_thread(pump_logs))
        waiter = asyncio.ensure_future(asyncio.to_thread(self._wait_exit, container))
        timed_out = False
        try:
            exit_code = await asyncio.wait_for(asyncio.shield(waiter), self.settings.worker_run_timeout_seconds)
        except TimeoutError:
            timed_out = True
            with contextlib.suppress(docker.errors.APIError):
                await asyncio.to_thread(container.kill)
            exit_code = await waiter
        # The log stream ends right after the container; do not wait on it forever.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(pump), 5)
        await asyncio.sleep(0)  # let the last call_soon_threadsafe(emit) callbacks run
        log_text = "\n".join(log_lines)
        if task_id in self._cancelled:
            return RunResult("cancelled", output=log_text, exit_code=exit_code)
        output = await asyncio.to_thread(self._agent_output, container, results) or log_text
        artifacts, session_link = extract_artifacts(output)
        files = await asyncio.to_thread(self._left_files, container, results)
        if timed_out:
            limit = self.settings.worker_run_timeout_seconds
            message = f"The run exceeded its time limit of {limit} s and was stopped."
            return RunResult("failed", output, exit_code, message, artifacts, session_link, files)
        if exit_code == 0:
            return RunResult("succeeded", output, 0, "", artifacts, session_link, files)
        if await asyncio.to_thread(self._oom_killed, container):
            message = f"The run ran out of memory (limit {self.settings.worker_memory_limit}, OZ_WORKER_MEMORY_LIMIT)."
        else:
            message = failure_reason(log_text, exit_code)
        return RunResult("failed", output, exit_code, message, artifacts, session_link, files)

    @staticmethod
    def _wait_exit(container: Any) -> int | None:
        try:
            return int(container.wait()["StatusCode"])
        except (docker.errors.NotFound, docker.errors.APIError):
            return None
        except Exception:  # the connection broke because the container was force-removed
            return None

    @staticmethod
    def _agent_output(container: Any, results: Path) -> str:
        """The harness's output file: from the mounted folder, else (a worker that does not share
        this host's filesystem with the engine) copied out of the container."""
        with contextlib.suppress(OSError):
            return (results / OUTPUT_FILE).read_text(encoding="utf-8", errors="replace")
        try:
            chunks, _ = container.get_archive(OUTPUT_PATH)
            return _read_file_from_archive(chunks).decode("utf-8", "replace")
        except (docker.errors.NotFound, docker.errors.APIError, tarfile.TarError):
            return ""

    @staticmethod
    def _left_files(container: Any, results: Path) -> list[LeftFile]:
        """The files the run left for the control plane: from the mounted folder, else (the engine
        does not share this host's filesystem) copied out of the container."""
        if (results / OUTPUT_FILE).exists():
            return left_files_on_disk(results)
        found: list[LeftFile] = []
        for folder in LEFT_FOLDERS:
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError, tarfile.TarError):
                found += left_files_in_archive(folder, container.get_archive(f"{RESULTS_DIR}/{folder}")[0])
        return at_most_files(found)

    @staticmethod
    def _oom_killed(container: Any) -> bool:
        try:
            container.reload()
            return bool(container.attrs.get("State", {}).get("OOMKilled"))
        except docker.errors.APIError:
            return False

    async def cancel(self, task_id: str) -> bool:
        """Stop and remove the run's container (a 1 s grace, then SIGKILL); True if it was running here."""
        self._cancelled.add(task_id)
        container = self._containers.get(task_id)
        if container is None:
            return False

        def stop_and_remove() -> None:
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                container.stop(timeout=1)
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                container.remove(force=True)

        removal = self._removals.get(task_id)
        if removal is None:
            removal = self._removals[task_id] = asyncio.ensure_future(asyncio.to_thread(stop_and_remove))
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
