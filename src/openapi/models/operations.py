"""Per-endpoint request and response models, and the ``HTTPMetadata`` every response carries."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from openapi.models.components import Operation

__all__ = [
    "CancelOperationRequest",
    "CancelOperationResponse",
    "GetOperationRequest",
    "GetOperationResponse",
    "HTTPMetadata",
]


@attrs.frozen(slots=True)
class HTTPMetadata:
    """What the HTTP exchange behind a result looked like.

    ``retry_after`` is the server's suggested poll interval in seconds (its ``Retry-After``
    header on a successful response), or ``None`` when it sent none.
    """

    status_code: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    url: str
    request_id: str | None = None
    attempts: int = 1
    retry_after: float | None = None
    elapsed: float = 0.0
    """Seconds from the first attempt to the final response, retries included."""


@attrs.frozen(slots=True)
class GetOperationRequest:
    """Request for ``GET /operations/{operation_id}``."""

    operation_id: str


@attrs.frozen(slots=True)
class CancelOperationRequest:
    """Request for ``POST /operations/{operation_id}/cancel``."""

    operation_id: str


@attrs.frozen(slots=True)
class GetOperationResponse:
    """The polled operation and the HTTP exchange that produced it."""

    operation: Operation
    http_meta: HTTPMetadata


@attrs.frozen(slots=True)
class CancelOperationResponse:
    """The operation after the cancel request (usually ``cancelling`` or ``cancelled``)."""

    operation: Operation
    http_meta: HTTPMetadata
