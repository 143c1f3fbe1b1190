"""The README's "Many clients, one server" snippet runs as written and prints what it says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def snippet() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Many clients, one server", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "the section has no python snippet"
    return found[1]


def test_the_fleet_snippet_runs_and_the_quota_stops_the_retries() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", snippet()], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "5 requests for 3 calls" in proc.stdout
    assert "retry quota is spent" in proc.stdout
