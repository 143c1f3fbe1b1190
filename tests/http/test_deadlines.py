"""Per-attempt deadlines: one timer serves every call, yet each call ends on its own time.

The server holds its answers far longer (30 s) than any deadline, so a deadline that does not
fire shows up as a call that ends late with ``Ok``; the upper bounds on elapsed time leave
``SLACK`` for a slow or busy machine, and times are read on the loop's clock, the timer's.
"""

from __future__ import annotations

import asyncio

import aiohttp

from openapi import Err, Ok, RequestTimeoutError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig
from tests.conftest import API_KEY
from tests.events import TICK
from tests.support import ScriptedServer, delay, json_response, operation

ONE_ATTEMPT = RetryConfig.none()
HELD = 30.0
"""How long the server holds an answer that a deadline must cut short."""
SLACK = 5.0


async def timed_get(core: SDKCore, options: RequestOptions | None = None) -> tuple[object, float]:
    loop = asyncio.get_running_loop()
    began = loop.time()
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    return res, loop.time() - began


async def test_a_shorter_deadline_started_later_still_ends_first(server: ScriptedServer) -> None:
    # The timer is armed for the first call's deadline (10 s away); the second call's is
    # 0.2 s away, so the timer must move earlier for it (else it ends at 10 s).
    server.then(delay(1, json_response(operation())), delay(HELD, json_response(operation())))
    async with SDKCore(
        api_key=API_KEY, server_url=server.url, timeout=10, retry_config=ONE_ATTEMPT
    ) as core:
        slow = asyncio.create_task(timed_get(core))
        await server.received(1)
        short, short_elapsed = await timed_get(core, RequestOptions(timeout=0.2))
        long, long_elapsed = await slow
    assert isinstance(short, Err)
    assert isinstance(short.error, RequestTimeoutError)
    assert 0.2 - TICK <= short_elapsed < SLACK, short_elapsed
    assert isinstance(long, Ok), "the longer deadline must not fire with the shorter one"
    assert 1 - TICK <= long_elapsed < 10


async def test_a_deadline_after_calls_that_ended_in_time_still_fires_on_time(
    server: ScriptedServer,
) -> None:
    # The first calls end at once, leaving the timer armed for their (now moot) deadlines;
    # when it fires it must find the slow call and re-arm for that call's own deadline.
    server.then(
        json_response(operation()),
        json_response(operation()),
        delay(HELD, json_response(operation())),
    )
    async with SDKCore(
        api_key=API_KEY, server_url=server.url, timeout=1.0, retry_config=ONE_ATTEMPT
    ) as core:
        for _ in range(2):
            assert isinstance((await timed_get(core))[0], Ok)
        await asyncio.sleep(0.1)  # the slow call's deadline falls after the first ones'
        res, elapsed = await timed_get(core)
    assert isinstance(res, Err)
    assert isinstance(res.error, RequestTimeoutError)
    assert 1.0 - TICK <= elapsed < 1.0 + SLACK, elapsed


async def test_many_concurrent_deadlines_each_fire(server: ScriptedServer) -> None:
    server.then(delay(HELD, json_response(operation())))
    async with SDKCore(
        api_key=API_KEY, server_url=server.url, timeout=0.3, retry_config=ONE_ATTEMPT
    ) as core:
        results = await asyncio.gather(*(timed_get(core) for _ in range(50)))
    for res, elapsed in results:
        assert isinstance(res, Err)
        assert isinstance(res.error, RequestTimeoutError)
        assert elapsed < 0.3 + SLACK, elapsed


async def test_a_call_in_flight_keeps_its_deadline_when_the_core_closes(
    server: ScriptedServer,
) -> None:
    server.then(delay(HELD, json_response(operation())))
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
    assert elapsed < 0.3 + SLACK, elapsed
