"""The ``Result`` names people know (issue 15, point 6): ``is_ok``/``is_err`` (methods and the
``TypeIs`` functions), ``unwrap_or_else``, ``map_or``, ``inspect``/``inspect_err`` and the async
steps ``map_async``/``and_then_async``, on results from real calls to the mock server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from openapi import ApiError, Err, Ok, Operation, Result, is_err, is_ok
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import CallError
from openapi.models.operations import GetOperationResponse
from openapi.testing import MockServer

API_KEY = "sk-result-names"


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as mock:
        yield mock


@pytest.fixture
async def core(server: MockServer) -> AsyncIterator[SDKCore]:
    async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
        yield core


async def results(
    server: MockServer, core: SDKCore
) -> tuple[Result[GetOperationResponse, CallError], Result[GetOperationResponse, CallError]]:
    op = server.create_operation(duration=None)
    found = await operations_get_operation(core, {"operation_id": op.id})
    missing = await operations_get_operation(core, {"operation_id": "no-such-op"})
    assert isinstance(found, Ok)
    assert isinstance(missing, Err)
    return found, missing


async def test_is_ok_and_is_err(server: MockServer, core: SDKCore) -> None:
    found, missing = await results(server, core)
    assert (found.is_ok(), found.is_err(), is_ok(found), is_err(found)) == (True, False) * 2
    assert (missing.is_ok(), missing.is_err(), is_ok(missing), is_err(missing)) == (False, True) * 2


async def test_unwrap_or_else_calls_f_with_the_error_only_on_err(
    server: MockServer, core: SDKCore
) -> None:
    found, missing = await results(server, core)
    seen: list[object] = []

    def fallback(error: CallError) -> str:
        seen.append(error)
        return f"missing: {type(error).__name__}"

    assert found.unwrap_or_else(fallback) is found.value
    assert seen == []
    assert missing.unwrap_or_else(fallback) == "missing: ApiError"
    assert seen == [missing.error]


async def test_map_or(server: MockServer, core: SDKCore) -> None:
    found, missing = await results(server, core)
    calls: list[object] = []

    def status(response: GetOperationResponse) -> str:
        calls.append(response)
        return str(response.operation.status)

    assert found.map_or("unknown", status) == "queued"
    assert missing.map_or("unknown", status) == "unknown"
    assert calls == [found.value]


async def test_inspect_and_inspect_err_see_one_side_and_return_the_result(
    server: MockServer, core: SDKCore
) -> None:
    found, missing = await results(server, core)
    values: list[object] = []
    errors: list[object] = []
    assert found.inspect(values.append).inspect_err(errors.append) is found
    assert missing.inspect(values.append).inspect_err(errors.append) is missing
    assert values == [found.value]
    assert errors == [missing.error]


async def test_inspect_lets_an_exception_of_f_through(server: MockServer, core: SDKCore) -> None:
    found, missing = await results(server, core)

    def boom(_: object) -> None:
        raise KeyError("from f")

    with pytest.raises(KeyError, match="from f"):
        found.inspect(boom)
    with pytest.raises(KeyError, match="from f"):
        missing.inspect_err(boom)


async def test_async_steps_chain_calls(server: MockServer, core: SDKCore) -> None:
    # A pipeline: get -> cancel (an async step that returns a Result) -> its status.
    found, missing = await results(server, core)
    called: list[str] = []

    async def cancel(response: GetOperationResponse) -> Result[Operation, CallError]:
        called.append(response.operation.id)
        res = await operations_cancel_operation(core, {"operation_id": response.operation.id})
        return res.map(lambda cancelled: cancelled.operation)

    async def status(operation: Operation) -> str:
        return str(operation.status)

    chained = await (await found.and_then_async(cancel)).map_async(status)
    assert chained == Ok("cancelling")
    stopped = await (await missing.and_then_async(cancel)).map_async(status)
    assert stopped is missing
    assert isinstance(stopped.error, ApiError)
    assert called == [found.value.operation.id], "an Err never calls the next step"
    assert server.count(method="POST") == 1


async def test_an_async_step_that_fails_is_its_err(server: MockServer, core: SDKCore) -> None:
    found, _ = await results(server, core)

    async def cancel_other(_: GetOperationResponse) -> Result[Operation, CallError]:
        res = await operations_cancel_operation(core, {"operation_id": "no-such-op"})
        return res.map(lambda cancelled: cancelled.operation)

    chained = await found.and_then_async(cancel_other)
    assert isinstance(chained, Err)
    assert isinstance(chained.error, ApiError)
    assert chained.error.status_code == 404
