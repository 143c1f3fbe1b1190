"""Lifecycle: cancellation propagates, nothing leaks, and a closed SDK says so.

A core that is never closed: ``tests/lifecycle/test_unclosed_core.py``.
"""

from __future__ import annotations

import asyncio

import pytest

from openapi import SDK, InvalidRequestError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from tests.events import retry_sleep_started
from tests.secret_support import SECRET_KEY
from tests.support import ScriptedServer, delay, json_response, operation


async def test_cancelling_the_task_propagates(server: ScriptedServer, core: SDKCore) -> None:
    server.then(delay(5, json_response(operation())))
    task = asyncio.create_task(operations_get_operation(core, {"operation_id": "op_1"}))
    await server.received(1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_cancelling_during_retry_sleep_propagates(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(json_response({}, 503, **{"Retry-After": "2"}))
    with retry_sleep_started() as sleeping:
        task = asyncio.create_task(operations_get_operation(core, {"operation_id": "op_1"}))
        await sleeping.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(server.requests) == 1


async def test_asyncio_timeout_around_a_call_works(server: ScriptedServer, core: SDKCore) -> None:
    server.then(delay(5, json_response(operation())), json_response(operation()))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await operations_get_operation(core, {"operation_id": "op_1"})
    # The core stays usable afterwards.
    assert (await operations_get_operation(core, {"operation_id": "op_1"})).ok is True


async def test_connections_are_returned_to_the_pool(server: ScriptedServer, core: SDKCore) -> None:
    server.then(
        json_response({}, 503),
        json_response({}, 500),
        json_response(operation()),
    )
    for _ in range(3):
        await operations_get_operation(core, {"operation_id": "op_1"})
    session = core.session().unwrap()
    connector = session.connector
    assert connector is not None
    assert sum(len(v) for v in connector._acquired_per_host.values()) == 0


async def test_facade_after_aclose_raises_invalid_request_error(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    sdk = SDK(api_key=SECRET_KEY, server_url=server.url)
    async with sdk:
        await sdk.operations.get_operation(operation_id="op_1")
    await sdk.aclose()  # a second close is harmless
    for call in (sdk.operations.get_operation, sdk.operations.cancel_operation):
        with pytest.raises(InvalidRequestError, match=r"closed.*create a new one"):
            await call(operation_id="op_1")
    assert len(server.requests) == 1, "nothing is sent once closed"
