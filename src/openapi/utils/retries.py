"""Retry policy (``RetryConfig``, ``BackoffStrategy``) and the retry loop, built on ``backoff``.

The loop retries what the pipeline marks retryable, sleeping a jittered exponential delay, or
the server's ``Retry-After`` instead when it sent one. The whole call, retries included, stays
within ``BackoffStrategy.max_elapsed_time``: a ``Retry-After`` that would end past that budget
stops the retries at once and the last error is returned.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from typing import Any, Literal, Protocol, TypeVar

import attrs
import backoff

from openapi.utils._fields import positive, positive_seconds, to_float

__all__ = [
    "DEFAULT_RETRY_STATUS_CODES",
    "BackoffStrategy",
    "RetryConfig",
    "Retryable",
    "call_with_retries",
]

DEFAULT_RETRY_STATUS_CODES: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})


@attrs.frozen(slots=True)
class BackoffStrategy:
    """Jittered exponential backoff, in seconds.

    The n-th retry waits about ``initial_interval * exponent ** n`` seconds, capped at
    ``max_interval``, and jittered down by up to half so that many clients do not retry in
    lockstep. No retry starts after ``max_elapsed_time`` seconds since the call began.
    """

    initial_interval: float = attrs.field(
        default=0.5, converter=to_float, validator=positive_seconds
    )
    max_interval: float = attrs.field(default=10.0, converter=to_float, validator=positive_seconds)
    exponent: float = attrs.field(default=2.0, converter=to_float, validator=positive)
    max_elapsed_time: float = attrs.field(
        default=60.0, converter=to_float, validator=positive_seconds
    )


def _status_codes(codes: Iterable[int | str]) -> frozenset[int]:
    """Accept ``503`` as well as ranges written the OpenAPI way, like ``"5XX"``."""
    expanded: set[int] = set()
    for code in codes:
        if (
            isinstance(code, str)
            and len(code) == 3
            and code[0] in "12345"
            and code[1:]
            in (
                "XX",
                "xx",
            )
        ):
            first = int(code[0]) * 100
            expanded.update(range(first, first + 100))
        else:
            expanded.add(int(code))
    return frozenset(expanded)


@attrs.frozen(slots=True)
class RetryConfig:
    """When and how a call is retried.

    ``strategy="none"`` sends exactly one attempt. With ``"backoff"`` (the default) a call is
    retried on the ``status_codes`` (ints, or ranges like ``"5XX"``), on connection errors
    (``retry_connection_errors``) and on per-attempt timeouts (``retry_timeouts``).
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

    Returning ends the retries: that is how a ``Retry-After`` past the budget gives up at once.
    """
    outcome = yield 0.0  # backoff primes the generator with send(None)
    interval = policy.initial_interval
    while outcome is not None:
        hint = outcome.retry_after
        if hint is not None:
            if hint > deadline - time.monotonic():
                return
            delay = hint
        else:
            delay = min(interval, policy.max_interval) * random.uniform(0.5, 1.0)
            interval *= policy.exponent
        outcome = yield delay


async def call_with_retries(
    send: Callable[[], Awaitable[A]],
    config: RetryConfig,
    *,
    first: A,
    started: float,
    on_retry: Callable[[A, float], None] | None = None,
) -> A:
    """Run ``send`` again until its outcome is not retryable or the policy gives up.

    ``first`` is the outcome of the call's first attempt, which the caller made itself at
    ``started`` (``time.monotonic()``) without touching ``backoff``: the common case (one
    attempt, no retry) pays for nothing else.
    """
    if not first.retryable or config.strategy == "none":
        return first

    policy = config.backoff
    deadline = started + policy.max_elapsed_time
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
        max_time=max(deadline - time.monotonic(), 0.0),
        jitter=None,
        on_backoff=log_retry,
        logger=None,
        policy=policy,
        deadline=deadline,
    )(attempt)
    outcome: A = await retrying()
    return outcome
