"""The due polls of many waits: one heap and one timer, handed to a few workers.

``operations_wait_many`` used to give every operation its own task, sleeping between its
polls on its own timer: at 100,000 operations that is 100,000 tasks, coroutine frames and
timers in the event loop's heap (about 4 KB per operation), and waking each one cost more
than its poll. Here a waiting operation is one entry ``(due, seq, state)`` in a heap; a
fixed set of workers (one per request allowed in flight) takes the earliest due entry,
polls, and pushes the operation back with its next due time. One timer, armed for the
earliest entry only when a worker is idle, wakes the workers, the way one deadline keeper
(``openapi._http.deadlines``) serves every attempt.

Entries are handed out only while ``wanted`` is set (the consumer of ``wait_many`` waits
for a result): once it clears, the workers finish the requests they have started and park.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable
from typing import Final

from openapi._waiting._poller import PollState

__all__ = ["LATE", "DuePolls"]

LATE: Final = 0.1
"""Seconds past its due time after which a poll counts as sent late."""


class DuePolls:
    """The waits between two polls, by due time, and the workers idle until one is due."""

    __slots__ = ("_armed_at", "_heap", "_idle", "_loop", "_seq", "_timer", "wanted")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, PollState]] = []
        self._seq = itertools.count()  # ties go first-in first-out; states never compare
        self._idle: deque[asyncio.Future[None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._armed_at = math.inf
        self.wanted = False
        """True while polls may start (the consumer waits for a result)."""

    def __len__(self) -> int:
        return len(self._heap)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop``'s clock and timers (the loop the workers run in)."""
        self._loop = loop

    def push(self, due: float, state: PollState) -> None:
        """Schedule ``state``'s next poll at loop time ``due``."""
        heapq.heappush(self._heap, (due, next(self._seq), state))
        if self._idle:
            self._wake_or_arm()

    def respread(self, start: float, window: float, unsent: Callable[[PollState], bool]) -> None:
        """Spread the entries that ``unsent`` picks evenly over ``window`` seconds from loop
        time ``start`` (at most half the time left before the earliest of their deadlines,
        so each is still polled in time), in their order, none earlier than it was due.
        One pass over the heap: call it once, not per poll."""
        kept: list[tuple[float, int, PollState]] = []
        picked: list[tuple[float, int, PollState]] = []
        for entry in self._heap:
            (picked if unsent(entry[2]) else kept).append(entry)
        if not picked:
            return
        picked.sort()
        earliest = min(state.deadline for _, _, state in picked)
        step = min(window, max(earliest - start, 0.0) / 2) / len(picked)
        for index, (due, seq, state) in enumerate(picked):
            kept.append((max(due, start + index * step), seq, state))
        heapq.heapify(kept)
        self._heap[:] = kept  # in place: the one list stays the heap
        if self._idle:
            self._wake_or_arm()

    def backlog(self, now: float) -> bool:
        """True if the poll due first has waited more than ``LATE`` seconds past its time."""
        return bool(self._heap) and self._heap[0][0] < now - LATE

    def want(self, wanted: bool) -> None:
        """Let polls start (``True``) or hold them back (``False``)."""
        self.wanted = wanted
        if wanted and self._idle:
            self._wake_or_arm()

    async def take(self) -> tuple[PollState, float]:
        """The wait whose poll is due first, once it is due and wanted, with how many seconds
        after its due time it was handed out (``0`` if on time)."""
        loop = self._loop
        assert loop is not None, "bind() the loop first"
        heap = self._heap
        while True:
            now = loop.time()
            if self.wanted and heap and heap[0][0] <= now:
                due, _, state = heapq.heappop(heap)
                if self._idle and heap:
                    self._wake_or_arm()  # the next entry may be due too: another worker
                return state, now - due
            waiter = loop.create_future()
            self._idle.append(waiter)
            self._wake_or_arm()
            try:
                await waiter
            except BaseException:
                if waiter in self._idle:
                    self._idle.remove(waiter)
                raise

    def close(self) -> None:
        """Stop the timer (the workers are cancelled by their owner)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._armed_at = math.inf

    def _wake_or_arm(self) -> None:
        loop = self._loop
        if not self.wanted or not self._heap or loop is None:
            return
        due = self._heap[0][0]
        if due <= loop.time():
            idle = self._idle
            while idle:
                waiter = idle.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        elif due < self._armed_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = loop.call_at(due, self._fire)
            self._armed_at = due

    def _fire(self) -> None:
        self._timer = None
        self._armed_at = math.inf
        if self._idle:
            self._wake_or_arm()
