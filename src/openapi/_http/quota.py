"""The retry quota of one core: a token bucket that retries draw from and successes refill.

Without it every call retries on its own, so when a server is down each call spends its
whole budget retrying and an outage multiplies the load that caused it. With it the core as
a whole retries at most ``capacity / retry_cost`` times more than its calls succeed (the
AWS SDKs' "standard" retry mode, whose numbers ``RetryQuota`` takes). A first attempt never
needs tokens: the quota only ever turns a retry into "return the error now".
"""

from __future__ import annotations

from typing import Final

from openapi.models.errors import CallError, RequestTimeoutError
from openapi.utils.retries import RetryQuota

__all__ = ["TokenBucket", "quota_spent"]

SPENT: Final = (
    "; not retried: this SDKCore's retry quota is spent (its calls failed many times "
    "recently, and more retries would only add load to a failing server). It refills as "
    "calls succeed: try again later, or tune RetryConfig(quota=RetryQuota(...)), or turn it "
    "off with RetryConfig(quota=None)"
)
"""What an error gets appended when the quota refused its retry."""


class TokenBucket:
    """The tokens one core has left for retries under one ``RetryQuota``."""

    __slots__ = ("quota", "tokens")

    def __init__(self, quota: RetryQuota) -> None:
        self.quota = quota
        self.tokens = quota.capacity
        """Tokens left; full at the start."""

    def cost(self, error: CallError | None) -> int:
        """What a retry after ``error`` costs: more after a timeout."""
        timed_out = isinstance(error, RequestTimeoutError)
        return self.quota.timeout_cost if timed_out else self.quota.retry_cost

    def take(self, tokens: int) -> bool:
        """Take ``tokens`` for a retry; False (and nothing taken) if fewer are left."""
        if tokens > self.tokens:
            return False
        self.tokens -= tokens
        return True

    def refund(self, retry_cost: int) -> None:
        """A call succeeded: put back what its last retry cost (``retry_cost``), or the
        ``success_refund`` if it was not retried; never above the capacity."""
        quota = self.quota
        earned = retry_cost or quota.success_refund
        self.tokens = min(self.tokens + earned, quota.capacity)


def quota_spent(error: CallError) -> CallError:
    """``error``, its message saying the quota refused the retry (returned at once)."""
    error.extend_message(SPENT)
    return error
