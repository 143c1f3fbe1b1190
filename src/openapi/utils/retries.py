"""Retry policy (``RetryConfig``, ``BackoffStrategy``), the Retry-After rule and the retry
loop, built on ``backoff``.

The loop retries what the pipeline marks retryable, sleeping a jittered exponential delay, or
the server's ``Retry-After`` instead when it sent a usable one (``parse_retry_after``). The
budget, ``BackoffStrategy.max_elapsed_time``, is a deadline for the whole call: no retry
starts after it, and a wait (computed or asked for by the server) that would end past it
stops the retries at once, so the last error is returned without sleeping in vain. The
pipeline cuts each attempt's timeout to what is left of the budget.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from datetime import UTC
from typing import Any, Literal, Protocol, TypeVar, cast

import attrs
import backoff

from openapi.utils._fields import FACTOR, POSITIVE_SECONDS, to_float

__all__ = [
    "DEFAULT_RETRY_STATUS_CODES",
    "BackoffStrategy",
    "RetryConfig",
    "Retryable",
    "call_with_retries",
    "parse_retry_after",
]

DEFAULT_RETRY_STATUS_CODES: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})


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


class Retryable(Protocol):
    """What the retry loop needs to know about one attempt's outcome."""

    @property
    def retryable(self) -> bool: ...

    @property
    def retry_after(self) -> float | None: ...


A = TypeVar("A", bound=Retryable)


def _delays(policy: BackoffStrategy, deadline: float) -> Generator[float, Retryable | None, None]:
    """The wait before each retry; ``backoff`` sends in the outcome that needs it.

    The server's ``Retry-After`` replaces the computed wait when it is a positive delay
    (``parse_retry_after`` gives no other). Returning ends the retries, and it does so when
    the wait would end at or past ``deadline``: no attempt may start after it, so a hint
    beyond the budget gives up at once, and so does a computed wait that no longer fits.
    """
    outcome = yield 0.0  # backoff primes the generator with send(None)
    interval = policy.initial_interval
    while outcome is not None:
        hint = outcome.retry_after
        if hint is not None and hint > 0:
            delay = hint
        else:
            # Never zero: initial_interval > 0 and exponent >= 1 (see BackoffStrategy).
            delay = min(interval, policy.max_interval) * random.uniform(0.5, 1.0)
            interval = min(interval * policy.exponent, policy.max_interval)
        if delay >= deadline - time.monotonic():
            return
        outcome = yield delay


async def call_with_retries(
    send: Callable[[], Awaitable[A]],
    config: RetryConfig,
    *,
    first: A,
    deadline: float,
    on_retry: Callable[[A, float], None] | None = None,
) -> A:
    """Run ``send`` again until its outcome is not retryable or the policy gives up.

    ``first`` is the outcome of the call's first attempt, which the caller made itself
    without touching ``backoff``: the common case (one attempt, no retry) pays for nothing
    else. ``deadline`` (``time.monotonic()``) is the end of the call's budget; ``send`` is
    expected to cut its own attempt to it. ``on_retry`` sees each outcome about to be retried
    and the wait before the retry.
    """
    if not first.retryable or config.strategy == "none":
        return first

    pending: list[A] = [first]

    async def attempt() -> A:
        # The first outcome is already in hand: hand it to backoff instead of sending again.
        return pending.pop() if pending else await send()

    def log_retry(details: Mapping[str, Any]) -> None:
        if on_retry is not None:
            on_retry(details["value"], details["wait"])

    retrying = backoff.on_predicate(
        _delays,
        predicate=lambda outcome: outcome.retryable,
        # backoff checks max_time only after an attempt has run, so it alone would start one
        # more attempt past the deadline: ``_delays`` ends the retries before that.
        max_time=max(deadline - time.monotonic(), 0.0),
        jitter=None,
        on_backoff=log_retry,
        logger=None,
        policy=config.backoff,
        deadline=deadline,
    )(attempt)
    outcome: A = await retrying()
    return outcome
