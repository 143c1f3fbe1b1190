"""Retry policy (``RetryConfig``, ``BackoffStrategy``) and the Retry-After rule.

The pipeline's retry loop (``openapi._http.retry``, on ``backoff``) retries what this
policy marks retryable, sleeping a jittered exponential delay, or the server's
``Retry-After`` instead when it sent a usable one (``parse_retry_after``). The budget,
``BackoffStrategy.max_elapsed_time``, is a deadline for the whole call: no retry starts
after it, and a wait (computed or asked for by the server) that would end past it stops the
retries at once, so the last error is returned without sleeping in vain. Each attempt's
timeout is cut to what is left of the budget. ``max_retries`` bounds the count as well:
whichever ends first stops the retries.

Three controls keep many calls (and many processes) from amplifying an outage or a rate
limit; each is on by default and configured here: the retry quota (``RetryQuota``), the
rate-limit gate (``rate_limit_gate``) and the adaptive poll window (``adaptive_concurrency``).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterable
from datetime import UTC
from typing import Literal, cast

import attrs

from openapi.utils._fields import COUNT, FACTOR, POSITIVE_COUNT, POSITIVE_SECONDS, to_float

__all__ = [
    "DEFAULT_RETRY_QUOTA",
    "DEFAULT_RETRY_STATUS_CODES",
    "BackoffStrategy",
    "RetryConfig",
    "RetryQuota",
    "parse_retry_after",
]

DEFAULT_RETRY_STATUS_CODES: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
"""The statuses ``RetryConfig()`` retries: request timeout, too many requests, and the
server errors that are usually transient."""


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """The delay a ``Retry-After`` header asks for, in seconds, or ``None`` for no hint.

    The rule (one for retries and for the poll hint on a 200): delta-seconds are ASCII
    digits only (``str.isdigit`` would take ``"²"`` or ``"①"``); an HTTP-date counts from
    ``now`` (``time.time()``). Only a positive delay is a hint: ``0``, a date in the past,
    ``1.5``, ``-1`` or anything else unparseable is ``None``, so the caller's own backoff
    applies and a server can never drive a loop without delay. A number too large for a
    float is ``math.inf``: longer than any budget.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
        return seconds if seconds > 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return seconds if seconds > 0 else None


@attrs.frozen(slots=True)
class BackoffStrategy:
    """Jittered exponential backoff, in seconds.

    The n-th retry waits about ``initial_interval * exponent ** n`` seconds, capped at
    ``max_interval``, and jittered down by up to half so that many clients do not retry in
    lockstep. ``max_elapsed_time`` is a deadline for the whole call, counted from its start:
    no attempt starts after it and each attempt's timeout is cut to what is left of it.

    Every field is a positive finite number (``exponent >= 1``, so waits never shrink towards
    zero); anything else is a ``ValueError`` naming the field.
    """

    initial_interval: float = attrs.field(
        default=0.5, converter=to_float, validator=POSITIVE_SECONDS
    )
    max_interval: float = attrs.field(default=10.0, converter=to_float, validator=POSITIVE_SECONDS)
    exponent: float = attrs.field(default=2.0, converter=to_float, validator=FACTOR)
    max_elapsed_time: float = attrs.field(
        default=60.0, converter=to_float, validator=POSITIVE_SECONDS
    )


@attrs.frozen(slots=True, cache_hash=True)
class RetryQuota:
    """A token bucket that every call of one ``SDKCore`` draws its retries from.

    It starts full, at ``capacity`` tokens. Each retry takes ``retry_cost`` tokens (a retry
    after a timeout, ``timeout_cost``: a server too slow to answer is the one most hurt by
    more requests); a call that succeeds puts back what its last retry took, or
    ``success_refund`` if it needed none. When a retry would take more than is left, the
    call is not retried: it returns its error at once, saying the retry quota is spent.
    First attempts never need tokens, so a call is always sent once.

    The defaults are those of the AWS SDKs' "standard" retry mode: with 500 tokens a core
    retries at most 100 times (50 after timeouts) before its calls start succeeding again,
    whatever the number of calls in flight, and each success earns back a fifth of a retry.
    A healthy core never notices it; during an outage a fleet of cores sends little more
    than its first attempts. Calls whose ``RetryConfig`` holds equal quotas share one bucket
    per core; ``RetryConfig(quota=None)`` turns the quota off. Every field is an ``int > 0``.
    """

    capacity: int = attrs.field(default=500, validator=POSITIVE_COUNT)
    retry_cost: int = attrs.field(default=5, validator=POSITIVE_COUNT)
    timeout_cost: int = attrs.field(default=10, validator=POSITIVE_COUNT)
    success_refund: int = attrs.field(default=1, validator=POSITIVE_COUNT)


