"""Errors per status (issue 15, point 2), against the real mock server: each error status is
its own ``SDKDefaultError`` subclass, returned in ``Err`` by the functions and raised by the
facade; 404 with its document stays ``ApiError``; a 429's ``retry_after`` is parsed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

import openapi
import openapi.errors
from openapi import (
    SDK,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    Err,
    InternalServerError,
    PermissionDeniedError,
    RateLimitError,
    RetryConfig,
    SDKDefaultError,
    SDKError,
    UnprocessableEntityError,
)
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import CallError
from openapi.testing import MockServer
from openapi.utils.options import RequestOptions

API_KEY = "sk-status-errors"
ONCE = RequestOptions(retries=RetryConfig.none())

PER_STATUS: list[tuple[int, type[SDKDefaultError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
    (599, InternalServerError),
]
WITHOUT_A_CLASS = [405, 406, 408, 410, 413, 418, 451]


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as mock:
        yield mock


@pytest.fixture
async def core(server: MockServer) -> AsyncIterator[SDKCore]:
    async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
        yield core


async def _get(core: SDKCore, operation_id: str) -> CallError:
    res = await operations_get_operation(core, {"operation_id": operation_id}, ONCE)
    assert isinstance(res, Err), res
    return res.error


@pytest.mark.parametrize(("status", "kind"), PER_STATUS)
async def test_each_status_is_its_own_class_from_both_endpoints(
    server: MockServer, core: SDKCore, status: int, kind: type[SDKDefaultError]
) -> None:
    op = server.create_operation()
    server.inject(status=status, times=2)
    got = await _get(core, op.id)
    cancelled = await operations_cancel_operation(core, {"operation_id": op.id}, ONCE)
    assert isinstance(cancelled, Err)
    for error in (got, cancelled.error):
        assert type(error) is kind, error
        assert isinstance(error, SDKDefaultError)  # the contract's class still catches it
        assert error.status_code == status
        # The mock's body is an ApiError document: its fields, whatever the class.
        assert (error.code, error.message) == ("injected_fault", f"Injected fault: HTTP {status}.")
        assert str(error).startswith(("GET http://", "POST http://"))  # the SDK's explanation


@pytest.mark.parametrize("status", WITHOUT_A_CLASS)
async def test_a_status_without_a_class_is_a_plain_default_error(
    server: MockServer, core: SDKCore, status: int
) -> None:
    op = server.create_operation()
    server.inject(status=status, times=1)
    error = await _get(core, op.id)
    assert type(error) is SDKDefaultError
    assert error.status_code == status


async def test_404_with_its_document_stays_api_error(server: MockServer, core: SDKCore) -> None:
    error = await _get(core, "no-such-operation")
    assert type(error) is ApiError
    assert error.code == "not_found"
    server.inject(status=404, times=1, body="<h1>Not Found</h1>", content_type="text/html")
    error = await _get(core, "no-such-operation")
    assert type(error) is SDKDefaultError, "a 404 without the document is the default class"


async def test_a_body_without_a_document_keeps_the_class(server: MockServer, core: SDKCore) -> None:
    op = server.create_operation()
    server.inject(status=409, times=1, body="conflict", content_type="text/plain")
    error = await _get(core, op.id)
    assert type(error) is ConflictError
    assert (error.code, error.details, error.body) == (None, None, "conflict")


async def test_the_facade_raises_the_class(server: MockServer) -> None:
    op = server.create_operation()
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        server.inject(status=401, times=1)
        with pytest.raises(AuthenticationError, match="OPENAPI_API_KEY"):
            await sdk.operations.get_operation(operation_id=op.id)
        server.inject(status=403, times=1, method="POST")
        with pytest.raises(PermissionDeniedError):
            await sdk.operations.cancel_operation(operation_id=op.id)
        server.inject(status=503, times=1)
        with pytest.raises(InternalServerError) as raised:
            await sdk.operations.get_operation(operation_id=op.id, retries=RetryConfig.none())
        assert raised.value.status_code == 503


async def test_rate_limit_error_parses_retry_after_seconds(
    server: MockServer, core: SDKCore
) -> None:
    op = server.create_operation()
    server.inject(status=429, times=1, retry_after=7)
    error = await _get(core, op.id)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert error.headers["Retry-After"] == "7"


async def test_rate_limit_error_parses_retry_after_as_a_date(
    server: MockServer, core: SDKCore
) -> None:
    op = server.create_operation()
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=120)
    server.inject(status=429, times=1, retry_after=when)
    before = time.time()
    error = await _get(core, op.id)
    assert isinstance(error, RateLimitError)
    assert error.retry_after is not None
    # The date counts from when the response came: about 120 s, slack for a slow machine.
    assert 60 < error.retry_after <= when.timestamp() - before + 1


@pytest.mark.parametrize("header", ["0", "soon", "1.5", "-3"])
async def test_rate_limit_error_without_a_usable_retry_after(
    server: MockServer, core: SDKCore, header: str
) -> None:
    op = server.create_operation()
    server.inject(status=429, times=1, headers={"Retry-After": header})
    error = await _get(core, op.id)
    assert isinstance(error, RateLimitError)
    assert error.retry_after is None


async def test_a_429_past_the_budget_comes_back_at_once_with_its_hint(
    server: MockServer, core: SDKCore
) -> None:
    # Retried by default; a hint longer than the whole budget ends the retries at once.
    op = server.create_operation()
    server.inject(status=429, times=1, retry_after=3600)
    res = await operations_get_operation(core, {"operation_id": op.id})
    assert isinstance(res, Err)
    assert isinstance(res.error, RateLimitError)
    assert res.error.retry_after == 3600.0
    assert server.count(method="GET") == 1


def test_every_class_is_exported_from_openapi_and_openapi_errors() -> None:
    for _, kind in PER_STATUS:
        assert getattr(openapi, kind.__name__) is kind
        assert getattr(openapi.errors, kind.__name__) is kind
        assert kind.__name__ in openapi.errors.__all__
        assert kind.__name__ in openapi.__all__
        assert issubclass(kind, SDKDefaultError)
        assert issubclass(kind, SDKError)
