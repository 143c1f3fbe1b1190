"""No object reachable from an error holds the API key, whatever the server sends.

Each scenario is a raw-socket server that breaks the response its own way. The scanner
(``tests/hostile/_scan.py``) walks everything reachable from the result: message, args,
attributes, ``__cause__``/``__context__``, aiohttp's ``request_info``, ``history`` and
headers, recursively. The chained exceptions also carry no traceback, whose frames would hold
the request (and so the key) for as long as the error lives.
"""

from __future__ import annotations

import asyncio

import pytest

from openapi import SDK, Err
from openapi.models.errors import ConnectionError, SDKDefaultError
from tests.hostile._calls import ONE_ATTEMPT, SECRET_KEY, Endpoint, call_once
from tests.hostile._raw import (
    OPERATION_JSON,
    RawRequest,
    RawServer,
    Script,
    reset_mid_body,
    respond,
    send,
)
from tests.hostile._scan import exceptions_in, frames_in, paths_to


async def redirect_loop(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    writer.write(respond(b"", status="302 Found", headers={"Location": request.target}))


CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"

SCENARIOS: dict[str, tuple[Script, type[Exception], tuple[Endpoint, ...]]] = {
    "bad chunk size": (send(CHUNKED + b"zz\r\nabc\r\n0\r\n\r\n"), ConnectionError, ("get",)),
    "100 KB header line": (
        send(respond(headers={"X-Big": "a" * 100_000})),
        ConnectionError,
        ("get", "cancel"),
    ),
    "2,000 headers": (
        send(respond(headers={f"X-H{i}": "v" for i in range(2000)})),
        ConnectionError,
        ("get",),
    ),
    "redirect loop": (redirect_loop, SDKDefaultError, ("get", "cancel")),
    "reset mid-body": (reset_mid_body, ConnectionError, ("get",)),
    "content-length longer than the body": (
        send(respond(headers={"Content-Length": str(len(OPERATION_JSON) + 50)})),
        ConnectionError,
        ("get",),
    ),
    "body past content-length": (
        send(respond(headers={"Content-Length": "10"})),
        ConnectionError,
        ("get",),
    ),
    "undecodable content-encoding": (
        send(respond(b"not brotli at all", headers={"Content-Encoding": "br"})),
        ConnectionError,
        ("get",),
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_no_error_reaches_the_key(name: str) -> None:
    script, expected, endpoints = SCENARIOS[name]
    for endpoint in endpoints:
        async with RawServer(script) as server:
            res = await call_once(server.url, endpoint)
        assert isinstance(res, Err), res
        error = res.error
        assert type(error) is expected, f"{name} ({endpoint}): {error!r}"
        assert server.requests[0].headers["authorization"] == f"Bearer {SECRET_KEY}"
        assert paths_to(SECRET_KEY, res) == [], f"{name} ({endpoint}): the key is reachable"
        assert frames_in(error) == [], f"{name}: a chained traceback keeps frames alive"
        for linked in exceptions_in(error)[1:]:
            assert not hasattr(linked, "request_info") or not linked.request_info.headers


async def test_a_raised_error_does_not_reach_the_key_either() -> None:
    async with (
        RawServer(send(respond(headers={f"X-H{i}": "v" for i in range(2000)}))) as server,
        SDK(api_key=SECRET_KEY, server_url=server.url, retry_config=ONE_ATTEMPT) as sdk,
    ):
        with pytest.raises(ConnectionError) as raised:
            await sdk.operations.get_operation(operation_id="op_1")
    assert paths_to(SECRET_KEY, raised.value) == []
    assert "Too many headers" in str(raised.value)
