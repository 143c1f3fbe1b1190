"""Once the consumer of ``wait_many`` stops pulling, at most ``concurrency`` more requests go out.

Event-driven: a separate wait on a "clock" operation, polled at the same pace, measures the
grace period in polls, so a slow machine slows both sides alike.
"""

from __future__ import annotations

from openapi import Ok
from openapi.core import SDKCore
from openapi.funcs.operations_wait import WaitMany, operations_wait, operations_wait_many
from openapi.testing import MockServer
from tests.waiting.support import FAST

CONCURRENCY = 4
WAITS = 30
CLOCK_POLLS = 15
"""The grace period: every abandoned wait would poll about this often in it, if let."""


def abandoned_gets(mock: MockServer) -> int:
    return mock.count("GET") - mock.count("GET", operation_id="clock")


async def polls_of_the_clock(mock: MockServer, core: SDKCore, polls: int) -> None:
    """Return once a wait on another operation, as fast as the abandoned ones, has polled
    ``polls`` times (the mock finishes the clock operation on its ``polls``-th GET)."""
    mock.create_operation("clock", polls=polls)
    res = await operations_wait(core, {"operation_id": "clock"}, poll_interval=FAST)
    assert isinstance(res, Ok)
    assert mock.count("GET", operation_id="clock") == polls


def many(mock: MockServer, core: SDKCore) -> WaitMany:
    """A wait on ``first`` (done at once) and ``WAITS`` operations that never finish."""
    ids = [f"never{i}" for i in range(WAITS)]
    for operation_id in ids:
        mock.create_operation(operation_id, status="running")
    mock.create_operation("first", duration=0)
    return operations_wait_many(core, ["first", *ids], concurrency=CONCURRENCY, poll_interval=FAST)


async def test_a_bare_break_stops_the_polls_while_the_iterator_lives(
    mock: MockServer, core: SDKCore
) -> None:
    results = many(mock, core)
    async for operation_id, res in results:  # no `async with`
        assert operation_id == "first"
        assert isinstance(res, Ok)
        break
    at_break = abandoned_gets(mock)
    await polls_of_the_clock(mock, core, CLOCK_POLLS)  # `results` is still referenced
    assert abandoned_gets(mock) - at_break <= CONCURRENCY

    # Pulling again resumes the polls: nothing was lost, only paused.
    mock.complete("never7", result="late")
    operation_id, res = await anext(results)
    assert operation_id == "never7"
    assert isinstance(res, Ok)
    assert res.value.result == "late"
    await results.aclose()


async def test_a_consumer_between_two_results_sends_nothing(
    mock: MockServer, core: SDKCore
) -> None:
    async with many(mock, core) as results:
        await anext(results)
        at_pause = abandoned_gets(mock)
        await polls_of_the_clock(mock, core, CLOCK_POLLS)  # the consumer is busy elsewhere
        assert abandoned_gets(mock) - at_pause <= CONCURRENCY
