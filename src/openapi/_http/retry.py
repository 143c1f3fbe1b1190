"""The retry loop: ``backoff.on_predicate`` around the attempt, with the waits of ``Waits``.

The wait before a retry is the server's ``Retry-After`` when it sent a usable one
(``openapi.utils.retries.parse_retry_after``), else jittered exponential backoff
(``BackoffStrategy``). The budget, ``max_elapsed_time``, is a deadline for the whole call
(``openapi._http.budget``): a wait that would end at or past it ends the retries at once,
so the last error is returned without sleeping in vain; each attempt's timeout is cut to
what is left of it. ``max_retries`` caps the count, and each retry is paid for from the
core's retry quota (``openapi._http.quota``): an empty quota returns the error at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import random
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import backoff

from openapi._http.attempt import attempt
from openapi._http.fleet import Fleet
from openapi._http.quota import TokenBucket, quota_spent
from openapi._http.state import Call, Outcome
from openapi._logging import log_fields, logger
from openapi.types import Err
from openapi.utils.retries import BackoffStrategy

__all__ = ["Waits", "retried"]

RespT = TypeVar("RespT")


class Waits:
    """The waits between one call's attempts, and whether there is time for each.

    ``retry`` is the loop's predicate and ``after`` the value ``backoff.runtime`` waits:
    whether to retry depends on the wait (one that ends past the deadline gives up), so
    ``retry`` computes it and ``after`` hands it to backoff. It also counts the retries
    against ``max_retries`` and pays for each from the core's retry quota (``bucket``).
    """

    __slots__ = ("_bucket", "_deadline", "_interval", "_left", "_policy", "cost", "wait")

    def __init__(
        self,
        policy: BackoffStrategy,
        deadline: float,
        *,
        max_retries: int | None = None,
        bucket: TokenBucket | None = None,
    ) -> None:
        self._policy = policy
        self._deadline = deadline
        """``time.monotonic()`` at which the call's budget is spent."""
        self._interval = policy.initial_interval
        self._left = math.inf if max_retries is None else max_retries
        self._bucket = bucket
        self.wait = 0.0
        """The wait ``retry`` computed last."""
        self.cost = 0
        """The quota tokens the last retry took."""

    def retry(self, outcome: Outcome[Any]) -> bool:
        """Whether to retry after ``outcome``: it is retryable, retries are left, its wait
        ends in time and the quota pays for it (the error says so when it does not)."""
        if not outcome.retryable or self._left <= 0:
            return False
        self.wait = self._next(outcome.retry_after)
        if not self.wait < self._deadline - time.monotonic():
            return False
        if self._bucket is not None and not self._pay(outcome):
            return False
        self._left -= 1
        return True

    def after(self, outcome: Outcome[Any]) -> float:
        """The wait before retrying ``outcome`` (the one ``retry`` just computed)."""
        return self.wait

    def _pay(self, outcome: Outcome[Any]) -> bool:
        assert self._bucket is not None
        error = outcome.result.error if isinstance(outcome.result, Err) else None
        cost = self._bucket.cost(error)
        if self._bucket.take(cost):
            self.cost = cost
            return True
        if error is not None:
            quota_spent(error)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("not retrying: the retry quota is spent: %s", error)
        return False

    def _next(self, hint: float | None) -> float:
        if hint is not None and hint > 0:  # parse_retry_after gives no other, but say so
            return hint  # the server's: not jittered, never shortened
        policy = self._policy
        # Never zero: initial_interval > 0 and exponent >= 1 (see BackoffStrategy). Jittered
        # down by up to half, so that many clients do not retry in lockstep.
        wait = min(self._interval, policy.max_interval) * random.uniform(0.5, 1.0)
        self._interval = min(self._interval * policy.exponent, policy.max_interval)
        return wait


async def retried(call: Call[RespT], first: Outcome[RespT], fleet: Fleet) -> Outcome[RespT]:
    """Retry ``call`` after its first attempt's outcome ``first`` while the outcome is
    retryable and the wait before the next attempt fits in the budget; the last outcome.

    The first attempt ran without ``backoff`` (the common call, one attempt, pays nothing
    for the loop), so its wait is slept here and backoff's loop starts at the second.
    ``jitter=None``: ``Waits`` jitters the computed waits itself, because a server's
    ``Retry-After`` is not jittered. No ``max_time``: ``Waits.retry`` checks the deadline
    before each wait, whereas ``max_time`` would shorten the last wait and then start an
    attempt with no time left.
    """
    retries = call.retries
    bucket = fleet.bucket(retries.quota) if retries.quota is not None else None
    waits = Waits(retries.backoff, call.deadline, max_retries=retries.max_retries, bucket=bucket)
    if not waits.retry(first):
        return first
    retrying(call, first, waits)
    await asyncio.sleep(waits.wait)

    def on_backoff(details: Mapping[str, Any]) -> None:
        retrying(call, details["value"], waits)

    loop = backoff.on_predicate(
        backoff.runtime,
        predicate=waits.retry,
        value=waits.after,
        jitter=None,
        on_backoff=on_backoff,
        logger=None,
    )
    outcome: Outcome[RespT] = await loop(functools.partial(attempt, call, fleet))()
    return outcome


def retrying(call: Call[Any], outcome: Outcome[Any], waits: Waits) -> None:
    """``call`` is about to be retried after ``outcome``: keep its error for the budget, and
    what the retry cost, refunded if the call succeeds."""
    if isinstance(outcome.result, Err):
        call.previous = outcome.result.error
    call.retry_cost = waits.cost
    if logger.isEnabledFor(logging.DEBUG):
        fields = {**log_fields(call), "delay": waits.wait}
        logger.debug("retrying in %.2f s after: %s", waits.wait, call.previous, extra=fields)
