"""Per-attempt deadlines: one timer serves every call, yet each call ends on its own time."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from openapi import Err, Ok, RequestTimeoutError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig
from tests.conftest import API_KEY
from tests.support import ScriptedServer, delay, json_response, operation

ONE_ATTEMPT = RetryConfig.none()


async def timed_get(core: SDKCore, options: RequestOptions | None = None) -> tuple[object, float]:
    began = time.monotonic()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    return res, time.monotonic() - began


async def test_a_shorter_deadline_started_later_still_ends_first(server: ScriptedServer) -> None:
    # The timer is armed for the first call's deadline (5 s away); the second call's is
    # 0.2 s away, so the timer must move earlier for it.
    server.then(delay(1, json_response(operation())))
    async with SDKCore(
        api_key=API_KEY, server_url=server.url, timeout=5, retry_config=ONE_ATTEMPT
    ) as core:
        slow = asyncio.create_task(timed_get(core))
        await server.received(1)
        short, short_elapsed = await timed_get(core, RequestOptions(timeout=0.2))
        long, long_elapsed = await slow
    assert isinstance(short, Err)
    assert isinstance(short.error, RequestTimeoutError)
    assert 0.2 <= short_elapsed < 0.8, short_elapsed
    assert isinstance(long, Ok), "the longer deadline must not fire with the shorter one"
    assert 1 <= long_elapsed < 4


async def test_a_deadline_after_calls_that_ended_in_time_still_fires_on_time(
    server: ScriptedServer,
) -> None:
    # The first calls end at once, leaving the timer armed for their (now moot) deadlines;
    # when it fires it must find the slow call and re-arm for that call's own deadline.
    server.then(
        json_response(operation()),
        json_response(operation()),
        delay(3, json_response(operation())),
    )
    async with SDKCore(
        api_key=API_KEY, server_url=server.url, timeout=0.4, retry_config=ONE_ATTEMPT
    ) as core:
        for _ in range(2):
            assert isinstance((await timed_get(core))[0], Ok)
        await asyncio.sleep(0.2)  # the slow call's deadline falls after the first ones'
        res, elapsed = await timed_get(core)
    assert isinstance(res, Err)
    assert isinstance(res.error, RequestTimeoutError)
    assert 0.4 <= elapsed < 1.0, elapsed


async def test_many_concurrent_deadlines_each_fire(server: ScriptedServer) -> None:
    server.then(delay(3, json_response(operation())))
    async with SDKCore(
        api_key=API_KEY, server_url=server.url, timeout=0.3, retry_config=ONE_ATTEMPT
    ) as core:
        results = await asyncio.gather(*(timed_get(core) for _ in range(50)))
    for res, elapsed in results:
        assert isinstance(res, Err)
        assert isinstance(res.error, RequestTimeoutError)
        assert elapsed < 1.5, elapsed


async def test_a_call_in_flight_keeps_its_deadline_when_the_core_closes(
    server: ScriptedServer,
) -> None:
    server.then(delay(3, json_response(operation())))
    async with aiohttp.ClientSession() as session:
        core = SDKCore(
            api_key=API_KEY,
            server_url=server.url,
            timeout=0.3,
            retry_config=ONE_ATTEMPT,
            session=session,
        )
        call = asyncio.create_task(timed_get(core))
        await server.received(1)
        await core.aclose()  # the caller's session stays open, and so does this call
        res, elapsed = await call
    assert isinstance(res, Err)
    assert isinstance(res.error, RequestTimeoutError)
    assert elapsed < 1.5, elapsed
