"""``PollPolicy``: how long a wait sleeps between two polls of an operation.

Two sources decide the interval, in this order:

1. The server's hint: ``Retry-After`` on an unfinished operation
   (``GetOperationResponse.http_meta.retry_after``), read by the SDK's one Retry-After rule:
   ``0``, a date in the past or anything unparseable is no hint at all (rule 2 applies).
   A hint is obeyed, clamped to ``[min_interval, max_hint]`` so that neither a date a few
   milliseconds ahead (a busy loop) nor ``Retry-After: 86400`` (a stalled wait) is taken
   literally, and stretched by up to ``jitter`` so a thousand waiters told the same thing do
   not poll in lockstep. It is never shortened: the client does not poll sooner than the
   server asked.
2. Otherwise jittered exponential backoff: ``initial_interval * multiplier ** n`` seconds
   before poll ``n + 1``, capped at ``max_interval``, then spread by ``±jitter`` (a
   fraction of the interval).

``min_interval`` is a floor under both: no sleep is shorter. The default policy's floor
(0.1 s) lets it follow the server's hints; ``PollPolicy.fixed(n)``, which a plain number
``poll_interval=n`` stands for, puts the floor at ``n``, so a caller's explicit interval is
never undercut by a shorter hint (a longer one still wins).

Every wait is additionally bounded by the caller's deadline (see ``operations_wait``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Final

import attrs

from openapi.utils._fields import FACTOR, FRACTION, POSITIVE_SECONDS, to_float

__all__ = ["DEFAULT_POLL_POLICY", "PollPolicy"]


@attrs.frozen(slots=True)
class PollPolicy:
    """Intervals between polls, in seconds (see the module documentation for the rules).

    - ``initial_interval``: the wait after the first poll when the server gives no hint.
    - ``multiplier``: growth of the interval after each poll (``1`` keeps it fixed).
    - ``max_interval``: the largest computed interval (before jitter).
    - ``jitter``: fraction in ``[0, 1)``; a computed interval is multiplied by a random
      factor in ``[1 - jitter, 1 + jitter]``, a server hint by one in ``[1, 1 + jitter]``.
    - ``min_interval``: the shortest sleep between polls, whatever the hint or jitter
      (a shorter hint becomes this).
    - ``max_hint``: the longest server hint obeyed.

    Every field is a finite number; all but ``jitter`` must be ``> 0`` (``multiplier``
    ``>= 1``), so no setting makes a wait poll without pause. Anything else is a
    ``ValueError``.

    ``PollPolicy.fixed(2)`` polls every 2 to 2.4 s, or as much longer as the server asks.
    The defaults poll after about 1 s, 1.5 s, 2.25 s ... up to 30 s, or as the server asks.
    """

    initial_interval: float = attrs.field(
        default=1.0, converter=to_float, validator=POSITIVE_SECONDS
    )
    multiplier: float = attrs.field(default=1.5, converter=to_float, validator=FACTOR)
    max_interval: float = attrs.field(default=30.0, converter=to_float, validator=POSITIVE_SECONDS)
    jitter: float = attrs.field(default=0.2, converter=to_float, validator=FRACTION)
    min_interval: float = attrs.field(default=0.1, converter=to_float, validator=POSITIVE_SECONDS)
    max_hint: float = attrs.field(default=60.0, converter=to_float, validator=POSITIVE_SECONDS)

    def __attrs_post_init__(self) -> None:
        if self.max_interval < self.initial_interval:
            raise ValueError(
                f"PollPolicy.max_interval ({self.max_interval}) must be >= initial_interval "
                f"({self.initial_interval})"
            )
        if self.max_hint < self.min_interval:
            raise ValueError(
                f"PollPolicy.max_hint ({self.max_hint}) must be >= min_interval "
                f"({self.min_interval})"
            )

    @classmethod
    def fixed(cls, interval: float, *, jitter: float = 0.2) -> PollPolicy:
        """Poll every ``interval`` seconds at the least (jittered up to ``1 + jitter`` times
        that), or after a longer server hint; a shorter hint does not undercut it."""
        seconds = to_float(interval)  # not a number: the field's validator says so
        return cls(
            initial_interval=seconds,
            multiplier=1.0,
            max_interval=seconds,
            jitter=jitter,
            min_interval=seconds,
            max_hint=max(seconds, 60.0) if isinstance(seconds, float) else 60.0,
        )

    def interval(self, attempt: int) -> float:
        """The un-jittered interval after poll number ``attempt`` (0 for the first)."""
        try:
            grown = self.initial_interval * self.multiplier ** max(attempt, 0)
        except OverflowError:  # float ** int raises rather than returning inf
            return self.max_interval
        return min(grown, self.max_interval)

    def delay(
        self,
        attempt: int,
        hint: float | None = None,
        *,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to sleep after poll number ``attempt`` (0-based).

        ``hint`` is the server's ``Retry-After`` for that poll, if it sent one. ``rand`` returns
        a float in ``[0, 1)``; pass your own for reproducible delays.
        """
        if hint is not None:
            base = min(max(hint, self.min_interval), self.max_hint)
            return base * (1.0 + self.jitter * rand())
        base = self.interval(attempt)
        # Spread over [base * (1 - jitter), base * (1 + jitter)], the part below the floor
        # cut off: uniform above it still, so waiters at the floor do not poll in lockstep.
        low = max(base * (1.0 - self.jitter), self.min_interval)
        high = max(base * (1.0 + self.jitter), low)
        return low + (high - low) * rand()


DEFAULT_POLL_POLICY: Final = PollPolicy()
"""The policy used when a wait is given no ``poll_interval``."""
