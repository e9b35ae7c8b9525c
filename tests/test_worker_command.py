"""The ``command`` worker backend (WK-13, PL-5) with the example scripts of examples/worker-command."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from oz_app.worker_backend import BackendError
from tests.conftest import sdk, wait_for
from tests.docker_support import worker_settings
from tests.test_worker_direct import (
    TRICKY,
    assignment,
    ended,
    environment,
    execute,
    gone,
    harness_path,
    needs_protocol_2,
    start_sleeping,
    workers,
)

__all__ = ["harness_path", "workers"]  # fixtures used here

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "worker-command"
DISPATCH = EXAMPLES / "dispatch.sh"
CANCEL = EXAMPLES / "cancel.sh"


def command_backend(**env: str) -> Any:
    from oz_worker_command.backend import CommandBackend

    return CommandBackend(worker_settings(**env))


@pytest.fixture
async def example(tmp_path: Path, harness_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The backend with the example dispatch and cancel scripts."""
    monkeypatch.setenv("DISPATCH_STATE_DIR", str(tmp_path / "state"))
    made = command_backend(OZ_WORKER_COMMAND_DISPATCH=str(DISPATCH), OZ_WORKER_COMMAND_CANCEL=str(CANCEL))
    await made.start("command-test")
    yield made
    await made.stop_all()


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


# --- result lines -----------------------------------------------------------------------------


def test_result_lines_are_told_from_progress_and_malformed_ones_refused() -> None:
    from oz_worker_command.backend import MalformedResult, parse_result

    assert parse_result("plain progress") is None
    assert parse_result('{"other": 1}') is None
    assert parse_result('{"oz_result": {"exit_code": 0}}') == {"exit_code": 0}
    for bad, why in [
        ('{"oz_result": {"exit_code": 0}', "not valid JSON"),
        ('{"oz_result": 3}', "must be an object"),
        ('{"oz_result": {"exit_code": "0"}}', "exit_code must be a whole number"),
        ('{"oz_result": {"exit_code": 0, "artifacts": [{"url": "x"}]}}', "artifacts must be a list"),
    ]:
        with pytest.raises(MalformedResult, match=why):
            parse_result(bad)


# --- the example scripts ------------------------------------------------------------------------


async def test_the_example_dispatch_runs_a_task_exactly_and_streams(example: Any) -> None:
    """WK-13, WK-9: through examples/worker-command/dispatch.sh, env values arrive exactly, setup
    commands run, lines stream, the sidecar's result is the run's, left files are uploaded."""
    lines: list[str] = []
    setup = ["echo setup one", "if true; then\n  echo setup two\nfi"]
    result = await execute(
        example,
        assignment("cmd-env", "env please", env_vars={"MULTI": TRICKY, "EMPTY": ""}, setup_commands=setup),
        lines.append,
    )
    assert result.status == "succeeded", result
    assert result.exit_code == 0 and result.start_seconds is not None
    assert "setup one" in lines and "setup two" in lines and "prompt: env please" in lines
    assert not any("oz_result" in line for line in lines)  # the result line is not output
    files = {left.path: left.data for left in result.files}
    assert files["multi.txt"] == TRICKY.encode() and files["empty.txt"] == b""
    assert result.artifacts[0]["data"]["url"] == "https://github.com/acme/widgets/pull/42"


async def test_the_example_reports_a_failing_setup_and_a_missing_harness(example: Any) -> None:
    result = await execute(example, assignment("cmd-setup", "x", setup_commands=["true", "exit 7"]), lambda _: None)
    assert (result.status, result.stage, result.exit_code) == ("failed", "setup", 7)
    assert "Setup command 2 failed" in result.message
    result = await execute(example, assignment("cmd-codex", "x", harness="codex"), lambda _: None)
    assert (result.status, result.stage) == ("failed", "harness")
    assert "'codex'" in result.message


