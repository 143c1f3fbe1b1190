"""What you create you close; what you pass in (a core, a session) is never closed.

And a call still in flight when its core closes ends with an error that says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from openapi import SDK, Err, InvalidRequestError, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing.scripted import Handler, ScriptedServer, json_response
from openapi.utils.retries import RetryConfig
from tests.conftest import API_KEY, FAST_RETRIES
from tests.support import operation

CLOSED_IN_FLIGHT = "closed while this call was in flight"


async def test_sdk_never_closes_a_core_passed_in(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
        async with SDK(core=core) as sdk:
            await sdk.operations.get_operation(operation_id="op_1")
        assert not core.closed, "SDK(core=c) must leave c open"
        await SDK(core=core).aclose()
        assert not core.closed
        assert isinstance(await operations_get_operation(core, {"operation_id": "op_1"}), Ok)
    assert core.closed  # closed by its owner, the `async with` above


async def test_sdk_closes_the_core_it_made_but_never_a_session_passed_in(
    server: ScriptedServer,
) -> None:
    server.then(json_response(operation()))
    async with aiohttp.ClientSession() as session:
        async with SDK(api_key=API_KEY, server_url=server.url, session=session) as sdk:
            await sdk.operations.get_operation(operation_id="op_1")
        assert sdk.core.closed, "the core the SDK made is the SDK's to close"
        assert not session.closed, "the caller's session is the caller's to close"
    made = SDK(api_key=API_KEY, server_url=server.url)
    await made.operations.get_operation(operation_id="op_1")
    await made.aclose()
    assert made.core.closed


def hang_until(released: asyncio.Event) -> Handler:
    """A handler that answers only once ``released`` is set: a request in mid-air."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await released.wait()
        return web.json_response(operation())

    return handler


@pytest.fixture
async def released() -> AsyncIterator[asyncio.Event]:
    event = asyncio.Event()
    yield event
    event.set()  # let any handler still waiting finish, so the server closes promptly


@pytest.mark.parametrize(
    "retries", [FAST_RETRIES, RetryConfig.none()], ids=["retried", "not-retried"]
)
async def test_a_call_mid_request_when_the_core_closes_says_so(
    server: ScriptedServer, released: asyncio.Event, retries: RetryConfig
) -> None:
    server.then(hang_until(released))
    core = SDKCore(api_key=API_KEY, server_url=server.url, retry_config=retries)
    call = asyncio.create_task(operations_get_operation(core, {"operation_id": "op_1"}))
    await server.received(1)
    await core.aclose()
    res = await call
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError), repr(res.error)
    assert CLOSED_IN_FLIGHT in str(res.error)


async def test_a_call_retrying_when_the_core_closes_says_so(server: ScriptedServer) -> None:
    server.then(json_response({}, 503))  # every attempt: the call keeps retrying
    core = SDKCore(api_key=API_KEY, server_url=server.url, retry_config=FAST_RETRIES)
    calls = [
        asyncio.create_task(operations_get_operation(core, {"operation_id": f"op_{i}"}))
        for i in range(3)
    ]
    await server.received(6)  # each has been answered, and is retrying
    await core.aclose()
    for res in await asyncio.gather(*calls):
        assert isinstance(res, Err)
        assert isinstance(res.error, InvalidRequestError), repr(res.error)
        assert CLOSED_IN_FLIGHT in str(res.error)
        assert "create a new one" in str(res.error)


async def test_closing_a_core_leaves_calls_on_a_callers_session_alone(
    server: ScriptedServer, released: asyncio.Event
) -> None:
    server.then(hang_until(released))
    async with aiohttp.ClientSession() as session:
        core = SDKCore(api_key=API_KEY, server_url=server.url, session=session)
        call = asyncio.create_task(operations_get_operation(core, {"operation_id": "op_1"}))
        await server.received(1)
        await core.aclose()
        released.set()
        assert isinstance(await call, Ok), "the session is open: the call completes"
        assert not session.closed
