"""Adaptive concurrency (issue 18, point 3): the polls of a core's waits share a window of
requests in flight that halves on each 429/503 (or no answer) and grows back on success,
never above a ``wait_many``'s own ``concurrency``; down to one poll, each further failure
doubles a pause before the next, until a success.

The server here holds each poll until the test lets it go, so every count is read while
nothing can change it: no step depends on the machine's speed (a pause is only checked
from below: a slow machine makes it longer, never shorter).
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from openapi import Ok, PollPolicy
from openapi._http.concurrency import FIRST_PAUSE, AdaptiveWindow
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.funcs.operations_wait import operations_wait_many
from openapi.utils.options import RequestOptions
from tests.events import PATIENCE, drain_loop, until
from tests.fleet.conftest import API_KEY, quick
from tests.support import operation


class HoldingServer:
    """Answers polls with ``answer`` once ``release`` is set; counts polls in flight."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.answer = 200
        self.in_flight = 0
        self.peak = 0
        self.arrived = 0
        self.arrivals: list[float] = []
        app = web.Application()
        app.router.add_get("/operations/{operation_id}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self._server.make_url("")).rstrip("/")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.arrived += 1
        self.arrivals.append(time.monotonic())
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        if self.answer != 200:
            return web.json_response({"code": "busy", "message": "busy"}, status=self.answer)
        body: dict[str, Any] = operation(id=request.match_info["operation_id"])
        return web.json_response({**body, "status": "succeeded"})

    def hold(self, answer: int = 200) -> None:
        self.answer = answer
        self.release.clear()

    async def __aenter__(self) -> HoldingServer:
        await self._server.start_server()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.release.set()
        await self._server.close()


@pytest.fixture
async def server() -> AsyncIterator[HoldingServer]:
    async with HoldingServer() as holding:
        yield holding


@pytest.fixture
async def core(server: HoldingServer) -> AsyncIterator[SDKCore]:
    config = quick(max_retries=0)  # a 503 ends the poll: its wait's result says so
    async with SDKCore(api_key=API_KEY, server_url=server.url, retry_config=config) as c:
        yield c


async def overload(server: HoldingServer, core: SDKCore, polls: int) -> None:
    """``polls`` polls in flight at once, all answered 503."""
    server.hold(503)
    many = operations_wait_many(core, [f"storm_{n}" for n in range(polls)], concurrency=polls)
    async with many as results:
        first = asyncio.ensure_future(anext(results))
        await until(lambda: server.in_flight == polls, f"{polls} polls in flight")
        server.release.set()
        await first
        async for _ in results:
            pass


async def test_polls_in_flight_halve_on_overload_and_never_exceed_the_callers_limit(
    server: HoldingServer, core: SDKCore
) -> None:
    window = core.fleet.polls
    await overload(server, core, 8)
    assert window.limit == 1.0  # 8 halvings of 8, never below one
    assert server.peak == 8
    server.hold()
    ids = [f"op_{n}" for n in range(8)]
    async with operations_wait_many(core, ids, concurrency=8) as results:
        first = asyncio.ensure_future(anext(results))
        await until(lambda: server.in_flight == 1 and window.waiting == 7, "1 sent, 7 held")
        assert server.arrived == 9  # the 8 of the storm, and one
        server.release.set()
        done = [await first] + [item async for item in results]
    assert sorted(operation_id for operation_id, _ in done) == ids
    assert all(isinstance(res, Ok) for _, res in done)
    assert server.peak == 8


async def test_the_window_grows_back_on_success_and_then_opens(
    server: HoldingServer, core: SDKCore
) -> None:
    window = core.fleet.polls
    await overload(server, core, 4)
    assert window.limit == 1.0
    server.release.set()
    server.hold()
    server.release.set()
    seen = [window.limit]
    for _ in range(20):  # 1 + 1 + 1/2 + 1/2.5 + ... passes 4 in seven successes
        res = await operations_get_operation(core, {"operation_id": "op_1"})
        assert isinstance(res, Ok)
        seen.append(window.limit)
    assert window.limit is None
    # Additive: about one more slot per window's worth of successes, up to the first size.
    assert len(seen) > 4
    grown = [limit for limit in seen if limit is not None]
    assert grown == sorted(grown)
    assert 3.0 <= grown[-1] < 4.0


async def test_polls_of_a_policy_without_the_window_are_not_held(
    server: HoldingServer, core: SDKCore
) -> None:
    await overload(server, core, 8)
    server.hold()
    options = RequestOptions(retries=quick(adaptive_concurrency=False))
    ids = [f"op_{n}" for n in range(8)]
    async with operations_wait_many(core, ids, concurrency=8, options=options) as results:
        first = asyncio.ensure_future(anext(results))
        await until(lambda: server.in_flight == 8, "all 8 sent")
        server.release.set()
        done = [await first] + [item async for item in results]
    assert len(done) == 8


async def test_down_to_one_poll_each_failure_doubles_the_pause_before_the_next(
    server: HoldingServer, core: SDKCore
) -> None:
    server.hold(503)
    server.release.set()  # every poll answered 503 at once: an outage
    ids = [f"down_{n}" for n in range(6)]
    quick_first = PollPolicy(initial_interval=0.001, min_interval=0.001)  # no first-poll spread
    async with operations_wait_many(core, ids, concurrency=1, poll_interval=quick_first) as results:
        failed = [res async for _, res in results]
    assert len(failed) == 6
    assert not any(res.ok for res in failed)
    gaps = [b - a for a, b in itertools.pairwise(server.arrivals)]
    # The first 503 closes the window at one and, the poll being alone, starts the pause;
    # each later one doubles it (jittered down to half at most): 0.1, 0.2, 0.4, 0.8, 1.6 s.
    # Without it the 6 polls go out within milliseconds of each other.
    for n, gap in enumerate(gaps):
        assert gap >= FIRST_PAUSE * 2**n / 2 - 0.005, (n, gaps)


async def test_a_success_ends_the_pause_and_the_next_one_starts_short_again(
    server: HoldingServer, core: SDKCore
) -> None:
    window = core.fleet.polls

    async def outcomes(*ids: str) -> list[bool]:
        server.release.set()  # answered at once
        async with operations_wait_many(core, ids, concurrency=1) as results:
            return [res.ok async for _, res in results]

    await overload(server, core, 4)  # the window closes at 1, first size 4
    server.hold(503)
    assert await outcomes("down_1", "down_2", "down_3") == [False] * 3
    assert window.pause >= 4 * FIRST_PAUSE  # doubled at each lone failure
    server.hold()
    assert await outcomes("up_1") == [True]  # sent once its pause is over
    assert window.pause == 0.0
    assert window.paused == 0.0
    assert window.limit == 2.0  # grown back by one, not open yet
    server.hold(503)
    assert await outcomes("down_4", "down_5") == [False] * 2  # 2 -> 1, then the pause
    assert window.pause <= 2 * FIRST_PAUSE  # started short again (not 1.6 s or more)


async def test_a_success_wakes_the_polls_sleeping_in_the_pause(
    server: HoldingServer, core: SDKCore
) -> None:
    window = core.fleet.polls
    server.hold(503)
    server.release.set()
    downs = [f"down_{n}" for n in range(5)]  # pauses 0.1, 0.2, 0.4, 0.8 s, then 1.6 s
    quick_first = PollPolicy(initial_interval=0.001, min_interval=0.001)
    async with operations_wait_many(core, downs, concurrency=1, poll_interval=quick_first) as res:
        assert [item async for item in res]
    assert window.pause >= 16 * FIRST_PAUSE  # the next poll sleeps at least 0.8 s
    server.hold()
    server.release.set()
    async with operations_wait_many(core, ["up_1"]) as results:
        pending = asyncio.ensure_future(anext(results))
        await until(lambda: window.waiting == 1, "the poll asleep in the pause")
        # Another call of the core (not a poll) succeeds: the server is back.
        assert isinstance(await operations_get_operation(core, {"operation_id": "up_2"}), Ok)
        await drain_loop()  # a few turns of the loop, far less than the pause
        assert window.waiting == 0
        _, res = await pending
    assert res.ok


async def test_a_poll_cancelled_in_the_pause_passes_its_wake_up_on() -> None:
    window = AdaptiveWindow()
    now = asyncio.Event()
    now.set()

    async def poll(fail: bool, go: asyncio.Event) -> None:
        async with window:
            await go.wait()
            if fail:  # what the pipeline and the poller report
                window.overloaded()
                window.poll_failed()
            else:
                window.succeeded()

    await poll(True, now)  # a lone poll failed: the window is at one, pausing
    answer = asyncio.Event()
    lone = asyncio.create_task(poll(True, answer))  # in flight once the pause is over
    await until(lambda: window.in_flight == 1, "the lone poll in flight")
    first, second = asyncio.create_task(poll(False, now)), asyncio.create_task(poll(False, now))
    await until(lambda: window.waiting == 2, "two polls queued for the slot")
    answer.set()
    await lone  # fails again: its slot goes to `first`, which finds the pause and sleeps
    await drain_loop()
    first.cancel()  # its wait's deadline, say, while it sleeps
    await asyncio.gather(first, return_exceptions=True)
    # The wake-up `first` was handed is passed on: `second` goes once the pause is over.
    await asyncio.wait_for(second, timeout=PATIENCE)
    assert window.in_flight == 0


async def test_no_answer_at_all_closes_the_window_too() -> None:
    with socket.socket() as probe:  # a port nothing listens on: every connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = quick(max_retries=0, retry_connection_errors=False)
    async with SDKCore(
        api_key=API_KEY, server_url=f"http://127.0.0.1:{port}", retry_config=config
    ) as core:
        async with operations_wait_many(core, ["gone_1", "gone_2"], concurrency=2) as results:
            assert len([item async for item in results]) == 2
        assert core.fleet.polls.limit == 1.0
