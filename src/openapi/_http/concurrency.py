"""Adaptive concurrency: a window of requests in flight that shrinks when the server pushes
back and grows back as it recovers (additive increase, multiplicative decrease).

The pipeline reports every attempt's answer (``overloaded`` on a 429/503 or no answer at
all, ``succeeded`` on a 2XX); the waits of a core hold a slot of its window around each poll
(``async with window:``). The window starts open (no limit beyond each ``wait_many``'s own
``concurrency``); the first overload closes it to half the requests then in flight, each
further one halves it again (down to one), and each success widens it by ``1 / window``
(one slot per window's worth of successes, TCP's congestion avoidance), until it is back at
the size it had when it first closed: then it is open again. So it never allows
more than the callers' own limits did.

Below one request in flight there is still a lever, the time between them: when the one
poll allowed fails again (``poll_failed``, reported by the poll itself once its retries are
over, not by each attempt), the next waits a pause that doubles with each such failure
(``FIRST_PAUSE`` to ``MAX_PAUSE``, jittered down to half), as TCP backs off its
retransmission timer. Without it a core whose retry quota is spent would poll an
unreachable server as fast as the 503s come back, one operation after another, and a
fleet would send more during an outage than with no controls at all. The first success
of any call of the core ends the pause and wakes the polls sleeping in it.

The interface is the reports and the async context manager: the waiting package needs
nothing else, so it can hold a slot wherever its polls start.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from types import TracebackType
from typing import Final

__all__ = ["AdaptiveWindow"]

DECREASE: Final = 0.5
"""The factor an overload multiplies the window by."""
FIRST_PAUSE: Final = 0.1
"""Seconds (at most) before the next poll once the one poll in flight failed again."""
MAX_PAUSE: Final = 5.0
"""The longest pause: in a long outage a core starts about one poll per 2.5 to 5 s (each
with the retries its quota still allows), and sees the server back within 5 s."""


class AdaptiveWindow:
    """An AIMD limit on requests in flight, shared by the polls of one core."""

    __slots__ = (
        "_ceiling",
        "_pause",
        "_paused_until",
        "_sleepers",
        "_waiters",
        "in_flight",
        "limit",
    )

    def __init__(self) -> None:
        self.limit: float | None = None
        """Requests allowed in flight; ``None`` while open (no 429/503 lately)."""
        self.in_flight = 0
        """Slots held now."""
        self._ceiling = 0.0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._pause = 0.0
        self._paused_until = 0.0  # time.monotonic(): the window binds to no event loop
        self._sleepers: list[asyncio.Future[None]] = []

    def overloaded(self) -> None:
        """The server pushed back (429, 503) or did not answer: halve the window (at least
        one slot stays)."""
        if self.limit is None:
            self._ceiling = float(max(self.in_flight, 1))
            self.limit = self._ceiling
        self.limit = max(self.limit * DECREASE, 1.0)

    def poll_failed(self) -> None:
        """A poll holding a slot ended overloaded, its retries over: if it was the only one
        in flight with the window down to one, pause before the next, twice as long as the
        last time. (Of a storm sent before the window closed, only the last poll to end
        finds itself alone: one short pause, not one per poll.)"""
        if self.limit is None or self.limit > 1.0 or self.in_flight > 1:
            return
        self._pause = min(self._pause * 2 or FIRST_PAUSE, MAX_PAUSE)
        self._paused_until = time.monotonic() + self._pause * (0.5 + random.random() / 2)

    @property
    def pause(self) -> float:
        """The current pause's length before jitter (``0`` when not pausing)."""
        return self._pause

    @property
    def paused(self) -> float:
        """Seconds until the next poll may start, in a pause (``0`` if none)."""
        return max(self._paused_until - time.monotonic(), 0.0) if self.limit is not None else 0.0

    @property
    def waiting(self) -> int:
        """Polls waiting for a slot (or for the pause to end)."""
        return len(self._waiters) + len(self._sleepers)

    def succeeded(self) -> None:
        """The server answered a request: widen the window by one slot per window's worth
        of successes (as TCP does), and open it once it is back at its first size."""
        if self.limit is None:
            return
        if self._pause:
            self._pause = self._paused_until = 0.0
            for sleeper in self._sleepers:
                _resolve(sleeper)
        self.limit += 1.0 / self.limit
        if self.limit >= self._ceiling:
            self.limit = None
        self._wake()

    async def __aenter__(self) -> None:
        while self.limit is not None:
            pause = self.paused
            if pause > 0:
                await self._sleep(pause)
                continue
            if self.in_flight < self.limit:
                break
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                # Woken and cancelled in the same turn: pass the wake-up on, never lose it.
                if waiter.done() and not waiter.cancelled():
                    self._wake()
                elif waiter in self._waiters:
                    self._waiters.remove(waiter)
                raise
        self.in_flight += 1

    async def _sleep(self, pause: float) -> None:
        """Sleep out the pause, or until a success ends it."""
        loop = asyncio.get_running_loop()
        sleeper: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(pause, _resolve, sleeper)
        self._sleepers.append(sleeper)
        try:
            await sleeper
        except BaseException:
            # A wake-up handed to this task before it slept must not die with it.
            self._wake()
            raise
        finally:
            timer.cancel()
            self._sleepers.remove(sleeper)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        room = float("inf") if self.limit is None else self.limit - self.in_flight
        while self._waiters and room > 0:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                room -= 1


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
