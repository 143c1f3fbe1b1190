"""The API routes of ``openapi.yaml``: ``GET /operations/{id}`` and ``POST .../cancel``.

Each request is logged on arrival (naming the fault chosen for it, if any), then either
answered by that fault or by the endpoint: method, bearer token, id, then the store.
"""

from __future__ import annotations

import asyncio
import hmac
import re

from aiohttp import web

from ._backend import MockBackend, api_error, method_not_allowed
from ._injected import drop, faulted
from ._log import RequestLogEntry, redact_headers
from ._paths import MAX_OPERATION_ID_LENGTH, decode_segment, display_path, split_target

__all__ = ["ApiRoutes"]

# API routes, matched against the raw path: (pattern, method, endpoint name).
_API_ROUTES = (
    (re.compile(r"/operations/(?P<id>[^/]*)"), "GET", "get"),
    (re.compile(r"/operations/(?P<id>[^/]*)/cancel"), "POST", "cancel"),
)

_Route = tuple[str, str, str]


def _match_api(raw_path: str) -> _Route | None:
    """``(raw operation id, allowed method, endpoint)`` for an API path, else ``None``."""
    for pattern, method, endpoint in _API_ROUTES:
        match = pattern.fullmatch(raw_path)
        if match is not None:
            return match["id"], method, endpoint
    return None


class ApiRoutes:
    """The API's request handlers bound to one backend."""

    def __init__(self, backend: MockBackend) -> None:
        self._backend = backend

    async def handle(
        self, request: web.Request, raw_path: str, request_id: str
    ) -> web.StreamResponse:
        """Log the request, then answer it with its fault or with the endpoint."""
        backend = self._backend
        method = request.method.upper()
        route = _match_api(raw_path)
        operation_id = None if route is None else decode_segment(route[0])
        decoded_path = display_path(raw_path)
        # The fault is chosen first so the entry, logged on arrival, already names it; an
        # outage or the capacity limit (openapi.testing._overload) comes before the rules.
        fault = backend.overload.pick() or backend.faults.pick(
            method, raw_path, decoded_path, operation_id
        )
        backend.log.append(
            RequestLogEntry(
                request_id=request_id,
                method=method,
                raw_path=request.raw_path,
                path=decoded_path,
                query=request.raw_path[len(raw_path) + 1 :],
                operation_id=operation_id,
                attempt=backend.log.next_attempt(method, raw_path),
                headers=redact_headers(request.headers.items()),
                fault=fault,
            )
        )
        status: int | None = None
        try:
            if fault is not None:
                if fault.delay > 0:
                    await asyncio.sleep(fault.delay)
                if fault.kind == "drop":
                    return drop(request)
                if fault.kind != "delay":
                    response = faulted(fault, request_id)
                    status = response.status
                    return response
            response = await self._endpoint(request, method, route, operation_id, request_id)
            status = response.status
            return response
        finally:
            backend.log.finish(request_id, status)

    async def _endpoint(
        self,
        request: web.Request,
        method: str,
        route: _Route | None,
        operation_id: str | None,
        request_id: str,
    ) -> web.Response:
        if route is None:
            path = display_path(split_target(request.raw_path))
            return api_error(404, "not_found", f"No route for {method} {path}.", request_id)
        _, allowed, endpoint = route
        if method != allowed:
            return method_not_allowed(allowed, request_id)
        if not self._authorized(request):
            response = api_error(
                401, "unauthorized", "Missing or invalid bearer token.", request_id
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="operations"'
            return response
        if operation_id is None or not 1 <= len(operation_id) <= MAX_OPERATION_ID_LENGTH:
            return api_error(
                400,
                "invalid_operation_id",
                f"operation_id must be 1 to {MAX_OPERATION_ID_LENGTH} characters of UTF-8.",
                request_id,
            )
        return self._answer(endpoint, operation_id, request_id)

    def _answer(self, endpoint: str, operation_id: str, request_id: str) -> web.Response:
        backend = self._backend
        if endpoint == "get":
            operation = backend.store.poll(operation_id)
        else:
            operation = backend.store.cancel(operation_id, backend.cancel_delay)
        if operation is None:
            return api_error(
                404, "not_found", f"No operation with id {operation_id!r}.", request_id
            )
        response = web.json_response(operation.to_json())
        if endpoint == "get" and not operation.done and backend.poll_hint is not None:
            response.headers["Retry-After"] = str(backend.poll_hint)
        return response

    def _authorized(self, request: web.Request) -> bool:
        expected = self._backend.api_key
        if expected is None:
            return True
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        # Bytes, because compare_digest refuses non-ASCII str; constant time out of habit.
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), expected.encode()
        )
