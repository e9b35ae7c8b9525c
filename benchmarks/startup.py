"""Start to healthy of ``oz-app --headless --control-plane``, and what it imports.

    python benchmarks/startup.py [--starts 7] [--postgres-url postgres://user:pass@host:5432/postgres]

Each start is cold in the sense that matters here: a new process and a new data dir; the
operating system's file cache is warm (as on any machine that started it before). Measured
from ``Popen`` to the first 200 from ``/health`` (polled every 5 ms):

1. a new database (the start migrates it) and the same database already migrated, for SQLite
   and, given ``--postgres-url``, PostgreSQL (a scratch database on that server each time);
2. the floor: the minimal Starlette app of ``floor_app.py`` on the same migrated database,
   the least a Python ASGI server on uvicorn takes to answer;
3. one more start under ``python -X importtime``: the number of modules, the top-level
   packages that cost the most, and any module of the workspace (NiceGUI, PySide6, pywebview,
   ``oz_app.workspace``), of which there must be none.

Prints medians (all starts listed) and a table. The exit status is 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

from _common import Table, discard, server_env, start_server
from _seed import drop_postgres, migrate, scratch_postgres
from floor_app import start_floor

TARGET_STARTUP_S = 0.5
WORKSPACE = ("nicegui", "PySide6", "webview", "oz_app.workspace", "shiboken6")


def one_start(kind: str, migrated: bool, postgres_url: str | None, floor: bool = False) -> float:
    """Seconds from process start to healthy, in a new data dir (and a new scratch database)."""
    data_dir = Path(tempfile.mkdtemp(prefix="oz-start-"))
    name = None
    try:
        if kind == "sqlite":
            url = f"sqlite://{data_dir / 'oz.db'}"
        else:
            assert postgres_url
            url, name = scratch_postgres(postgres_url)
        if migrated:
            migrate(url, data_dir)
        env = server_env("bench-admin-" + secrets.token_hex(16), url)
        server = start_floor(url, data_dir, env) if floor else start_server(data_dir, env)
        server.stop()
        return server.startup_s
    finally:
        if name and postgres_url:
            drop_postgres(postgres_url, name)
        discard(data_dir, keep=False)


def imports() -> tuple[int, list[tuple[str, float]], list[str]]:
    """One start under ``-X importtime`` (migrated SQLite): modules imported, the costliest
    top-level packages (self time, ms) and any workspace module among them."""
    data_dir = Path(tempfile.mkdtemp(prefix="oz-start-"))
    try:
        url = f"sqlite://{data_dir / 'oz.db'}"
        migrate(url, data_dir)
        env = {**server_env("bench-admin-" + secrets.token_hex(16), url), "PYTHONPROFILEIMPORTTIME": "1"}
        server = start_server(data_dir, env)
        server.stop()
        lines = re.findall(r"import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)", server.log_path.read_text())
    finally:
        discard(data_dir, keep=False)
    cost: Counter[str] = Counter()
    for self_us, _, module in lines:
        cost[module.split(".")[0]] += int(self_us) / 1000
    found = sorted({m for _, _, m in lines if m.startswith(WORKSPACE)})
    return len(lines), cost.most_common(8), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--starts", type=int, default=7, help="starts per case (default 7)")
    parser.add_argument("--postgres-url", help="a PostgreSQL server to measure on as well (scratch databases)")
    args = parser.parse_args()
    table = Table()
    kinds = ["sqlite"] + (["postgres"] if args.postgres_url else [])
    cases = [(kind, migrated, False) for kind in kinds for migrated in (True, False)] + [("sqlite", True, True)]
    times: dict[tuple[str, bool, bool], list[float]] = {case: [] for case in cases}
    for _ in range(args.starts):  # the cases interleaved, so a busy moment hits them alike
        for case in cases:
            times[case].append(one_start(case[0], case[1], args.postgres_url, floor=case[2]))
    for (kind, migrated, floor), values in times.items():
        median = statistics.median(values)
        what = "floor (Starlette + uvicorn)" if floor else "oz-app --headless --control-plane"
        state = "migrated database" if migrated else "new database (migrates)"
        print(f"{what}, {kind}, {state}: {', '.join(f'{v:.3f}' for v in values)} s", flush=True)
        target = f"<= {TARGET_STARTUP_S} s" if migrated and not floor else ""
        label = f"{what}, {kind}, {state}: start to healthy (median of {len(values)})"
        table.row(label, f"{median:.3f} s", target, median <= TARGET_STARTUP_S if target else None)
    count, costliest, workspace = imports()
    table.row("modules imported by a control plane (-X importtime)", str(count))
    table.row("costliest packages, self time under -X importtime",
              ", ".join(f"{name} {ms:.0f} ms" for name, ms in costliest))  # fmt: skip
    table.row("workspace modules imported", ", ".join(workspace) or "none", "none", not workspace)
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
