"""Retries: which responses are retried, how long we wait, and when we stop."""

from __future__ import annotations

import email.utils
import time
from datetime import UTC, datetime, timedelta

import pytest

from openapi import ConnectionError, Err, Ok, RequestTimeoutError, SDKDefaultError
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.support import (
    ScriptedServer,
    delay,
    drop_connection,
    json_response,
    operation,
    raw_response,
)


def fast(max_elapsed: float = 5.0, **kwargs: object) -> RequestOptions:
    strategy = BackoffStrategy(
        initial_interval=0.01, max_interval=0.05, max_elapsed_time=max_elapsed
    )
    return RequestOptions(retries=RetryConfig(backoff=strategy, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retryable_statuses_are_retried(
    server: ScriptedServer, core: SDKCore, status: int
) -> None:
    server.then(json_response({}, status), json_response({}, status), json_response(operation()))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast())
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 3
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 501])
async def test_other_statuses_are_not_retried(
    server: ScriptedServer, core: SDKCore, status: int
) -> None:
    server.then(json_response({}, status), json_response(operation()))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast())
    assert isinstance(res, Err)
    assert len(server.requests) == 1


async def test_cancel_is_retried_too(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response({}, 503), json_response(operation(status="cancelling")))
    res = await operations_cancel_operation(core, {"operation_id": "op_1"}, fast())
    assert isinstance(res, Ok)
    assert [r.method for r in server.requests] == ["POST", "POST"]


async def test_dropped_connections_are_retried(server: ScriptedServer, core: SDKCore) -> None:
    server.then(drop_connection(), drop_connection(), json_response(operation()))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast())
    assert isinstance(res, Ok)
    assert len(server.requests) == 3
    # aiohttp itself re-sends an idempotent GET once when a pooled keep-alive connection
    # turns out dead, so the SDK may count one attempt fewer than the server saw.
    assert res.value.http_meta.attempts in (2, 3)


async def test_dropped_connections_are_retried_for_cancel(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(drop_connection(), drop_connection(), json_response(operation()))
    res = await operations_cancel_operation(core, {"operation_id": "op_1"}, fast())
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 3
    assert [r.method for r in server.requests] == ["POST"] * 3


async def test_connection_errors_not_retried_when_disabled(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(drop_connection(), json_response(operation()))
    # POST: aiohttp's own one-time resend of an idempotent GET does not apply.
    res = await operations_cancel_operation(
        core, {"operation_id": "op_1"}, fast(retry_connection_errors=False)
    )
    assert isinstance(res, Err)
    assert isinstance(res.error, ConnectionError)
    assert len(server.requests) == 1


async def test_per_attempt_timeout_is_retried(server: ScriptedServer, core: SDKCore) -> None:
    server.then(delay(1.0, json_response(operation())), json_response(operation()))
    options = fast()
    options = RequestOptions(retries=options.retries, timeout=0.2)
    started = time.monotonic()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 2
    assert time.monotonic() - started < 0.9


async def test_timeouts_every_attempt_end_in_timeout_error(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(delay(1.0, json_response(operation())))
    options = RequestOptions(retries=fast(max_elapsed=0.5).retries, timeout=0.1)
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Err)
    assert isinstance(res.error, RequestTimeoutError)
    assert len(server.requests) >= 2


async def test_strategy_none_sends_once(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response({}, 503), json_response(operation()))
    res = await operations_get_operation(
        core, {"operation_id": "op_1"}, RequestOptions(retries=RetryConfig.none())
    )
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 503
    assert len(server.requests) == 1


async def test_retry_after_seconds_is_honoured(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response({}, 429, **{"Retry-After": "1"}), json_response(operation()))
    started = time.monotonic()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast())
    elapsed = time.monotonic() - started
    assert isinstance(res, Ok)
    assert 0.95 <= elapsed < 2.0  # the computed delay alone would be ~0.01 s


async def test_retry_after_http_date_is_honoured(server: ScriptedServer, core: SDKCore) -> None:
    when = datetime.now(UTC) + timedelta(seconds=2)
    server.then(
        json_response({}, 503, **{"Retry-After": email.utils.format_datetime(when, usegmt=True)}),
        json_response(operation()),
    )
    started = time.monotonic()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast())
    elapsed = time.monotonic() - started
    assert isinstance(res, Ok)
    # HTTP-dates have one-second resolution: the wait is between 1 and 2 seconds.
    assert 0.9 <= elapsed < 2.5


async def test_retry_after_beyond_budget_returns_at_once(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(json_response({}, 503, **{"Retry-After": "30"}), json_response(operation()))
    started = time.monotonic()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(max_elapsed=2))
    assert time.monotonic() - started < 0.5
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 503
    assert len(server.requests) == 1


async def test_budget_exhaustion_returns_last_error(server: ScriptedServer, core: SDKCore) -> None:
    server.then(raw_response(b"still down", status=503, content_type="text/plain"))
    started = time.monotonic()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(max_elapsed=0.5))
    elapsed = time.monotonic() - started
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert 0.4 <= elapsed < 1.5
    attempts = res.error.http_meta.attempts
    assert attempts == len(server.requests) > 3
    assert f"after {attempts} attempts" in res.error.message


async def test_custom_status_codes_with_ranges(server: ScriptedServer, core: SDKCore) -> None:
    server.then(json_response({}, 409), json_response(operation()))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(status_codes=["4XX"]))
    assert isinstance(res, Ok)
    assert len(server.requests) == 2


def test_backoff_strategy_validates_in_seconds() -> None:
    with pytest.raises(ValueError, match="'initial_interval' must be > 0"):
        BackoffStrategy(initial_interval=0)
    assert RetryConfig().backoff == BackoffStrategy(0.5, 10, 2, 60)
    assert RetryConfig().status_codes == {408, 429, 500, 502, 503, 504}
