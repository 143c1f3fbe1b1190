"""What every handler of one mock server shares: state, faults, log, settings, error body."""

from __future__ import annotations

import uuid

import attrs
from aiohttp import web

from ._faults import FaultSet
from ._log import RequestLog
from ._overload import Overload
from ._store import OperationStore

__all__ = [
    "REQUEST_ID_HEADER",
    "MockBackend",
    "api_error",
    "method_not_allowed",
    "new_request_id",
    "reset_backend",
]

#: The header every response carries, naming the request in the request log.
REQUEST_ID_HEADER = "X-Request-Id"


def new_request_id() -> str:
    """A fresh, unique request id such as ``req_3f2a...``."""
    return f"req_{uuid.uuid4().hex}"


@attrs.define(kw_only=True)
class MockBackend:
    """Everything the handlers share: state, faults, request log and settings."""

    store: OperationStore
    faults: FaultSet
    overload: Overload
    log: RequestLog
    api_key: str | None
    poll_hint: int | None
    cancel_delay: float
    default_duration: float | None
    seed: int | None


def reset_backend(backend: MockBackend) -> None:
    """Forget operations, fault rules, the capacity limit, the outage and logged requests;
    reseed the fault random."""
    backend.store.clear()
    backend.faults.clear()
    backend.overload.clear()
    backend.faults.reseed(backend.seed)
    backend.log.clear()


def api_error(
    status: int, code: str, message: str, request_id: str, details: object = None
) -> web.Response:
    """An ``ApiError`` JSON response."""
    body: dict[str, object] = {"code": code, "message": message, "request_id": request_id}
    if details is not None:
        body["details"] = details
    return web.json_response(body, status=status)


def method_not_allowed(allowed: str, request_id: str) -> web.Response:
    """A 405 ``ApiError`` with the ``Allow`` header listing ``allowed``."""
    response = api_error(405, "method_not_allowed", f"Use {allowed} on this path.", request_id)
    response.headers["Allow"] = allowed
    return response
