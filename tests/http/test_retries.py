"""Retries: which responses are retried, how long we wait, and when we stop.

Elapsed times are read on the event loop's clock (the one sleeps use); lower bounds are
what the code guarantees, upper bounds leave ``SLACK`` for a slow or busy machine.
"""

from __future__ import annotations

import asyncio
import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from openapi import ConnectionError, Err, Ok, RequestTimeoutError, SDKDefaultError
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.events import TICK
from tests.support import (
    ScriptedServer,
    delay,
    drop_connection,
    json_response,
    operation,
    raw_response,
)

SLACK = 5.0
"""Generous room above a bound the code keeps, for a slow or busy machine."""


def clock() -> float:
    return asyncio.get_running_loop().time()


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
    server.then(delay(30, json_response(operation())), json_response(operation()))
    options = RequestOptions(retries=fast(max_elapsed=20).retries, timeout=0.2)
    started = clock()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 2
    assert clock() - started < 0.2 + SLACK  # the first attempt was cut, not waited out


async def test_timeouts_every_attempt_end_in_timeout_error(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(delay(30, json_response(operation())))
    # Room for a second attempt after the first one's 0.1 s, even on a busy machine.
    options = RequestOptions(retries=fast(max_elapsed=1.0).retries, timeout=0.1)
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
    started = clock()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(max_elapsed=20))
    elapsed = clock() - started
    assert isinstance(res, Ok)
    assert 1.0 - TICK <= elapsed < 1.0 + SLACK  # the computed delay alone would be ~0.01 s


async def test_retry_after_http_date_is_honoured(server: ScriptedServer, core: SDKCore) -> None:
    # HTTP-dates have one-second resolution: the date is 2 to 3 s away when sent. Even if
    # a busy machine takes most of a second to read it, the wait stays well above the
    # ~0.01 s the computed delay alone would give.
    when = datetime.now(UTC) + timedelta(seconds=3)
    server.then(
        json_response({}, 503, **{"Retry-After": email.utils.format_datetime(when, usegmt=True)}),
        json_response(operation()),
    )
    started = clock()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(max_elapsed=20))
    elapsed = clock() - started
    assert isinstance(res, Ok)
    assert 1.0 <= elapsed < 3.0 + SLACK


async def test_retry_after_beyond_budget_returns_at_once(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(json_response({}, 503, **{"Retry-After": "300"}), json_response(operation()))
    started = clock()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(max_elapsed=20))
    assert clock() - started < SLACK  # neither the 300 s asked for nor the 20 s budget
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 503
    assert len(server.requests) == 1


async def test_budget_exhaustion_returns_last_error(server: ScriptedServer, core: SDKCore) -> None:
    server.then(raw_response(b"still down", status=503, content_type="text/plain"))
    started = clock()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, fast(max_elapsed=0.5))
    elapsed = clock() - started
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    # It keeps retrying until less than one backoff interval (at most 0.05 s) is left.
    assert 0.4 <= elapsed < 0.5 + SLACK
    attempts = res.error.http_meta.attempts
    assert attempts == len(server.requests) > 1
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
