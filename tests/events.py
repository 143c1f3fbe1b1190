"""Wait for things to happen, not for time to pass.

A test that sleeps "long enough" for something to happen fails on a slow or busy machine.
These helpers wait for the thing itself: a condition, or the SDK saying it is about to sleep
before a retry. Their time limit is only a safety net for when it never happens.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Seconds before giving up on something that should happen: reached only when it never does.
PATIENCE = 30.0
#: The resolution of uvloop's clock and timers (a millisecond): a lower bound on elapsed loop
#: time allows one, since a timer may fire up to half a tick early in real time.
TICK = 0.001


async def until(condition: Callable[[], bool], what: str, *, within: float = PATIENCE) -> None:
    """Let the loop run until ``condition()`` holds; fail with ``what`` if it never does."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + within
    while not condition():
        if loop.time() > give_up:
            raise AssertionError(f"gave up after {within:g} s waiting for {what}")
        await asyncio.sleep(0.005)


async def drain_loop(iterations: int = 20) -> None:
    """Run a few loop iterations, so bytes already written to a local socket get handled.

    On 127.0.0.1 a write lands in the peer's receive buffer at once; the server then needs
    a handful of iterations (not any amount of time) to read, parse and log the request.
    """
    for _ in range(iterations):
        await asyncio.sleep(0)


class _RetrySleepSeen(logging.Handler):
    def __init__(self, event: asyncio.Event) -> None:
        super().__init__(logging.DEBUG)
        self.event = event

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith("retrying in"):
            self.event.set()


@contextmanager
def retry_sleep_started() -> Iterator[asyncio.Event]:
    """An event set when a call starts its sleep before a retry.

    The SDK logs ``retrying in ... s`` at DEBUG right before that sleep: a test waits for
    the event instead of guessing how long the first attempt takes.
    """
    event = asyncio.Event()
    handler = _RetrySleepSeen(event)
    logger = logging.getLogger("openapi")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield event
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
