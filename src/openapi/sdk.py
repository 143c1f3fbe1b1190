"""``SDK``: the friendly facade. Methods take keyword arguments and raise on error.

It re-implements nothing: each method calls the standalone function and unwraps its
``Result``, raising the ``SDKBaseError`` an ``Err`` holds. It restates nothing either: the
constructor takes ``SDKCore``'s ``CoreSettings`` and each method's per-call options are
``CallOptions`` (or ``PollOptions`` for a wait), the keyword form of ``RequestOptions``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import aclosing
from typing import Unpack

from openapi._settings import check_facade_keywords
from openapi._waiting._args import WaitManyKeywords, split_wait_many
from openapi.core import AsyncClosing, CoreSettings, SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.funcs.operations_wait import (
    DEFAULT_CANCEL_GRACE,
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
from openapi.utils.options import CallOptions, PollOptions, call_options, poll_options
from openapi.utils.polling import PollPolicy

__all__ = ["SDK", "Operations"]


class Operations:
    """Poll and manage async operations (``sdk.operations``)."""

    def __init__(self, core: SDKCore) -> None:
        self._core = core

    async def get_operation(
        self,
        *,
        operation_id: str,
        **options: Unpack[CallOptions],
    ) -> GetOperationResponse:
        """Poll an async operation. Raises an ``SDKBaseError`` subclass on failure.

        ``options``: ``retries``, ``timeout`` (per attempt), ``headers``, ``server_url``
        for this call (``CallOptions``).
        """
        result = await operations_get_operation(
            self._core,
            GetOperationRequest(operation_id=operation_id),
            call_options(options, "get_operation"),
        )
        return result.unwrap()

    async def cancel_operation(
        self,
        *,
        operation_id: str,
        **options: Unpack[CallOptions],
    ) -> CancelOperationResponse:
        """Cancel a running async operation. Raises an ``SDKBaseError`` subclass on failure.

        ``options`` as for ``get_operation``.
        """
        result = await operations_cancel_operation(
            self._core,
            CancelOperationRequest(operation_id=operation_id),
            call_options(options, "cancel_operation"),
        )
        return result.unwrap()

    # Waiting. ``timeout`` bounds the whole wait here, so the per-attempt timeout of each
    # request is spelled ``request_timeout`` (``PollOptions``).

    async def wait(
        self,
        *,
        operation_id: str,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        on_update: OnUpdate | None = None,
        cancel_on_timeout: bool = False,
        cancel_grace: float = DEFAULT_CANCEL_GRACE,
        **options: Unpack[PollOptions],
    ) -> Operation:
        """Poll until the operation is done and return it (``failed``/``cancelled`` included).

        Raises ``WaitTimeoutError`` at the ``timeout`` deadline (after asking the server to
        cancel if ``cancel_on_timeout``, within ``cancel_grace`` seconds), or the call's
        ``SDKBaseError``. ``on_update`` (sync or async) sees each changed state. ``options``
        (``retries``, ``request_timeout``, ``headers``, ``server_url``) apply to each poll
        and to the cancel. See ``operations_wait``.
        """
        result = await operations_wait(
            self._core,
            GetOperationRequest(operation_id=operation_id),
            timeout=timeout,
            poll_interval=poll_interval,
            on_update=on_update,
            cancel_on_timeout=cancel_on_timeout,
            cancel_grace=cancel_grace,
            options=poll_options(options, "wait"),
        )
        return result.unwrap()

    def wait_many(
        self, operation_ids: Iterable[str], **keywords: Unpack[WaitManyKeywords]
    ) -> WaitMany:
        """Wait for many operations; an async iterator of ``(operation_id, Result)``.

        Results stay values here (one failure must not hide the others): match each one, or
        call ``.unwrap()``. Use ``async with sdk.operations.wait_many(...) as results:`` to
        stop early cleanly. ``timeout`` is per operation. A bare ``str`` raises
        ``TypeError``; a duplicate id is waited for once. See ``operations_wait_many``.
        """
        arguments, options = split_wait_many(keywords)
        return operations_wait_many(
            self._core, operation_ids, options=poll_options(options, "wait_many"), **arguments
        )

    async def watch(
        self,
        *,
        operation_id: str,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        **options: Unpack[PollOptions],
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
            options=poll_options(options, "watch"),
        )
        async with aclosing(states):
            async for state in states:
                yield state.unwrap()


class SDK(AsyncClosing):
    """The Operations API client.

    Takes the settings of an ``SDKCore`` (``CoreSettings``), or an existing ``core=`` and
    then no setting (``TypeError``)::

        async with SDK(api_key="...", server_url="https://ops.example.com") as sdk:
            res = await sdk.operations.get_operation(operation_id="op_123")

    What the SDK creates it closes; what you pass in it never closes. ``aclose()`` (or the
    end of ``async with``) closes the core the SDK made from the settings, and so the
    session that core made; a ``core=`` or ``session=`` of yours stays open, for you to
    close.
    """

    core: SDKCore
    operations: Operations

    def __init__(self, *, core: SDKCore | None = None, **settings: Unpack[CoreSettings]) -> None:
        check_facade_keywords(
            settings, core_given=core is not None, owner="SDK", core_owner="SDKCore"
        )
        self._owns_core = core is None
        self.core = core if core is not None else SDKCore(**settings)
        self.operations = Operations(self.core)

    def __repr__(self) -> str:
        return f"SDK({self.core!r})"

    def with_options(self, **options: Unpack[CallOptions]) -> SDK:
        """A light copy with other defaults (``SDKCore.with_options``) sharing the pool::

            fast = sdk.with_options(timeout=2, retries=RetryConfig.none())

        Closing the copy leaves the pool (and this SDK) open; closing this SDK closes the
        pool, and the copy's calls then raise ``InvalidRequestError`` saying so.
        """
        made = SDK(core=self.core.with_options(**options))
        made._owns_core = True  # the copy's core is the copy's: aclose() closes it alone
        return made

    async def aclose(self) -> None:
        """Close the core the SDK created; a ``core=`` (or ``session=``) you passed stays open."""
        if self._owns_core:
            await self.core.aclose()
