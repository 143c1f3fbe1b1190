"""``RequestOptions``: what one call may override; ``CallOptions`` and ``PollOptions``: the
same overrides as the keyword arguments of the ``SDK`` facade's methods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypedDict

import attrs

from openapi._settings import check_keywords
from openapi.utils._fields import POSITIVE_SECONDS, to_float
from openapi.utils.retries import RetryConfig

__all__ = ["CallOptions", "PollOptions", "RequestOptions"]


def _headers(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if value is None else dict(value)


@attrs.frozen(slots=True)
class RequestOptions:
    """Per-call overrides; ``None`` keeps the ``SDKCore``'s setting.

    - ``retries``: the retry policy for this call.
    - ``timeout``: seconds allowed for each attempt, a positive finite number. The retry
      budget (``BackoffStrategy.max_elapsed_time``) bounds the whole call: an attempt that
      starts late in the budget gets only the time left.
    - ``headers``: extra request headers. They are applied last, so they win over the SDK's
      own, ``Authorization`` included: set it only when you mean to replace the API key.
    - ``server_url``: send this call to another server.
    """

    retries: RetryConfig | None = None
    timeout: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(to_float),
        validator=attrs.validators.optional(POSITIVE_SECONDS),
    )
    headers: Mapping[str, str] | None = attrs.field(default=None, converter=_headers)
    server_url: str | None = None


class _Overrides(TypedDict, total=False):
    retries: RetryConfig | None
    """``RequestOptions.retries``: the retry policy for this call."""
    headers: Mapping[str, str] | None
    """``RequestOptions.headers``: extra request headers, applied last."""
    server_url: str | None
    """``RequestOptions.server_url``: send this call to another server."""


class CallOptions(_Overrides, total=False):
    """The fields of ``RequestOptions`` as keyword arguments (``sdk.operations.get_operation``
    and ``cancel_operation``)."""

    timeout: float | None
    """``RequestOptions.timeout``: seconds allowed for each attempt."""


class PollOptions(_Overrides, total=False):
    """The fields of ``RequestOptions`` as keyword arguments of a wait (``wait``, ``watch``,
    ``wait_many``), applied to each poll. There ``timeout`` bounds the whole wait, so the
    per-attempt timeout is spelled ``request_timeout``."""

    request_timeout: float | None
    """``RequestOptions.timeout`` of each poll: seconds allowed for each attempt."""


_CALL_OPTIONS: Final = CallOptions.__optional_keys__
_POLL_OPTIONS: Final = PollOptions.__optional_keys__


def _request_options(given: _Overrides, timeout: float | None) -> RequestOptions | None:
    if not given and timeout is None:
        return None
    return RequestOptions(
        retries=given.get("retries"),
        timeout=timeout,
        headers=given.get("headers"),
        server_url=given.get("server_url"),
    )


def call_options(given: CallOptions, owner: str) -> RequestOptions | None:
    """The ``RequestOptions`` a call's keyword arguments stand for (``None`` for none).

    A keyword ``CallOptions`` does not declare raises ``TypeError``, naming ``owner``.
    """
    check_keywords(given, _CALL_OPTIONS, owner)
    return _request_options(given, given.get("timeout"))


def poll_options(given: PollOptions, owner: str) -> RequestOptions | None:
    """The ``RequestOptions`` of each poll of a wait (``request_timeout`` is its ``timeout``).

    A keyword ``PollOptions`` does not declare raises ``TypeError``, naming ``owner``.
    """
    check_keywords(given, _POLL_OPTIONS, owner)
    return _request_options(given, given.get("request_timeout"))
