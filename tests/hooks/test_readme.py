"""The README's "Hooks" snippet runs as written and prints what the README says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_hooks_snippet_runs_and_prints_what_the_readme_says() -> None:
    section = README.read_text().split("\n## Hooks\n", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "getOperation attempt 1 failed: InternalServerError"
    assert re.fullmatch(r"getOperation \S+ 2 200", lines[1]), lines
