"""The ``openapi`` logger.

The SDK logs method, URL, status, attempt and timing at DEBUG, never a header: the API key
travels only in ``Authorization``, so it cannot reach a log line.
"""

from __future__ import annotations

import logging

__all__ = ["logger"]

logger = logging.getLogger("openapi")
