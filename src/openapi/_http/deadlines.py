"""Per-attempt deadlines for many concurrent calls, kept by one timer instead of one each.

Every attempt needs a deadline, but an event loop timer per request is one of the largest
costs of a call: measured on the benchmark server, aiohttp's own per-request timer costs
about 9% of raw aiohttp's CPU per call, and ``asyncio.timeout`` as much. Deadlines of
attempts that share a timeout expire in the order they started, so one timer armed for the
earliest live deadline serves them all; it fires about once per timeout period when calls
finish in time, and re-arms for the next deadline when it does.

The cancellation semantics are those of ``asyncio.timeout`` (Python 3.12): at the deadline
the task is cancelled; on the way out, that cancellation becomes ``TimeoutError`` only if no
other cancellation was requested meanwhile (``Task.uncancel``), so a caller's ``cancel()``
that races the deadline is never lost.
"""

from __future__ import annotations

import asyncio
import math
from types import TracebackType

__all__ = ["Deadline", "DeadlineKeeper"]


class Deadline:
    """One attempt's deadline: ``with keeper.deadline(seconds):`` around the attempt."""

    __slots__ = ("_cancelling", "_keeper", "_seconds", "_task", "expired", "when")

    def __init__(self, keeper: DeadlineKeeper, seconds: float) -> None:
        self._keeper = keeper
        self._seconds = seconds
        self._task: asyncio.Task[object] | None = None
        self._cancelling = 0
        self.when = math.inf
        """The loop time at which the attempt is cancelled."""
        self.expired = False
        """True once the deadline has cancelled the attempt."""

    def __enter__(self) -> Deadline:
        keeper = self._keeper
        task = asyncio.current_task(keeper.loop)
        if task is None:
            raise RuntimeError("a deadline must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self.when = keeper.loop.time() + self._seconds
        keeper.add(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._keeper.discard(self)
        if (
            self.expired
            and self._task is not None
            and self._task.uncancel() <= self._cancelling
            and exc_type is not None
            and issubclass(exc_type, asyncio.CancelledError)
        ):
            raise TimeoutError from exc

    def expire(self) -> None:
        """Cancel the attempt (called by the keeper at ``when``)."""
        self.expired = True
        if self._task is not None:
            self._task.cancel()


class DeadlineKeeper:
    """The deadlines of one event loop's in-flight attempts, and the one timer behind them."""

    __slots__ = ("_armed_at", "_live", "_timer", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._live: set[Deadline] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._armed_at = math.inf

    def deadline(self, seconds: float) -> Deadline:
        """A context manager that cancels the current task after ``seconds``."""
        return Deadline(self, seconds)

    def add(self, deadline: Deadline) -> None:
        """Track ``deadline``; the timer is moved earlier if it is now the first due."""
        self._live.add(deadline)
        if deadline.when < self._armed_at:
            self._arm(deadline.when)

    def discard(self, deadline: Deadline) -> None:
        """Stop tracking ``deadline`` (its attempt ended). The timer is left as it is: it
        re-arms itself for the next live deadline when it fires."""
        self._live.discard(deadline)

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_at(when, self._fire)
        self._armed_at = when

    def _fire(self) -> None:
        self._timer = None
        self._armed_at = math.inf
        now = self.loop.time()
        following = math.inf
        for deadline in list(self._live):
            if deadline.when <= now:
                self._live.discard(deadline)
                deadline.expire()
            elif deadline.when < following:
                following = deadline.when
        if following < math.inf:
            self._arm(following)
