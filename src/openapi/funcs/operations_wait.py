"""Waiting for operations, built on ``GET`` (and ``POST .../cancel`` on a deadline).

- ``operations_wait``: poll one operation until it is done; returns ``Ok(operation)``.
- ``operations_wait_many``: wait for many at once with bounded concurrency; an async iterator
  of ``(operation_id, Result)`` in the order they finish.
- ``operations_watch``: an async iterator over one operation's successive states.

A ``failed`` or ``cancelled`` operation is ``Ok``: the calls worked and the operation is
done. Chain ``Operation.outcome()`` to treat it as an error::

    res = (await operations_wait(core, {"operation_id": op_id}, timeout=60)).and_then(
        lambda op: op.outcome()
    )

The first poll goes out at once; later ones follow ``PollPolicy`` (the server's
``Retry-After`` when it sends one, else jittered exponential backoff). Transient failures
(429, 5XX, dropped connections) are retried inside each poll by the call's ``RetryConfig``;
a failure that is still there afterwards, or a permanent one (404, 401, a bad id), ends the
wait with that error. ``asyncio.CancelledError`` always propagates, and nothing more is sent
after it.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from typing import Any, Final, Self, TypeAlias, cast

import attrs

from openapi.core import AsyncClosing, SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.components import Operation
from openapi.models.errors import (
    CallError,
    InvalidRequestError,
    UnexpectedClientError,
    WaitTimeoutError,
)
from openapi.models.operations import (
    CancelOperationRequest,
    GetOperationRequest,
    GetOperationResponse,
)
from openapi.types import Err, Ok, Result
from openapi.utils.options import RequestOptions
from openapi.utils.polling import DEFAULT_POLL_POLICY, PollPolicy

__all__ = [
    "DEFAULT_CONCURRENCY",
    "OnUpdate",
    "WaitError",
    "WaitMany",
    "operations_wait",
    "operations_wait_many",
    "operations_watch",
]

WaitError: TypeAlias = CallError | WaitTimeoutError
"""Every error a wait can return: a call's error, or its deadline."""

OnUpdate: TypeAlias = Callable[[Operation], object]
"""A callback given each changed state; it may be a plain function or a coroutine function."""

DEFAULT_CONCURRENCY: Final = 64

WaitRequest: TypeAlias = GetOperationRequest | Mapping[str, Any]


# --- arguments -----------------------------------------------------------------------------


def _policy(poll_interval: PollPolicy | float | None) -> PollPolicy | InvalidRequestError:
    given = cast(object, poll_interval)  # checked at run time: callers may pass anything
    if given is None:
        return DEFAULT_POLL_POLICY
    if isinstance(given, PollPolicy):
        return given
    if isinstance(given, bool) or not isinstance(given, int | float):
        return InvalidRequestError(
            f"poll_interval must be a PollPolicy or a number of seconds, got {type(given).__name__}"
        )
    try:
        return PollPolicy.fixed(given)
    except ValueError as exc:
        return InvalidRequestError(f"poll_interval={poll_interval!r} is invalid: {exc}")


def _check_timeout(timeout: float | None) -> InvalidRequestError | None:
    given = cast(object, timeout)  # checked at run time: callers may pass anything
    if given is None:
        return None
    if (
        isinstance(given, bool)
        or not isinstance(given, int | float)
        or math.isnan(given)
        or given < 0
    ):
        return InvalidRequestError(
            f"timeout must be None (no deadline) or a number of seconds >= 0, got {timeout!r}"
        )
    return None


def _deadline(timeout: float | None) -> float | None:
    """The loop-clock time the wait must end by; ``None`` for no deadline."""
    if timeout is None or math.isinf(timeout):
        return None
    return asyncio.get_running_loop().time() + timeout


def _operation_id(request: WaitRequest) -> Any:
    """The id to cancel; the pipeline validates it like any other request field."""
    given = cast(object, request)  # callers may pass anything; the poll reports that
    if isinstance(given, GetOperationRequest):
        return given.operation_id
    if isinstance(given, Mapping):
        return cast(Mapping[str, Any], given).get("operation_id")
    return None


