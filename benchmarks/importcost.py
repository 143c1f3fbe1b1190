"""Import cost: what importing the SDK adds on top of its four dependencies.

Each sample is a fresh interpreter that first imports aiohttp, attrs, cattrs and backoff,
then times (``time.perf_counter``) the SDK import path alone, and lists the ``openapi.*``
modules that path loaded. The first sample of each path is discarded (it compiles and
writes the bytecode, as any first import after ``pip install -e .`` does); the median of the
rest is reported. ``PYTHONDONTWRITEBYTECODE`` is dropped from the samples' environment:
with it set, every sample would compile the SDK's sources again (about 11 ms) while the
dependencies, installed by pip, load from bytecode, and the comparison would be unfair.

Run: ``python benchmarks/importcost.py [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any, Final

from _common import REPO_ROOT, median

DEPS: Final = "import aiohttp, attrs, cattrs, backoff"
PATHS: Final = {
    "standalone": "import openapi.core, openapi.funcs.operations_get_operation",
    "facade": "from openapi import SDK; SDK",
}

_SCRIPT: Final = """
import json, sys, time
t0 = time.perf_counter()
{deps}
t1 = time.perf_counter()
{path}
t2 = time.perf_counter()
mods = sorted(m for m in sys.modules if m == "openapi" or m.startswith("openapi."))
print(json.dumps({{"deps_ms": (t1 - t0) * 1e3, "increment_ms": (t2 - t1) * 1e3, "modules": mods}}))
"""

_ENV: Final = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _sample(path_code: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(deps=DEPS, path=path_code)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        env=_ENV,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def measure(repeats: int = 7) -> dict[str, Any]:
    """Median increment (ms) per path, the deps' own import time, and the modules loaded."""
    report: dict[str, Any] = {}
    for name, code in PATHS.items():
        _sample(code)  # warm the bytecode cache and the OS page cache
        samples = [_sample(code) for _ in range(max(repeats, 1))]
        report[name] = {
            "statement": code,
            "increment_ms": median([s["increment_ms"] for s in samples]),
            "increment_ms_samples": [round(s["increment_ms"], 2) for s in samples],
            "deps_ms": median([s["deps_ms"] for s in samples]),
            "modules": samples[-1]["modules"],
        }
    return report


def print_report(report: dict[str, Any]) -> None:
    print("\nImport cost (fresh process; deps = aiohttp, attrs, cattrs, backoff already imported)")
    for name, row in report.items():
        print(
            f"  {name:<11} +{row['increment_ms']:.1f} ms over deps "
            f"(deps alone {row['deps_ms']:.1f} ms)  [{row['statement']}]"
        )
        print(f"  {'':<11} {len(row['modules'])} openapi modules: {', '.join(row['modules'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    report = measure(parser.parse_args().repeats)
    print_report(report)


if __name__ == "__main__":
    main()
