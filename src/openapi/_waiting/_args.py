"""The arguments of a wait, checked in one place for ``wait``, ``watch`` and ``wait_many``."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Final, TypeAlias, TypedDict, cast

import attrs

from openapi._settings import check_keywords
from openapi.models.components import Operation
from openapi.models.errors import CallError, InvalidRequestError, WaitTimeoutError
from openapi.utils.options import PollOptions
from openapi.utils.polling import DEFAULT_POLL_POLICY, PollPolicy

__all__ = [
    "DEFAULT_CANCEL_GRACE",
    "DEFAULT_CONCURRENCY",
    "WAIT_MANY_ARGUMENTS",
    "ManySettings",
    "OnUpdate",
    "WaitArguments",
    "WaitError",
    "WaitManyArguments",
    "WaitManyKeywords",
    "WaitSettings",
    "WatchArguments",
    "check_ids",
    "many_settings",
    "settings",
    "split_wait_many",
]

WaitError: TypeAlias = CallError | WaitTimeoutError
"""Every error a wait can return: a call's error, or its deadline."""

OnUpdate: TypeAlias = Callable[[Operation], object]
"""A callback given each changed state; it may be a plain function or a coroutine function."""

DEFAULT_CONCURRENCY: Final = 64
"""Requests ``operations_wait_many`` keeps in flight at most, across all its operations."""

DEFAULT_CANCEL_GRACE: Final = 5.0
"""Seconds the cancel sent at a wait's deadline gets, retries included (``cancel_grace``)."""


class WatchArguments(TypedDict, total=False):
    """The keyword arguments of a watch (``operations_watch``), all optional."""

    timeout: float | None
    """Seconds for the whole wait, ``>= 0``; ``None`` (the default): no deadline."""
    poll_interval: PollPolicy | float | None
    """A ``PollPolicy``, or seconds for a fixed (jittered) interval that is also a floor
    under the server's hints. Default: the server's ``Retry-After``, else about 1 s growing
    by 1.5x to 30 s."""


class WaitArguments(WatchArguments, total=False):
    """The keyword arguments of a wait, all optional: a watch's, and what its deadline does."""

    cancel_on_timeout: bool
    """At the deadline, first ask the server to cancel the operation. Default ``False``."""
    cancel_grace: float
    """Seconds that cancel gets, retries included; default ``DEFAULT_CANCEL_GRACE`` (5)."""


class WaitManyArguments(WaitArguments, total=False):
    """The keyword arguments of ``operations_wait_many``: a wait's (``timeout`` per
    operation), and how many requests it keeps in flight at most."""

    concurrency: int
    """Requests in flight at most, across all the operations, an int ``>= 1``; default
    ``DEFAULT_CONCURRENCY`` (64)."""


WAIT_MANY_ARGUMENTS: Final = WaitManyArguments.__optional_keys__


class WaitManyKeywords(WaitManyArguments, PollOptions, total=False):
    """``sdk.operations.wait_many``'s keyword arguments: ``WaitManyArguments``, and the
    ``PollOptions`` (``retries``, ``request_timeout``, ``headers``, ``server_url``) of each
    poll and cancel."""


def split_wait_many(keywords: WaitManyKeywords) -> tuple[WaitManyArguments, PollOptions]:
    """The wait's arguments and the polls' options (unknown names stay with the options,
    whose check names them)."""
    given = cast(dict[str, object], keywords)
    arguments = {name: value for name, value in given.items() if name in WAIT_MANY_ARGUMENTS}
    options = {name: value for name, value in given.items() if name not in WAIT_MANY_ARGUMENTS}
    return cast(WaitManyArguments, arguments), cast(PollOptions, options)


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


def check_ids(operation_ids: Iterable[str]) -> tuple[str, ...]:
    """The distinct ids, in the order given; raises for arguments that cannot be a list."""
    given = cast(object, operation_ids)  # checked at run time: callers may pass anything
    if isinstance(given, str | bytes | bytearray):
        # A string is an iterable of its characters: "op_1" would wait on "o", "p", ...
        raise TypeError(
            "operation_ids must be an iterable of ids, such as a list, not a "
            f"{type(given).__name__} (it would be read as one id per character): "
            "pass [operation_id]"
        )
    return tuple(dict.fromkeys(operation_ids))


@attrs.frozen(slots=True)
class ManySettings:
    """``operations_wait_many``'s checked arguments."""

    wait: WaitSettings
    concurrency: int
    cancel_on_timeout: bool


def many_settings(arguments: WaitManyArguments, owner: str) -> ManySettings:
    """The checked arguments; raises ``TypeError`` for an unknown keyword (naming ``owner``)
    and ``InvalidRequestError`` for a bad value."""
    check_keywords(arguments, WAIT_MANY_ARGUMENTS, owner)
    concurrency = arguments.get("concurrency", DEFAULT_CONCURRENCY)
    limit = cast(object, concurrency)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidRequestError(f"concurrency must be an int >= 1, got {concurrency!r}")
    checked = settings(
        arguments.get("timeout"),
        arguments.get("poll_interval"),
        arguments.get("cancel_grace", DEFAULT_CANCEL_GRACE),
    )
    if isinstance(checked, InvalidRequestError):
        raise checked
    return ManySettings(
        wait=checked,
        concurrency=concurrency,
        cancel_on_timeout=bool(arguments.get("cancel_on_timeout", False)),
    )