async def _notify(on_update: OnUpdate, operation: Operation) -> None:
    outcome = on_update(operation)
    if inspect.isawaitable(outcome):
        await outcome


# --- one poller --------------------------------------------------------------------------


@attrs.define(slots=True)
class _Poller:
    """The state one wait keeps between polls."""

    core: SDKCore
    request: WaitRequest
    policy: PollPolicy
    options: RequestOptions | None
    limiter: asyncio.Semaphore | None = None
    """Shared by ``operations_wait_many``: bounds the requests in flight, not the waits."""
    polls: int = 0
    last: Operation | None = None

    async def poll(self) -> Result[GetOperationResponse, CallError]:
        self.polls += 1
        if self.limiter is None:
            return await operations_get_operation(self.core, self.request, self.options)
        async with self.limiter:
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
        return self.policy.delay(self.polls - 1, response.http_meta.retry_after)

    async def cancel(self) -> Result[Operation, CallError]:
        request = CancelOperationRequest(operation_id=_operation_id(self.request))
        if self.limiter is None:
            res = await operations_cancel_operation(self.core, request, self.options)
        else:
            async with self.limiter:
                res = await operations_cancel_operation(self.core, request, self.options)
        return res.map(lambda response: response.operation)

    async def timed_out(self, timeout: float, *, cancel: bool) -> WaitTimeoutError:
        """The deadline's error, after asking the server to cancel if ``cancel``."""
        operation = self.last
        seen = f"last status {operation.status}" if operation else "no poll answered in time"
        message = (
            f"operation {_operation_id(self.request)!r} was not done within {timeout:g} s ({seen})"
        )
        if not cancel:
            return WaitTimeoutError(
                message + "; allow a longer timeout=, or pass cancel_on_timeout=True to stop it",
                operation=operation,
                timeout=timeout,
            )
        # The deadline has passed, so this request is bounded by the call's own per-attempt
        # timeout and retry policy instead (cancel is idempotent, so retrying it is safe).
        match await self.cancel():
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


async def _wait(
    poller: _Poller,
    *,
    timeout: float | None,
    on_update: OnUpdate | None,
    cancel_on_timeout: bool,
) -> Result[Operation, WaitError]:
    deadline = _deadline(timeout)
    # One scope around everything (polls, sleeps, callbacks): nothing runs past the deadline,
    # and a poll in flight at the deadline is abandoned rather than waited for.
    scope = asyncio.timeout_at(deadline)
    try:
        async with scope:
            while True:
                res = await poller.poll()
                if isinstance(res, Err):
                    return res
                operation = res.value.operation
                if poller.observe(operation) and on_update is not None:
                    await _notify(on_update, operation)
                if operation.done:
                    return Ok(operation)
                await asyncio.sleep(poller.next_delay(res.value))
    except TimeoutError:
        if not scope.expired():
            raise  # a TimeoutError of the caller's on_update, not our deadline
    assert timeout is not None  # only a deadline expires
    return Err(await poller.timed_out(timeout, cancel=cancel_on_timeout))


# --- operations_wait ---------------------------------------------------------------------


