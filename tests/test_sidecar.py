"""The sidecar in a real container (WK-3, WK-9, WK-10): task document, repos, setup, harness.

Each run goes through the docker backend with a prepared run folder, as a worker runs it; what
the run leaves in /workspace/.oz/artifacts comes back as its files.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.docker_support import assignment, build_task_image, docker_client, new_worker_id, run_on, worker_settings

TRICKY = {
    "PEM": "-----BEGIN KEY-----\nMIIB+/=\n-----END KEY-----",
    "QUOTES": "she said \"hi\" and 'bye' $(id) `id`",
    "EQUALS": "a=b==c",
    "UNICODE": "héllo ☃ 日本",
    "EMPTY": "",
    "BACKSLASH": "C:\\path\\n %s \x01",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from oz_worker_docker.backend import DockerBackend

    client = docker_client()
    image = build_task_image(client, tmp_path_factory.mktemp("task-image"))
    backend = DockerBackend(worker_settings(), client)
    asyncio.run(backend.start(new_worker_id()))
    return {"client": client, "image": image, "backend": backend}


def run(engine: dict[str, Any], prompt: str = "fix the widgets", **fields: Any) -> Any:
    lines: list[str] = []
    result = asyncio.run(
        run_on(engine["backend"], assignment("sidecar", engine["image"], prompt, **fields), lines.append)
    )
    result.logs = "\n".join(lines)
    result.left = {left.path: left.data.decode() for left in result.files}
    return result


def test_wk9_env_values_and_multi_line_setup_commands_arrive_exactly(engine: dict[str, Any]) -> None:
    setup = [
        'if [ -n "$PEM" ]; then\n  printf "%s" "$PEM" > .oz/artifacts/pem.txt\nfi',
        'printf \'%s|%s\' "$EQUALS" "$EMPTY" > .oz/artifacts/equals.txt',
        'read line; echo "stdin=$?" > .oz/artifacts/stdin.txt',
    ]
    env = {**TRICKY, "ECHO_VARS": " ".join(TRICKY)}
    result = run(engine, env_vars=env, setup_commands=setup)
    assert result.status == "succeeded", result.logs
    for name, value in TRICKY.items():
        assert f"{name}=[{value}]" in result.output, name
    assert result.left["pem.txt"] == TRICKY["PEM"]
    assert result.left["equals.txt"] == "a=b==c|"
    assert result.left["stdin.txt"] == "stdin=1\n"  # setup commands get no stdin
    assert "oz-sidecar:" not in result.output  # the sidecar's own lines go to the logs only


def test_wk9_a_failing_setup_command_stops_the_run_and_names_it(engine: dict[str, Any]) -> None:
    result = run(engine, setup_commands=["true", "exit 7", "echo never > .oz/artifacts/never.txt"])
    assert (result.status, result.exit_code, result.stage) == ("failed", 7, "setup")
    assert result.message == "Setup command 2 failed with exit code 7."
    assert "never.txt" not in result.left and "prompt:" not in result.logs


def test_harness_exit_code_is_propagated(engine: dict[str, Any]) -> None:
    result = run(engine, "fail please")
    assert (result.status, result.exit_code, result.stage) == ("failed", 3, "harness")
    assert result.output == "it went wrong\n"
    assert result.message == "The agent exited with code 3."


@pytest.mark.parametrize(
    ("harness", "expected"),
    [
        ({"type": "codex", "model_id": "gpt-5-codex", "reasoning_effort": "high"},
         ["cli: codex", "arg: exec", "arg: --model", "arg: gpt-5-codex", "arg: -c", "arg: model_reasoning_effort=high",
          "arg: fix the widgets"]),
        ({"type": "gemini", "model_id": "gemini-2.5-pro"},
         ["cli: gemini", "arg: -p", "arg: fix the widgets", "arg: --model", "arg: gemini-2.5-pro"]),
    ],
)  # fmt: skip
def test_wk10_each_harness_type_runs_its_cli_with_its_model(
    engine: dict[str, Any], harness: dict[str, str], expected: list[str]
) -> None:
    result = run(engine, harness=harness, model_id="claude-sonnet")
    assert result.status == "succeeded", result.logs
    assert result.output.splitlines() == expected


def test_wk10_claude_gets_its_model_mode_and_mcp_servers(engine: dict[str, Any]) -> None:
    """CP-11: config.harness's model, the run's plan mode and the MCP servers (a file the CLI is
    pointed at, relative to the workspace) become the CLI's own flags."""
    servers = {"fs": {"command": "mcp-fs", "args": ["--root", "/workspace"]}}
    result = run(engine, harness={"type": "claude", "model_id": "claude-haiku-4-5"}, mode="plan", mcp_servers=servers)
    assert result.status == "succeeded", result.logs
    assert "flags: --model claude-haiku-4-5 --mcp-config .oz/mcp.json --permission-mode plan" in result.output
    assert json.loads(result.output.split("mcp file: ", 1)[1].splitlines()[0]) == {"mcpServers": servers}


def test_wk10_a_harness_whose_cli_is_missing_fails_naming_it(engine: dict[str, Any]) -> None:
    from oz_app.harnesses import BUILT_IN, Harness, Invocation
    from oz_app.task_input import prepare_run

    table = {**BUILT_IN, "aider": Harness("aider", "aider", lambda call: Invocation(["aider", call.prompt]))}
    task = assignment("sidecar", engine["image"], harness={"type": "aider"})

    async def go() -> Any:
        folder = await asyncio.to_thread(prepare_run, task, table)
        try:
            return await engine["backend"].run(task, folder, lambda line: None)
        finally:
            folder.close()

    result = asyncio.run(go())
    assert (result.status, result.exit_code, result.stage) == ("failed", 127, "harness")
    assert result.message.startswith("The harness CLI 'aider' is not installed in the environment's image")


@pytest.mark.parametrize(
    "spec",
    ["-oProxyCommand=touch /tmp/x", "acme/widgets;id", "acme widgets/x", "ext::sh -c id", "file:///etc", "../x"],
)
def test_malformed_repository_specs_are_refused(engine: dict[str, Any], spec: str) -> None:
    result = run(engine, repos=["acme/fine", spec])
    assert (result.exit_code, result.stage) == (64, "repos"), result.logs
    assert result.message.startswith("Refusing ")


def test_repositories_need_git_in_the_image(engine: dict[str, Any]) -> None:
    result = run(engine, repos=["acme/widgets", "https://git.example/x/y.git", "git@github.com:a/b.git"])
    assert (result.exit_code, result.stage) == (69, "repos")
    assert "git is not installed in the environment's image" in result.message


def test_sidecar_files_ship_with_the_package() -> None:
    from oz_worker_docker.backend import SIDECAR_DIR, sidecar_hash

    top_level = Path(__file__).resolve().parents[1] / "sidecar"
    for name in ("Dockerfile", "entrypoint.sh"):
        assert (SIDECAR_DIR / name).read_bytes() == (top_level / name).read_bytes()
    assert len(sidecar_hash()) == 12
