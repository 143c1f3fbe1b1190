"""Compressed bodies: the caps count decompressed bytes, memory and the loop stay free.

The scenario: 1 MB of gzip (or deflate) that inflates to 1 GiB of zeros, announced with its
true ``Content-Length`` (the 1 MB on the wire) or chunked. Peak memory is measured with
``tracemalloc`` (every ``bytes`` aiohttp and the SDK allocate is traced) and the longest
event-loop stall with a ticker task; both bounds are generous (the cap + 16 MiB, 1 s) against
what an unbounded read costs (2 GiB, seconds).
"""

from __future__ import annotations

import asyncio
import functools
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import compression_utils

from openapi import Err
from openapi.models.errors import (
    ConnectionError,
    InternalServerError,
    ResponseValidationError,
)
from tests.hostile._calls import call_once
from tests.hostile._raw import (
    RawRequest,
    RawServer,
    Script,
    respond,
    send,
    zeros_gzip,
    zeros_zlib,
)

MIB = 1024 * 1024
SUCCESS_CAP = 16 * MIB
ERROR_CAP = 16 * 1024
INFLATED_MIB = 1024
MEMORY_BOUND = SUCCESS_CAP + 16 * MIB
STALL_BOUND = 1.0


@functools.cache
def bomb(encoding: str) -> bytes:
    return zeros_gzip(INFLATED_MIB) if encoding == "gzip" else zeros_zlib(INFLATED_MIB)


def serve(encoding: str, status: str, *, chunked: bool) -> Script:
    blob = bomb(encoding)

    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        headers = {"Content-Encoding": encoding}
        if not chunked:
            writer.write(respond(blob, status=status, headers=headers))
            return
        headers["Transfer-Encoding"] = "chunked"
        writer.write(respond(b"", status=status, headers=headers))
        for start in range(0, len(blob), 64 * 1024):
            part = blob[start : start + 64 * 1024]
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")

    return script


@asynccontextmanager
async def longest_stall() -> AsyncIterator[list[float]]:
    """Yields a one-item list that holds, afterwards, the longest gap between loop ticks."""
    longest = [0.0]

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.005)
            now = time.monotonic()
            longest[0] = max(longest[0], now - last)
            last = now

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.02)  # let it start
    try:
        yield longest
    finally:
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)


async def measured(run: Callable[[], Awaitable[Any]]) -> tuple[Any, int, float]:
    """``run()``'s result, the peak traced memory it added, and the longest loop stall."""
    async with longest_stall() as stall:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            result = await run()
            peak = tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()
    return result, peak, stall[0]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_compressed_bomb_is_refused_at_the_success_cap(
    encoding: str, chunked: bool
) -> None:
    async with RawServer(serve(encoding, "200 OK", chunked=chunked)) as server:
        res, peak, stall = await measured(lambda: call_once(server.url, timeout=30))
    assert isinstance(res, Err)
    assert type(res.error) is ResponseValidationError, res.error
    assert "over 16 MiB" in str(res.error)
    assert len(res.error.body) == ERROR_CAP
    assert peak < MEMORY_BOUND, f"peak memory rose by {peak / MIB:.0f} MiB"
    assert stall < STALL_BOUND, f"the event loop was blocked for {stall:.2f} s"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_a_compressed_error_body_is_cut_at_the_error_cap(encoding: str) -> None:
    async with RawServer(serve(encoding, "500 Internal Server Error", chunked=False)) as server:
        res, peak, stall = await measured(lambda: call_once(server.url, timeout=30))
    assert isinstance(res, Err)
    assert type(res.error) is InternalServerError
    assert res.error.body == "\x00" * ERROR_CAP, "16 KiB of the inflated body, no more"
    assert peak < 16 * MIB, f"peak memory rose by {peak / MIB:.0f} MiB"
    assert stall < STALL_BOUND


async def test_brotli_is_capped_when_aiohttp_decodes_it_and_a_clean_error_when_not() -> None:
    if compression_utils.HAS_BROTLI:  # pragma: no cover - depends on the installation
        import brotli  # pyright: ignore[reportMissingImports]

        blob = brotli.compress(bytes(64 * MIB), quality=1)  # pyright: ignore
        script = send(respond(blob, headers={"Content-Encoding": "br"}))
        async with RawServer(script) as server:
            res, peak, _ = await measured(lambda: call_once(server.url, timeout=30))
        assert isinstance(res, Err)
        assert type(res.error) is ResponseValidationError
        assert peak < MEMORY_BOUND
        return
    script = send(respond(b"\x1b\x00\x00", headers={"Content-Encoding": "br"}))
    async with RawServer(script) as server:
        res = await call_once(server.url, retry_config=None)  # default retries
    assert isinstance(res, Err)
    assert type(res.error) is ConnectionError
    assert "brotli (br)" in str(res.error)
    assert "cannot decode" in str(res.error)
    assert len(server.requests) == 1, "the same answer would come again: not retried"