async def operations_wait(
    core: SDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    on_update: OnUpdate | None = None,
    cancel_on_timeout: bool = False,
    options: RequestOptions | None = None,
) -> Result[Operation, WaitError]:
    """Poll an operation until it is done and return it as ``Ok(operation)``.

    - ``request``: a ``GetOperationRequest`` or ``{"operation_id": ...}``; a bad id comes
      back as ``Err(InvalidRequestError)`` before anything is sent.
    - ``timeout``: seconds for the whole wait (``None``: no deadline). At the deadline the
      poll in flight (or an async ``on_update`` still running) is abandoned, no sleep runs
      past it, and ``Err(WaitTimeoutError)`` is returned; its ``operation`` is the last
      state seen (``None`` if no poll answered in time).
    - ``cancel_on_timeout``: at the deadline, first ask the server to cancel the operation;
      the error's ``cancel_accepted`` / ``cancel_error`` say how that went.
    - ``poll_interval``: a ``PollPolicy``, or seconds for a fixed (jittered) interval.
      Default: the server's ``Retry-After``, else about 1 s growing by 1.5x to 30 s.
    - ``on_update``: called (and awaited, if it returns an awaitable) with the first state
      and each one whose status, progress or ``updated_at`` changed, the final one
      included. Its exceptions propagate: they are a bug in the callback, not a call failure.
    - ``options``: ``RequestOptions`` for each poll (and the cancel): retries, per-attempt
      timeout, headers, server URL.

    A ``failed`` or ``cancelled`` operation is ``Ok``; use ``Operation.outcome()`` to turn it
    into ``Err(OperationFailedError)``. Call errors (after the retries ``options`` allow)
    end the wait as ``Err``. Never raises for them; ``asyncio.CancelledError`` propagates.
    """
    policy = _policy(poll_interval)
    if isinstance(policy, InvalidRequestError):
        return Err(policy)
    bad_timeout = _check_timeout(timeout)
    if bad_timeout is not None:
        return Err(bad_timeout)
    poller = _Poller(core=core, request=request, policy=policy, options=options)
    return await _wait(
        poller, timeout=timeout, on_update=on_update, cancel_on_timeout=cancel_on_timeout
    )


# --- operations_watch --------------------------------------------------------------------


async def operations_watch(
    core: SDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    options: RequestOptions | None = None,
) -> AsyncGenerator[Result[Operation, WaitError], None]:
    """Yield an operation's successive states as ``Ok(operation)``, until it is done.

    The first state is always yielded, then each one whose status, progress or
    ``updated_at`` changed; the iterator ends after the terminal state. A call that fails
    (after retries) or the ``timeout`` deadline ends it with one final ``Err`` instead: errors
    are values here too, never raised. Use ``contextlib.aclosing`` (or ``aclose()``) when you
    may stop early; nothing is sent once the consumer stops asking for states.

    Polling only happens while the consumer waits for the next item, so a slow consumer
    slows the polls down but never misses the terminal state. The arguments are those of
    ``operations_wait``.
    """
    policy = _policy(poll_interval)
    if isinstance(policy, InvalidRequestError):
        yield Err(policy)
        return
    bad_timeout = _check_timeout(timeout)
    if bad_timeout is not None:
        yield Err(bad_timeout)
        return
    loop = asyncio.get_running_loop()
    deadline = _deadline(timeout)
    poller = _Poller(core=core, request=request, policy=policy, options=options)
    while True:
        # The deadline scope never spans a ``yield``: it would otherwise cancel whatever
        # the consumer happens to be doing when it expires.
        scope = asyncio.timeout_at(deadline)
        try:
            async with scope:
                res = await poller.poll()
        except TimeoutError:
            if not scope.expired():
                raise
            assert timeout is not None
            yield Err(await poller.timed_out(timeout, cancel=False))
            return
        if isinstance(res, Err):
            yield res
            return
        operation = res.value.operation
        if poller.observe(operation):
            yield Ok(operation)
        if operation.done:
            return
        delay = poller.next_delay(res.value)
        if deadline is not None and loop.time() + delay >= deadline:
            # Sleep to the deadline, not past it, then stop: there is no time for a poll.
            await asyncio.sleep(max(deadline - loop.time(), 0.0))
            assert timeout is not None
            yield Err(await poller.timed_out(timeout, cancel=False))
            return
        await asyncio.sleep(delay)


# --- operations_wait_many ----------------------------------------------------------------


