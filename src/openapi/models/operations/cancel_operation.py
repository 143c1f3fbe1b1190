"""Request and response models of ``POST /operations/{operation_id}/cancel``."""

from __future__ import annotations

import attrs

from openapi.models.components import HTTPMetadata, Operation

__all__ = ["CancelOperationRequest", "CancelOperationResponse"]


@attrs.frozen(slots=True)
class CancelOperationRequest:
    """Request for ``POST /operations/{operation_id}/cancel``."""

    operation_id: str


@attrs.frozen(slots=True)
class CancelOperationResponse:
    """The operation after the cancel request (usually ``cancelling`` or ``cancelled``)."""

    operation: Operation
    http_meta: HTTPMetadata
