"""Every error class, with its fields, from real responses (or their absence)."""

from __future__ import annotations

import builtins

import aiohttp
from aiohttp import web

from openapi import (
    ApiError,
    AuthenticationError,
    ConnectionError,
    Err,
    HTTPClientError,
    InvalidRequestError,
    RequestTimeoutError,
    ResponseValidationError,
    SDKBaseError,
    SDKDefaultError,
    SDKError,
    UnexpectedClientError,
)
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing.scripted import (
    ScriptedServer,
    delay,
    drop_connection,
    json_response,
    raw_response,
)
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig
from tests.conftest import API_KEY
from tests.support import operation

NO_RETRY = RequestOptions(retries=RetryConfig.none())


async def get(core: SDKCore, op_id: str = "op_1", options: RequestOptions | None = NO_RETRY):
    res = await operations_get_operation(core, {"operation_id": op_id}, options)
    assert isinstance(res, Err), res
    return res.error


async def test_api_error_from_404_document(server: ScriptedServer, core: SDKCore) -> None:
    server.then(
        json_response(
            {
                "code": "not_found",
                "message": "operation 'zz' does not exist",
                "request_id": "req_body",
                "details": {"hint": "check id"},
            },
            404,
        )
    )
    error = await get(core, "zz")
    assert type(error) is ApiError
    assert isinstance(error, SDKError)
    assert isinstance(error, SDKBaseError)
    assert error.status_code == 404
    assert error.code == "not_found"
    assert error.message == "operation 'zz' does not exist"
    assert error.details == {"hint": "check id"}
    assert error.request_id == "req_body"
    assert error.headers["X-Request-Id"] == "req_1"
    assert "not_found" in str(error)
    assert "404" in str(error)


async def test_404_without_document_is_default_error(server: ScriptedServer, core: SDKCore) -> None:
    server.then(raw_response(b"<h1>Not Found</h1>", status=404, content_type="text/html"))
    error = await get(core)
    assert type(error) is SDKDefaultError
    assert error.status_code == 404
    assert error.body == "<h1>Not Found</h1>"
    assert "check the operation id" in error.message


async def test_401_says_to_check_the_key(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response({"code": "unauthorized", "message": "bad key"}, 401))
    error = await get(core)
    assert type(error) is AuthenticationError
    assert error.status_code == 401
    assert error.request_id == "req_1"
    # The body is an ApiError document: its fields are the error's, the advice is in str().
    assert (error.code, error.message, error.details) == ("unauthorized", "bad key", None)
    assert "OPENAPI_API_KEY" in str(error)
    assert "bad key" in str(error)
    assert len(server.requests) == 1  # 401 is not retried


async def test_error_body_is_capped(server: ScriptedServer, core: SDKCore) -> None:
    server.then(raw_response(b"x" * 5_000_000, status=500, content_type="text/plain"))
    error = await get(core)
    assert isinstance(error, SDKDefaultError)
    assert len(error.body) == 16 * 1024
    assert len(error.message) < 600


async def test_html_200_is_default_error(server: ScriptedServer, core: SDKCore) -> None:
    server.then(raw_response(b"<html>login page</html>", content_type="text/html"))
    error = await get(core)
    assert type(error) is SDKDefaultError
    assert error.status_code == 200
    assert "instead of JSON" in error.message


async def test_malformed_json_200_is_validation_error(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(raw_response(b'{"id": "op_1", "status": ', content_type="application/json"))
    error = await get(core)
    assert type(error) is ResponseValidationError
    assert error.status_code == 200
    assert isinstance(error.__cause__, ValueError)
    assert "not valid JSON" in error.message
    assert "req_1" in error.message


async def test_schema_violating_200_is_validation_error(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(json_response({"id": 42, "status": "running"}))
    error = await get(core)
    assert type(error) is ResponseValidationError
    assert error.__cause__ is not None
    assert "$.id" in error.message
    assert "$.created_at" in error.message


async def test_wrong_types_are_not_coerced(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response(operation(progress="0.5")))
    error = await get(core)
    assert type(error) is ResponseValidationError
    assert "$.progress" in error.message


async def test_unexpected_status_is_default_error(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response(operation(), 202), json_response({}, 418))
    accepted = await operations_get_operation(core, {"operation_id": "op_1"}, NO_RETRY)
    assert isinstance(accepted.value, object)  # 2XX with a valid body is fine
    error = await get(core)
    assert type(error) is SDKDefaultError
    assert error.status_code == 418


async def test_connection_error_is_also_builtin() -> None:
    async with SDKCore(api_key=API_KEY, server_url="http://127.0.0.1:9") as core:
        error = await get(core)
    assert type(error) is ConnectionError
    assert isinstance(error, HTTPClientError)
    assert isinstance(error, builtins.ConnectionError)
    assert isinstance(error.__cause__, aiohttp.ClientConnectionError)
    assert "127.0.0.1:9" in error.message


async def test_dropped_connection_is_connection_error(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(drop_connection())
    error = await get(core)
    assert type(error) is ConnectionError


async def test_timeout_is_request_timeout_error(server: ScriptedServer, core: SDKCore) -> None:
    server.then(delay(2, json_response(operation())))
    error = await get(core, options=RequestOptions(timeout=0.2, retries=RetryConfig.none()))
    assert type(error) is RequestTimeoutError
    assert isinstance(error, builtins.TimeoutError)
    assert "0.2 s" in error.message


async def test_invalid_request_is_also_value_error(core: SDKCore) -> None:
    error = await get(core, "")
    assert type(error) is InvalidRequestError
    assert isinstance(error, ValueError)


async def test_unexpected_client_error_keeps_its_cause(server: ScriptedServer) -> None:
    def broken_key() -> str:
        raise RuntimeError("vault unreachable")

    async with SDKCore(api_key=broken_key, server_url=server.url) as core:
        error = await get(core)
    assert type(error) is UnexpectedClientError
    assert "RuntimeError" in error.message
    assert server.requests == []


async def test_a_redirect_loop_is_default_error(server: ScriptedServer, core: SDKCore) -> None:
    async def loop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(str(request.url))

    server.then(loop)
    error = await get(core)
    assert type(error) is SDKDefaultError
    assert error.status_code == 302
    assert "more than 10 redirects" in str(error)
    assert len(server.requests) == 11  # the first request and 10 redirects followed
