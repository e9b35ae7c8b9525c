"""Exact task inputs (WK-9), the one harness table (WK-10) and the sidecar's watchdog (WK-11).

The sidecar's reader runs here without Docker, under busybox sh, dash and bash, with a fake
harness on PATH that writes each argument, the variables it was asked about and its stdin to
files, so the test compares bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from oz_app.harnesses import BUILT_IN, Harness, HarnessCall, Invocation, load_harnesses
from oz_app.task_input import TaskInputError, read_result, task_document, write_task_document
from oz_app.worker_frames import FrameError, TaskAssignment, TaskFailed, parse

ENTRYPOINT = Path(__file__).resolve().parents[1] / "sidecar" / "entrypoint.sh"
SHELLS = {"busybox": ["/bin/busybox", "sh"], "dash": ["/bin/dash"], "bash": ["/bin/bash"]}

# Prints back what it got: argument N to arg.N, each variable named in $CHECK to env.NAME,
# stdin to stdin.txt; "sleep" as its last argument sleeps (for the watchdog test).
FAKE_HARNESS = """#!/bin/sh
out=$OZ_WORKSPACE/seen
mkdir -p "$out"
i=0
for a in "$@"; do i=$((i + 1)); printf '%s' "$a" >"$out/arg.$i"; done
for name in $CHECK; do eval "printf '%s' \\"\\${$name-UNSET}\\"" >"$out/env.$name"; done
cat >"$out/stdin.txt"
pwd >"$out/cwd"
case "$i:$*" in *sleep) echo started >"$out/started"; exec sleep 60 ;; esac
echo "harness done"
"""

TRICKY = {
    "NEWLINES": "line one\nline two\n\n",
    "QUOTES": "she said \"hi\" and 'bye' `uname` $(id) $HOME",
    "EQUALS": "a=b=c==",
    "UNICODE": "héllo ☃ 日本 🎉",
    "EMPTY": "",
    "BACKSLASHES": "\\ \\\\ \\n \\t \\c \\0101 \\u0041 %s %b %%",
    "CONTROL": "bell\x07 start\x01 esc\x1b tab\t cr\r del\x7f",
    "PEM": "-----BEGIN KEY-----\nMIIB+/=\n-----END KEY-----\n",
    "JSON": '{"a": [1, "two\\n"], "b": null}',
    "SPACES": "  padded  ",
}


def shell(name: str) -> list[str]:
    command = SHELLS[name]
    if not Path(command[0]).is_file():
        pytest.skip(f"{command[0]} is not installed")
    return command


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for cli in ("claude", "codex", "gemini"):
        (bin_dir / cli).write_text(FAKE_HARNESS)
        (bin_dir / cli).chmod(0o755)
    (tmp_path / "workspace").mkdir()
    return tmp_path


def run_sidecar(
    run_dir: Path, sh: list[str], document: dict, check: list[str] = (), alive: Path | None = None, wait: bool = True
) -> subprocess.Popen[bytes] | subprocess.CompletedProcess[bytes]:
    """Run entrypoint.sh in its own process group (its watchdog kills that group)."""
    write_task_document(run_dir / "task.json", document)
    env = {
        "PATH": f"{run_dir / 'bin'}:/usr/bin:/bin",
        "OZ_WORKSPACE": str(run_dir / "workspace"),
        "OZ_TASK_FILE": str(run_dir / "task.json"),
        "OZ_ALIVE_FILE": str(alive or run_dir / "no-alive-file"),
        "CHECK": " ".join(check),
    }
    command = [*sh, str(ENTRYPOINT)]
    if not wait:
        return subprocess.Popen(command, env=env, cwd=run_dir, stdout=subprocess.PIPE, start_new_session=True)
    return subprocess.run(command, env=env, cwd=run_dir, capture_output=True, timeout=60, start_new_session=True)


def seen(run_dir: Path, name: str) -> str:
    return (run_dir / "workspace" / "seen" / name).read_bytes().decode("utf-8")


def result(run_dir: Path) -> dict:
    return json.loads((run_dir / "workspace" / ".oz" / "result.json").read_text())


def running_in_group(group: int) -> list[str]:
    """Processes of a process group that still run (zombies waiting to be reaped do not)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(stat.parent.name)
    return found


def assignment(**fields) -> TaskAssignment:
    return TaskAssignment.model_validate({"task_id": "run-1", "prompt": "fix the widgets", **fields})


