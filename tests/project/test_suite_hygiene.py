"""The test suite itself: files named after what they test, and RELIABILITY.md naming tests
that exist (it maps every promise to its test by path).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

#: Words that say when or why a file was written, not what its tests check.
WHEN_WORDS = frozenset(
    {"hardening", "new", "old", "more", "extra", "misc", "fixes", "followup", "v2", "round2"}
)

#: A test named in RELIABILITY.md: `tests/path.py`, `tests/path.py::name` or `::name` (the
#: last path named in the same row).
_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?((?:::\w+)*)`")


def test_no_test_file_is_named_after_when_it_was_written() -> None:
    named_by_when = [
        str(path.relative_to(ROOT))
        for path in TESTS.rglob("*.py")
        if WHEN_WORDS & set(path.stem.lower().split("_"))
    ]
    assert named_by_when == [], "name these files after what their tests check"


def references(text: str) -> list[tuple[str, str | None]]:
    """(path, test name or None) for every test RELIABILITY.md names, row by row."""
    found: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        last_path: str | None = None
        for match in _REFERENCE.finditer(line):
            path, names = match.group(1), match.group(2)
            last_path = path or last_path
            if last_path is None or not (path or names):
                continue
            found.append((last_path, names.rsplit("::", 1)[-1] if names else None))
    return found


def test_references_are_read_as_written() -> None:
    row = "| p | `tests/a.py::one`, `::two` and `tests/b.py` (`tests/c.py::K::three`) | - |"
    assert references(row) == [
        ("tests/a.py", "one"),
        ("tests/a.py", "two"),
        ("tests/b.py", None),
        ("tests/c.py", "three"),
    ]


def test_every_test_reliability_md_names_exists() -> None:
    named = references((ROOT / "RELIABILITY.md").read_text(encoding="utf-8"))
    assert len(named) > 20
    missing: list[str] = []
    for path, name in named:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name is not None and not re.search(
            rf"^\s*(?:async\s+)?def {re.escape(name)}\b", file.read_text(encoding="utf-8"), re.M
        ):
            missing.append(f"{path}::{name}")
    assert missing == [], "RELIABILITY.md names tests that do not exist"
