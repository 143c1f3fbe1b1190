"""Retry policy (``RetryConfig``, ``BackoffStrategy``) and the Retry-After rule.

The pipeline's retry loop (``openapi._http.retry``, on ``backoff``) retries what this
policy marks retryable, sleeping a jittered exponential delay, or the server's
``Retry-After`` instead when it sent a usable one (``parse_retry_after``). The budget,
``BackoffStrategy.max_elapsed_time``, is a deadline for the whole call: no retry starts
after it, and a wait (computed or asked for by the server) that would end past it stops the
retries at once, so the last error is returned without sleeping in vain. Each attempt's
timeout is cut to what is left of the budget.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterable
from datetime import UTC
from typing import Literal, cast

import attrs

from openapi.utils._fields import FACTOR, POSITIVE_SECONDS, to_float

__all__ = [
    "DEFAULT_RETRY_STATUS_CODES",
    "BackoffStrategy",
    "RetryConfig",
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
    the ``backoff.max_elapsed_time`` budget.
    """

    strategy: Literal["backoff", "none"] = "backoff"
    backoff: BackoffStrategy = attrs.field(factory=BackoffStrategy)
    retry_connection_errors: bool = True
    retry_timeouts: bool = True
    status_codes: frozenset[int] = attrs.field(
        default=DEFAULT_RETRY_STATUS_CODES, converter=_status_codes
    )

    @classmethod
    def none(cls) -> RetryConfig:
        """A policy that never retries."""
        return cls(strategy="none")
