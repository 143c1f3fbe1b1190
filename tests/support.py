"""Test data shared by the suite: a valid ``Operation`` body to script responses with.

The servers are ``openapi.testing``'s: ``MockServer`` (the API) and ``ScriptedServer``
(exact responses in order, from ``openapi.testing.scripted``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

OPERATION: dict[str, Any] = {
    "id": "op_1",
    "status": "running",
    "created_at": "2026-11-28T10:00:00Z",
    "updated_at": "2026-11-28T10:00:05Z",
    "completed_at": None,
    "progress": 0.25,
    "result": None,
    "error": None,
    "metadata": {"owner": "tests"},
}


def operation(**changes: Any) -> dict[str, Any]:
    """A valid Operation body with ``changes`` applied."""
    return {**OPERATION, **changes}
