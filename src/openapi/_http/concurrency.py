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
poll allowed fails again, the next waits a pause that doubles with each such failure
(``FIRST_PAUSE`` to ``MAX_PAUSE``, jittered down to half), as TCP backs off its
retransmission timer. Without it a core whose retry quota is spent would poll an
unreachable server as fast as the 503s come back, one operation after another, and a
fleet would send more during an outage than with no controls at all. The first success
ends the pause.

The interface is the two reports and the async context manager: the waiting package needs
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
"""The longest pause: in an outage a core sends about one poll per 2.5 to 5 s, and sees the
server back within 5 s."""


class AdaptiveWindow:
    """An AIMD limit on requests in flight, shared by the polls of one core."""

    __slots__ = (
        "_ceiling",
        "_pause",
        "_paused_until",
        "_sleeping",
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
        self._sleeping = 0

    def overloaded(self) -> None:
        """The server pushed back (429, 503) or did not answer: halve the window (at least
        one slot stays); if it was down to its one poll already, pause before the next."""
        if self.limit is None:
            self._ceiling = float(max(self.in_flight, 1))
            self.limit = self._ceiling
        elif self.limit <= 1.0 and self.in_flight <= 1:
            # The lone poll failed (not the tail of a storm sent before the window closed).
            self._pause = min(self._pause * 2 or FIRST_PAUSE, MAX_PAUSE)
            self._paused_until = time.monotonic() + self._pause * (0.5 + random.random() / 2)
        self.limit = max(self.limit * DECREASE, 1.0)

    @property
    def paused(self) -> float:
        """Seconds until the next poll may start, in a pause (``0`` if none)."""
        return max(self._paused_until - time.monotonic(), 0.0) if self.limit is not None else 0.0

    @property
    def waiting(self) -> int:
        """Polls waiting for a slot (or for the pause to end)."""
        return len(self._waiters) + self._sleeping

    def succeeded(self) -> None:
        """The server answered a request: widen the window by one slot per window's worth
        of successes (as TCP does), and open it once it is back at its first size."""
        if self.limit is None:
            return
        self._pause = self._paused_until = 0.0
        self.limit += 1.0 / self.limit
        if self.limit >= self._ceiling:
            self.limit = None
        self._wake()

    async def __aenter__(self) -> None:
        while self.limit is not None:
            pause = self.paused
            if pause > 0:
                self._sleeping += 1
                try:
                    await asyncio.sleep(pause)
                finally:
                    self._sleeping -= 1
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
