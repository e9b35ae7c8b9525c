"""Direct worker backend benchmark (WK-12): its overhead over running the harness by hand.

    python benchmarks/worker_direct.py [--runs 30]

The fake ``claude`` of ``tests/test_worker_direct.py`` is written to a temporary folder put first
on PATH. Two ways of running it are timed, interleaved so that machine noise hits both alike:

1. by hand: ``sh <folder>/claude -p PROMPT`` as a subprocess of this process (asyncio), its output
   read to the end, the way a person would run the CLI in a shell;
2. through the backend: ``DirectBackend.run()`` of an assignment with the same prompt, two env
   vars and one setup command: the per-run folder, the task document, the FIFO, the sidecar
   (``/bin/sh entrypoint.sh``: reading the document, the setup command, the harness through
   ``tee``), streaming, reading result.json and the output, and collecting left files (the
   folder is removed in the background after the result, as in the worker).

The overhead is the difference of the medians (target ≤ 30 ms). Also printed: the median
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
    from oz_worker_direct.backend import LEFT_FOLDERS, entrypoint, task_document_for

    from oz_app.task_input import write_task_document

    run = folder / f"hand-{index}"
    for part in ("in", *(f"workspace/.oz/{left}" for left in LEFT_FOLDERS)):
        (run / part).mkdir(parents=True)
    document = task_document_for(assignment(index))
    write_task_document(run / "in" / "task.json", document)
    env = {
        "PATH": os.environ["PATH"],
        "OZ_WORKSPACE": str(run / "workspace"),
        "OZ_TASK_FILE": str(run / "in" / "task.json"),
        "OZ_ALIVE_FILE": str(run / "in" / "alive"),
    }
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        "/bin/sh", str(entrypoint()), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    elapsed = time.perf_counter() - began
    assert process.returncode == 0, output
    return elapsed


def assignment(index: int) -> dict[str, object]:
    return {
        "task_id": f"bench-{index}",
        "prompt": PROMPT,
        "environment": {"env_vars": {"A": "1", "B": "two\nlines"}, "setup_commands": ["true"]},
    }


async def through_backend(backend: object, index: int) -> tuple[float, float]:
    lines: list[str] = []
    began = time.perf_counter()
    result = await backend.run(assignment(index), lines.append)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - began
    assert result.status == "succeeded", result
    return elapsed, result.start_seconds or 0.0


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
        options = {"allow_direct": True, "direct_dir": str(folder / "runs"), "direct_pass_env": ""}
        backend = DirectBackend(settings, {**options, "direct_memory_limit": "", "direct_max_processes": 0})
        await backend.start("bench")
        await by_hand(claude)  # warm both paths once
        await through_backend(backend, -1)
        hand, direct, starts, sidecar = [], [], [], []
        for index in range(runs):
            hand.append(await by_hand(claude))
            sidecar.append(await sidecar_by_hand(folder, index))
            elapsed, start = await through_backend(backend, index)
            direct.append(elapsed)
            starts.append(start)
        await backend.close()
    overhead = statistics.median(direct) - statistics.median(hand)
    table = Table()
    table.row("harness by hand (sh claude -p), median", ms(statistics.median(hand)))
    table.row("through DirectBackend.run(), median", ms(statistics.median(direct)))
    table.row(
        f"overhead, difference of medians (N={runs})", ms(overhead), f"<= {ms(TARGET_OVERHEAD_S)}",
        overhead <= TARGET_OVERHEAD_S,
    )  # fmt: skip
    table.row("sidecar alone (sh entrypoint.sh on a prepared folder), median", ms(statistics.median(sidecar)))
    table.row("start_seconds (run() to sidecar running), median", ms(statistics.median(starts)))
    table.print()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(max(20, parser.parse_args().runs)))
