"""Adaptive concurrency: a window of requests in flight that shrinks when the server pushes
back and grows back as it recovers (additive increase, multiplicative decrease).

The pipeline reports every attempt's answer (``overloaded`` on a 429/503, ``succeeded`` on
a 2XX); the waits of a core hold a slot of its window around each poll
(``async with window:``). The window starts open (no limit beyond each ``wait_many``'s own
``concurrency``); the first 429/503 closes it to half the requests then in flight, each
further one halves it again (down to one), and each success widens it by ``1 / window``
(one slot per window's worth of successes, TCP's congestion avoidance), until it is back at
the size it had when it first closed: then it is open again. So it never allows
more than the callers' own limits did.

The interface is the two reports and the async context manager: the waiting package needs
nothing else, so it can hold a slot wherever its polls start.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType
from typing import Final

__all__ = ["AdaptiveWindow"]

DECREASE: Final = 0.5
"""The factor a 429/503 multiplies the window by."""


class AdaptiveWindow:
    """An AIMD limit on requests in flight, shared by the polls of one core."""

    __slots__ = ("_ceiling", "_waiters", "in_flight", "limit")

    def __init__(self) -> None:
        self.limit: float | None = None
        """Requests allowed in flight; ``None`` while open (no 429/503 lately)."""
        self.in_flight = 0
        """Slots held now."""
        self._ceiling = 0.0
        self._waiters: deque[asyncio.Future[None]] = deque()

    def overloaded(self) -> None:
        """The server answered 429 or 503: halve the window (at least one slot stays)."""
        if self.limit is None:
            self._ceiling = float(max(self.in_flight, 1))
            self.limit = self._ceiling
        self.limit = max(self.limit * DECREASE, 1.0)

    @property
    def waiting(self) -> int:
        """Polls waiting for a slot."""
        return len(self._waiters)

    def succeeded(self) -> None:
        """The server answered a request: widen the window by one slot per window's worth
        of successes (as TCP does), and open it once it is back at its first size."""
        if self.limit is None:
            return
        self.limit += 1.0 / self.limit
        if self.limit >= self._ceiling:
            self.limit = None
        self._wake()

    async def __aenter__(self) -> None:
        while self.limit is not None and self.in_flight >= self.limit:
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
