"""The rate-limit gate of a core (issue 18, point 2): a 429 or 503 with ``Retry-After`` on
one call holds back new attempts to that server for that long, within each call's own
deadline. Times are lower bounds the code guarantees (a busy machine only adds to them)
and upper bounds with wide slack."""

from __future__ import annotations

import asyncio

import pytest

from openapi import Err, Ok, RateLimitError, SDKDefaultError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy
from tests.events import until
from tests.fleet.conftest import API_KEY, quick

SLACK = 10.0
"""Room above a bound for a slow, busy machine; far below the holds the tests refuse."""

ONCE = RequestOptions(retries=quick(max_retries=0))
"""The call that meets the rate limit returns it at once: the gate is what is tested."""


def clock() -> float:
    return asyncio.get_running_loop().time()


@pytest.mark.parametrize("status", [429, 503])
async def test_a_hint_on_one_call_holds_back_the_next_calls_to_that_server(
    mock: MockServer, core: SDKCore, status: int
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=status, retry_after=1, times=1)
    first = await operations_get_operation(core, {"operation_id": "op_1"}, ONCE)
    assert isinstance(first, Err)
    assert isinstance(first.error, SDKDefaultError)
    told = clock()
    second, third = await asyncio.gather(
        operations_get_operation(core, {"operation_id": "op_1"}),
        operations_get_operation(core, {"operation_id": "op_1"}),
    )
    assert isinstance(second, Ok)
    assert isinstance(third, Ok)
    assert clock() - told >= 1.0 - 0.05  # neither was sent before the server's time
    entries = mock.find_requests("GET")
    assert len(entries) == 3  # nothing was sent to find the limit again
    assert entries[1].received_at - entries[0].received_at >= 1.0 - 0.05
    assert entries[2].received_at - entries[0].received_at >= 1.0 - 0.05


async def test_a_call_whose_budget_ends_first_returns_at_once_unsent(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=429, retry_after=40, times=1)
    await operations_get_operation(core, {"operation_id": "op_1"}, ONCE)
    started = clock()
    res = await operations_get_operation(core, {"operation_id": "op_1"})  # a 20 s budget
    assert clock() - started < SLACK
    assert isinstance(res, Err)
    assert isinstance(res.error, RateLimitError)  # the class of the status that held it
    assert res.error.status_code == 429
    assert res.error.retry_after == 40
    message = str(res.error)
    assert "not sent" in message
    assert "hold requests" in message
    assert "Retry-After" in message
    assert mock.count("GET") == 1


async def test_a_retry_held_past_its_budget_returns_the_calls_own_error(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=500, times=1, body={"code": "boom", "message": "it broke"})
    mock.inject(status=429, retry_after=40, times=1)
    # Its first retry waits 0.5 s at least: time for another call to meet the 429.
    slow = BackoffStrategy(initial_interval=1.0, max_elapsed_time=5.0)
    retried = asyncio.create_task(
        operations_get_operation(
            core, {"operation_id": "op_1"}, RequestOptions(retries=quick(backoff=slow))
        )
    )
    await until(lambda: bool(mock.requests) and mock.requests[0].status == 500, "the 500")
    await operations_get_operation(core, {"operation_id": "op_1"}, ONCE)  # closes the gate
    started = clock()
    res = await retried
    assert clock() - started < SLACK
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 500
    assert res.error.code == "boom"
    assert "not sent" in str(res.error)
    assert "hold requests" in str(res.error)
    assert mock.count("GET") == 2


async def test_the_hold_is_per_server_origin(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("op_1")
    mock.inject(status=429, retry_after=40, times=1)
    await operations_get_operation(core, {"operation_id": "op_1"}, ONCE)
    async with MockServer(api_key=API_KEY, poll_hint=None) as other:
        other.create_operation("op_1")
        started = clock()
        res = await operations_get_operation(
            core, {"operation_id": "op_1"}, RequestOptions(server_url=other.url)
        )
        assert isinstance(res, Ok)
        assert clock() - started < SLACK


async def test_a_policy_without_the_gate_neither_waits_nor_holds(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=429, retry_after=40, times=1)
    ungated = RequestOptions(retries=quick(rate_limit_gate=False, max_retries=0))
    await operations_get_operation(core, {"operation_id": "op_1"}, ungated)
    started = clock()
    assert isinstance(await operations_get_operation(core, {"operation_id": "op_1"}), Ok)
    mock.inject(status=429, retry_after=40, times=1)
    await operations_get_operation(core, {"operation_id": "op_1"}, ONCE)  # gated: holds
    res = await operations_get_operation(core, {"operation_id": "op_1"}, ungated)
    assert isinstance(res, Ok)
    assert clock() - started < SLACK


async def test_a_hint_on_another_status_does_not_close_the_gate(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=500, retry_after=40, times=1)
    await operations_get_operation(core, {"operation_id": "op_1"}, ONCE)
    started = clock()
    assert isinstance(await operations_get_operation(core, {"operation_id": "op_1"}), Ok)
    assert clock() - started < SLACK