async def test_cancel_runs_the_cancel_command_and_ends_the_task(example: Any, tmp_path: Path) -> None:
    """WK-13: cancel runs cancel.sh with the task id; the harness is gone and the run ``cancelled`` quickly."""
    running, pid = await start_sleeping(example, "cmd-cancel")
    assert (tmp_path / "state" / "cmd-cancel.pid").is_file()  # dispatch.sh told cancel.sh where it is
    started = time.monotonic()
    assert await example.cancel("cmd-cancel") is True
    result = await asyncio.wait_for(running, 5)
    assert result.status == "cancelled"
    assert time.monotonic() - started < 2
    assert wait_for(lambda: gone(pid), timeout=2)
    assert not (tmp_path / "state" / "cmd-cancel.pid").exists()  # cancel.sh's TERM let dispatch.sh clean up


# --- the contract with any dispatch command ---------------------------------------------------------


async def test_the_dispatch_command_reads_one_json_document_and_no_worker_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WK-13: stdin is the documented document; OZ_API_KEY and AUTH_SECRET stay with the worker."""
    monkeypatch.setenv("OZ_API_KEY", "admin-key-must-not-leak")
    monkeypatch.setenv("AUTH_SECRET", "auth-secret-must-not-leak")
    capture = tmp_path / "stdin.json"
    dispatch = script(tmp_path, "capture.sh", f'cat >"{capture}"\nenv >"{capture}.env"\n')
    made = command_backend(OZ_WORKER_COMMAND_DISPATCH=f"{dispatch} --flag 'two words'")
    await made.start("w-1")
    run = assignment("cmd-doc", "the prompt ✓", env_vars={"MULTI": TRICKY}, image="img:1")
    run["harness"] = {"type": "codex", "model_id": "gpt-5-codex", "reasoning_effort": "high"}
    result = await execute(made, run, lambda _: None)
    assert result.status == "succeeded", result
    document = json.loads(capture.read_text())
    assert {k: document[k] for k in ("version", "task_id", "worker_id", "prompt", "docker_image")} == {
        "version": 1,
        "task_id": "cmd-doc",
        "worker_id": "w-1",
        "prompt": "the prompt ✓",
        "docker_image": "img:1",
    }
    assert document["harness"] == {"type": "codex", "model_id": "gpt-5-codex", "reasoning_effort": "high"}
    assert document["task"]["env"] == {"MULTI": TRICKY}
    assert document["task"]["argv"][:3] == ["codex", "exec", "--model"]
    seen_env = capture.with_name("stdin.json.env").read_text()
    assert "must-not-leak" not in seen_env and "OZ_TASK_ID=cmd-doc" in seen_env


async def test_a_dispatch_command_that_does_not_exist_is_named(tmp_path: Path) -> None:
    made = command_backend(OZ_WORKER_COMMAND_DISPATCH=str(tmp_path / "no-such-dispatch"))
    with pytest.raises(BackendError, match=r"OZ_WORKER_COMMAND_DISPATCH names .*no-such-dispatch"):
        await made.start("w")
    result = await execute(made, assignment("cmd-missing", "x"), lambda _: None)
    assert (result.status, result.stage) == ("failed", "dispatch")
    assert "no-such-dispatch" in result.message and "could not be started" in result.message


def test_an_unset_dispatch_command_is_refused_naming_the_variable() -> None:
    with pytest.raises(BackendError, match="OZ_WORKER_COMMAND_DISPATCH is not set"):
        command_backend()


async def test_a_dispatch_command_exiting_non_zero_fails_with_its_last_error_line(tmp_path: Path) -> None:
    dispatch = script(tmp_path, "broken.sh", "echo working\necho 'no slot free on the cluster' >&2\nexit 5\n")
    made = command_backend(OZ_WORKER_COMMAND_DISPATCH=dispatch)
    lines: list[str] = []
    result = await execute(made, assignment("cmd-exit", "x"), lines.append)
    assert (result.status, result.exit_code, result.stage) == ("failed", 5, "dispatch")
    assert result.message == "The dispatch command exited with code 5: no slot free on the cluster"
    assert lines == ["working", "no slot free on the cluster"]


async def test_a_malformed_result_line_fails_the_run_saying_so(tmp_path: Path) -> None:
    dispatch = script(tmp_path, "malformed.sh", 'echo \'{"oz_result": {"exit_code": "zero"}}\'\n')
    result = await execute(command_backend(OZ_WORKER_COMMAND_DISPATCH=dispatch), assignment("cmd-bad", "x"), print)
    assert (result.status, result.stage) == ("failed", "dispatch")
    assert result.message.startswith("The dispatch command printed a malformed result line (")
    assert "exit_code must be a whole number" in result.message


async def test_a_result_line_decides_over_the_exit_status(tmp_path: Path) -> None:
    body = (
        'echo "progress"\n'
        'echo \'{"oz_result": {"exit_code": 2, "stage": "harness", "message": "The job failed on node 7.",'
        ' "artifacts": [{"artifact_type": "PULL_REQUEST", "data": {"url": "https://github.com/a/b/pull/9"}}]}}\'\n'
    )
    backend = command_backend(OZ_WORKER_COMMAND_DISPATCH=script(tmp_path, "r.sh", body))
    result = await execute(backend, assignment("cmd-result", "x"), lambda _: None)
    assert (result.status, result.exit_code, result.stage) == ("failed", 2, "harness")
    assert result.message == "The job failed on node 7."
    assert result.output == "progress"
    assert result.artifacts[0]["data"] == {"url": "https://github.com/a/b/pull/9", "branch": ""}


# --- end to end -----------------------------------------------------------------------------------


@needs_protocol_2
def test_a_run_created_with_the_sdk_executes_through_the_command_backend(
    make_server: Any, workers: Any, token: str, tmp_path: Path, harness_path: Path
) -> None:
    """WK-13 end to end: SDK → control plane → `oz-app --worker` with OZ_WORKER_BACKEND=command and
    the example scripts."""
    server = make_server()
    workers(
        server,
        "command-e2e",
        OZ_WORKER_BACKEND="command",
        OZ_WORKER_COMMAND_DISPATCH=str(DISPATCH),
        OZ_WORKER_COMMAND_CANCEL=str(CANCEL),
        DISPATCH_STATE_DIR=str(tmp_path / "state"),
    )
    client = sdk(server, token)
    env_id = environment(server, token, env_vars={"MULTI": TRICKY}, setup_commands=["echo set up"])
    run = ended(client, client.agent.run(prompt="env check", config={"environment_id": env_id}).run_id)
    assert run.state == "SUCCEEDED", run.status_message
    assert "prompt: env check" in run.output
    assert any(a.artifact_type == "FILE" and a.data.filepath == "multi.txt" for a in run.artifacts)


@needs_protocol_2
def test_a_killed_command_worker_leaves_no_task_running(
    make_server: Any, workers: Any, token: str, tmp_path: Path, harness_path: Path
) -> None:
    """WK-13: `kill -9` of the worker: the dispatch command gets SIGTERM (PR_SET_PDEATHSIG) and the
    example's harness is gone within 30 s."""
    server = make_server()
    worker = workers(
        server,
        "command-kill",
        OZ_WORKER_BACKEND="command",
        OZ_WORKER_COMMAND_DISPATCH=str(DISPATCH),
        DISPATCH_STATE_DIR=str(tmp_path / "state"),
    )
    pid_file = tmp_path / "harness.pid"
    client = sdk(server, token)
    client.agent.run(
        prompt="sleep", config={"environment_id": environment(server, token, env_vars={"PID_FILE": str(pid_file)})}
    )
    wait_for(lambda: pid_file.is_file() and pid_file.read_text().strip(), timeout=30)
    pid = int(pid_file.read_text())
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait()
    assert wait_for(lambda: gone(pid), timeout=30, interval=0.2)
