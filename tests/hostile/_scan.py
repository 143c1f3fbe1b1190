"""Find a secret anywhere reachable from an error: the walk a leak-hunting attacker would do.

``paths_to(secret, error)`` walks the error's message, ``args``, every attribute (``vars()``,
``__dict__`` and ``__slots__`` up the MRO), ``__cause__``, ``__context__``, and the containers
and objects they hold (aiohttp's ``request_info``, ``history`` and header multidicts
included), and returns the path to every string or bytes that contains the secret.
Tracebacks are reported when present: a frame's locals reach everything, so an error the
SDK hands back must carry none from the request (see ``frames_in``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import FrameType, ModuleType, TracebackType
from typing import Any

__all__ = ["exceptions_in", "frames_in", "paths_to"]

_LEAVES = (int, float, complex, bool, type(None), type, ModuleType, FrameType, TracebackType)
_MAX_DEPTH = 40


def _slots(value: object) -> Iterator[str]:
    for klass in type(value).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        yield from (slots,) if isinstance(slots, str) else slots


def _children(value: Any) -> Iterator[tuple[str, object]]:
    """Every object directly reachable from ``value``, with a path step for each."""
    if isinstance(value, BaseException):
        yield ".__cause__", value.__cause__
        yield ".__context__", value.__context__
        yield ".args", value.args
        for name in ("request_info", "history", "headers", "message"):
            # Properties as well as stored attributes: aiohttp exposes some only as such.
            try:
                attribute = getattr(value, name)
            except Exception:
                continue
            yield f".{name}", attribute
        yield ".str()", _text(str, value)
        yield ".repr()", _text(repr, value)
    if isinstance(value, Mapping):
        for key, item in list(value.items()):  # pyright: ignore[reportUnknownVariableType]
            yield f"[{key!r}]", key
            yield f"[{key!r}]", item
    elif isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):  # pyright: ignore[reportUnknownVariableType]
            yield f"[{i}]", item
    try:
        attributes = vars(value)
    except TypeError:
        attributes = {}
    for name, item in attributes.items():
        yield f".{name}", item
    for name in _slots(value):
        if name not in ("__dict__", "__weakref__") and hasattr(value, name):
            yield f".{name}", getattr(value, name)


def _text(render: Any, value: object) -> str:
    try:
        return str(render(value))
    except Exception as exc:  # a broken __str__ is itself a finding, not a crash
        return f"<{render.__name__} raised {type(exc).__name__}>"


def paths_to(secret: str, root: object) -> list[str]:
    """Paths from ``root`` to every text that holds ``secret`` (``[]``: none does)."""
    needle = secret.encode()
    found: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[str, object, int]] = [("error", root, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            if secret in value:
                found.append(path)
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            if needle in bytes(value):
                found.append(path)
            continue
        if isinstance(value, _LEAVES) or id(value) in seen:
            continue
        if depth >= _MAX_DEPTH:
            continue
        seen.add(id(value))
        for step, child in _children(value):
            stack.append((path + step, child, depth + 1))
    return found


def exceptions_in(root: BaseException) -> list[BaseException]:
    """``root`` and every exception chained to it (cause and context, recursively)."""
    out: list[BaseException] = []
    stack: list[BaseException | None] = [root]
    while stack:
        exc = stack.pop()
        if exc is None or any(exc is e for e in out):
            continue
        out.append(exc)
        stack += [exc.__cause__, exc.__context__]
    return out


def frames_in(root: BaseException) -> list[str]:
    """The functions whose frames a chained exception's traceback keeps alive."""
    names: list[str] = []
    for exc in exceptions_in(root):
        tb = exc.__traceback__
        while tb is not None:
            names.append(f"{type(exc).__name__}: {tb.tb_frame.f_code.co_name}")
            tb = tb.tb_next
    return names
