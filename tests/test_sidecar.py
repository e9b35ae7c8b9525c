"""The sidecar's entrypoint in a real container (WK-3): environment, repos, setup, harness."""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.docker_support import TEST_LABEL, build_task_image, docker_client, worker_settings

RUN_LABEL = f"sidecar-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from oz_worker_docker.backend import DockerBackend

    client = docker_client()
    image = build_task_image(client, tmp_path_factory.mktemp("task-image"))
    backend = DockerBackend(worker_settings(), client)
    volume = asyncio.run(backend.ensure_sidecar_volume())
    yield {"client": client, "image": image, "volume": volume}
    left = client.containers.list(all=True, filters={"label": f"{TEST_LABEL}={RUN_LABEL}"})
    for container in left:
        container.remove(force=True)
    assert not left, "a sidecar test left a container behind"


def run_sidecar(engine: dict[str, Any], **env: str) -> tuple[int, str, dict[str, bytes]]:
    """Run the task image with the sidecar; return (exit code, logs, files under /workspace)."""
    client = engine["client"]
    container = client.containers.create(
        engine["image"],
        entrypoint=["/bin/sh", "/agent/entrypoint.sh"],
        working_dir="/workspace",
        environment={"OZ_TASK_PROMPT": "fix the widgets", **env},
        volumes={engine["volume"]: {"bind": "/agent", "mode": "ro"}},
        labels={TEST_LABEL: RUN_LABEL},
    )
    try:
        container.start()
        code = int(container.wait(timeout=30)["StatusCode"])
        logs = container.logs().decode()
        chunks, _ = container.get_archive("/workspace")
        archive = tarfile.open(fileobj=io.BytesIO(b"".join(chunks)))
        files = {}
        for member in archive.getmembers():
            if member.isfile():
                handle = archive.extractfile(member)
                files[member.name.removeprefix("workspace/")] = handle.read() if handle else b""
        return code, logs, files
    finally:
        container.remove(force=True)


