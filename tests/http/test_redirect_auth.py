"""Redirects and credentials: ``Authorization`` never crosses to another origin.

aiohttp 3.14 strips it on a cross-origin redirect; these tests pin that behaviour for the
SDK's own header and for a caller's, and that a same-origin redirect keeps it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from openapi import Ok
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from tests.secret_support import SECRET_KEY
from tests.support import ScriptedServer, json_response, operation


def redirect_to(location: str, status: int = 302) -> web.StreamResponse:
    return web.Response(status=status, headers={"Location": location, "X-Request-Id": "r"})


@pytest.fixture
async def other_server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as scripted:
        yield scripted


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_authorization_is_not_forwarded_to_another_origin(
    server: ScriptedServer, other_server: ScriptedServer, status: int
) -> None:
    async def bounce(request: web.Request) -> web.StreamResponse:
        return redirect_to(f"{other_server.url}{request.raw_path}", status)

    server.then(bounce)
    other_server.then(json_response(operation()))
    # A cancel follows only 307/308: a 301/302/303 would make it a GET (tests/hostile).
    calls = [operations_get_operation]
    if status in (307, 308):
        calls.append(operations_cancel_operation)
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        for call in calls:
            res = await call(core, {"operation_id": "op_1"})
            assert isinstance(res, Ok), res
    assert all(r.headers["Authorization"] == f"Bearer {SECRET_KEY}" for r in server.requests)
    assert len(other_server.requests) == len(calls)
    for seen in other_server.requests:
        assert "Authorization" not in seen.headers, seen.headers
        assert SECRET_KEY not in repr(seen.headers)


async def test_authorization_is_not_forwarded_to_another_host_on_the_same_port(
    server: ScriptedServer,
) -> None:
    # 127.0.0.1 -> localhost: the same socket, but another origin to the client.
    async def bounce_once(request: web.Request) -> web.StreamResponse:
        if request.host.startswith("127.0.0.1"):
            port = server.url.rsplit(":", 1)[1]
            return redirect_to(f"http://localhost:{port}{request.raw_path}")
        return web.json_response(operation())

    server.then(bounce_once)
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    first, second = server.requests
    assert first.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert second.headers["Host"].startswith("localhost")
    assert "Authorization" not in second.headers


async def test_a_caller_supplied_authorization_is_not_forwarded_either(
    server: ScriptedServer, other_server: ScriptedServer
) -> None:
    async def bounce(request: web.Request) -> web.StreamResponse:
        return redirect_to(f"{other_server.url}{request.raw_path}")

    server.then(bounce)
    other_server.then(json_response(operation()))
    options = RequestOptions(headers={"authorization": f"Bearer {SECRET_KEY}"})
    async with SDKCore(server_url=server.url) as core:
        assert isinstance(await operations_get_operation(core, {"operation_id": "o"}, options), Ok)
    assert "Authorization" not in other_server.requests[0].headers


async def test_same_origin_redirect_keeps_authorization(server: ScriptedServer) -> None:
    async def moved(request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/old/"):
            return redirect_to(f"{server.url}/operations/op_1")
        return web.json_response(operation())

    server.then(moved)
    async with SDKCore(api_key=SECRET_KEY, server_url=f"{server.url}/old") as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    assert [r.path for r in server.requests] == ["/old/operations/op_1", "/operations/op_1"]
    assert all(r.headers["Authorization"] == f"Bearer {SECRET_KEY}" for r in server.requests)
