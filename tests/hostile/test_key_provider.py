"""The key callable is called once per attempt, inside that attempt's deadline.

So a slow provider ends like a slow server (``RequestTimeoutError`` at the deadline), a stuck
one cannot hang the call, and a key rotated between two attempts reaches the retry.
"""

from __future__ import annotations

import asyncio
import time

from openapi import Err, Ok, RequestTimeoutError, UnexpectedClientError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing.scripted import ScriptedServer, json_response
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.support import operation

SLACK = 1.5


def retries(budget: float) -> RetryConfig:
    return RetryConfig(
        backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.05, max_elapsed_time=budget)
    )


async def test_a_slow_provider_times_out_like_a_slow_server(server: ScriptedServer) -> None:
    server.then(json_response(operation()))

    async def slow() -> str:
        await asyncio.sleep(5)
        return "k"

    options = RequestOptions(retries=RetryConfig.none(), timeout=0.5)
    async with SDKCore(api_key=slow, server_url=server.url) as core:
        started = time.monotonic()
        res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
        elapsed = time.monotonic() - started
    assert elapsed < 0.5 + SLACK  # before: Ok after the provider's 5 s
    assert isinstance(res, Err)
    assert isinstance(res.error, RequestTimeoutError)
    assert "api_key callable" in str(res.error)
    assert "fix the key provider" in str(res.error)
    assert server.requests == []


async def test_a_stuck_provider_is_bounded_by_the_budget(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    calls = 0

    async def stuck() -> str:
        nonlocal calls
        calls += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    options = RequestOptions(retries=retries(1.0), timeout=0.3)
    async with SDKCore(api_key=stuck, server_url=server.url) as core:
        started = time.monotonic()
        # wait_for only so that the old code fails instead of hanging the suite.
        res = await asyncio.wait_for(
            operations_get_operation(core, {"operation_id": "op_1"}, options), 10
        )
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 + SLACK
    assert isinstance(res, Err)
    assert isinstance(res.error, RequestTimeoutError)
    assert "retry budget (max_elapsed_time=1 s) was spent" in str(res.error)
    assert calls >= 3  # 0.3 s each, retried within the 1 s budget: once per attempt
    assert server.requests == []


async def test_each_attempt_calls_the_provider_so_a_rotated_key_reaches_the_retry(
    server: ScriptedServer,
) -> None:
    server.then(json_response({}, 401), json_response({}, 503), json_response(operation()))
    keys = iter(["old", "rotated", "fresh"])
    options = RequestOptions(
        retries=RetryConfig(backoff=retries(5).backoff, status_codes={401, 503})
    )
    async with SDKCore(api_key=lambda: next(keys), server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 3
    # Before: the key was read once per call, and every attempt sent "old".
    assert [r.headers["Authorization"] for r in server.requests] == [
        "Bearer old",
        "Bearer rotated",
        "Bearer fresh",
    ]


async def test_an_async_provider_is_awaited_per_attempt(server: ScriptedServer) -> None:
    server.then(json_response({}, 503), json_response({}, 503), json_response(operation()))
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        return f"key-{calls}"

    async with SDKCore(api_key=provider, server_url=server.url, retry_config=retries(5)) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    assert calls == 3
    assert server.requests[-1].headers["Authorization"] == "Bearer key-3"


async def test_a_provider_failing_on_a_retry_ends_the_call_with_its_error(
    server: ScriptedServer,
) -> None:
    server.then(json_response({}, 503), json_response(operation()))
    calls = 0

    def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise RuntimeError("secret store unreachable")
        return "k"

    async with SDKCore(api_key=flaky, server_url=server.url, retry_config=retries(5)) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, UnexpectedClientError)
    assert "api_key callable raised RuntimeError" in str(res.error)
    assert len(server.requests) == 1
