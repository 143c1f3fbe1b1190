"""``Endpoint``: one API operation described as data, which the pipeline runs.

Adding an endpoint is a new module in ``openapi.funcs`` holding one ``Endpoint`` and a short
function calling ``openapi._http.request.call`` with it; nothing in the pipeline changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from openapi.models.components import HTTPMetadata

__all__ = ["Endpoint"]

ReqT = TypeVar("ReqT")
SchemaT = TypeVar("SchemaT")
RespT = TypeVar("RespT")


def _split_path(path: str) -> tuple[str, ...]:
    parts: list[str] = []
    rest = path
    while "{" in rest:
        literal, _, rest = rest.partition("{")
        name, _, rest = rest.partition("}")
        parts += [literal, name]
    parts.append(rest)
    return tuple(parts)


def _field_names(model: type[Any]) -> frozenset[str]:
    return frozenset(field.name for field in attrs.fields(model))


@attrs.frozen(slots=True, eq=False, repr=False)  # identity is equality; cheaper to build
class Endpoint(Generic[ReqT, SchemaT, RespT]):
    """One API operation, described as data.

    ``path`` is a template such as ``/operations/{operation_id}``; each ``{name}`` is read from
    the ``request`` model (an attrs class, or a mapping with exactly its fields) and sent as
    exactly one percent-encoded path segment. A 2XX JSON body is structured into ``success``
    (an attrs class, by the SDK's cattrs converter: strict about types, lenient about unknown
    fields), and ``response`` builds the success value from it and the ``HTTPMetadata``.
    ``errors`` are the statuses documented to carry an ``ApiError`` document.
    """

    name: str
    method: str
    path: str
    request: type[ReqT]
    success: type[SchemaT]
    response: Callable[[SchemaT, HTTPMetadata], RespT]
    errors: frozenset[int] = frozenset({404})
    segments: tuple[str, ...] = attrs.field(
        init=False, default=attrs.Factory(lambda self: _split_path(self.path), takes_self=True)
    )
    """``path`` split once: even items are literal text, odd ones parameter names."""
    field_names: frozenset[str] = attrs.field(
        init=False,
        default=attrs.Factory(lambda self: _field_names(self.request), takes_self=True),
    )
    """The request model's fields: the keys a mapping request must have."""

    def describe(self) -> str:
        """``"GET /operations/{operation_id}"``."""
        return f"{self.method} {self.path}"

    def __repr__(self) -> str:
        return f"<Endpoint {self.name}: {self.describe()}>"
