"""A call's retry budget as a deadline, and the error a call returns when it is spent.

``BackoffStrategy.max_elapsed_time`` bounds the whole call, wall clock: each attempt's
timeout is ``min(timeout, time left)`` and no attempt starts once nothing is left (the retry
loop, ``openapi._http.retry``, does not sleep past it either). When the budget runs out
during an attempt that was cut short, the error an earlier attempt got is returned if there
is one (a server's 503 says more than "no time left"), its message saying the budget was
spent.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from openapi.models.errors import CallError, RequestTimeoutError

if TYPE_CHECKING:
    from openapi.utils.retries import RetryConfig

__all__ = ["CallBudget"]


class CallBudget:
    """The budget part of a call's state; the pipeline's per-call object inherits it, so that
    the common call (one attempt) allocates nothing more for it."""

    __slots__ = ("budget", "cut", "deadline", "previous", "retry_cost")

    budget: float
    """``max_elapsed_time``, in seconds."""
    deadline: float
    """``time.monotonic()`` at which the budget is spent (``math.inf`` without retries)."""
    cut: bool
    """Whether the current attempt's timeout was cut to what is left of the budget."""
    previous: CallError | None
    """The error of the last attempt that was retried."""
    retry_cost: int
    """Retry-quota tokens the last retry took (``openapi._http.quota``); 0 before any."""

    def start_budget(self, retries: RetryConfig, started: float) -> None:
        """Open the budget of a call that started at ``started`` (``time.monotonic()``)."""
        self.budget = retries.backoff.max_elapsed_time
        # Without retries there is no retry budget: the attempt's own timeout bounds the call.
        self.deadline = started + self.budget if retries.strategy != "none" else math.inf
        self.cut = False
        self.previous = None
        self.retry_cost = 0

    def attempt_seconds(self, timeout: float) -> float:
        """The next attempt's timeout: ``timeout``, cut to what is left (``<= 0``: nothing)."""
        left = self.deadline - time.monotonic()
        self.cut = left < timeout
        return left if self.cut else timeout

    def spent(self, where: str, attempt: int, what: str) -> CallError:
        """The error for a budget that ran out while attempt ``attempt`` ``what``."""
        spent = f"the retry budget (max_elapsed_time={self.budget:g} s) was spent"
        previous = self.previous
        if previous is not None:
            previous.message += f"; then {spent}: attempt {attempt} {what} in time"
            previous.args = (previous.message,)
            return previous
        return RequestTimeoutError(
            f"{where} {what} before {spent} (attempt {attempt}); allow a longer "
            "BackoffStrategy.max_elapsed_time or check the server"
        )
