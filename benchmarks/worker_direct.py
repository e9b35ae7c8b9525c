"""Direct worker backend benchmark (WK-12): its overhead over running the harness by hand.

    python benchmarks/worker_direct.py [--runs 30]

The fake ``claude`` of ``tests/test_worker_direct.py`` is written to a temporary folder put first
on PATH. Two ways of running it are timed, interleaved so that machine noise hits both alike:

1. by hand: ``sh <folder>/claude -p PROMPT`` as a subprocess of this process (asyncio), its output
   read to the end, the way a person would run the CLI in a shell;
2. through the backend, as the worker does it: ``prepare_run`` (the run's folder, the task
   document, the FIFO held open), ``DirectBackend.run()`` of an assignment with the same prompt,
   two env vars and one setup command (the sidecar ``/bin/sh entrypoint.sh`` reading the document,
   the setup command, the harness through ``tee``; streaming; result.json, the output and left
   files read), then ``RunFolder.close()`` removing the folder.

The overhead is the difference of the medians (target ≤ 30 ms). Also printed: ``run()`` alone
(without making and removing the folder, which the worker does for every backend), the median
``start_seconds`` (run() called → sidecar process running), and the sidecar run by hand on a
prepared folder (timed alone), which splits the overhead into the sidecar's share (a POSIX sh
reading the document and starting setup, harness and ``tee``) and the backend's own. A benchmark, not a test: the exit
status is 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, Table, ms

sys.path[:0] = [str(ROOT), str(ROOT / "providers"), str(ROOT / "plugins")]
from tests.test_worker_direct import FAKE_CLAUDE  # noqa: E402

TARGET_OVERHEAD_S = 0.030
PROMPT = "bench hello"


async def by_hand(claude: Path) -> float:
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        "sh", str(claude), "-p", PROMPT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    elapsed = time.perf_counter() - began
    assert process.returncode == 0 and b"prompt: bench hello" in output, output
    return elapsed


async def sidecar_by_hand(folder: Path, index: int) -> float:
    from oz_app.harnesses import load_harnesses
    from oz_app.task_input import prepare_run
    from oz_app.task_input import sidecar_script as entrypoint

    run = prepare_run(assignment(index), load_harnesses(), folder)
    env = {
        "PATH": os.environ["PATH"],
        "OZ_WORKSPACE": str(run.workspace),
        "OZ_TASK_FILE": str(run.task_file),
        "OZ_ALIVE_FILE": str(run.alive_file),
    }
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        "/bin/sh", str(entrypoint()), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    elapsed = time.perf_counter() - began
    run.close()
    assert process.returncode == 0, output
    return elapsed


def assignment(index: int) -> Any:
    from oz_app.worker_frames import TaskAssignment

    environment = {"env_vars": {"A": "1", "B": "two\nlines"}, "setup_commands": ["true"]}
    return TaskAssignment.model_validate({"task_id": f"bench-{index}", "prompt": PROMPT, "environment": environment})


async def through_backend(backend: Any, index: int) -> tuple[float, float, float]:
    from oz_app.harnesses import load_harnesses
    from oz_app.task_input import prepare_run

    lines: list[str] = []
    frame = assignment(index)
    began = time.perf_counter()
    folder = await asyncio.to_thread(prepare_run, frame, load_harnesses())
    running = time.perf_counter()
    result = await backend.run(frame, folder, lines.append)
    ran = time.perf_counter() - running
    await asyncio.to_thread(folder.close)
    elapsed = time.perf_counter() - began
    assert result.status == "succeeded", result
    return elapsed, ran, result.start_seconds or 0.0


async def main(runs: int) -> None:
    from oz_worker_direct.backend import DirectBackend

    from oz_app.config import load_settings

    with tempfile.TemporaryDirectory(prefix="oz-bench-direct-") as scratch:
        folder = Path(scratch)
        claude = folder / "claude"
        claude.write_text(FAKE_CLAUDE)
        claude.chmod(0o755)
        os.environ["PATH"] = f"{folder}{os.pathsep}{os.environ['PATH']}"
        settings = load_settings({"OZ_CONFIG_FILE": "", "OZ_API_KEY": "bench"})
        options = {"allow_direct": True, "direct_pass_env": ""}
        backend = DirectBackend(settings, {**options, "direct_memory_limit": "", "direct_max_processes": 0})
        await backend.start("bench")
        await by_hand(claude)  # warm both paths once
        await through_backend(backend, -1)
        hand, direct, run_only, starts, sidecar = [], [], [], [], []
        for index in range(runs):
            hand.append(await by_hand(claude))
            sidecar.append(await sidecar_by_hand(folder, index))
            elapsed, ran, start = await through_backend(backend, index)
            direct.append(elapsed)
            run_only.append(ran)
            starts.append(start)
        await backend.close()
    overhead = statistics.median(direct) - statistics.median(hand)
    table = Table()
    table.row("harness by hand (sh claude -p), median", ms(statistics.median(hand)))
    table.row("through the backend (folder, run(), folder removed), median", ms(statistics.median(direct)))
    table.row(
        f"overhead, difference of medians (N={runs})", ms(overhead), f"<= {ms(TARGET_OVERHEAD_S)}",
        overhead <= TARGET_OVERHEAD_S,
    )  # fmt: skip
    table.row("DirectBackend.run() alone, median", ms(statistics.median(run_only)))
    table.row("sidecar alone (sh entrypoint.sh on a prepared folder), median", ms(statistics.median(sidecar)))
    table.row("start_seconds (run() to sidecar running), median", ms(statistics.median(starts)))
    table.print()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(max(20, parser.parse_args().runs)))
