"""``RequestOptions``: what one call may override."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from openapi.utils._fields import positive_seconds, to_float
from openapi.utils.retries import RetryConfig

__all__ = ["RequestOptions"]


def _headers(value: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if value is None else dict(value)


@attrs.frozen(slots=True)
class RequestOptions:
    """Per-call overrides; ``None`` keeps the ``SDKCore``'s setting.

    - ``retries``: the retry policy for this call.
    - ``timeout``: seconds allowed for EACH attempt (a retried call may take longer in all).
    - ``headers``: extra request headers. They are applied last, so they win over the SDK's
      own, ``Authorization`` included: set it only when you mean to replace the API key.
    - ``server_url``: send this call to another server.
    """

    retries: RetryConfig | None = None
    timeout: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(to_float),
        validator=attrs.validators.optional(positive_seconds),
    )
    headers: Mapping[str, str] | None = attrs.field(default=None, converter=_headers)
    server_url: str | None = None
