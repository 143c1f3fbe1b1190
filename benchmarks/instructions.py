"""Instructions per call, counted by valgrind's callgrind: the SDK against raw aiohttp, with
no noise from the machine.

CPU time per call (``run.py``) moves by 10 to 40% from round to round even on a quiet
machine (the per-round ratios of one run of ten ranged 0.86x to 1.75x), which is as large
as the difference it is meant to show. Instructions retired do not depend on what else the
machine is doing: the same binary, inputs and environment give the same count. This runs
``worker.py`` under ``valgrind --tool=callgrind`` (about 50 times slower; the server runs
natively in its own process) twice per variant and concurrency, with ``N`` and ``2N``
calls, and divides the difference in instructions by the difference in calls, so start-up
and imports cancel out. Instructions are not time (a cache miss costs more than an add),
but for the same interpreter running similar code their ratio is a steady stand-in for the
CPU ratio; both are printed by ``make bench``, neither is asserted.

Run: ``python benchmarks/instructions.py`` (about 6 minutes; ``--calls 500`` for a quicker
look). Needs ``valgrind`` on the PATH; says so and exits 0 without it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

from _common import BENCH_DIR, server_process

VARIANTS: Final = ("aiohttp", "sdk_function", "sdk_facade")
SUMMARY: Final = re.compile(r"^summary:\s+(\d+)", re.MULTILINE)


def warmup(calls: int, concurrency: int) -> int:
    """The warm-up calls ``worker.py`` makes before its timed ones (keep in step with it)."""
    return max(concurrency * 4, min(500, calls // 5))


def instructions(variant: str, port: int, calls: int, concurrency: int) -> int:
    """Instructions the client process retired, start to end, for ``calls`` timed calls."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        cmd += [sys.executable, str(BENCH_DIR / "worker.py"), variant, "--port", str(port)]
        cmd += ["--calls", str(calls), "--concurrency", str(concurrency)]
        subprocess.run(cmd, check=True, capture_output=True, cwd=BENCH_DIR, timeout=1800)
        found = SUMMARY.search(out.read_text(encoding="utf-8", errors="replace"))
    if found is None:
        raise RuntimeError(f"no instruction total in callgrind's output for {variant}")
    return int(found.group(1))


def per_call(variant: str, port: int, calls: int, concurrency: int) -> float:
    """Instructions per call: the difference between a run of ``calls`` and one of twice as
    many, over the difference in calls made (warm-up included)."""
    small = instructions(variant, port, calls, concurrency)
    large = instructions(variant, port, 2 * calls, concurrency)
    made = (2 * calls + warmup(2 * calls, concurrency)) - (calls + warmup(calls, concurrency))
    return (large - small) / made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1500, help="N: runs of N and 2N calls")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="aiohttp and others")
    parser.add_argument("--concurrency", default="1,64", help="comma-separated (1,64)")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    variants = ["aiohttp", *(v for v in args.variants.split(",") if v and v != "aiohttp")]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; choose from {', '.join(VARIANTS)}")
    levels = [int(level) for level in args.concurrency.split(",")]
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed; skipped")
        return 0
    figures: dict[str, dict[str, float]] = {}
    with server_process() as port:
        for concurrency in levels:
            for variant in variants:
                count = per_call(variant, port, args.calls, concurrency)
                figures.setdefault(str(concurrency), {})[variant] = count
                print(f"  {variant:<13} c={concurrency:<3} {count:>10,.0f} instructions/call")
    print("\nInstructions per call (callgrind), ratio to raw aiohttp at the same concurrency:")
    for concurrency, row in figures.items():
        floor = row["aiohttp"]
        ratios = ", ".join(
            f"{variant} {count / floor:.3f}x"
            for variant, count in row.items()
            if variant != "aiohttp"
        )
        print(f"  c={concurrency}: aiohttp {floor:,.0f}; {ratios}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
