"""The polls of a wait: the one place a poll is sent and its answer comes back.

``Poller`` holds what the waits of one call share (the core, the ``PollPolicy``, the
``RequestOptions``); ``PollState`` is what each waited operation keeps between its polls,
small and slotted because ``operations_wait_many`` keeps one per operation alive. Every
GET of a wait goes through ``Poller.poll`` and every cancel at a deadline through
``Poller.cancel``: instrumentation of polls (spans, metrics, a rate gate) hooks in there.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from typing import Any, Final, TypeAlias, cast

import attrs

from openapi._http.concurrency import AdaptiveWindow
from openapi._http.fleet import overloaded
from openapi._observing import WaitItem
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

__all__ = ["PollState", "Poller", "WaitRequest", "within_grace"]

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


class PollState:
    """What one waited operation keeps between polls (one per operation in ``wait_many``)."""

    __slots__ = ("deadline", "last", "observed", "polls", "request")

    def __init__(self, request: WaitRequest, deadline: float = math.inf) -> None:
        self.request = request
        self.observed: WaitItem | None = None
        """The telemetry of this wait (``openapi._observing``), when it is on."""
        self.deadline = deadline
        """The loop time the wait ends by (``inf``: no deadline)."""
        self.polls = 0
        """Polls sent so far (each may have been retried inside)."""
        self.last: Operation | None = None
        """The last state a poll answered with."""


def changed(previous: Operation | None, operation: Operation) -> bool:
    """True if ``operation`` differs from ``previous`` in what a watcher is shown."""
    return (
        previous is None
        or previous.status != operation.status
        or previous.progress != operation.progress
        or previous.updated_at != operation.updated_at
    )


@attrs.frozen(slots=True)
class Poller:
    """What the waits of one call share, and the polls and cancels they send."""

    core: SDKCore
    policy: PollPolicy
    options: RequestOptions | None

    async def poll(self, state: PollState) -> Result[GetOperationResponse, CallError]:
        """One ``GET`` of the operation; a state it answers with is kept as ``state.last``."""
        state.polls += 1
        window = self._window()
        if window is None:
            res = await operations_get_operation(self.core, state.request, self.options)
        else:
            async with window:  # the core's polls shrink together on 429/503
                res = await operations_get_operation(self.core, state.request, self.options)
                if isinstance(res, Err) and overloaded(res.error):
                    window.poll_failed()
        if isinstance(res, Ok):
            state.last = res.value.operation
        return res

    def _window(self) -> AdaptiveWindow | None:
        """The core's adaptive poll window (``openapi._http.concurrency``), unless the
        retry policy of the polls turns it off."""
        options = self.options
        retries = (
            options.retries if options is not None else None
        ) or self.core.config.retry_config
        return self.core.fleet.polls if retries.adaptive_concurrency else None

    def next_delay(self, state: PollState, response: GetOperationResponse) -> float:
        """Seconds to sleep before the next poll."""
        return self.policy.delay(state.polls - 1, response.http_meta.retry_after)

    async def cancel(self, state: PollState, grace: float) -> Result[Operation, CallError]:
        """Ask the server to cancel, within ``grace`` seconds, retries included."""
        request = CancelOperationRequest(operation_id=operation_id(state.request))
        options = within_grace(self.core, self.options, grace)
        # The retry budget and each attempt are cut to the grace already; this scope is
        # the backstop that makes ``grace`` a deadline whatever the server does.
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

    async def timed_out(
        self, state: PollState, timeout: float, *, cancel: bool, grace: float
    ) -> WaitTimeoutError:
        """The deadline's error, after asking the server to cancel if ``cancel``."""
        operation = state.last
        seen = f"last status {operation.status}" if operation else "no poll answered in time"
        message = (
            f"operation {operation_id(state.request)!r} was not done within {timeout:g} s ({seen})"
        )
        if not cancel:
            return WaitTimeoutError(
                message + "; allow a longer timeout=, or pass cancel_on_timeout=True to stop it",
                operation=operation,
                timeout=timeout,
            )
        match await self.cancel(state, grace):
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
