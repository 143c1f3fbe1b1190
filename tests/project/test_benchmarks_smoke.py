"""Smoke test: ``benchmarks/run.py --quick`` runs end to end and reports the SDK's ratio.

Needs neither httpx nor openapi-python-client: ``--quick`` measures raw aiohttp, the
standalone function and the facade only, and says so for the variants it skips.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "benchmarks" / "run.py"


def test_quick_benchmark_runs_and_reports_the_standalone_ratio(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--json", str(tmp_path / "quick.json")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = proc.stdout
    assert "variant" in out
    assert "cpu us/call" in out
    assert "x aiohttp" in out
    assert "ratio sdk_function/aiohttp c=1:" in out
    assert "ratio sdk_function/aiohttp c=64:" in out
    assert "SKIP generated:" in out
    assert (tmp_path / "quick.json").exists()
    # A figure, not a bound: CI may run on a slow, busy machine.
    print(f"--quick took {elapsed:.1f} s")


def test_profiling_tools_run_on_the_current_pipeline() -> None:
    # They reach into the pipeline's private steps, so they break when it changes: keep
    # them honest here (tiny sizes; no httpx needed).
    profile, ab = ROOT / "benchmarks" / "profile_sdk.py", ROOT / "benchmarks" / "ab.py"
    for args in (
        [profile, "pipeline", "--calls", "200"],
        [profile, "breakdown"],
        [ab, "--blocks", "2", "--calls", "20", "aiohttp", "aiohttp_no_timer", "sdk_function"],
    ):
        proc = subprocess.run(
            [sys.executable, *map(str, args)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
        assert " us" in proc.stdout


def benchmark(script: str, *args: str, timeout: float = 300) -> str:
    """Run ``benchmarks/<script>`` with ``args``; its output, once it exited 0."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout


def test_wait_scale_reports_every_goal_of_issue_17() -> None:
    # Tiny sizes: the figures mean nothing here, only that each one is reported.
    out = benchmark("wait_scale.py", "--ops", "300", "--finish-over", "2", "--calibration", "300")
    assert "SKIP" not in out, out
    for figure in (
        "all 300 seen done",
        "one plain operations_get_operation call",
        "raw aiohttp on the same schedule",
        "peak RSS",
        "seconds with 0 polls while due",
        "CV of polls per second",
    ):
        assert figure in out, out


def test_fleet_reports_every_goal_of_issue_18() -> None:
    # Tiny sizes: the figures mean nothing here, only that each one is reported.
    out = benchmark(
        "fleet.py",
        *("--clients", "2", "--ops", "20", "--capacity", "40", "--work", "2"),
        *("--outage-after", "2", "--outage", "2", "--rewait", "0.5", "--rewait-max", "1"),
    )
    for figure in (
        " on: ",
        "off: ",
        "/s before the outage",
        "retries sent",
        "the requests per second it sent before it",
        "after the outage",
        "429 share",
    ):
        assert figure in out, out


def test_instruction_counts_run_under_callgrind() -> None:
    # valgrind is on every machine of this project's kind (and in its CI); tiny sizes.
    out = benchmark(
        "instructions.py",
        *("--calls", "20", "--variants", "sdk_function", "--concurrency", "1"),
        timeout=600,
    )
    assert "valgrind is not installed" not in out
    assert "c=1: aiohttp" in out
    assert "sdk_function" in out