# --- the reader under three shells ------------------------------------------------------------


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk9_env_values_and_prompt_arrive_exactly(run_dir: Path, sh: str) -> None:
    prompt = 'fix "it"\nnow \\ back\\\\slash \\n %s %b \\c \x01 é ☃ \t tab\n'
    document = task_document(
        assignment(prompt=prompt, environment={"env_vars": TRICKY}, harness={"model_id": "claude-haiku-4-5"}),
        BUILT_IN,
    )
    done = run_sidecar(run_dir, shell(sh), document, check=[*TRICKY, "NOT_SET"])
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    for name, value in TRICKY.items():
        assert seen(run_dir, f"env.{name}") == value, name
    assert seen(run_dir, "env.NOT_SET") == "UNSET"
    assert [seen(run_dir, f"arg.{n}") for n in (1, 2, 3, 4)] == ["-p", prompt, "--model", "claude-haiku-4-5"]
    assert seen(run_dir, "stdin.txt") == ""
    assert seen(run_dir, "cwd").strip() == str(run_dir / "workspace")
    assert result(run_dir) == {"exit_code": 0, "stage": "harness", "message": ""}
    assert "harness done" in (run_dir / "workspace" / ".oz" / "agent_output.txt").read_text()


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk9_setup_commands_of_several_lines_run_whole(run_dir: Path, sh: str) -> None:
    commands = [
        'if [ -n "$GREETING" ]; then\n  printf "%s" "$GREETING" > greeting.txt\nfi',
        "cat <<'EOF' > here.txt\nquote \" and 'single' and \\back\nEOF",
        'read line; echo "stdin=$?" > stdin.txt',
    ]
    env = {"GREETING": "hello\nworld"}
    document = task_document(assignment(environment={"env_vars": env, "setup_commands": commands}), BUILT_IN)
    done = run_sidecar(run_dir, shell(sh), document)
    assert done.returncode == 0, done.stdout.decode()
    workspace = run_dir / "workspace"
    assert (workspace / "greeting.txt").read_text() == "hello\nworld"
    assert (workspace / "here.txt").read_text() == "quote \" and 'single' and \\back\n"
    assert (workspace / "stdin.txt").read_text() == "stdin=1\n"  # setup commands get no stdin


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk9_a_failing_setup_command_is_named_by_number(run_dir: Path, sh: str) -> None:
    commands = ["true", 'echo "secret=$TOKEN"\nexit 7', "echo never > never.txt"]
    document = task_document(assignment(environment={"setup_commands": commands}), BUILT_IN)
    done = run_sidecar(run_dir, shell(sh), document)
    assert done.returncode == 7
    assert result(run_dir) == {
        "exit_code": 7,
        "stage": "setup",
        "message": "Setup command 2 failed with exit code 7.",
    }
    assert not (run_dir / "workspace" / "never.txt").exists()


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk9_a_200_kb_prompt_reaches_the_harness_on_stdin(run_dir: Path, sh: str) -> None:
    prompt = ('line with "quotes" \\ and é ☃\n' * 7000)[:200_000] + "\x01end"
    document = task_document(assignment(prompt=prompt), BUILT_IN)
    assert document["argv"] == ["claude", "-p"] and "stdin" in document
    started = time.monotonic()
    done = run_sidecar(run_dir, shell(sh), document)
    assert done.returncode == 0, done.stdout.decode()
    assert seen(run_dir, "stdin.txt") == prompt
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk10_a_missing_cli_fails_naming_it_with_valid_json(run_dir: Path, sh: str) -> None:
    odd = Harness("odd", 'odd"cli\\x', lambda call: Invocation(['odd"cli\\x', call.prompt]))
    document = task_document(assignment(harness={"type": "odd"}), {"odd": odd})
    done = run_sidecar(run_dir, shell(sh), document)
    assert done.returncode == 127
    assert result(run_dir) == {
        "exit_code": 127,
        "stage": "harness",
        "message": "The harness CLI 'odd\"cli\\x' is not installed in the environment's image; "
        "install it there or choose another harness.",
    }


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk10_gemini_gets_its_mcp_settings_file_and_codex_its_flags(run_dir: Path, sh: str) -> None:
    servers = {"fs": {"command": "mcp-fs", "args": ["--root", '/work "x"']}}
    document = task_document(
        assignment(harness={"type": "gemini", "model_id": "gemini-2.5-pro"}, mcp_servers=servers), BUILT_IN
    )
    done = run_sidecar(run_dir, shell(sh), document)
    assert done.returncode == 0, done.stdout.decode()
    settings = json.loads((run_dir / "workspace" / ".gemini" / "settings.json").read_text())
    assert settings == {"mcpServers": servers}
    assert [seen(run_dir, f"arg.{n}") for n in (1, 2, 3, 4)] == ["-p", "fix the widgets", "--model", "gemini-2.5-pro"]


