"""``ScriptedServer``: exact responses, in order, for tests of a client's wire handling.

:class:`~openapi.testing.MockServer` is the API: operations, auth, faults. A client's
tests also need answers the API would never give (a 200 whose body is not an
``Operation``, a redirect to another origin, a body that trickles in), and to see the
headers the client really sent. ``ScriptedServer`` answers each request with the next
handler a test queued (the last one repeats) and records every request::

    from openapi.testing.scripted import ScriptedServer, json_response, raw_response

    async with ScriptedServer() as server:
        server.then(json_response({"code": "busy"}, 503))  # the first request gets 503,
        server.then(raw_response(b"ok", content_type="text/plain"))  # every later one "ok"
        ...  # point the client at server.url
        assert server.requests[0].headers["Authorization"] == "Bearer my-key"

A handler is any aiohttp handler; ``json_response``, ``raw_response``, ``drop_connection``
and ``delay`` build the usual ones.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Self

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer

from ._serving import Serving

__all__ = [
    "Handler",
    "ScriptedServer",
    "Seen",
    "delay",
    "drop_connection",
    "json_response",
    "raw_response",
]

#: An aiohttp request handler: what a script is made of.
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
"""One scripted answer: an aiohttp handler the server runs for the next request."""

#: The request id the built responses carry, so a client's error can name it.
_REQUEST_ID = {"X-Request-Id": "req_1"}


@attrs.frozen
class Seen:
    """One request as the server saw it: nothing redacted, so tests can check the key."""

    method: str
    raw_path: str
    path: str
    headers: dict[str, str]


def json_response(body: object, status: int = 200, **headers: str) -> Handler:
    """A handler answering ``body`` as JSON with ``status`` and extra ``headers``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response(body, status=status, headers={**_REQUEST_ID, **headers})

    return handler


def raw_response(body: bytes, *, status: int = 200, content_type: str, **headers: str) -> Handler:
    """A handler answering exactly ``body`` with ``content_type``, ``status`` and ``headers``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=body,
            status=status,
            headers={"Content-Type": content_type, **_REQUEST_ID, **headers},
        )

    return handler


def drop_connection() -> Handler:
    """A handler closing the connection without an answer: the client sees a disconnect."""

    async def handler(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        # Give the close time to reach the client before aiohttp tries to answer.
        await asyncio.sleep(0.05)
        return web.Response()

    return handler


def delay(seconds: float, then: Handler) -> Handler:
    """A handler answering as ``then`` after ``seconds``."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return await then(request)

    return handler


class ScriptedServer(Serving):
    """Answers each request with the next queued handler (the last one repeats).

    Every request, on any path and method, is recorded in :attr:`requests` on arrival,
    before it is answered. Use it as an async context manager (or :meth:`start` and
    :meth:`close`); it listens on a free port of 127.0.0.1, over TLS with ``tls`` (a server
    ``ssl.SSLContext``: the URL is then ``https://``).
    """

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        #: Every request received so far, oldest first.
        self.requests: list[Seen] = []
        self._script: deque[Handler] = deque()
        self._arrived = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._tls = tls
        self._server = TestServer(app, host="127.0.0.1", scheme="http" if tls is None else "https")

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        return str(self._server.make_url("")).rstrip("/")

    def then(self, *handlers: Handler) -> Self:
        """Queue ``handlers`` after those queued before; returns the server, to chain."""
        self._script.extend(handlers)
        return self

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Seen(request.method, request.raw_path, request.path, dict(request.headers))
        )
        async with self._arrived:
            self._arrived.notify_all()
        if not self._script:
            return web.Response(status=500, text="ScriptedServer: no handler queued; call then()")
        handler = self._script.popleft() if len(self._script) > 1 else self._script[0]
        return await handler(request)

    async def received(self, count: int) -> None:
        """Wait until at least ``count`` requests have arrived (an event, not a sleep)."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests) >= count)

    async def start(self) -> None:
        """Bind a free port and start serving."""
        await self._server.start_server(ssl=self._tls)

    async def close(self) -> None:
        """Stop serving and close every connection."""
        await self._server.close()
