"""Claim QUEUED local runs until none is left, printing each claimed id (a helper of test_claims.py).

Usage: ``python tests/claimer.py DB_URL OWNER [--wait] [--batch N]``. With ``--wait`` it prints
``READY`` once connected and starts only after a line arrives on stdin, so that several processes
started by a test begin claiming at the same moment. With ``--batch N`` it claims up to N runs at
a time (as the executor does) instead of one (as the worker hub does).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from oz_app import db
from oz_app.control_plane import service


async def claim_all(url: str, owner: str, wait: bool, batch: int) -> None:
    await db.connect(url, migrate=False)
    try:
        if wait:
            print("READY", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
        while runs := await service.claim_batch("QUEUED", owner, 30, batch):
            print("\n".join(run.id for run in runs), flush=True)
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("url")
    parser.add_argument("owner")
    parser.add_argument("--wait", action="store_true", help="print READY, then start on a line from stdin")
    parser.add_argument("--batch", type=int, default=1, help="claim up to this many runs at a time")
    args = parser.parse_args()
    asyncio.run(claim_all(args.url, args.owner, args.wait, args.batch))


if __name__ == "__main__":
    main()