@pytest.mark.parametrize("sh", sorted(SHELLS))
def test_wk11_the_sidecar_ends_the_harness_when_the_worker_is_gone(run_dir: Path, sh: str) -> None:
    alive = run_dir / "alive"
    os.mkfifo(alive)
    holder = os.open(alive, os.O_RDWR)  # the worker's end
    document = task_document(assignment(prompt="sleep"), BUILT_IN)
    process = run_sidecar(run_dir, shell(sh), document, alive=alive, wait=False)
    try:
        started = run_dir / "workspace" / "seen" / "started"
        deadline = time.monotonic() + 20
        while not started.exists():
            assert time.monotonic() < deadline, "the harness never started"
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(0.02)
        os.close(holder)  # as when the worker dies, even by SIGKILL
        holder = -1
        process.wait(timeout=10)
        assert result(run_dir)["stage"] == "worker_lost"
        assert not running_in_group(process.pid)  # the harness (sleep 60) went with it
    finally:
        if holder >= 0:
            os.close(holder)
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.wait()


def test_wk11_a_finished_run_stops_its_watchdog(run_dir: Path) -> None:
    alive = run_dir / "alive"
    os.mkfifo(alive)
    holder = os.open(alive, os.O_RDWR)
    try:
        process = run_sidecar(run_dir, shell("dash"), task_document(assignment(), BUILT_IN), alive=alive, wait=False)
        assert process.wait(timeout=30) == 0
        assert result(run_dir)["stage"] == "harness"
        assert not running_in_group(process.pid)  # no watchdog is left waiting on the FIFO
    finally:
        os.close(holder)


# --- the document -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("harness", "argv"),
    [
        ({}, ["claude", "-p", "fix the widgets"]),
        ({"type": "oz"}, ["claude", "-p", "fix the widgets"]),
        (
            {"type": "claude", "model_id": "claude-opus-4"},
            ["claude", "-p", "fix the widgets", "--model", "claude-opus-4"],
        ),
        (
            {"type": "codex", "model_id": "gpt-5-codex", "reasoning_effort": "high"},
            ["codex", "exec", "--model", "gpt-5-codex", "-c", "model_reasoning_effort=high", "fix the widgets"],
        ),
        (
            {"type": "gemini", "model_id": "gemini-2.5-pro"},
            ["gemini", "-p", "fix the widgets", "--model", "gemini-2.5-pro"],
        ),
    ],
)
def test_wk10_the_harness_type_chooses_the_cli_and_its_model_flag(harness: dict, argv: list[str]) -> None:
    assert task_document(assignment(harness=harness), BUILT_IN)["argv"] == argv


def test_wk10_claude_gets_mcp_config_and_plan_mode() -> None:
    document = task_document(assignment(mode="plan", mcp_servers={"fs": {"command": "mcp-fs"}}), BUILT_IN)
    assert document["argv"][3:] == ["--mcp-config", ".oz/mcp.json", "--permission-mode", "plan"]
    assert json.loads(document["files"][".oz/mcp.json"]) == {"mcpServers": {"fs": {"command": "mcp-fs"}}}


def test_wk10_long_prompts_go_to_stdin_for_each_cli() -> None:
    prompt = "x" * 150_000
    assert task_document(assignment(prompt=prompt, harness={"type": "codex"}), BUILT_IN)["argv"] == [
        "codex",
        "exec",
        "-",
    ]
    assert task_document(assignment(prompt=prompt, harness={"type": "gemini"}), BUILT_IN)["argv"] == ["gemini"]
    assert task_document(assignment(prompt=prompt), BUILT_IN)["stdin"] == prompt


def test_wk10_an_unknown_harness_fails_naming_the_known_ones() -> None:
    with pytest.raises(TaskInputError, match=r"harness 'aider'.*known: claude, codex, gemini"):
        task_document(assignment(harness={"type": "aider"}), BUILT_IN)


