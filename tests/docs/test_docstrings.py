"""Every public name has a docstring: each name in the ``__all__`` of a public module (one
with no ``_``-prefixed part in its dotted path), and each public method and property those
classes define. A constant or type alias has one as Python documents attributes: a string
right after its assignment (what mkdocstrings shows in the API reference)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import openapi

PACKAGE = Path(openapi.__file__).parent


def public_modules() -> list[str]:
    """Every module of the package none of whose dotted parts starts with ``_``."""
    found = ["openapi"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="openapi."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return sorted(found)


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """A module's statements, those under ``if TYPE_CHECKING:`` (the lazy exports) included."""
    flat: list[ast.stmt] = []
    for statement in body:
        flat.extend(statement.body if isinstance(statement, ast.If) else [statement])
    return flat


def _is_docstring(statement: ast.stmt | None) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
        and bool(statement.value.value.strip())
    )


def documented_in_source(module_name: str, name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``module_name`` defines ``name`` with a docstring (a ``def`` or ``class`` with
    one, or an assignment followed by a string), or imports it from a module that does."""
    if module_name in seen:
        return False
    spec = importlib.util.find_spec(module_name)
    source = spec.loader.get_source(module_name) if spec and spec.loader else None
    if source is None:
        return False
    body = _statements(ast.parse(source).body)
    for index, statement in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else None
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if statement.name == name:
                return ast.get_docstring(statement) is not None
        elif isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return _is_docstring(following)
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name == "*" or (alias.asname or alias.name) == name:
                    package = (
                        module_name
                        if spec and spec.submodule_search_locations
                        else (module_name.rpartition(".")[0])
                    )
                    home = importlib.util.resolve_name(
                        "." * statement.level + (statement.module or ""), package
                    )
                    if alias.name == "*":
                        if name in getattr(importlib.import_module(home), "__all__", ()):
                            return documented_in_source(home, name, seen | {module_name})
                        continue
                    return documented_in_source(home, alias.name, seen | {module_name})
    return False


def _undocumented_members(path: str, cls: type) -> list[str]:
    missing: list[str] = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        target = member.fget if isinstance(member, property) else member
        target = getattr(target, "__func__", target)  # classmethod, staticmethod
        if inspect.isfunction(target) and not (target.__doc__ or "").strip():
            missing.append(f"{path}.{name}")
    return missing


def undocumented() -> list[str]:
    """Every public name without a docstring, as ``module.name``."""
    missing: list[str] = []
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        if not (module.__doc__ or "").strip():
            missing.append(module_name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            path = f"{module_name}.{name}"
            if inspect.ismodule(value):
                continue
            if inspect.isclass(value):
                if not (value.__dict__.get("__doc__") or "").strip():
                    missing.append(path)
                missing.extend(_undocumented_members(path, value))
            elif not documented_in_source(module_name, name):
                missing.append(path)
    return sorted(set(missing))


def test_public_modules_are_found() -> None:
    modules = public_modules()
    assert {"openapi", "openapi.sdk", "openapi.core", "openapi.testing", "openapi.cli"} <= set(
        modules
    )
    assert not any("._" in module for module in modules)


def test_every_public_name_has_a_docstring() -> None:
    missing = undocumented()
    assert not missing, (
        "these public names have no docstring (say what it does, its errors, an example "
        f"where it helps): {missing}"
    )
