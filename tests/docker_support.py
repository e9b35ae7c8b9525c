"""Docker helpers for the worker and sidecar tests: the engine, a tiny task image, settings.

The task image is ``FROM scratch`` with the host's static busybox, a fake ``claude`` that
prints its prompt, its flags, the variables named in $ECHO_VARS, a pull-request URL, a branch and
a session link, and fake ``codex`` and ``gemini`` that print their argv, one argument a line. Prompts starting with
``sleep`` sleep 30 s, ``nap`` sleeps 2 s, ``fail`` exits 3, ``leave`` leaves a handoff file (and a
symbolic link to a file of the host), two files and a screenshot for the worker to upload.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import http.server
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from oz_app.config import Settings, load_settings
from oz_app.harnesses import BUILT_IN
from oz_app.task_input import prepare_run
from oz_app.worker_backend import RunResult
from oz_app.worker_frames import TaskAssignment
from tests.conftest import missing

BUSYBOX = Path("/bin/busybox")
TEST_LABEL = "oz.test"

FAKE_CLAUDE = """#!/bin/sh
case "$2" in
sleep*) echo "sleeping"; sleep 30 ;;
nap*) echo "napping"; sleep 2 ;;
fail*) echo "it went wrong"; exit 3 ;;
leave*)
    echo "# where I stopped" >"$OZ_HANDOFF_DIR/notes.md"
    ln -s /etc/hostname "$OZ_HANDOFF_DIR/host-file"
    echo "report" >"$OZ_ARTIFACTS_DIR/report.txt"
    mkdir "$OZ_ARTIFACTS_DIR/sub" && echo "deep" >"$OZ_ARTIFACTS_DIR/sub/deep.txt"
    printf 'PNG' >"$OZ_SCREENSHOTS_DIR/shot.png"
    ;;
esac
echo "prompt: $2"
shift 2
echo "flags: $*"
for name in ${ECHO_VARS:-}; do eval "printf '%s=[%s]\\\\n' $name \\"\\${$name-UNSET}\\""; done
[ -f /workspace/.oz/mcp.json ] && echo "mcp file: $(cat /workspace/.oz/mcp.json)"
echo "Opened https://github.com/acme/widgets/pull/42"
echo "branch: oz/fix-widgets"
echo "session link: https://oz.example/sessions/abc123"
"""

FAKE_ARGV = """#!/bin/sh
echo "cli: ${0##*/}"
for argument in "$@"; do printf 'arg: %s\\n' "$argument"; done
"""

DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY claude codex gemini /usr/local/bin/
ENV PATH=/usr/local/bin:/bin
"""


def docker_client() -> Any:
    """A docker-py client, or skip (fail in CI) when the engine is not reachable."""
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as exc:
        missing(f"the Docker engine is not reachable: {exc}")
    if not BUSYBOX.is_file():
        missing("/bin/busybox (Debian busybox-static) is needed to build the test image")
    return client


def build_task_image(client: Any, workdir: Path) -> str:
    """Build the fake-harness task image (tagged by content, so reruns reuse it)."""
    digest = hashlib.sha256((DOCKERFILE + FAKE_CLAUDE + FAKE_ARGV).encode() + BUSYBOX.read_bytes()).hexdigest()[:12]
    tag = f"oz-test-worker-task:{digest}"
    try:
        client.images.get(tag)
        return tag
    except Exception:
        pass
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUSYBOX, workdir / "busybox")
    for name, text in (("claude", FAKE_CLAUDE), ("codex", FAKE_ARGV), ("gemini", FAKE_ARGV)):
        (workdir / name).write_text(text)
        (workdir / name).chmod(0o755)
    (workdir / "Dockerfile").write_text(DOCKERFILE)
    client.images.build(path=str(workdir), tag=tag, rm=True, pull=False)
    return tag


def worker_settings(**env: str) -> Settings:
    return load_settings({"OZ_CONFIG_FILE": "", "OZ_API_KEY": "worker-test-key", **env})


