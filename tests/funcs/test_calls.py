"""Both endpoints through both calling styles, against a real server."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest

from openapi import SDK, Err, Ok, OperationStatus
from openapi.core import USER_AGENT, SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.operations import CancelOperationRequest, GetOperationRequest
from openapi.utils.options import RequestOptions
from tests.conftest import API_KEY
from tests.support import ScriptedServer, json_response, operation


async def test_get_operation_standalone(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response(operation(), **{"Retry-After": "3"}))

    res = await operations_get_operation(core, {"operation_id": "op_1"})

    assert isinstance(res, Ok)
    op = res.value.operation
    assert op.id == "op_1"
    assert op.status is OperationStatus.RUNNING
    assert op.created_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert op.progress == 0.25
    assert op.metadata == {"owner": "tests"}
    assert not op.done
    meta = res.value.http_meta
    assert meta.status_code == 200
    assert meta.request_id == "req_1"
    assert meta.attempts == 1
    assert meta.retry_after == 3.0
    assert meta.url == f"{server.url}/operations/op_1"
    seen = server.requests[0]
    assert (seen.method, seen.raw_path) == ("GET", "/operations/op_1")
    assert seen.headers["Authorization"] == f"Bearer {API_KEY}"
    assert seen.headers["Accept"] == "application/json"


async def test_cancel_operation_standalone(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response(operation(status="cancelling")))

    res = await operations_cancel_operation(core, CancelOperationRequest(operation_id="op_1"))

    assert isinstance(res, Ok)
    assert res.value.operation.status is OperationStatus.CANCELLING
    assert res.value.http_meta.retry_after is None
    assert [(r.method, r.raw_path) for r in server.requests] == [
        ("POST", "/operations/op_1/cancel")
    ]


async def test_facade_get_and_cancel(server: ScriptedServer) -> None:
    server.then(
        json_response(operation(status="succeeded", result={"rows": 3}, progress=1)),
        json_response(operation(status="succeeded", result={"rows": 3}, progress=1)),
    )
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        got = await sdk.operations.get_operation(operation_id="op_1")
        cancelled = await sdk.operations.cancel_operation(operation_id="op_1", timeout=5)

    assert got.operation.succeeded
    assert got.operation.done
    assert got.operation.result == {"rows": 3}
    assert cancelled.operation.outcome() == Ok({"rows": 3})
    assert [r.method for r in server.requests] == ["GET", "POST"]


async def test_facade_raises_the_error_the_function_returns(server: ScriptedServer) -> None:
    server.then(json_response({"code": "not_found", "message": "no such operation"}, 404))
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        from openapi import ApiError

        with pytest.raises(ApiError) as caught:
            await sdk.operations.get_operation(operation_id="missing")
    assert caught.value.code == "not_found"


async def test_request_as_model_or_mapping(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response(operation()))
    by_model = await operations_get_operation(core, GetOperationRequest(operation_id="op_1"))
    by_mapping = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(by_model, Ok)
    assert isinstance(by_mapping, Ok)
    assert by_model.value.operation == by_mapping.value.operation


async def test_unknown_status_and_fields_are_accepted(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(json_response(operation(status="paused_by_admin", brand_new_field=[1, 2])))
    res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    op = res.value.operation
    assert op.status == "paused_by_admin"
    assert not isinstance(op.status, OperationStatus)
    assert not op.done
    assert not op.succeeded
    assert not op.failed


async def test_failed_and_cancelled_outcomes(server: ScriptedServer, core: SDKCore) -> None:
    error = {"code": "quota", "message": "out of quota", "details": {"limit": 5}}
    server.then(
        json_response(operation(status="failed", error=error)),
        json_response(operation(status="cancelled", error={"code": "cancelled", "message": "x"})),
    )
    failed = (await operations_get_operation(core, {"operation_id": "op_1"})).unwrap()
    cancelled = (await operations_get_operation(core, {"operation_id": "op_1"})).unwrap()
    outcome = failed.operation.outcome()
    assert isinstance(outcome, Err)
    assert outcome.error.code == "quota"
    assert outcome.error.error is not None
    assert outcome.error.error.details == {"limit": 5}
    assert "out of quota" in str(outcome.error)
    assert cancelled.operation.cancelled
    assert cancelled.operation.done
    assert cancelled.operation.outcome().error is not None


async def test_per_call_headers_and_server_url(server: ScriptedServer, core: SDKCore) -> None:
    async with ScriptedServer() as other:
        other.then(json_response(operation(id="elsewhere")))
        res = await operations_get_operation(
            core,
            {"operation_id": "op_1"},
            RequestOptions(headers={"X-Trace": "t-1"}, server_url=other.url),
        )
    assert isinstance(res, Ok)
    assert res.value.operation.id == "elsewhere"
    assert other.requests[0].headers["X-Trace"] == "t-1"
    assert other.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"
    assert server.requests == []


async def test_explicit_authorization_header_wins(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with SDKCore(server_url=server.url, api_key=None) as keyless:
        res = await operations_get_operation(
            keyless,
            {"operation_id": "op_1"},
            RequestOptions(headers={"authorization": "Bearer delegated"}),
        )
    assert isinstance(res, Ok)
    assert server.requests[0].headers["Authorization"] == "Bearer delegated"


async def test_callable_keys_sync_and_async_are_called_per_request(
    server: ScriptedServer,
) -> None:
    server.then(json_response(operation()))
    keys = iter(["k1", "k2"])

    async def async_key() -> str:
        return "async-key"

    async with SDKCore(server_url=server.url, api_key=lambda: next(keys)) as rotating:
        await operations_get_operation(rotating, {"operation_id": "op_1"})
        await operations_get_operation(rotating, {"operation_id": "op_1"})
    async with SDKCore(server_url=server.url, api_key=async_key) as asynchronous:
        await operations_get_operation(asynchronous, {"operation_id": "op_1"})
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer k1",
        "Bearer k2",
        "Bearer async-key",
    ]


async def test_environment_fallbacks(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.then(json_response(operation()))
    monkeypatch.setenv("OPENAPI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAPI_SERVER_URL", server.url)
    async with SDKCore() as from_env:
        res = await operations_get_operation(from_env, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    assert server.requests[0].headers["Authorization"] == "Bearer env-key"


async def test_caller_session_is_used_and_left_open(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with aiohttp.ClientSession(headers={"X-From-Session": "yes"}) as session:
        async with SDKCore(api_key=API_KEY, server_url=server.url, session=session) as core:
            res = await operations_get_operation(core, {"operation_id": "op_1"})
        assert isinstance(res, Ok)
        assert not session.closed
        assert core.closed
    assert server.requests[0].headers["X-From-Session"] == "yes"


async def test_owned_session_is_created_lazily_and_closed() -> None:
    core = SDKCore(api_key=API_KEY, server_url="http://127.0.0.1:9")
    assert core._session is None  # nothing made outside the running loop
    await core.aclose()
    res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert "closed" in str(res.error)


@pytest.mark.parametrize("own_session", [True, False], ids=["sdk-session", "caller-session"])
async def test_default_and_configured_headers_reach_the_server(
    server: ScriptedServer, own_session: bool
) -> None:
    server.then(json_response(operation()))
    async with (
        aiohttp.ClientSession() as caller_session,
        SDKCore(
            api_key=API_KEY,
            server_url=server.url,
            headers={"X-Team": "data"},
            session=None if own_session else caller_session,
        ) as core,
    ):
        await operations_get_operation(core, {"operation_id": "op_1"})
        await operations_get_operation(
            core, {"operation_id": "op_1"}, RequestOptions(headers={"Accept": "*/*"})
        )
    first, second = (request.headers for request in server.requests)
    assert first["Accept"] == "application/json"
    assert first["User-Agent"] == USER_AGENT
    assert first["X-Team"] == "data"
    assert first["Authorization"] == f"Bearer {API_KEY}"
    assert second["Accept"] == "*/*"  # per-call headers win over the SDK's defaults
    assert second["X-Team"] == "data"