async def _wait_all(
    core: SDKCore,
    operation_ids: tuple[str, ...],
    *,
    concurrency: int,
    timeout: float | None,
    policy: PollPolicy,
    cancel_on_timeout: bool,
    options: RequestOptions | None,
) -> AsyncGenerator[tuple[str, Result[Operation, WaitError]], None]:
    """One task per id, results yielded as they finish; the tasks end with the generator."""
    if not operation_ids:
        return
    # A semaphore around each request, rather than a pool of workers each owning a few
    # operations: every operation is waited on (and its deadline runs) from the start,
    # so one slow operation never holds back the results of others.
    limiter = asyncio.Semaphore(concurrency)
    finished: asyncio.Queue[tuple[str, Result[Operation, WaitError]]] = asyncio.Queue()

    async def wait_one(operation_id: str) -> None:
        poller = _Poller(
            core=core,
            request=GetOperationRequest(operation_id=operation_id),
            policy=policy,
            options=options,
            limiter=limiter,
        )
        result: Result[Operation, WaitError]
        try:
            result = await _wait(
                poller, timeout=timeout, on_update=None, cancel_on_timeout=cancel_on_timeout
            )
        except Exception as exc:  # a bug of ours must come back as a value, not vanish
            error = UnexpectedClientError(
                f"waiting for {operation_id!r} failed unexpectedly: {type(exc).__name__}: {exc}"
            )
            error.__cause__ = exc
            result = Err(error)
        finished.put_nowait((operation_id, result))

    tasks = [
        asyncio.create_task(wait_one(operation_id), name=f"openapi-wait:{operation_id}")
        for operation_id in operation_ids
    ]
    try:
        for _ in tasks:
            yield await finished.get()
    finally:
        # Consumer done, gone (break, aclose) or cancelled: no task may outlive us.
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)


class WaitMany(AsyncClosing):
    """``operations_wait_many``'s async iterator of ``(operation_id, Result)``.

    Iterate it with ``async for``; use it as ``async with ... as results`` (or call
    ``aclose()``) to stop early with every background task cancelled and awaited before the
    block ends. Without either, leaving the loop early still stops the tasks, but only when
    the event loop finalises the abandoned iterator (a moment later).
    """

    def __init__(
        self,
        core: SDKCore,
        operation_ids: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        cancel_on_timeout: bool = False,
        options: RequestOptions | None = None,
    ) -> None:
        limit = cast(object, concurrency)  # checked at run time: callers may pass anything
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidRequestError(f"concurrency must be an int >= 1, got {concurrency!r}")
        policy = _policy(poll_interval)
        if isinstance(policy, InvalidRequestError):
            raise policy
        bad_timeout = _check_timeout(timeout)
        if bad_timeout is not None:
            raise bad_timeout
        # One wait per distinct id, in the order given.
        self.operation_ids: tuple[str, ...] = tuple(dict.fromkeys(operation_ids))
        # A module-level generator, not a method: holding ``self`` would make a reference
        # cycle, and an abandoned iterator would then only be stopped by the cyclic GC.
        self._results = _wait_all(
            core,
            self.operation_ids,
            concurrency=concurrency,
            timeout=timeout,
            policy=policy,
            cancel_on_timeout=cancel_on_timeout,
            options=options,
        )

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> tuple[str, Result[Operation, WaitError]]:
        """The next operation to finish, as ``(operation_id, Result)``."""
        return await anext(self._results)

    async def aclose(self) -> None:
        """Stop waiting: cancel the remaining polls and wait for them to end."""
        await self._results.aclose()


def operations_wait_many(
    core: SDKCore,
    operation_ids: Iterable[str],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    cancel_on_timeout: bool = False,
    options: RequestOptions | None = None,
) -> WaitMany:
    """Wait for many operations at once; yield ``(operation_id, Result)`` as each finishes.

    Each distinct id gets one ``operations_wait`` (same ``timeout`` per operation, same
    ``poll_interval``, ``cancel_on_timeout`` and ``options``), all starting together; at most
    ``concurrency`` requests are in flight at any moment, across all of them. Each result is
    what ``operations_wait`` would return: errors are values, so one failure never stops the
    others::

        async with operations_wait_many(core, ids, timeout=300) as results:
            async for operation_id, res in results:
                match res:
                    case Ok(op):
                        print(operation_id, op.status)
                    case Err(error):
                        print(operation_id, "failed:", error)

    Invalid arguments (``concurrency < 1``, a bad ``timeout`` or ``poll_interval``) raise
    ``InvalidRequestError`` here, before anything starts; invalid ids come back as
    ``Err(InvalidRequestError)`` items. Polling starts at the first ``__anext__``.
    """
    return WaitMany(
        core,
        operation_ids,
        concurrency=concurrency,
        timeout=timeout,
        poll_interval=poll_interval,
        cancel_on_timeout=cancel_on_timeout,
        options=options,
    )