def result_of(files: dict[str, bytes]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(files[".oz/result.json"])
    return result


def test_environment_setup_and_harness(engine: dict[str, Any]) -> None:
    code, logs, files = run_sidecar(
        engine,
        OZ_ENV_VARS="GREETING=hello world\n1BAD=x\nBAD-NAME=y\nno_equals_sign\nPAIR=a=b",
        OZ_ENV_SETUP_COMMANDS=(
            "echo first >> order.txt\n"
            'echo "$GREETING|$PAIR|${BAD_NAME:-unset}" > env.txt\n'
            "read line; echo stdin=$? >> order.txt\n"
            "echo second >> order.txt"
        ),
    )
    assert code == 0, logs
    assert "skipping OZ_ENV_VARS entry '1BAD'" in logs
    assert "skipping OZ_ENV_VARS entry 'BAD-NAME'" in logs
    assert "without '='" in logs
    assert files["env.txt"] == b"hello world|a=b|unset\n"
    # In order, and `read` got end-of-file at once: stdin is closed.
    assert files["order.txt"] == b"first\nstdin=1\nsecond\n"
    output = files[".oz/agent_output.txt"].decode()
    assert "prompt: fix the widgets" in output
    assert "https://github.com/acme/widgets/pull/42" in output
    assert "oz-sidecar:" not in output  # the sidecar's own lines go to the logs only
    assert result_of(files) == {
        "exit_code": 0,
        "output_file": "/workspace/.oz/agent_output.txt",
        "stage": "harness",
    }


def test_failing_setup_command_stops_the_run_and_names_it(engine: dict[str, Any]) -> None:
    code, logs, files = run_sidecar(engine, OZ_ENV_SETUP_COMMANDS="true\nexit 7\necho never > never.txt")
    assert code == 7
    assert "oz-sidecar: error: setup command 2 failed with exit code 7: exit 7" in logs
    assert "never.txt" not in files
    assert "prompt:" not in logs  # the harness did not run
    assert result_of(files)["exit_code"] == 7
    assert result_of(files)["stage"] == "setup"


def test_harness_exit_code_is_propagated(engine: dict[str, Any]) -> None:
    code, _, files = run_sidecar(engine, OZ_TASK_PROMPT="fail please")
    assert code == 3
    assert files[".oz/agent_output.txt"] == b"it went wrong\n"
    assert result_of(files)["exit_code"] == 3


@pytest.mark.parametrize(
    ("model", "cli"),
    [("gpt-5-codex", "codex"), ("codex-mini", "codex"), ("gemini-2.5-pro", "gemini"), ("claude-opus", "claude")],
)
def test_harness_is_chosen_from_the_model(engine: dict[str, Any], model: str, cli: str) -> None:
    # Only the fake claude exists in the image: the others fail naming the CLI they looked for.
    code, logs, _ = run_sidecar(engine, OZ_MODEL_ID=model)
    if cli == "claude":
        assert code == 0, logs
    else:
        assert code == 127
        assert f"the harness CLI '{cli}' is not installed" in logs


def test_the_runs_harness_model_mode_and_mcp_servers_reach_the_cli(engine: dict[str, Any]) -> None:
    """CP-11: config.harness picks the CLI whatever the model; its model, the run's plan mode and
    the MCP servers (written to a file the CLI is pointed at) become the CLI's own flags."""
    mcp = '{"mcpServers": {"fs": {"command": "mcp-fs", "args": ["--root", "/workspace"]}}}'
    code, logs, files = run_sidecar(
        engine, OZ_MODEL_ID="gpt-5", OZ_HARNESS="claude", OZ_HARNESS_MODEL="claude-haiku-4-5",
        OZ_RUN_MODE="plan", OZ_MCP_CONFIG=mcp,
    )  # fmt: skip
    assert code == 0, logs
    output = files[".oz/agent_output.txt"].decode()
    flags = "--model claude-haiku-4-5 --mcp-config /workspace/.oz/mcp.json --permission-mode plan"
    assert f"flags: {flags}" in output
    assert json.loads(output.split("mcp file: ", 1)[1].splitlines()[0]) == json.loads(mcp)


@pytest.mark.parametrize("harness", ["codex", "gemini"])
def test_a_harness_whose_cli_is_missing_fails_naming_it(engine: dict[str, Any], harness: str) -> None:
    """CP-11: config.harness.type chooses the CLI; a gemini run's MCP servers go to its project settings."""
    mcp = '{"mcpServers": {"docs": {"url": "https://mcp.example/sse"}}}'
    code, logs, files = run_sidecar(engine, OZ_MODEL_ID="claude-opus", OZ_HARNESS=harness, OZ_MCP_CONFIG=mcp)
    assert code == 127 and f"the harness CLI '{harness}' is not installed" in logs
    if harness == "gemini":
        assert json.loads(files[".gemini/settings.json"]) == json.loads(mcp)


def test_harness_command_override_gets_the_prompt_last(engine: dict[str, Any]) -> None:
    code, _, files = run_sidecar(engine, OZ_HARNESS_CMD="echo custom harness:", OZ_TASK_PROMPT="a $(dangerous) prompt")
    assert code == 0
    assert files[".oz/agent_output.txt"] == b"custom harness: a $(dangerous) prompt\n"


@pytest.mark.parametrize(
    "spec",
    ["-oProxyCommand=touch /tmp/x", "acme/widgets;id", "acme widgets/x", "ext::sh -c id", "file:///etc", "../x"],
)
def test_malformed_repository_specs_are_refused(engine: dict[str, Any], spec: str) -> None:
    code, logs, files = run_sidecar(engine, OZ_ENV_REPOS=f"acme/fine\n{spec}")
    assert code == 64, logs
    assert f"refusing repository '{spec}'" in logs
    assert result_of(files)["stage"] == "repos"


def test_repositories_need_git_in_the_image(engine: dict[str, Any]) -> None:
    code, logs, _ = run_sidecar(
        engine, OZ_ENV_REPOS="acme/widgets\nhttps://git.example/x/y.git\ngit@github.com:a/b.git"
    )
    assert code == 69
    assert "git is not installed in the environment's image" in logs


def test_sidecar_files_ship_with_the_package() -> None:
    from oz_worker_docker.backend import SIDECAR_DIR, sidecar_hash

    top_level = Path(__file__).resolve().parents[1] / "sidecar"
    for name in ("Dockerfile", "entrypoint.sh"):
        assert (SIDECAR_DIR / name).read_bytes() == (top_level / name).read_bytes()
    assert len(sidecar_hash()) == 12
