"""Request and response models of ``GET /operations/{operation_id}``."""

from __future__ import annotations

import attrs

from openapi.models.components import HTTPMetadata, Operation

__all__ = ["GetOperationRequest", "GetOperationResponse"]


@attrs.frozen(slots=True)
class GetOperationRequest:
    """Request for ``GET /operations/{operation_id}``."""

    operation_id: str


@attrs.frozen(slots=True)
class GetOperationResponse:
    """The polled operation and the HTTP exchange that produced it."""

    operation: Operation
    http_meta: HTTPMetadata
