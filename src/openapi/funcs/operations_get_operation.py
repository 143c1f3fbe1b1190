"""``GET /operations/{operation_id}``: poll an async operation.

Responses:

- 200 ``application/json``: the ``Operation`` (``Retry-After`` on an unfinished one is the
  server's suggested poll interval, in ``http_meta.retry_after``).
- 404 ``application/json``: ``ApiError``.
- 4XX, 5XX: ``SDKDefaultError``, as its per-status subclass where there is one (400, 401, 403,
  409, 422, 429, 5XX: ``openapi._http.failures.status_class``). 408, 429, 500, 502, 503 and 504
  are retried by default.

Example::

    async with SDKCore(api_key="...", server_url="https://ops.example.com") as core:
        res = await operations_get_operation(core, {"operation_id": "op_123"})
        if res.ok is True:
            print(res.value.operation.status)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from openapi._http.endpoint import Endpoint
from openapi._http.request import call
from openapi.core import SDKCore
from openapi.models.components import Operation
from openapi.models.errors import CallError
from openapi.models.operations.get_operation import GetOperationRequest, GetOperationResponse
from openapi.types import Result

if TYPE_CHECKING:
    from openapi.utils.options import RequestOptions

__all__ = ["GET_OPERATION", "operations_get_operation"]

GET_OPERATION = Endpoint(
    name="getOperation",
    method="GET",
    path="/operations/{operation_id}",
    request=GetOperationRequest,
    success=Operation,
    response=GetOperationResponse,
)
"""The endpoint as data: what the request pipeline (``openapi._http``) needs to call it."""


async def operations_get_operation(
    core: SDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[GetOperationResponse, CallError]:
    """Poll an async operation. Never raises for call failures: returns ``Ok`` or ``Err``."""
    return await call(core, GET_OPERATION, request, options)
