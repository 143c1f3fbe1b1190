"""What the calls of one core share so that many of them never amplify an outage.

- the retry quotas (``openapi._http.quota``): retries draw tokens, successes refill them;
- the rate-limit gate (``openapi._http.gate``): one call's 429/503 ``Retry-After`` holds
  back every new attempt to that server;
- the poll window (``openapi._http.concurrency``): polls in flight shrink on 429/503 or no
  answer, and space out once down to one.

The pipeline calls ``observe`` after every attempt; ``SDKCore.fleet`` holds one ``Fleet``.
Nothing here is bound to an event loop until a call waits (at the gate or the window).
"""

from __future__ import annotations

from typing import Any

from openapi._http.concurrency import AdaptiveWindow
from openapi._http.gate import GATE_STATUSES, RateLimitGate
from openapi._http.quota import TokenBucket
from openapi._http.state import Call, Outcome
from openapi.models import errors
from openapi.models.errors import SDKError
from openapi.types import Ok
from openapi.utils.retries import RetryQuota

__all__ = ["Fleet", "overloaded"]


class Fleet:
    """One core's retry quotas, rate-limit gate and poll window."""

    __slots__ = ("_buckets", "gate", "polls")

    def __init__(self) -> None:
        self._buckets: dict[RetryQuota, TokenBucket] = {}
        self.gate = RateLimitGate()
        """Holds per origin, from 429/503 ``Retry-After``."""
        self.polls = AdaptiveWindow()
        """The window the core's waits poll through."""

    def bucket(self, quota: RetryQuota) -> TokenBucket:
        """The core's bucket for ``quota``: calls with equal quotas share one."""
        bucket = self._buckets.get(quota)
        if bucket is None:
            bucket = self._buckets[quota] = TokenBucket(quota)
        return bucket

    def observe(self, call: Call[Any], outcome: Outcome[Any]) -> None:
        """Learn from one attempt's ``outcome``: refill, widen, or hold back and shrink."""
        result = outcome.result
        if isinstance(result, Ok):
            self.polls.succeeded()
            quota = call.retries.quota
            if quota is not None:
                self.bucket(quota).refund(call.retry_cost)
            return
        error = result.error
        if overloaded(error):
            self.polls.overloaded()
            if isinstance(error, SDKError) and call.retries.rate_limit_gate:
                self.gate.close(call, outcome)


def overloaded(error: object) -> bool:
    """True for the answers that say the server is overloaded or down: 429 and 503, and no
    answer at all (connection refused, reset or dropped; the attempt timed out)."""
    if isinstance(error, SDKError):
        return error.status_code in GATE_STATUSES
    return isinstance(error, errors.ConnectionError | errors.RequestTimeoutError)
