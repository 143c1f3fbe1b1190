"""Lazy package attributes (PEP 562), so importing a package loads none of its modules.

The TypeScript SDK this one mirrors is tree-shakable; here the equivalent is that
``import openapi.core`` plus one function loads only what that function needs, while
``from openapi import SDK`` still works.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str,
    homes: Mapping[str, str],
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``(__getattr__, __dir__)``.

    ``homes`` maps each exported name to the module defining it; ``submodules`` are
    importable as attributes (``openapi.funcs``). A name is imported on first access and
    then stored in the package, so later lookups cost nothing.
    """
    namespace = importlib.import_module(package).__dict__
    children = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in children:
            return importlib.import_module(f"{package}.{name}")
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace.get("__all__", ()), *children})

    return __getattr__, __dir__
