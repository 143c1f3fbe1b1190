"""The pipeline's shape: small modules, short functions, imports one way, no schema inside.

Read from the source with ``ast``: these are promises about the code a newcomer reads, and
each fails as soon as a change breaks one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import openapi

PACKAGE = Path(openapi.__file__).resolve().parent
PIPELINE = PACKAGE / "_http"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def pipeline_modules() -> list[Path]:
    return sorted(PIPELINE.glob("*.py"))


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, ``TYPE_CHECKING`` blocks and function bodies included
    (``from openapi._http import failures`` counts as ``openapi._http.failures``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_the_pipeline_is_split_at_its_seams() -> None:
    seams = {"request.py", "attempt.py", "transport_errors.py", "decode.py", "retry.py"}
    assert seams <= {path.name for path in pipeline_modules()}
    assert not (PACKAGE / "_pipeline.py").exists()


@pytest.mark.parametrize("path", pipeline_modules(), ids=lambda p: p.name)
def test_each_module_is_small_and_each_function_short(path: Path) -> None:
    source = path.read_text()
    assert len(source.splitlines()) < MAX_MODULE_LINES, path.name
    for function in functions(ast.parse(source)):
        assert function.end_lineno is not None
        length = function.end_lineno - function.lineno + 1
        assert length < MAX_FUNCTION_LINES, f"{path.name}: {function.name} is {length} lines"


def test_imports_within_the_pipeline_go_one_way() -> None:
    names = {module_name(path): path for path in pipeline_modules()}
    graph = {name: imports(path) & names.keys() - {name} for name, path in names.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, "import cycle: " + " -> ".join((*trail, name))
        if name in done:
            return
        for imported in graph[name]:
            visit(imported, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


@pytest.mark.parametrize("path", pipeline_modules(), ids=lambda p: p.name)
def test_the_pipeline_knows_no_endpoint_schema_or_layer_above_it(path: Path) -> None:
    # The success model comes from the Endpoint; the facade, the functions, waiting, the CLI
    # and the mock server sit on top of the pipeline, never under it.
    above = ("openapi.funcs", "openapi.sdk", "openapi._waiting", "openapi.cli", "openapi.testing")
    schemas = (
        "openapi.models.operations",
        "openapi.models.components.Operation",
        "openapi.models.components.OperationError",
        "openapi.models.components.OperationStatus",
    )
    for imported in imports(path):
        assert not imported.startswith(above + schemas), f"{path.name} imports {imported}"


def test_the_retry_configuration_holds_no_loop() -> None:
    # utils is public configuration; the loop on backoff is the pipeline's (_http/retry.py).
    tree = ast.parse((PACKAGE / "utils" / "retries.py").read_text())
    assert not any(
        name.split(".")[0] == "backoff" for name in imports(PACKAGE / "utils" / "retries.py")
    )
    assert not any(isinstance(node, ast.AsyncFunctionDef) for node in ast.walk(tree))
    assert "backoff" in {name.split(".")[0] for name in imports(PIPELINE / "retry.py")}
