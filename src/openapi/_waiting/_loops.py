"""Waiting for one operation until it is done, and watching its successive states."""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import AsyncGenerator

from openapi._observing import observed_wait, observed_watch
from openapi._waiting._args import OnUpdate, WaitError, WaitSettings
from openapi._waiting._poller import Poller, PollState, changed
from openapi.models.components import Operation
from openapi.models.errors import InvalidRequestError
from openapi.types import Err, Ok, Result

__all__ = ["refused", "wait_one", "watch"]


def _deadline(timeout: float | None) -> float | None:
    """The loop-clock time the wait must end by; ``None`` for no deadline."""
    if timeout is None or math.isinf(timeout):
        return None
    return asyncio.get_running_loop().time() + timeout


async def _notify(on_update: OnUpdate, operation: Operation) -> None:
    outcome = on_update(operation)
    if inspect.isawaitable(outcome):
        await outcome


@observed_wait  # one span over the whole wait when telemetry is on (openapi._observing)
async def wait_one(
    poller: Poller,
    state: PollState,
    settings: WaitSettings,
    *,
    on_update: OnUpdate | None,
    cancel_on_timeout: bool,
) -> Result[Operation, WaitError]:
    """Poll until the operation is done, the deadline passes, or a call fails."""
    timeout = settings.timeout
    # One scope around everything (polls, sleeps, callbacks): nothing runs past the deadline,
    # and a poll in flight at the deadline is abandoned rather than waited for.
    scope = asyncio.timeout_at(_deadline(timeout))
    try:
        async with scope:
            while True:
                previous = state.last
                res = await poller.poll(state)
                if isinstance(res, Err):
                    return res
                operation = res.value.operation
                if on_update is not None and changed(previous, operation):
                    await _notify(on_update, operation)
                if operation.done:
                    return Ok(operation)
                await asyncio.sleep(poller.next_delay(state, res.value))
    except TimeoutError:
        if not scope.expired():
            raise  # a TimeoutError of the caller's on_update, not our deadline
    assert timeout is not None  # only a deadline expires
    return Err(
        await poller.timed_out(
            state, timeout, cancel=cancel_on_timeout, grace=settings.cancel_grace
        )
    )


@observed_watch
async def watch(
    poller: Poller, state: PollState, settings: WaitSettings
) -> AsyncGenerator[Result[Operation, WaitError], None]:
    """Yield each changed state, then end after the terminal one or one final ``Err``."""
    loop = asyncio.get_running_loop()
    timeout = settings.timeout
    deadline = _deadline(timeout)
    while True:
        # The deadline scope never spans a ``yield``: it would otherwise cancel whatever
        # the consumer happens to be doing when it expires.
        scope = asyncio.timeout_at(deadline)
        previous = state.last
        try:
            async with scope:
                res = await poller.poll(state)
        except TimeoutError:
            if not scope.expired():
                raise
            assert timeout is not None
            yield Err(
                await poller.timed_out(state, timeout, cancel=False, grace=settings.cancel_grace)
            )
            return
        if isinstance(res, Err):
            yield res
            return
        operation = res.value.operation
        if changed(previous, operation):
            yield Ok(operation)
        if operation.done:
            return
        delay = poller.next_delay(state, res.value)
        if deadline is not None and loop.time() + delay >= deadline:
            # Sleep to the deadline, not past it, then stop: there is no time for a poll.
            await asyncio.sleep(max(deadline - loop.time(), 0.0))
            assert timeout is not None
            yield Err(
                await poller.timed_out(state, timeout, cancel=False, grace=settings.cancel_grace)
            )
            return
        await asyncio.sleep(delay)


async def refused(error: InvalidRequestError) -> AsyncGenerator[Result[Operation, WaitError], None]:
    """A watch of bad arguments: its one item is the error (errors are values there too)."""
    yield Err(error)
