"""``HTTPMetadata``: what the HTTP exchange behind a result looked like.

Its own module: the responses (``models.operations``) and the errors (``SDKError.http_meta``)
both carry it, and it depends on neither. Also importable from ``openapi.models.components``.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["HTTPMetadata"]


@attrs.frozen(slots=True)
class HTTPMetadata:
    """What the HTTP exchange behind a result looked like.

    ``retry_after`` is the server's suggested poll interval in seconds (its ``Retry-After``
    header on a successful response), or ``None`` when it sent none or no positive delay
    (``0``, a past date, garbage: see ``openapi.utils.retries.parse_retry_after``).
    """

    status_code: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    url: str
    request_id: str | None = None
    attempts: int = 1
    retry_after: float | None = None
    elapsed: float = 0.0
    """Seconds from the first attempt to the final response, retries included."""
