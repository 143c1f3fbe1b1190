"""One operation's polls, the error its deadline gives, and the cancel sent at the deadline."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any, Final, TypeAlias, cast

import attrs

from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.components import Operation
from openapi.models.errors import CallError, RequestTimeoutError, WaitTimeoutError
from openapi.models.operations import (
    CancelOperationRequest,
    GetOperationRequest,
    GetOperationResponse,
)
from openapi.types import Err, Ok, Result
from openapi.utils.options import RequestOptions
from openapi.utils.polling import PollPolicy

__all__ = ["Poller", "WaitRequest", "within_grace"]

WaitRequest: TypeAlias = GetOperationRequest | Mapping[str, Any]

RETRY_SHARE: Final = 0.8
"""The part of a cancel's grace its retries may start in; the rest lets the last answer in."""


def operation_id(request: WaitRequest) -> Any:
    """The id to cancel; the pipeline validates it like any other request field."""
    given = cast(object, request)  # callers may pass anything; the poll reports that
    if isinstance(given, GetOperationRequest):
        return given.operation_id
    if isinstance(given, Mapping):
        return cast(Mapping[str, Any], given).get("operation_id")
    return None


def within_grace(core: SDKCore, options: RequestOptions | None, grace: float) -> RequestOptions:
    """``options`` for the cancel at a deadline: its retries and each attempt fit in ``grace``.

    The retries get ``RETRY_SHARE`` of it, so their last answer (a 503 says more than "no
    time left") normally arrives before the grace ends and the backstop cuts the call.
    """
    retries = (options.retries if options is not None else None) or core.config.retry_config
    budget = min(retries.backoff.max_elapsed_time, grace * RETRY_SHARE)
    retries = attrs.evolve(retries, backoff=attrs.evolve(retries.backoff, max_elapsed_time=budget))
    timeout = min(core.timeout(options.timeout if options is not None else None), grace)
    return attrs.evolve(options or RequestOptions(), retries=retries, timeout=timeout)


@attrs.define(slots=True)
class Poller:
    """The state one wait keeps between polls.

    ``limiter`` and ``wanted`` are shared by ``operations_wait_many``: the first bounds
    the requests in flight (not the waits), the second is set while the consumer waits for
    a result, and no request starts while it is clear.
    """

    core: SDKCore
    request: WaitRequest
    policy: PollPolicy
    options: RequestOptions | None
    limiter: asyncio.Semaphore | None = None
    wanted: asyncio.Event | None = None
    polls: int = 0
    last: Operation | None = None

    def _turn(self) -> contextlib.AbstractAsyncContextManager[object]:
        return self.limiter if self.limiter is not None else contextlib.nullcontext()

    def _window(self) -> contextlib.AbstractAsyncContextManager[object]:
        """The core's adaptive poll window (``openapi._http.concurrency``), unless the
        retry policy of the polls turns it off."""
        options = self.options
        retries = (
            options.retries if options is not None else None
        ) or self.core.config.retry_config
        return self.core.fleet.polls if retries.adaptive_concurrency else contextlib.nullcontext()

    async def poll(self) -> Result[GetOperationResponse, CallError]:
        """One ``GET`` of the operation, inside ``wait_many``'s limit and the core's window."""
        async with self._turn():
            if self.wanted is not None:
                await self.wanted.wait()
            async with self._window():
                self.polls += 1
                return await operations_get_operation(self.core, self.request, self.options)

    def observe(self, operation: Operation) -> bool:
        """Remember ``operation``; True if it differs from the previous state seen."""
        previous, self.last = self.last, operation
        return (
            previous is None
            or previous.status != operation.status
            or previous.progress != operation.progress
            or previous.updated_at != operation.updated_at
        )

    def next_delay(self, response: GetOperationResponse) -> float:
        """Seconds to sleep before the next poll."""
        return self.policy.delay(self.polls - 1, response.http_meta.retry_after)

    async def cancel(self, grace: float) -> Result[Operation, CallError]:
        """Ask the server to cancel, within ``grace`` seconds, retries included."""
        request = CancelOperationRequest(operation_id=operation_id(self.request))
        options = within_grace(self.core, self.options, grace)
        async with self._turn():
            if self.wanted is not None:
                await self.wanted.wait()
            # The retry budget and each attempt are cut to the grace already; this scope
            # is the backstop that makes ``grace`` a deadline whatever the server does.
            scope = asyncio.timeout(grace)
            try:
                async with scope:
                    res = await operations_cancel_operation(self.core, request, options)
            except TimeoutError:
                if not scope.expired():
                    raise
                return Err(
                    RequestTimeoutError(
                        f"the cancel request got no final answer within cancel_grace={grace:g} "
                        "s (retries included); the operation may still be running: allow a "
                        "longer cancel_grace=, or cancel it later"
                    )
                )
        return res.map(lambda response: response.operation)

    async def timed_out(self, timeout: float, *, cancel: bool, grace: float) -> WaitTimeoutError:
        """The deadline's error, after asking the server to cancel if ``cancel``."""
        operation = self.last
        seen = f"last status {operation.status}" if operation else "no poll answered in time"
        message = (
            f"operation {operation_id(self.request)!r} was not done within {timeout:g} s ({seen})"
        )
        if not cancel:
            return WaitTimeoutError(
                message + "; allow a longer timeout=, or pass cancel_on_timeout=True to stop it",
                operation=operation,
                timeout=timeout,
            )
        match await self.cancel(grace):
            case Ok(cancelled):
                return WaitTimeoutError(
                    message + f"; cancel accepted, status now {cancelled.status}",
                    operation=cancelled,
                    timeout=timeout,
                    cancel_requested=True,
                    cancel_accepted=True,
                )
            case Err(error):
                return WaitTimeoutError(
                    message + f"; the cancel request failed: {error}",
                    operation=operation,
                    timeout=timeout,
                    cancel_requested=True,
                    cancel_accepted=False,
                    cancel_error=error,
                )
