"""Lazy package exports (PEP 562), listed once: as the package's ``if TYPE_CHECKING:`` imports.

The TypeScript SDK this one mirrors is tree-shakable; here the equivalent is that
``import openapi.core`` plus one function loads only what that function needs, while
``from openapi import SDK`` still works. A package writes each export once::

    if TYPE_CHECKING:
        from openapi.sdk import SDK as SDK

    __getattr__, __dir__ = lazy_exports(__name__)

Type checkers read those imports (so ``from openapi import SDK`` is fully typed); at run time
nothing under ``TYPE_CHECKING`` runs, and the first access to a name reads the package's own
imports to find where the name lives, imports it from there and keeps it in the package.
The source is read with ``ast`` (which ``attrs``, and so every export, imports anyway); an
installation without sources (some bundlers ship bytecode only) is read from the compiled
module instead.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from types import CodeType
from typing import Any

__all__ = ["lazy_exports", "lazy_homes"]


def _homes_in_source(source: str, root: str) -> dict[str, str]:
    import ast  # attrs imports it too: loading it first costs nothing in the end

    homes: dict[str, str] = {}
    for node in ast.parse(source).body:
        body = node.body if isinstance(node, ast.If) else [node]
        for statement in body:
            if isinstance(statement, ast.ImportFrom) and not statement.level:
                module = statement.module or ""
                if module == root or module.startswith(root + "."):
                    for alias in statement.names:
                        homes[alias.asname or alias.name] = module
    return homes


def _homes_in_code(code: CodeType, root: str) -> dict[str, str]:
    import dis

    homes: dict[str, str] = {}
    module = ""
    for instruction in dis.get_instructions(code):
        if instruction.opname == "IMPORT_NAME":
            module = str(instruction.argval)
        elif instruction.opname == "IMPORT_FROM" and (
            module == root or module.startswith(root + ".")
        ):
            homes[str(instruction.argval)] = module
    return homes


def lazy_homes(package: str, *, from_source: bool = True) -> dict[str, str]:
    """Each name ``package``'s own module body imports from the SDK, and the module it comes
    from (read from its source, or from its compiled code when ``from_source`` is false or
    there is no source). The lazy exports are those the running package has not bound."""
    spec = importlib.util.find_spec(package)
    loader: Any = spec.loader if spec is not None else None
    if loader is None:
        raise ImportError(f"cannot read the exports of {package!r}: it has no loader")
    root = package.partition(".")[0]
    source = loader.get_source(package) if from_source else None
    if source is not None:
        return _homes_in_source(source, root)
    return _homes_in_code(loader.get_code(package), root)


def lazy_exports(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``(__getattr__, __dir__)``; its exports are its ``TYPE_CHECKING`` imports.

    Call it last in the package's ``__init__``. A name is imported on first access and then
    stored in the package, so later lookups cost nothing; ``__all__`` is those names.
    Submodules are importable as attributes (``openapi.funcs``), as after ``import``.
    """
    namespace = importlib.import_module(package).__dict__
    exports: dict[str, str] = {}

    def _exports() -> dict[str, str]:
        if not exports:
            homes = lazy_homes(package)
            exports.update((name, home) for name, home in homes.items() if name not in namespace)
        return exports

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            value: Any = sorted(_exports())
        elif name in _exports():
            value = getattr(importlib.import_module(_exports()[name]), name)
        elif not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}"):
            return importlib.import_module(f"{package}.{name}")  # binds itself in the package
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *_exports()})

    return __getattr__, __dir__
