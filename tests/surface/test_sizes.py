"""No module in ``src/openapi`` over 400 lines, no function or method over 60.

A newcomer should be able to hold one file, and one function, in their head. The
allow-lists below are where an exception would have to be argued for, in review: they are
empty, and a change that needs an entry should split the code instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import openapi

PACKAGE = Path(openapi.__file__).resolve().parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Modules allowed past MAX_MODULE_LINES (path relative to src/openapi): none.
LONG_MODULES: frozenset[str] = frozenset()
#: Functions allowed past MAX_FUNCTION_LINES (``path:qualified name``): none.
LONG_FUNCTIONS: frozenset[str] = frozenset()


def modules() -> list[Path]:
    found = sorted(PACKAGE.rglob("*.py"))
    assert len(found) > 50, "the package was not found where the test looks for it"
    return found


def function_lengths(path: Path) -> dict[str, int]:
    """``{qualified name: lines from def to its last line}`` for every function in ``path``."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = prefix
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    lengths[name] = child.end_lineno - child.lineno + 1
                name += "."
            visit(child, name)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return lengths


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert {name: n for name, n in long.items() if name not in LONG_MODULES} == {}, (
        "split these modules at a seam (one concept per module)"
    )


def test_no_function_is_over_60_lines() -> None:
    long: dict[str, int] = {}
    for path in modules():
        for name, length in function_lengths(path).items():
            key = f"{path.relative_to(PACKAGE)}:{name}"
            if length > MAX_FUNCTION_LINES and key not in LONG_FUNCTIONS:
                long[key] = length
    assert long == {}, "split these functions into named steps"


def test_the_lengths_are_counted_as_a_reader_sees_them(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "class A:\n    def m(self):\n        def inner():\n            pass\n        return 1\n"
    )
    assert function_lengths(source) == {"A.m": 4, "A.m.inner": 2}
