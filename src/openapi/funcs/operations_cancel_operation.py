"""``POST /operations/{operation_id}/cancel``: cancel a running async operation.

Responses:

- 200 ``application/json``: the ``Operation`` after the request, usually ``cancelling`` or
  ``cancelled``. Cancelling a finished operation is not an error: it comes back unchanged,
  so cancel is idempotent and retried like a GET.
- 404 ``application/json``: ``ApiError``.
- 4XX, 5XX: ``SDKDefaultError``, as its per-status subclass where there is one (400, 401, 403,
  409, 422, 429, 5XX: ``openapi._http.failures.status_class``).

Example::

    res = await operations_cancel_operation(core, {"operation_id": "op_123"})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from openapi._http.endpoint import Endpoint
from openapi._http.request import call
from openapi.core import SDKCore
from openapi.models.components import Operation
from openapi.models.errors import CallError
from openapi.models.operations.cancel_operation import (
    CancelOperationRequest,
    CancelOperationResponse,
)
from openapi.types import Result

if TYPE_CHECKING:
    from openapi.utils.options import RequestOptions

__all__ = ["CANCEL_OPERATION", "operations_cancel_operation"]

CANCEL_OPERATION = Endpoint(
    name="cancelOperation",
    method="POST",
    path="/operations/{operation_id}/cancel",
    request=CancelOperationRequest,
    success=Operation,
    response=CancelOperationResponse,
)
"""The endpoint as data: what the request pipeline (``openapi._http``) needs to call it."""


async def operations_cancel_operation(
    core: SDKCore,
    request: CancelOperationRequest | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[CancelOperationResponse, CallError]:
    """Cancel a running async operation. Never raises for call failures: returns a ``Result``."""
    return await call(core, CANCEL_OPERATION, request, options)
