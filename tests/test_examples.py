"""The examples run as a user would run them, and tell the story they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=60,
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