def test_wk10_a_harness_plugin_joins_the_table() -> None:
    from oz_app.hookspecs import hookimpl
    from oz_app.plugins import new_manager

    class Plugin:
        @hookimpl
        def oz_register_harnesses(self, register):
            register("aider", Harness("aider", "aider", lambda call: Invocation(["aider", "--message", call.prompt])))

    manager = new_manager()
    manager.register(Plugin(), name="aider-plugin")
    table = load_harnesses(manager)
    assert set(table) == {"claude", "codex", "gemini", "aider"}
    assert task_document(assignment(harness={"type": "aider"}), table)["argv"] == [
        "aider",
        "--message",
        "fix the widgets",
    ]


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"1BAD": "x"}, "name '1BAD' is not valid"),
        ({"BAD-NAME": "x"}, "name 'BAD-NAME' is not valid"),
        ({"IFS": "x"}, "IFS is reserved"),
        ({"_oz_value": "x"}, "_oz_value is reserved"),
        ({"TOKEN": "a\x00b"}, "TOKEN contains a NUL character"),
    ],
)
def test_wk9_values_the_shell_cannot_carry_are_refused(env: dict, problem: str) -> None:
    with pytest.raises(TaskInputError, match=problem):
        task_document(assignment(environment={"env_vars": env}), BUILT_IN)


def test_wk9_nul_in_the_prompt_or_a_setup_command_is_refused() -> None:
    with pytest.raises(TaskInputError, match="command line contains a NUL"):
        task_document(assignment(prompt="a\x00b"), BUILT_IN)
    with pytest.raises(TaskInputError, match="Setup command 2 contains a NUL"):
        task_document(assignment(environment={"setup_commands": ["true", "\x00"]}), BUILT_IN)


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "a/../../x", "a//b", 'q"uote', "back\\slash", "-rf"])
def test_wk9_file_paths_must_stay_in_the_workspace(path: str) -> None:
    bad = Harness("bad", "bad", lambda call: Invocation(["bad"], files={path: "x"}))
    with pytest.raises(TaskInputError, match="file path"):
        task_document(assignment(harness={"type": "bad"}), {"bad": bad})


def test_wk9_the_layout_has_one_scalar_per_line(tmp_path: Path) -> None:
    document = task_document(assignment(prompt="a\nb", environment={"env_vars": TRICKY}), BUILT_IN)
    write_task_document(tmp_path / "task.json", document)
    text = (tmp_path / "task.json").read_text(encoding="utf-8")
    assert json.loads(text) == document
    assert len(text.splitlines()) == 1 + 1 + (len(TRICKY) + 2) + 1 + 1 + 1 + (3 + 2) + 1
    assert list(document) == ["version", "env", "repos", "setup_commands", "files", "argv"]


def test_wk9_result_json_is_read_missing_or_broken_is_none(tmp_path: Path) -> None:
    assert read_result(tmp_path) is None
    (tmp_path / "result.json").write_text('{"exit_code": 3, "stage": "setup"')
    assert read_result(tmp_path) is None
    (tmp_path / "result.json").write_text('{"exit_code": 3, "stage": "setup", "message": "Setup command 1 failed."}')
    found = read_result(tmp_path)
    assert found is not None and (found.exit_code, found.stage, found.message) == (
        3,
        "setup",
        "Setup command 1 failed.",
    )


# --- frames -----------------------------------------------------------------------------------


def test_wk9_frames_parse_and_refuse_clearly() -> None:
    frame = parse(TaskFailed(task_id="r", message="boom", stage="setup").wire())
    assert isinstance(frame, TaskFailed) and frame.stage == "setup"
    parsed = parse(json.dumps({"type": "task_assignment", "data": {"task_id": "r", "prompt": "p", "extra": 1}}))
    assert isinstance(parsed, TaskAssignment) and parsed.harness.type == ""
    with pytest.raises(FrameError, match="unknown frame type"):
        parse({"type": "nope", "data": {}})
    with pytest.raises(FrameError, match="task_id"):
        parse({"type": "task_cancel", "data": {}})
    with pytest.raises(FrameError, match="not JSON"):
        parse("{")


def test_harness_call_measures_the_prompt_in_bytes() -> None:
    assert HarnessCall("é" * 50_001).prompt_fits_argv is False
    assert HarnessCall("e" * 50_001).prompt_fits_argv is True
    assert shutil.which("sh")
