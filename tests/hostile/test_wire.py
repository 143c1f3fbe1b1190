"""HTTP/1.1 as a hostile (or just old) server speaks it: every answer ends in a contract class.

HTTP/1.0 without ``Content-Length``, interim 1xx responses, an unsolicited 101, a reset in
the middle of the body, ``Content-Length`` longer or shorter than the body, a chunked body
that breaks after its first chunk. A broken response is a ``ConnectionError``; the ones a
flaky network also produces are retried, and the pool stays usable afterwards.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openapi import Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import ConnectionError, RequestTimeoutError, SDKDefaultError
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.hostile._calls import SECRET_KEY, call_once
from tests.hostile._raw import (
    OPERATION_JSON,
    RawRequest,
    RawServer,
    first_then,
    reset_mid_body,
    respond,
    send,
)

FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.05, max_elapsed_time=5)
)
CHUNKED_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
)


OK_SCENARIOS = {
    "HTTP/1.0, body until close": send(
        b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + OPERATION_JSON
    ),
    "100 Continue and 103 Early Hints first": send(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"
        + respond(),
        close=False,
    ),
}


@pytest.mark.parametrize("name", list(OK_SCENARIOS))
async def test_old_and_interim_responses_are_understood(name: str) -> None:
    async with RawServer(OK_SCENARIOS[name]) as server:
        for endpoint in ("get", "cancel"):
            res = await call_once(server.url, endpoint)
            assert isinstance(res, Ok), res


async def test_an_unsolicited_101_is_default_error() -> None:
    script = send(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", close=False)
    async with RawServer(script) as server:
        res = await call_once(server.url)
    assert isinstance(res, Err)
    assert type(res.error) is SDKDefaultError
    assert res.error.status_code == 101


BROKEN = {
    "reset mid-body": reset_mid_body,
    "content-length longer than the body": send(
        respond(headers={"Content-Length": str(len(OPERATION_JSON) + 50)})
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
async def test_a_body_cut_short_is_connection_error_and_is_retried(name: str) -> None:
    async with RawServer(BROKEN[name]) as server:
        res = await call_once(server.url)
    assert isinstance(res, Err)
    assert type(res.error) is ConnectionError, res.error
    assert "check server_url and the network" in str(res.error)
    async with RawServer(first_then(BROKEN[name], send(respond(), close=False))) as server:
        res = await call_once(server.url, retry_config=FAST_RETRIES)
    assert isinstance(res, Ok), res
    assert res.value.http_meta.attempts == 2


async def test_bytes_past_content_length_break_the_response_not_the_pool() -> None:
    # The bytes past Content-Length are parsed as the next response, which is not one.
    short = send(respond(headers={"Content-Length": "10"}), close=False)
    async with (
        RawServer(first_then(short, send(respond(), close=False))) as server,
        SDKCore(api_key=SECRET_KEY, server_url=server.url) as core,
    ):
        first = await operations_get_operation(core, {"operation_id": "op_1"})
        second = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(first, Err)
    assert type(first.error) is ConnectionError, first.error
    assert "not valid HTTP" in str(first.error)
    assert isinstance(second, Ok), second


async def test_a_response_head_that_is_not_http_is_not_retried() -> None:
    async with RawServer(send(CHUNKED_HEAD + b"zz\r\nabc\r\n0\r\n\r\n")) as server:
        res = await call_once(server.url, retry_config=FAST_RETRIES)
    assert isinstance(res, Err)
    assert type(res.error) is ConnectionError
    assert "chunk size" in str(res.error)
    assert len(server.requests) == 1, "the same server would send the same bytes again"


async def chunk_then_garbage(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    writer.write(CHUNKED_HEAD + b'5\r\n{"id"\r\n')
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.write(b"zz\r\n")


async def test_a_chunked_body_that_breaks_after_its_first_chunk_ends_by_the_deadline() -> None:
    # aiohttp's C parser drops the body's reader when a later chunk is malformed, so the
    # read waits for the attempt's deadline: the call still ends, typed, within its timeout.
    async with RawServer(chunk_then_garbage) as server:
        began = time.monotonic()
        res = await call_once(server.url, timeout=1)
        elapsed = time.monotonic() - began
    assert isinstance(res, Err)
    assert type(res.error) in (RequestTimeoutError, ConnectionError), res.error
    assert elapsed < 1 + 2


PURE_PYTHON_PARSER = """
import asyncio
from tests.hostile._calls import call_once
from tests.hostile._raw import RawServer
from tests.hostile.test_wire import chunk_then_garbage

async def main():
    async with RawServer(chunk_then_garbage) as server:
        res = await call_once(server.url, timeout=5)
    print(type(res.error).__name__, type(res.error.__cause__).__name__)

asyncio.run(main())
"""


def test_with_aiohttp_s_python_parser_a_broken_chunk_is_connection_error() -> None:
    # That parser raises its own HttpProcessingError (no aiohttp.ClientError) at once.
    env = {**os.environ, "AIOHTTP_NO_EXTENSIONS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PURE_PYTHON_PARSER],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).parents[2],  # the checkout, so that ``tests`` imports
    )
    assert done.stdout.split() == ["ConnectionError", "TransferEncodingError"], done.stderr
