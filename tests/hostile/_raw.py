"""Raw-socket HTTP servers on 127.0.0.1, for hostility aiohttp's own server will not produce.

A ``RawServer`` reads each request head itself and hands it to a script that writes whatever
bytes it likes (broken framing, lies in ``Content-Length``, resets). It records every request
head and when it arrived, so tests can check what reached the server (method, target,
``Authorization``) and when; the scripts below also cover hostility in time (never
answering, dripping bytes, resetting late).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
import zlib
from collections.abc import Awaitable, Callable

import attrs

__all__ = [
    "OPERATION_JSON",
    "RawRequest",
    "RawServer",
    "Script",
    "answer",
    "drip_body",
    "drip_head",
    "first_then",
    "never",
    "operation",
    "reset",
    "reset_after",
    "reset_mid_body",
    "respond",
    "send",
    "zeros_gzip",
    "zeros_zlib",
]

OPERATION_JSON = (
    b'{"id": "op_1", "status": "running", "created_at": "2026-11-28T10:00:00Z", "progress": 0.25}'
)


@attrs.frozen
class RawRequest:
    """One request head as it arrived (header names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]


Script = Callable[[RawRequest, asyncio.StreamWriter], Awaitable[None]]
"""Answers one request; the connection is closed afterwards unless it returns normally and
the request asked for keep-alive (scripts that break framing close it themselves)."""


def respond(
    body: bytes = OPERATION_JSON,
    *,
    status: str = "200 OK",
    headers: dict[str, str] | None = None,
    version: str = "HTTP/1.1",
) -> bytes:
    """A well-formed response with ``Content-Length`` (unless ``headers`` sets framing)."""
    fields = {"Content-Type": "application/json", "X-Request-Id": "raw_1"}
    fields.update(headers or {})
    if not any(k.lower() in ("content-length", "transfer-encoding") for k in fields):
        fields["Content-Length"] = str(len(body))
    head = f"{version} {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode("latin-1") + b"\r\n" + body


def operation(**fields: str) -> bytes:
    """A valid Operation body; ``fields`` replace members with raw JSON text (``"NaN"``)."""
    members = {"id": '"op_1"', "status": '"running"', "created_at": '"2026-11-28T10:00:00Z"'}
    members.update(fields)
    return ("{" + ", ".join(f'"{k}": {v}' for k, v in members.items()) + "}").encode()


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0) instead of a FIN."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# --- scripts -------------------------------------------------------------------------------


def send(data: bytes, *, close: bool = True) -> Script:
    """Writes ``data`` as it is, then closes the connection (unless ``close=False``)."""

    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(data)
        if close:
            await writer.drain()
            writer.close()

    return script


def answer(body: bytes = OPERATION_JSON, status: str = "200 OK", **headers: str) -> Script:
    """A well-formed response (see ``respond``) on a connection kept alive."""
    return send(respond(body, status=status, headers=headers), close=False)


def first_then(first: Script, then: Script) -> Script:
    """``first`` for the first request, ``then`` for every later one."""
    calls = 0

    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        nonlocal calls
        calls += 1
        await (first if calls == 1 else then)(request, writer)

    return script


async def reset_mid_body(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    """Sends all but the last 10 bytes of a response, then a TCP RST."""
    writer.write(respond()[:-10])
    await writer.drain()
    await asyncio.sleep(0.05)
    reset(writer)


async def never(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    """Read the request and never answer."""
    await asyncio.Event().wait()


async def drip_body(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    """A 200 JSON head at once, then the body one byte a second (it never ends in time)."""
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n"
    )
    while True:
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(1)


async def drip_head(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    """The status line and headers, one byte a second."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"x" * 999:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(1)


def reset_after(seconds: float) -> Script:
    """Wait ``seconds``, then close the connection with a TCP RST."""

    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(seconds)
        reset(writer)

    return script


class RawServer:
    """A TCP server on 127.0.0.1 that answers every request with ``script``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[RawRequest] = []
        self.arrivals: list[float] = []
        """``time.monotonic()`` at which each request head had arrived."""
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                self.arrivals.append(time.monotonic())
                self.requests.append(RawRequest(method, target, headers))
                await self.script(self.requests[-1], writer)
                if writer.transport.is_closing():
                    return
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            writer.transport.abort()

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()


# --- compressed bodies ---------------------------------------------------------------------

_MIB = 1024 * 1024


def zeros_deflate(mebibytes: int) -> bytes:
    """A raw deflate stream of ``mebibytes`` MiB of zeros, built in milliseconds.

    Each 1 MiB block is compressed after a full flush, so every block is the same bytes and
    one compression serves them all (compressing 1 GiB honestly takes seconds).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(_MIB)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + block * (mebibytes - 1) + compressor.flush(zlib.Z_FINISH)


def zeros_zlib(mebibytes: int) -> bytes:
    """``Content-Encoding: deflate`` (RFC 1950) of ``mebibytes`` MiB of zeros."""
    size = mebibytes * _MIB
    adler = ((size % 65521) << 16) | 1  # Adler-32 of n zero bytes
    return b"\x78\xda" + zeros_deflate(mebibytes) + struct.pack(">I", adler)


def zeros_gzip(mebibytes: int) -> bytes:
    """``Content-Encoding: gzip`` of ``mebibytes`` MiB of zeros."""
    crc = 0
    zeros = bytes(_MIB)
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mebibytes * _MIB) & 0xFFFFFFFF)
    return header + zeros_deflate(mebibytes) + trailer
