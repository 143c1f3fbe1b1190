"""The API key never reaches a repr, an error, a chained cause or a log line."""

from __future__ import annotations

import logging

import pytest

from openapi import SDK, Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.conftest import API_KEY
from tests.secret_support import everything_about
from tests.support import (
    ScriptedServer,
    delay,
    drop_connection,
    json_response,
    operation,
    raw_response,
)

FAST = RequestOptions(retries=RetryConfig(backoff=BackoffStrategy(0.01, 0.02, 2, 1)), timeout=0.3)


@pytest.mark.parametrize("key_kind", ["string", "callable"])
async def test_key_absent_from_reprs_errors_and_debug_logs(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture, key_kind: str
) -> None:
    caplog.set_level(logging.DEBUG)
    server.then(
        json_response(operation()),
        json_response({"code": "not_found", "message": "nope"}, 404),
        raw_response(b"oops", status=500, content_type="text/plain"),
        json_response({"id": 1}),
        drop_connection(),
        delay(1, json_response(operation())),
    )
    key = API_KEY if key_kind == "string" else (lambda: API_KEY)
    seen: list[object] = []
    async with SDK(api_key=key, server_url=server.url) as sdk:
        seen += [sdk, sdk.core, sdk.core.config, sdk.operations]
        for _ in range(6):
            res = await operations_get_operation(sdk.core, {"operation_id": "op_1"}, FAST)
            seen += [res, res.value if isinstance(res, Ok) else res.error]
    assert any(isinstance(r, Err) for r in seen)
    assert all(r.headers["Authorization"] == f"Bearer {API_KEY}" for r in server.requests)
    assert caplog.records, "DEBUG logging produced nothing to check"
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
    for value in seen:
        assert API_KEY not in everything_about(value)
    assert API_KEY not in caplog.text


async def test_debug_log_lines_have_method_url_status_attempt(
    server: ScriptedServer, core: SDKCore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="openapi")
    server.then(json_response({}, 503), json_response(operation()))
    await operations_get_operation(core, {"operation_id": "op_1"})
    lines = [r.getMessage() for r in caplog.records if r.name == "openapi"]
    assert any(
        "GET" in m and "/operations/op_1" in m and "503" in m and "attempt 1" in m for m in lines
    )
    assert any("retrying in" in m for m in lines)
    assert any("200" in m and "attempt 2" in m for m in lines)


async def test_key_provider_errors_do_not_leak_their_text(server: ScriptedServer) -> None:
    def provider() -> str:
        raise RuntimeError(f"could not refresh {API_KEY}")

    async with SDKCore(api_key=provider, server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert API_KEY not in everything_about(res.error)
