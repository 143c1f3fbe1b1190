"""Nothing dead, nothing stale: every name a private module exports has a user in the
package, and every ``openapi.x.y`` a docstring, comment or document names exists."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import openapi
from openapi.contrib.opentelemetry import NAMES as TELEMETRY_NAMES
from tests.surface.test_import_cycles import SRC, import_graph

ROOT = SRC.parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "RELIABILITY.md", *sorted((ROOT / "docs").rglob("*.md"))]
DOTTED = re.compile(r"\bopenapi(?:\.[A-Za-z_]\w*)+")


def _module_path(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package = SRC / relative / "__init__.py"
    return package if package.exists() else SRC / relative.with_suffix(".py")


def _names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.alias):
            used.add(node.name)
    return used


def _private_exports() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for module in sorted(import_graph()):
        if not any(part.startswith("_") and part != "__main__" for part in module.split(".")):
            continue
        exported = getattr(importlib.import_module(module), "__all__", ())
        found.extend((module, name) for name in exported)
    return found


def test_every_private_export_has_a_user() -> None:
    # A private module's ``__all__`` is what the package takes from it: a name there that no
    # module uses (its own included) is dead code, as ``_logging.redact`` was.
    usage = {module: _names_used(_module_path(module)) for module in import_graph()}
    unused = [
        f"{module}.{name}"
        for module, name in _private_exports()
        if not any(name in names for names in usage.values())
    ]
    assert not unused, f"exported but used nowhere: {unused}"


def _references() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in [*SRC.rglob("*.py"), *DOCUMENTS]]
    found = {match for text in texts for match in DOTTED.findall(text)}
    # Telemetry names (``openapi.operation_id``, ``openapi.client.calls``) are data, not
    # modules: each must be one the instrumentation records.
    return sorted(
        ref
        for ref in found
        if ref != "openapi.yaml" and not ref.endswith(".py") and ref not in TELEMETRY_NAMES
    )


def _resolves(reference: str) -> bool:
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_the_finder_reads_references() -> None:
    assert "openapi.utils.retries.parse_retry_after" in _references()
    assert _resolves("openapi.utils.retries.parse_retry_after")
    assert not _resolves("openapi.utils.limits")
    assert not _resolves("openapi.models.components.Nope")
    assert openapi.__name__ == "openapi"


@pytest.mark.parametrize("reference", _references())
def test_every_named_module_and_attribute_exists(reference: str) -> None:
    assert _resolves(reference), f"{reference} is named in the docs but does not exist"