DEFAULT_RETRY_QUOTA: RetryQuota = RetryQuota()
"""The quota a ``RetryConfig`` holds unless told otherwise (AWS standard mode's numbers)."""


def _status_code(code: object) -> range | int:
    """One entry of ``status_codes``: ``503`` (or ``"503"``), or a range written the OpenAPI
    way (``"5XX"``)."""
    if isinstance(code, str) and len(code) == 3 and code[0] in "12345" and code[1:] in ("XX", "xx"):
        first = int(code[0]) * 100
        return range(first, first + 100)
    if isinstance(code, str) and code.isascii() and code.isdigit():
        code = int(code)
    if isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 599:
        return code
    raise ValueError(
        f"'status_codes' must hold HTTP status codes (100..599) or ranges such as '5XX', "
        f"got {code!r}"
    )


def _status_codes(codes: Iterable[int | str]) -> frozenset[int]:
    """Accept ``503`` as well as ranges written the OpenAPI way, like ``"5XX"``."""
    given = cast(object, codes)  # checked at run time: callers may pass anything
    if isinstance(given, str) or not isinstance(given, Iterable):
        raise ValueError(f"'status_codes' must be a collection of status codes, got {given!r}")
    expanded: set[int] = set()
    for code in cast(Iterable[object], given):
        entry = _status_code(code)
        if isinstance(entry, range):
            expanded.update(entry)
        else:
            expanded.add(entry)
    return frozenset(expanded)


@attrs.frozen(slots=True)
class RetryConfig:
    """When and how a call is retried.

    ``strategy="none"`` sends exactly one attempt, bounded by its ``timeout`` alone (there is
    no retry budget then). With ``"backoff"`` (the default) a call is retried on the
    ``status_codes`` (ints from 100 to 599, or ranges like ``"5XX"``), on connection errors
    (``retry_connection_errors``) and on per-attempt timeouts (``retry_timeouts``), within
    the ``backoff.max_elapsed_time`` budget, and at most ``max_retries`` times (``None``:
    as often as the budget allows; ``0``: never); whichever ends first stops the retries.

    Overload controls, all on by default (see the README's "Many clients, one server"):

    - ``quota``: the retry quota of the core (``RetryQuota``); ``None`` turns it off.
    - ``rate_limit_gate``: a 429 or 503 with ``Retry-After`` on one call holds back every
      new attempt of the core to that server (scheme, host, port) for that long (60 s at
      most), within each call's own budget; ``False``: this call neither waits at the
      gate nor closes it.
    - ``adaptive_concurrency``: the polls of the core's waits (``wait``, ``watch``,
      ``wait_many``) share a window of requests in flight that halves on each 429/503 or
      unanswered attempt of the core and grows back by one slot per window's worth of
      successes, never above a ``wait_many``'s ``concurrency``; down to one poll, each poll
      that still fails after its retries doubles a pause before the next (0.1 s to 5 s)
      until a success of any call; ``False``: this config's polls skip the window.
    """

    strategy: Literal["backoff", "none"] = "backoff"
    backoff: BackoffStrategy = attrs.field(factory=BackoffStrategy)
    retry_connection_errors: bool = True
    retry_timeouts: bool = True
    status_codes: frozenset[int] = attrs.field(
        default=DEFAULT_RETRY_STATUS_CODES, converter=_status_codes
    )
    max_retries: int | None = attrs.field(default=None, validator=attrs.validators.optional(COUNT))
    quota: RetryQuota | None = DEFAULT_RETRY_QUOTA
    rate_limit_gate: bool = True
    adaptive_concurrency: bool = True

    @classmethod
    def none(cls) -> RetryConfig:
        """A policy that never retries."""
        return cls(strategy="none")
