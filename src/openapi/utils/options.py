"""``RequestOptions``: what one call may override."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from openapi.utils._fields import POSITIVE_SECONDS, to_float
from openapi.utils.retries import RetryConfig

__all__ = ["RequestOptions"]


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
