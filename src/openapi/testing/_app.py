"""The aiohttp application: the API routes of ``openapi.yaml`` plus ``/_mock`` admin routes.

Every request goes through one middleware that routes on ``request.raw_path`` itself
(aiohttp's router is not used), so an operation id is always exactly one percent-encoded
path segment, decoded once, whatever a given aiohttp version does with ``%2F`` or an
encoded newline when matching routes. ``_api`` answers the API paths, ``_admin`` the
``/_mock`` ones.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from ._admin import AdminRoutes
from ._api import ApiRoutes
from ._backend import REQUEST_ID_HEADER, MockBackend, api_error, new_request_id
from ._paths import split_target

__all__ = ["build_app"]

_logger = logging.getLogger("openapi.testing")


def build_app(backend: MockBackend) -> web.Application:
    """The mock server's aiohttp application over ``backend``."""
    api, admin = ApiRoutes(backend), AdminRoutes(backend)

    async def dispatch(request: web.Request, request_id: str) -> web.StreamResponse:
        raw_path = split_target(request.raw_path)
        if raw_path == "/_mock" or raw_path.startswith("/_mock/"):
            return await admin.handle(request, raw_path, request_id)
        return await api.handle(request, raw_path, request_id)

    @web.middleware
    async def route_everything(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        # Every request is handled here, bypassing aiohttp's router entirely: routing
        # happens on the raw path (see the module doc), and no path (not even one with an
        # encoded newline, which a "{tail:.*}" route fails to match) can reach aiohttp's
        # own text/plain 404 page. ``handler`` (aiohttp's choice) is never called.
        request_id = new_request_id()
        try:
            response = await dispatch(request, request_id)
        except Exception:
            # A bug in the mock must still give the client a well-formed 500, not a hang.
            _logger.exception("mock server error on %s %s", request.method, request.raw_path)
            response = api_error(500, "internal_error", "Mock server error.", request_id)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    app = web.Application(middlewares=[route_everything])
    app.on_response_prepare.append(_ensure_request_id)
    return app


async def _ensure_request_id(request: web.Request, response: web.StreamResponse) -> None:
    # Safety net for responses aiohttp builds itself (e.g. for an unhandled error).
    if REQUEST_ID_HEADER not in response.headers:
        response.headers[REQUEST_ID_HEADER] = new_request_id()