def new_worker_id() -> str:
    return f"test-worker-{uuid.uuid4().hex[:10]}"


def containers_of(client: Any, worker_id: str) -> list[Any]:
    # sparse: no per-container inspect, which races with containers being removed meanwhile
    return list(client.containers.list(all=True, sparse=True, filters={"label": f"oz.worker_id={worker_id}"}))


def assignment(
    task_id: str,
    image: str,
    prompt: str = "fix the widgets",
    *,
    env_vars: dict[str, str] | None = None,
    repos: list[str] | None = None,
    setup_commands: list[str] | None = None,
    **fields: Any,
) -> TaskAssignment:
    """A ``task_assignment`` (protocol 2) as the control plane sends it."""
    environment = {
        "id": "env-1",
        "image": image,
        "env_vars": env_vars or {},
        "repos": repos or [],
        "setup_commands": setup_commands or [],
    }
    data = {"task_id": task_id, "title": "test", "prompt": prompt, "environment": environment, **fields}
    return TaskAssignment.model_validate(data)


async def run_on(backend: Any, run: TaskAssignment, on_line: Any = None) -> RunResult:
    """Run ``run`` on ``backend`` as the worker does: in a prepared run folder, closed after."""
    folder = await asyncio.to_thread(prepare_run, run, BUILT_IN)
    try:
        result: RunResult = await backend.run(run, folder, on_line or (lambda line: None))
        return result
    finally:
        folder.close()


GIT_BINARIES = (Path("/usr/bin/git"), Path("/usr/lib/git-core/git"), Path("/usr/lib/git-core/git-remote-http"))


def _libraries(binary: Path) -> set[Path]:
    """The shared libraries ``binary`` loads, as ``ldd`` resolves them on this host."""
    listing = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    return {Path(part) for line in listing.splitlines() for part in line.split() if part.startswith("/")}


def build_git_task_image(client: Any, workdir: Path) -> str:
    """The task image plus the host's git (and its http helper and libraries), for clone tests."""
    if not all(binary.is_file() for binary in GIT_BINARIES):
        missing("git (Debian git) is needed to build the clone test image")
    base = build_task_image(client, workdir / "base")
    files = set(GIT_BINARIES).union(*(_libraries(binary) for binary in GIT_BINARIES))
    dockerfile = f"FROM {base}\nCOPY root/ /\nRUN mkdir -p /tmp\nENV PATH=/usr/local/bin:/usr/bin:/bin\n"
    digest = hashlib.sha256((dockerfile + "".join(sorted(map(str, files)))).encode()).hexdigest()[:12]
    tag = f"oz-test-worker-git:{digest}"
    with contextlib.suppress(Exception):
        client.images.get(tag)
        return tag
    context = workdir / "git"
    for path in files:
        target = context / "root" / path.relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path.resolve(), target)
    (context / "Dockerfile").write_text(dockerfile)
    client.images.build(path=str(context), tag=tag, rm=True, pull=False)
    return tag


@contextlib.contextmanager
def served_repository(workdir: Path, name: str, files: dict[str, str]) -> Iterator[str]:
    """A git repository with ``files`` in one commit, served over plain HTTP on 127.0.0.1."""
    source, bare = workdir / "source", workdir / "served" / f"{name}.git"
    git = ["git", "-c", "user.name=oz", "-c", "user.email=oz@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(source)], check=True)
    for relative, text in files.items():
        (source / relative).write_text(text)
    subprocess.run([*git, "-C", str(source), "add", "."], check=True)
    subprocess.run([*git, "-C", str(source), "commit", "-q", "-m", "initial"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True)
    subprocess.run(["git", "-C", str(bare), "update-server-info"], check=True)  # for the dumb HTTP protocol
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(workdir / "served"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{name}.git"
    finally:
        server.shutdown()
        thread.join(5)
