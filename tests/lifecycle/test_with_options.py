"""``with_options``: a light copy with other defaults that shares the connection pool.

Closing the copy leaves the pool open; the original owns the pool and closes it, and a copy
still in use then gets ``InvalidRequestError`` saying so (a call after the close, and one in
flight when it happened).
"""

from __future__ import annotations

import asyncio
import gc
import inspect
from collections.abc import AsyncIterator
from typing import Any, Unpack

import pytest
from aiohttp import web

from openapi import SDK, InvalidRequestError, RequestTimeoutError, RetryConfig, SDKDefaultError
from openapi.core import SDKCore
from openapi.testing import MockServer
from openapi.testing.scripted import ScriptedServer
from openapi.utils.options import CallOptions
from tests.conftest import API_KEY as SCRIPTED_KEY
from tests.events import until
from tests.support import operation

API_KEY = "sk-with-options-SECRET"
ONCE = RetryConfig.none()
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as mock:
        mock.create_operation("op", status="running")
        yield mock


def _trace(server: MockServer) -> list[str | None]:
    return [entry.headers.get("X-Trace") for entry in server.find_requests("GET")]


@pytest.mark.parametrize("method", [SDK.with_options, SDKCore.with_options])
def test_with_options_takes_the_call_options(method: Any) -> None:
    # core.py names CallOptions for type checkers only (a core need not load the options)
    names = {**method.__globals__, "CallOptions": CallOptions}
    signature = inspect.signature(method, eval_str=True, globals=names)
    parameters = list(signature.parameters.values())
    assert [p.annotation for p in parameters[1:]] == [Unpack[CallOptions]]


async def test_the_copy_overrides_defaults_and_shares_the_pool(server: MockServer) -> None:
    async with SDK(api_key=API_KEY, server_url=NOWHERE, headers={"X-Trace": "a"}) as sdk:
        copy = sdk.with_options(server_url=server.url, headers={"X-Trace": "b"}, retries=ONCE)
        assert (await copy.operations.get_operation(operation_id="op")).operation.id == "op"
        assert copy.core.session().unwrap() is sdk.core.session().unwrap(), "one pool"
        assert copy.core.config.timeout == sdk.core.config.timeout
        assert sdk.core.config.server_url == NOWHERE, "the original is unchanged"

        server.inject(status=503, times=1)
        with pytest.raises(SDKDefaultError):  # retries=ONCE: not retried
            await copy.operations.get_operation(operation_id="op")
        fast = copy.with_options(timeout=0.2)  # a copy of a copy keeps the copy's defaults
        server.inject("delay", delay=3, times=1)
        with pytest.raises(RequestTimeoutError):
            await fast.operations.get_operation(operation_id="op")
        per_call = await copy.operations.get_operation(operation_id="op", headers={"X-Trace": "c"})
        assert per_call.http_meta.status_code == 200
    assert _trace(server) == ["b", "b", "b", "c"]


async def test_closing_the_copy_leaves_the_pool_open(server: MockServer) -> None:
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        async with sdk.with_options(timeout=5) as copy:
            await copy.operations.get_operation(operation_id="op")
        assert copy.core.closed
        with pytest.raises(InvalidRequestError, match=r"closed .* create a new one"):
            await copy.operations.get_operation(operation_id="op")
        session = sdk.core.session().unwrap()
        assert not session.closed
        await sdk.operations.get_operation(operation_id="op")
    assert session.closed, "the original closes the pool"
    assert server.count("GET") == 2


async def test_a_copy_used_after_the_original_closed_says_so(server: MockServer) -> None:
    sdk = SDK(api_key=API_KEY, server_url=server.url)
    copy = sdk.with_options(timeout=5)
    await copy.operations.get_operation(operation_id="op")
    await sdk.aclose()
    assert copy.core.closed
    with pytest.raises(InvalidRequestError, match=r"made from with with_options\(\) was closed"):
        await copy.operations.get_operation(operation_id="op")
    await copy.aclose()
    assert server.count("GET") == 1


async def test_a_copy_mid_request_when_the_original_closes_says_so() -> None:
    released = asyncio.Event()
    arrived = asyncio.Event()

    async def hang(request: web.Request) -> web.StreamResponse:
        arrived.set()
        await released.wait()
        return web.json_response(operation())

    async with ScriptedServer() as scripted:
        scripted.then(hang)
        core = SDKCore(api_key=SCRIPTED_KEY, server_url=scripted.url)
        copy = SDK(core=core.with_options(retries=ONCE))
        call = asyncio.ensure_future(copy.operations.get_operation(operation_id="op_1"))
        await until(arrived.is_set, "the copy's request to reach the server")
        await core.aclose()
        with pytest.raises(InvalidRequestError, match="closed while this call was in flight"):
            await call
        released.set()


async def test_copies_own_nothing_and_never_warn(server: MockServer) -> None:
    async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
        copy = core.with_options(headers={"X-Trace": "x"})
        from openapi.funcs.operations_get_operation import operations_get_operation

        assert (await operations_get_operation(copy, {"operation_id": "op"})).ok
        del copy
        gc.collect()  # warnings are errors here: a ResourceWarning would fail the test


@pytest.mark.parametrize(
    ("options", "error"),
    [({"timeout": 0}, ValueError), ({"timeuot": 1}, TypeError), ({"retry": ONCE}, TypeError)],
)
def test_bad_options_are_refused(options: dict[str, Any], error: type[Exception]) -> None:
    core = SDKCore(api_key=API_KEY, server_url=NOWHERE)
    with pytest.raises(error):
        core.with_options(**options)
