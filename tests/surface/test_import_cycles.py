"""No import cycle among the modules of ``src/openapi``.

Every import counts, wherever it stands: at module level, under ``if TYPE_CHECKING:``, inside
a function, and ``importlib.import_module("openapi....")`` with a literal name. A cycle that
only type checkers or a lazy import see is still two modules that cannot be understood (or
moved) one without the other. Importing ``a.b`` also runs ``a/__init__``, but that implicit
step is not an edge here: only what a module's own text imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import openapi

SRC = Path(openapi.__file__).parent
PACKAGE = "openapi"


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def _imported(node: ast.AST, here: str, is_package: bool) -> Iterator[tuple[str, str | None]]:
    """``(module, name)`` pairs one node imports (``name`` for ``from module import name``)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = here.split(".")
            anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            yield base, alias.name
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        yield node.args[0].value, None


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules its text imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for here, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            for module, name in _imported(node, here, path.name == "__init__.py"):
                target = f"{module}.{name}" if name and f"{module}.{name}" in modules else module
                if target in modules and target != here:
                    graph[here].add(target)
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the package is small enough to recurse
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(_path_within(graph, component, node))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path_within(graph: Mapping[str, set[str]], component: set[str], start: str) -> list[str]:
    """A shortest way from ``start`` back to itself inside ``component`` (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for succ in sorted(graph[node] & component):
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if succ not in previous:
                    previous[succ] = node
                    following.append(succ)
        frontier = following
    raise AssertionError(f"{start} is in no cycle of {component}")


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_finder_sees_every_kind_of_import() -> None:
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c", "f"}, "f": set()}
    assert cycles(graph) == [["a", "b", "a"], ["c", "d", "e", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    graph = import_graph()
    assert "openapi.models.errors" in graph["openapi.errors"]  # a star import
    assert "openapi.testing._server" in graph["openapi.testing"]  # a relative import
    assert "openapi.sdk" in graph["openapi"]  # under TYPE_CHECKING
    assert "openapi.cli.wait" in graph["openapi.cli.commands"]  # inside a function
