"""A raw-socket server on 127.0.0.1 for hostility in time: never answering, dripping bytes,
resetting late. Each request head is read by the server itself and handed to a script with
its index, so a test can answer the first request and stall the rest.

(The transport tests have a richer raw server; this one only adds arrival times.)
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Awaitable, Callable

__all__ = ["Script", "StallServer", "answer", "drip_body", "drip_head", "never", "reset_after"]

Script = Callable[[int, asyncio.StreamWriter], Awaitable[None]]
"""Answers request number ``index`` (0-based) on ``writer``."""


def answer(status: str = "503 Service Unavailable", body: bytes = b"down", **headers: str) -> bytes:
    """A well-formed response with ``Content-Length``."""
    fields = {"Content-Type": "text/plain", "X-Request-Id": "stall_1", **headers}
    fields["Content-Length"] = str(len(body))
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode("latin-1") + b"\r\n" + body


async def never(index: int, writer: asyncio.StreamWriter) -> None:
    """Read the request and never answer."""
    await asyncio.Event().wait()


async def drip_body(index: int, writer: asyncio.StreamWriter) -> None:
    """A 200 JSON head at once, then the body one byte a second (it never ends in time)."""
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n"
    )
    while True:
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(1)


async def drip_head(index: int, writer: asyncio.StreamWriter) -> None:
    """The status line and headers, one byte a second."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"x" * 999:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(1)


def reset_after(seconds: float) -> Script:
    """Wait ``seconds``, then close the connection with a TCP RST."""

    async def script(index: int, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(seconds)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    return script


class StallServer:
    """Answers request ``i`` with ``script(i, writer)``; records when each request arrived."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.arrivals: list[float] = []
        """``time.monotonic()`` at which each request head had arrived."""
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while not writer.transport.is_closing():
                await reader.readuntil(b"\r\n\r\n")  # the SDK's requests have no body
                self.arrivals.append(time.monotonic())
                await self.script(len(self.arrivals) - 1, writer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except asyncio.CancelledError:
            # Our own shutdown (``__aexit__``): a connection task that ends cancelled makes
            # asyncio.streams log an error, so it ends quietly instead.
            pass
        finally:
            self._handlers.discard(task)
            writer.transport.abort()

    async def __aenter__(self) -> StallServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()
