"""The examples run as a user would run them, and tell the story they promise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(name: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_quickstart_tells_its_story() -> None:
    out = run("quickstart.py")
    assert "Mock Operations API running at http://127.0.0.1:" in out
    assert "CANCEL export-42: status=cancelling" in out
    assert "status=cancelled (error code cancelled)" in out
    assert "done=True status=succeeded" in out
    assert "ApiError: code='not_found' status=404" in out
    assert "OK after 3 attempts" in out
    assert "CANCEL report-2026-11: Ok('succeeded')" in out


def test_wait_progress_tells_its_story() -> None:
    out = run("wait_progress.py")
    progress = [float(p) for p in re.findall(r"\]\s+([\d.]+)%", out)]
    # The operation moves one step per poll: one line per change, never backwards.
    assert progress == [10.0 * step for step in range(1, 11)]
    assert "done: succeeded, result={'rows': 1284}" in out
    assert "cancel_accepted=True, status now cancelling" in out
    assert "import-9 ended failed: bad_row" in out


def test_pipeline_fan_out_sorts_every_outcome() -> None:
    # Ten seconds, not the example's 1.5: on a busy machine a job that finishes on its 4th
    # poll must not be counted late. The stuck job still times out, after those 10 s.
    out = run("pipeline_fan_out.py", FAN_OUT_TIMEOUT="10")
    assert "203 operations in" in out
    assert "8 failed, 2 not found, 192 succeeded, 1 timed out" in out
    assert "job-stuck: still not done after 10 s; cancel accepted: True" in out
    assert "sum of squares of the successful jobs: 2559200" in out


def test_sync_client_tells_its_story() -> None:
    out = run("sync_client.py")
    assert "report: running 25%" in out
    assert "report: succeeded 100%" in out
    assert "cancel export: cancelling" in out
    assert "report via the copy: succeeded" in out
    assert "3. Inside a running event loop: succeeded" in out
    assert "ApiError: status=404" in out


def test_traced_service_prints_its_spans_and_metrics() -> None:
    out = run("traced_service.py")
    assert "# export-7 ended succeeded: {'rows': 1284}" in out
    assert "# cancel export-stale: cancelling" in out
    for name in (
        '"name": "handle-job"',
        '"name": "getOperation"',
        '"name": "cancelOperation"',
        '"name": "GET /operations/{operation_id}"',
        '"name": "POST /operations/{operation_id}/cancel"',
        '"name": "waitOperation"',
        '"name": "openapi.operation.status_change"',
        '"http.request.resend_count": 1',
        '"name": "http.client.request.duration"',
        '"name": "openapi.client.wait.duration"',
    ):
        assert name in out, name
    assert len(set(re.findall(r'"trace_id": "(0x[0-9a-f]+)"', out))) == 1  # one trace
    assert "example-key" not in out
