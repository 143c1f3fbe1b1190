"""The retry budget is a deadline: ``max_elapsed_time`` bounds the whole call, wall clock.

No attempt starts after it and each attempt's timeout is cut to what is left of it, whatever
the server does (never answers, drips a byte a second, resets late). When the budget runs out
during a cut-short attempt, the error an earlier attempt got is returned, saying so.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from openapi import ConnectionError, Err, RequestTimeoutError, SDKDefaultError
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.hostile._raw import (
    RawRequest,
    RawServer,
    Script,
    drip_body,
    drip_head,
    first_then,
    never,
    reset_after,
    respond,
    send,
)

UNAVAILABLE = respond(
    b"down", status="503 Service Unavailable", headers={"Content-Type": "text/plain"}
)

SLACK = 1.5
"""Scheduling slack allowed past the budget: generous, the machine may be busy."""


def budget(seconds: float, *, timeout: float, initial: float = 0.05) -> RequestOptions:
    strategy = BackoffStrategy(
        initial_interval=initial, max_interval=2 * initial, max_elapsed_time=seconds
    )
    return RequestOptions(retries=RetryConfig(backoff=strategy), timeout=timeout)


async def timed_get(
    server: RawServer, options: RequestOptions, *, cancel: bool = False
) -> tuple[Err[object], float]:
    call = operations_cancel_operation if cancel else operations_get_operation
    async with SDKCore(api_key="k", server_url=server.url) as core:
        started = time.monotonic()
        res = await call(core, {"operation_id": "op_1"}, options)
        elapsed = time.monotonic() - started
    assert isinstance(res, Err), res
    return res, elapsed


@pytest.mark.parametrize(
    ("script", "timeout", "error"),
    [
        (never, 2.0, RequestTimeoutError),
        (drip_body, 2.0, RequestTimeoutError),
        (drip_head, 2.0, RequestTimeoutError),
        # aiohttp re-sends a GET once on a reset, so a cancel (POST) shows the SDK's own retry.
        (reset_after(2.0), 5.0, ConnectionError),
    ],
    ids=["never-answers", "drips-the-body", "drips-the-head", "resets-late"],
)
async def test_the_call_ends_within_the_budget(
    script: Script, timeout: float, error: type[Exception]
) -> None:
    # The second attempt starts at about 2.05 s, with 0.45 s of the 2.5 s budget left: cut to
    # that, the call ends at 2.5 s; left its 2 s (or the server's 2 s before the reset), it
    # would end past 4 s. Before, a third attempt also started past the budget: 6 s in all.
    async with RawServer(script) as server:
        options = budget(2.5, timeout=timeout)
        res, elapsed = await timed_get(server, options, cancel=error is ConnectionError)
    assert elapsed < 2.5 + 1.0
    assert isinstance(res.error, error)
    assert "retry budget (max_elapsed_time=2.5 s) was spent" in str(res.error)
    assert len(server.arrivals) == 2


async def test_a_cut_short_attempt_returns_the_earlier_error() -> None:
    async with RawServer(first_then(send(UNAVAILABLE, close=False), never)) as server:
        res, elapsed = await timed_get(server, budget(1.0, timeout=5))
    assert elapsed < 1.0 + SLACK  # before: the second attempt ran its full 5 s
    assert isinstance(res.error, SDKDefaultError)  # the 503 says more than "no time left"
    assert res.error.status_code == 503
    assert "HTTP 503" in str(res.error)
    assert "retry budget (max_elapsed_time=1 s) was spent: attempt 2 got no response" in str(
        res.error
    )
    assert res.error.args == (res.error.message,)


async def test_the_first_attempt_is_cut_to_the_budget() -> None:
    async with RawServer(never) as server:
        res, elapsed = await timed_get(server, budget(1.0, timeout=10))
    assert elapsed < 1.0 + SLACK  # before: 10 s, the attempt's own timeout
    assert isinstance(res.error, RequestTimeoutError)
    assert "got no response before the retry budget" in str(res.error)
    assert "max_elapsed_time" in str(res.error)
    assert len(server.arrivals) == 1


async def test_no_attempt_starts_after_the_budget() -> None:
    async def slow_503(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.3)
        writer.write(UNAVAILABLE)

    # Before: backoff checks max_time only after an attempt, and clamps the last sleep to
    # the deadline, so one more attempt always started past it (here >= 0.3 s past).
    async with RawServer(slow_503) as server:
        started = time.monotonic()
        res, elapsed = await timed_get(server, budget(1.0, timeout=5, initial=0.1))
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 503
    assert elapsed < 1.0 + SLACK
    # An attempt that started just inside the budget may arrive a little later on a busy
    # machine; the old loop's extra attempt started 0.3 s or more past it.
    late = [round(at - started - 1.0, 3) for at in server.arrivals if at - started > 1.0 + 0.25]
    assert late == []
