"""How an operation's state moves on: by the clock, by the Nth poll, or by a cancel.

Nothing runs in the background: each script computes the state at a given monotonic
clock reading when asked, so an operation costs nothing between reads.
"""

from __future__ import annotations

import attrs

from ._operation import CANCELLED_ERROR, MockError, Outcome

__all__ = ["CancelScript", "PollScript", "Record", "State", "Timeline"]

#: Share of an operation's duration spent ``queued`` before it is ``running``.
_QUEUED_FRACTION = 0.1


@attrs.frozen
class State:
    """A resolved state; times are monotonic clock readings."""

    status: str
    progress: float | None
    result: object
    error: MockError | None
    updated: float
    completed: float | None


def _ended(outcome: Outcome, result: object, error: MockError, end: float) -> State:
    if outcome == "succeeded":
        return State("succeeded", 1.0, result, None, end, end)
    return State("failed", None, None, error, end, end)


@attrs.frozen
class Timeline:
    """queued -> running -> outcome over ``duration`` seconds from ``start``."""

    start: float
    duration: float
    outcome: Outcome
    result: object
    error: MockError

    def at(self, now: float) -> State:
        """The state at clock reading ``now``."""
        elapsed = now - self.start
        if elapsed >= self.duration:
            return _ended(self.outcome, self.result, self.error, self.start + self.duration)
        if elapsed < self.duration * _QUEUED_FRACTION:
            return State("queued", 0.0, None, None, self.start, None)
        # Rounded so the JSON stays readable; never 1.0 before the operation is done.
        progress = min(round(elapsed / self.duration, 4), 0.9999)
        return State("running", progress, None, None, now, None)


@attrs.define
class PollScript:
    """queued -> running -> outcome, one step per ``GET``: driven by events, not by a clock.

    ``GET`` number ``k`` (1-based) of ``polls`` sees ``running`` with ``progress`` k/polls,
    and the last one (and every later one) the outcome. Reading the operation from Python
    or through ``/_mock`` does not advance it.
    """

    polls: int
    outcome: Outcome
    result: object
    error: MockError
    seen: int = 0
    updated: float = 0.0

    def advance(self, now: float) -> None:
        """Count one API ``GET`` seen at clock reading ``now``."""
        if self.seen < self.polls:
            self.seen += 1
            self.updated = now

    def at(self, now: float) -> State:
        """The state after the polls seen so far (``now`` is not used: polls drive it)."""
        if self.seen >= self.polls:
            return _ended(self.outcome, self.result, self.error, self.updated)
        if self.seen == 0:
            return State("queued", 0.0, None, None, self.updated, None)
        progress = round(self.seen / self.polls, 4)
        return State("running", progress, None, None, self.updated, None)


@attrs.frozen
class CancelScript:
    """A cancel request: ``cancelling`` from ``requested``, ``cancelled`` after ``delay``."""

    requested: float
    delay: float
    progress: float | None

    def at(self, now: float) -> State:
        """The state at clock reading ``now``."""
        done_at = self.requested + self.delay
        if now < done_at:
            return State("cancelling", self.progress, None, None, self.requested, None)
        return State("cancelled", self.progress, None, CANCELLED_ERROR, done_at, done_at)


@attrs.define
class Record:
    """One operation's mutable bookkeeping; the newest of its scripts wins."""

    id: str
    created: float
    metadata: dict[str, object]
    pinned: State
    timeline: Timeline | PollScript | None = None
    cancel: CancelScript | None = None

    def at(self, now: float) -> State:
        """The state at clock reading ``now``: cancel, else script, else the pinned one."""
        if self.cancel is not None:
            return self.cancel.at(now)
        if self.timeline is not None:
            return self.timeline.at(now)
        return self.pinned
