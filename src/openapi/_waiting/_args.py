"""The arguments of a wait, checked in one place for ``wait``, ``watch`` and ``wait_many``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Final, TypeAlias, cast

import attrs

from openapi.models.components import Operation
from openapi.models.errors import CallError, InvalidRequestError, WaitTimeoutError
from openapi.utils.polling import DEFAULT_POLL_POLICY, PollPolicy

__all__ = [
    "DEFAULT_CANCEL_GRACE",
    "DEFAULT_CONCURRENCY",
    "OnUpdate",
    "WaitError",
    "WaitSettings",
    "check_ids",
    "settings",
]

WaitError: TypeAlias = CallError | WaitTimeoutError
"""Every error a wait can return: a call's error, or its deadline."""

OnUpdate: TypeAlias = Callable[[Operation], object]
"""A callback given each changed state; it may be a plain function or a coroutine function."""

DEFAULT_CONCURRENCY: Final = 64
"""Requests ``operations_wait_many`` keeps in flight at most, across all its operations."""

DEFAULT_CANCEL_GRACE: Final = 5.0
"""Seconds the cancel sent at a wait's deadline gets, retries included (``cancel_grace``)."""


@attrs.frozen(slots=True)
class WaitSettings:
    """A wait's checked arguments."""

    policy: PollPolicy
    timeout: float | None
    cancel_grace: float


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


def _policy(poll_interval: object) -> PollPolicy | InvalidRequestError:
    if poll_interval is None:
        return DEFAULT_POLL_POLICY
    if isinstance(poll_interval, PollPolicy):
        return poll_interval
    if not _is_number(poll_interval):
        return InvalidRequestError(
            "poll_interval must be a PollPolicy or a number of seconds, "
            f"got {type(poll_interval).__name__}"
        )
    try:
        return PollPolicy.fixed(cast(float, poll_interval))
    except ValueError as exc:
        return InvalidRequestError(f"poll_interval={poll_interval!r} is invalid: {exc}")


def settings(
    timeout: float | None, poll_interval: PollPolicy | float | None, cancel_grace: float
) -> WaitSettings | InvalidRequestError:
    """The checked arguments, or the error that names the first bad one."""
    policy = _policy(cast(object, poll_interval))  # callers may pass anything
    if isinstance(policy, InvalidRequestError):
        return policy
    given = cast(object, timeout)
    if given is not None and (not _is_number(given) or not cast(float, given) >= 0):
        return InvalidRequestError(
            f"timeout must be None (no deadline) or a number of seconds >= 0, got {timeout!r}"
        )
    grace = cast(object, cancel_grace)
    if not _is_number(grace) or not 0 < cast(float, grace) < math.inf:
        return InvalidRequestError(
            f"cancel_grace must be a positive, finite number of seconds, got {cancel_grace!r}"
        )
    return WaitSettings(policy=policy, timeout=timeout, cancel_grace=float(cancel_grace))


def check_ids(operation_ids: Iterable[str], concurrency: int) -> tuple[str, ...]:
    """The distinct ids, in the order given; raises for arguments that cannot be a list."""
    given = cast(object, operation_ids)  # checked at run time: callers may pass anything
    if isinstance(given, str | bytes | bytearray):
        # A string is an iterable of its characters: "op_1" would wait on "o", "p", ...
        raise TypeError(
            "operation_ids must be an iterable of ids, such as a list, not a "
            f"{type(given).__name__} (it would be read as one id per character): "
            "pass [operation_id]"
        )
    limit = cast(object, concurrency)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidRequestError(f"concurrency must be an int >= 1, got {concurrency!r}")
    return tuple(dict.fromkeys(operation_ids))
