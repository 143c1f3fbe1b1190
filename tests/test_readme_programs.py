"""Every README Python block that is a whole program (it ends in ``asyncio.run(main())``) runs
as written, against the embedded mock server it starts itself, and ends cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def programs() -> list[str]:
    """The README's Python blocks that are whole programs."""
    blocks = _BLOCK.findall(README.read_text(encoding="utf-8"))
    return [block for block in blocks if block.rstrip().endswith("asyncio.run(main())")]


def test_the_readme_has_programs() -> None:
    assert len(programs()) >= 3


@pytest.mark.parametrize("program", programs(), ids=lambda p: p.splitlines()[2][:40])
def test_a_readme_program_runs_as_written(program: str) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    assert done.stdout.strip(), "a README program shows what it does"
