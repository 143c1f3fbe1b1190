"""The ``openapi`` logger.

The SDK logs method, URL, status, attempt and timing at DEBUG, never a header: the API key
travels only in ``Authorization``, so it cannot reach a log line. ``redact`` is for the rare
place that must show a header mapping.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

__all__ = ["logger", "redact"]

logger = logging.getLogger("openapi")

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


def redact(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credentials replaced by ``***``."""
    return {k: ("***" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}
