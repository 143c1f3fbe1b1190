"""A scripted HTTP server on 127.0.0.1 for the pipeline tests.

Each test queues the responses it wants; the server records every request it receives
(method, raw path, headers) so tests assert on what really went over the wire.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer

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


@attrs.frozen
class Seen:
    """One request as the server saw it."""

    method: str
    raw_path: str
    path: str
    headers: dict[str, str]


def operation(**changes: Any) -> dict[str, Any]:
    """A valid Operation body with ``changes`` applied."""
    return {**OPERATION, **changes}


def json_response(body: Any, status: int = 200, **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response(body, status=status, headers={"X-Request-Id": "req_1", **headers})

    return handler


def raw_response(body: bytes, *, status: int = 200, content_type: str, **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=body,
            status=status,
            headers={"Content-Type": content_type, "X-Request-Id": "req_1", **headers},
        )

    return handler


def drop_connection() -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        await asyncio.sleep(0.05)
        return web.Response()

    return handler


def delay(seconds: float, then: Handler) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return await then(request)

    return handler


class ScriptedServer:
    """Answers each request with the next queued handler (the last one repeats)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Seen] = []
        self._tls = tls
        self._script: deque[Handler] = deque()
        self._arrived = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        scheme = "http" if tls is None else "https"
        self._server = TestServer(app, host="127.0.0.1", scheme=scheme)

    @property
    def url(self) -> str:
        return str(self._server.make_url("")).rstrip("/")

    def then(self, *handlers: Handler) -> ScriptedServer:
        self._script.extend(handlers)
        return self

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Seen(request.method, request.raw_path, request.path, dict(request.headers))
        )
        async with self._arrived:
            self._arrived.notify_all()
        handler = self._script.popleft() if len(self._script) > 1 else self._script[0]
        return await handler(request)

    async def received(self, count: int) -> None:
        """Wait until at least ``count`` requests have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)

    async def start(self) -> None:
        await self._server.start_server(ssl=self._tls)

    async def close(self) -> None:
        await self._server.close()

    async def __aenter__(self) -> ScriptedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
