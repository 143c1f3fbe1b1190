"""Helpers for the wait tests: server-side observations of what the client really did."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager

import attrs

from openapi.testing import MockServer
from openapi.utils.polling import PollPolicy
from tests.events import PATIENCE, drain_loop

API_KEY = "sk-wait-tests"

FAST = PollPolicy(initial_interval=0.01, multiplier=1.5, max_interval=0.05, min_interval=0.01)
"""Polls every 10-50 ms: keeps the suite fast while still exercising the backoff."""

WAIT_TASK_PREFIX = "openapi-wait:"


def wait_tasks() -> list[asyncio.Task[object]]:
    """Background tasks of ``operations_wait_many`` still alive (finished ones excluded)."""
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith(WAIT_TASK_PREFIX) and not task.done()
    ]


def poll_times(server: MockServer, operation_id: str) -> list[float]:
    """When the server received each GET for ``operation_id`` (monotonic seconds)."""
    return [entry.received_at for entry in server.find_requests("GET", operation_id=operation_id)]


def gaps(times: list[float]) -> list[float]:
    """The intervals between consecutive times."""
    return [b - a for a, b in itertools.pairwise(times)]


@attrs.define
class InFlight:
    """The most API requests the server was handling at once, sampled every millisecond."""

    peak: int = 0


@asynccontextmanager
async def sample_in_flight(server: MockServer) -> AsyncGenerator[InFlight, None]:
    """Track the peak of requests logged as arrived but not yet answered.

    The sampler runs in the server's own event loop, so between two handler steps what it
    sees is exact; a 1 ms period catches any plateau longer than that (the tests make each
    request take 20 ms with a delay fault).
    """
    seen = InFlight()

    async def sample() -> None:
        while True:
            busy = sum(1 for entry in server.requests if entry.status is None)
            seen.peak = max(seen.peak, busy)
            await asyncio.sleep(0.001)

    sampler = asyncio.create_task(sample())
    try:
        yield seen
    finally:
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)


async def later(delay: float, action: Callable[[], object]) -> None:
    """Run ``action`` after ``delay`` seconds (to drive an operation while a wait runs)."""
    await asyncio.sleep(delay)
    action()


async def settle(condition: Callable[[], bool], *, within: float = PATIENCE) -> bool:
    """Let the loop run until ``condition()`` holds, for at most ``within`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not condition():
        if loop.time() > end:
            return False
        await asyncio.sleep(0.005)
    return True


async def quiet_for(server: MockServer, seconds: float) -> int:
    """How many API requests arrived during the next ``seconds``.

    A request the client wrote just before it stopped may still be in the socket, on its
    way to the handler (same loop): a grace of loop iterations (a busy machine makes them
    slow, not fewer) lets it land before counting starts.
    """
    await asyncio.sleep(0.02)
    await drain_loop()
    before = len(server.requests)
    await asyncio.sleep(seconds)
    return len(server.requests) - before
