"""Cancelling calls at random points never leaks and never turns into an ``Err``.

Tasks are cancelled at seeded random moments while they wait for a pool connection, for
the key provider, for a slow server, for a dropped connection, or in a ``Retry-After``
sleep between attempts. ``CancelledError`` must reach the caller every time, the pool must
end with nothing checked out, and the same core must serve the next call.
"""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from aiohttp import web

from openapi import SDK, Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import SDKBaseError
from openapi.models.operations import GetOperationResponse
from openapi.testing import MockServer
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.events import retry_sleep_started
from tests.pool_support import acquired
from tests.secret_support import SECRET_KEY
from tests.support import ScriptedServer, delay, json_response, operation

RETRY = RetryConfig(backoff=BackoffStrategy(0.01, 0.05, 2, 10))
TASKS = 60


async def settle() -> None:
    """Let close callbacks and released connections run."""
    for _ in range(5):
        await asyncio.sleep(0)


def install_faults(server: MockServer) -> None:
    server.inject("delay", delay=0.08, probability=0.2)
    server.inject(status=503, retry_after=1, probability=0.2)
    server.inject("drop", probability=0.1)
    server.inject(status=500, probability=0.1)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_cancellation_propagates_and_leaks_nothing(seed: int) -> None:
    rng = random.Random(seed)

    async def key() -> str:  # an async key provider: one more place to be cancelled in
        await asyncio.sleep(rng.choice((0, 0, 0.002)))
        return SECRET_KEY

    async with MockServer(api_key=SECRET_KEY, seed=seed) as server:
        op = server.create_operation("op-1", duration=None)
        install_faults(server)
        # A small pool, so that some tasks are cancelled while queued for a connection.
        async with SDKCore(
            api_key=key,
            server_url=server.url,
            retry_config=RETRY,
            timeout=0.05,
            connection_limit=8,
        ) as core:
            sdk = SDK(core=core)
            calls = [
                lambda: operations_get_operation(core, {"operation_id": op.id}),
                lambda: operations_cancel_operation(core, {"operation_id": op.id}),
                lambda: sdk.operations.get_operation(operation_id=op.id),
            ]
            outcomes: list[object] = []

            async def worker(picks: list[int]) -> None:
                # Several calls in a row, so a cancel can land anywhere in any of them.
                for pick in picks:
                    try:
                        outcomes.append(await calls[pick]())
                    except SDKBaseError as exc:  # the facade raises what the function returns
                        outcomes.append(exc)

            tasks = [
                asyncio.create_task(worker([rng.randrange(len(calls)) for _ in range(4)]))
                for _ in range(TASKS)
            ]
            cancelled: set[asyncio.Task[None]] = set()

            async def cancel_later(task: asyncio.Task[None], after: float) -> None:
                await asyncio.sleep(after)
                if task.cancel():
                    cancelled.add(task)

            await asyncio.gather(*(cancel_later(t, rng.uniform(0, 0.25)) for t in tasks))
            await asyncio.wait(tasks, timeout=10)
            assert all(task.done() for task in tasks)
            assert len(cancelled) >= TASKS // 2, "the run should cancel most calls mid-flight"
            for task in tasks:
                if task in cancelled:
                    # cancel() returned True: the call was still running, so it must end
                    # cancelled, never with a value or an Err made out of the cancellation.
                    assert task.cancelled(), f"cancellation was swallowed: {task!r}"
                    with pytest.raises(asyncio.CancelledError):
                        task.result()
                else:
                    assert task.exception() is None, repr(task.exception())
            finished = (Ok, Err, SDKBaseError, GetOperationResponse)
            assert all(isinstance(o, finished) for o in outcomes)
            await settle()
            assert acquired(core) == 0, "a cancelled call left a connection checked out"

            # The same core is still usable.
            server.clear_faults()
            follow_up = await operations_get_operation(core, {"operation_id": op.id})
            assert isinstance(follow_up, Ok), follow_up
            assert isinstance(await operations_cancel_operation(core, {"operation_id": op.id}), Ok)
            assert acquired(core) == 0
    await settle()
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_cancel_in_retry_after_sleep_does_not_send_again() -> None:
    async with MockServer(api_key=SECRET_KEY) as server:
        op = server.create_operation("op-2", duration=None)
        server.inject(status=503, retry_after=5, times=1)
        async with SDKCore(api_key=SECRET_KEY, server_url=server.url, retry_config=RETRY) as core:
            with retry_sleep_started() as sleeping:
                task = asyncio.create_task(operations_get_operation(core, {"operation_id": op.id}))
                await sleeping.wait()  # the 503 came back: now in the 5 s Retry-After sleep
            assert [entry.status for entry in server.requests] == [503]
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await settle()
            assert acquired(core) == 0
            assert server.count() == 1
            assert isinstance(await operations_get_operation(core, {"operation_id": op.id}), Ok)


async def test_cancel_while_reading_a_slow_body_releases_the_connection() -> None:
    # The server sends headers, then trickles the body: the call is cancelled mid-read.
    started = asyncio.Event()

    async def trickle(request: web.Request) -> web.StreamResponse:
        if request.headers.get("X-Phase") == "after":
            return web.json_response(operation())
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = 1000
        await response.prepare(request)
        await response.write(b'{"id": ')
        started.set()
        await asyncio.sleep(5)
        return response

    async with (
        ScriptedServer() as scripted,
        SDKCore(
            api_key=SECRET_KEY, server_url=scripted.url, retry_config=RETRY, timeout=10
        ) as core,
    ):
        scripted.then(trickle)
        task = asyncio.create_task(operations_get_operation(core, {"operation_id": "op"}))
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await settle()
        assert acquired(core) == 0
        after = RequestOptions(headers={"X-Phase": "after"})
        res = await operations_get_operation(core, {"operation_id": "op"}, after)
        assert isinstance(res, Ok), res


async def test_cancel_racing_the_attempt_timeout_is_not_lost(server: ScriptedServer) -> None:
    # A caller's cancel() that lands on the same loop tick as the per-attempt deadline must
    # still cancel the call, not come back as a RequestTimeoutError. aiohttp's own total
    # timeout loses such a cancel (it uncancels the task twice), hence asyncio.timeout.
    server.then(delay(30, json_response(operation())))
    # The deadline must not fire before the cancel is scheduled: 0.5 s leaves room for a
    # busy machine between the request's arrival and the call_later below.
    timeout = 0.5
    async with SDKCore(
        api_key=SECRET_KEY, server_url=server.url, timeout=timeout, retry_config=RETRY
    ) as core:
        task = asyncio.create_task(operations_get_operation(core, {"operation_id": "op"}))
        await server.received(1)
        await asyncio.sleep(0.01)  # the call now waits for the response, its deadline armed
        # The cancel is due just after the deadline (armed earlier); holding the loop past
        # both makes the deadline fire and then the cancel land in the same loop iteration.
        asyncio.get_running_loop().call_later(timeout, task.cancel)
        time.sleep(timeout * 1.5)  # noqa: ASYNC251 - blocking the loop is the point
        with pytest.raises(asyncio.CancelledError):
            await task
        assert len(server.requests) == 1, "a lost cancel shows up as a retry"
        await settle()
        assert acquired(core) == 0
