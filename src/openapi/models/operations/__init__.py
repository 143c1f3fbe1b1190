"""Per-endpoint request and response models, one module per endpoint, and ``HTTPMetadata``.

Names load on first use, so a program that only polls never builds the cancel models (the
imports below are the list of exports: see ``openapi._lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openapi._lazy import lazy_exports

if TYPE_CHECKING:
    from openapi.models.http_metadata import HTTPMetadata as HTTPMetadata
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

__getattr__, __dir__ = lazy_exports(__name__)
