"""``SDK``: the friendly facade. Methods take keyword arguments and raise on error.

It re-implements nothing: each method calls the standalone function and unwraps its
``Result``, raising the ``SDKBaseError`` an ``Err`` holds.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import aclosing

import aiohttp

from openapi.core import DEFAULT_TIMEOUT, ApiKey, AsyncClosing, SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.funcs.operations_wait import (
    DEFAULT_CANCEL_GRACE,
    DEFAULT_CONCURRENCY,
    OnUpdate,
    WaitMany,
    operations_wait,
    operations_wait_many,
    operations_watch,
)
from openapi.models.components import Operation
from openapi.models.operations import (
    CancelOperationRequest,
    CancelOperationResponse,
    GetOperationRequest,
    GetOperationResponse,
)
from openapi.utils.options import RequestOptions
from openapi.utils.polling import PollPolicy
from openapi.utils.retries import RetryConfig

__all__ = ["SDK", "Operations"]


def _options(
    retries: RetryConfig | None,
    timeout: float | None,
    headers: Mapping[str, str] | None,
    server_url: str | None,
) -> RequestOptions | None:
    if retries is None and timeout is None and headers is None and server_url is None:
        return None
    return RequestOptions(retries=retries, timeout=timeout, headers=headers, server_url=server_url)


class Operations:
    """Poll and manage async operations (``sdk.operations``)."""

    def __init__(self, core: SDKCore) -> None:
        self._core = core

    async def get_operation(
        self,
        *,
        operation_id: str,
        retries: RetryConfig | None = None,
        timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        server_url: str | None = None,
    ) -> GetOperationResponse:
        """Poll an async operation. Raises an ``SDKBaseError`` subclass on failure."""
        result = await operations_get_operation(
            self._core,
            GetOperationRequest(operation_id=operation_id),
            _options(retries, timeout, headers, server_url),
        )
        return result.unwrap()

    async def cancel_operation(
        self,
        *,
        operation_id: str,
        retries: RetryConfig | None = None,
        timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        server_url: str | None = None,
    ) -> CancelOperationResponse:
        """Cancel a running async operation. Raises an ``SDKBaseError`` subclass on failure."""
        result = await operations_cancel_operation(
            self._core,
            CancelOperationRequest(operation_id=operation_id),
            _options(retries, timeout, headers, server_url),
        )
        return result.unwrap()

    # Waiting. ``timeout`` bounds the whole wait here, so the per-attempt timeout of each
    # request is spelled ``request_timeout``.

    async def wait(
        self,
        *,
        operation_id: str,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        on_update: OnUpdate | None = None,
        cancel_on_timeout: bool = False,
        cancel_grace: float = DEFAULT_CANCEL_GRACE,
        retries: RetryConfig | None = None,
        request_timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        server_url: str | None = None,
    ) -> Operation:
        """Poll until the operation is done and return it (``failed``/``cancelled`` included).

        Raises ``WaitTimeoutError`` at the ``timeout`` deadline (after asking the server to
        cancel if ``cancel_on_timeout``, within ``cancel_grace`` seconds), or the call's
        ``SDKBaseError``. ``on_update`` (sync or async) sees each changed state. See
        ``operations_wait``.
        """
        result = await operations_wait(
            self._core,
            GetOperationRequest(operation_id=operation_id),
            timeout=timeout,
            poll_interval=poll_interval,
            on_update=on_update,
            cancel_on_timeout=cancel_on_timeout,
            cancel_grace=cancel_grace,
            options=_options(retries, request_timeout, headers, server_url),
        )
        return result.unwrap()

    def wait_many(
        self,
        operation_ids: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        cancel_on_timeout: bool = False,
        cancel_grace: float = DEFAULT_CANCEL_GRACE,
        retries: RetryConfig | None = None,
        request_timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        server_url: str | None = None,
    ) -> WaitMany:
        """Wait for many operations; an async iterator of ``(operation_id, Result)``.

        Results stay values here (one failure must not hide the others): match each one, or
        call ``.unwrap()``. Use ``async with sdk.operations.wait_many(...) as results:`` to
        stop early cleanly. ``timeout`` is per operation. A bare ``str`` raises
        ``TypeError``; a duplicate id is waited for once. See ``operations_wait_many``.
        """
        return operations_wait_many(
            self._core,
            operation_ids,
            concurrency=concurrency,
            timeout=timeout,
            poll_interval=poll_interval,
            cancel_on_timeout=cancel_on_timeout,
            cancel_grace=cancel_grace,
            options=_options(retries, request_timeout, headers, server_url),
        )

    async def watch(
        self,
        *,
        operation_id: str,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        retries: RetryConfig | None = None,
        request_timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        server_url: str | None = None,
    ) -> AsyncIterator[Operation]:
        """Yield each changed state of the operation, ending after the terminal one.

        Raises the call's ``SDKBaseError``, or ``WaitTimeoutError`` at the ``timeout``
        deadline. See ``operations_watch``.
        """
        states = operations_watch(
            self._core,
            GetOperationRequest(operation_id=operation_id),
            timeout=timeout,
            poll_interval=poll_interval,
            options=_options(retries, request_timeout, headers, server_url),
        )
        async with aclosing(states):
            async for state in states:
                yield state.unwrap()


class SDK(AsyncClosing):
    """The Operations API client.

    Takes the same settings as ``SDKCore`` (or an existing ``core=``)::

        async with SDK(api_key="...", server_url="https://ops.example.com") as sdk:
            res = await sdk.operations.get_operation(operation_id="op_123")

    What the SDK creates it closes; what you pass in it never closes. ``aclose()`` (or the
    end of ``async with``) closes the core the SDK made from the settings, and so the
    session that core made; a ``core=`` or ``session=`` of yours stays open, for you to
    close.
    """

    core: SDKCore
    operations: Operations

    def __init__(
        self,
        *,
        api_key: ApiKey | None = None,
        server_url: str | None = None,
        session: aiohttp.ClientSession | None = None,
        retry_config: RetryConfig | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        verify_ssl: bool | ssl.SSLContext = True,
        connection_limit: int = 100,
        core: SDKCore | None = None,
    ) -> None:
        self._owns_core = core is None
        if core is None:
            core = SDKCore(
                api_key=api_key,
                server_url=server_url,
                session=session,
                retry_config=retry_config,
                timeout=timeout,
                headers=headers,
                allow_insecure_http=allow_insecure_http,
                verify_ssl=verify_ssl,
                connection_limit=connection_limit,
            )
        self.core = core
        self.operations = Operations(self.core)

    def __repr__(self) -> str:
        return f"SDK({self.core!r})"

    async def aclose(self) -> None:
        """Close the core the SDK created; a ``core=`` (or ``session=``) you passed stays open."""
        if self._owns_core:
            await self.core.aclose()
