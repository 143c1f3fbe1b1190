"""Per-endpoint request and response models, one module per endpoint, and ``HTTPMetadata``.

Names load on first use, so a program that only polls never builds the cancel models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openapi._lazy import lazy_attributes

if TYPE_CHECKING:
    from openapi.models.components import HTTPMetadata as HTTPMetadata
    from openapi.models.operations.cancel_operation import (
        CancelOperationRequest as CancelOperationRequest,
    )
    from openapi.models.operations.cancel_operation import (
        CancelOperationResponse as CancelOperationResponse,
    )
    from openapi.models.operations.get_operation import (
        GetOperationRequest as GetOperationRequest,
    )
    from openapi.models.operations.get_operation import (
        GetOperationResponse as GetOperationResponse,
    )

__all__ = [
    "CancelOperationRequest",
    "CancelOperationResponse",
    "GetOperationRequest",
    "GetOperationResponse",
    "HTTPMetadata",
]

_HOMES: dict[str, str] = {
    "CancelOperationRequest": "openapi.models.operations.cancel_operation",
    "CancelOperationResponse": "openapi.models.operations.cancel_operation",
    "GetOperationRequest": "openapi.models.operations.get_operation",
    "GetOperationResponse": "openapi.models.operations.get_operation",
    "HTTPMetadata": "openapi.models.components",  # defined beside Operation, used by both
}


__getattr__, __dir__ = lazy_attributes(__name__, _HOMES)
