"""One SDK call against a hostile server, with a key the tests look for everywhere."""

from __future__ import annotations

from typing import Any, Literal

from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.types import Ok, Result
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig
from tests.hostile._raw import RawServer, Script
from tests.pool_support import acquired
from tests.secret_support import SECRET_KEY

__all__ = ["ONE_ATTEMPT", "SECRET_KEY", "Endpoint", "call_once", "outcome"]

ONE_ATTEMPT = RetryConfig.none()
Endpoint = Literal["get", "cancel"]


async def call_once(
    url: str,
    endpoint: Endpoint = "get",
    *,
    timeout: float = 5,
    options: RequestOptions | None = None,
    **core: Any,
) -> Result[Any, Any]:
    """Call ``endpoint`` once (no retries unless ``retry_config=`` says so) on a fresh core,
    and check that the call left no connection checked out of the pool."""
    core.setdefault("retry_config", ONE_ATTEMPT)
    async with SDKCore(api_key=SECRET_KEY, server_url=url, timeout=timeout, **core) as sdk:
        function = operations_get_operation if endpoint == "get" else operations_cancel_operation
        res = await function(sdk, {"operation_id": "op_1"}, options)
        assert acquired(sdk) == 0, "a response was not released"
    return res


async def outcome(script: Script) -> object:
    """What one GET against a server running ``script`` gives: the value or the error."""
    async with RawServer(script) as server:
        res = await call_once(server.url)
    return res.value if isinstance(res, Ok) else res.error
