"""``wait_many`` at scale: one heap of due polls and ``concurrency`` workers, not a task per
operation; the first polls spread out; each operation's deadline still cuts its poll short.

Against the real mock server; the figures at 100,000 operations are in
``benchmarks/wait_scale.py`` (printed, never asserted).
"""

from __future__ import annotations

import asyncio

from openapi import Ok, PollPolicy, WaitTimeoutError
from openapi._waiting._poller import PollState
from openapi.core import SDKCore
from openapi.funcs.operations_wait import operations_wait_many
from openapi.testing import MockServer
from tests.waiting.support import API_KEY, FAST, poll_times, wait_tasks

SLACK = 5.0
"""Generous room above a bound the code keeps, for a slow or busy machine."""


async def test_the_waits_share_a_few_workers_not_a_task_each(
    mock: MockServer, core: SDKCore
) -> None:
    ids = [f"run{i}" for i in range(200)]
    for operation_id in ids:
        mock.create_operation(operation_id, status="running")
    mock.create_operation("first", duration=0)
    async with operations_wait_many(
        core, ["first", *ids], concurrency=4, poll_interval=FAST
    ) as results:
        operation_id, res = await anext(results)
        assert operation_id == "first"
        assert isinstance(res, Ok)
        # 200 operations still waited for, by the 4 workers the concurrency allows.
        assert 0 < len(wait_tasks()) <= 4
    assert wait_tasks() == []


def test_a_waiting_operation_keeps_only_a_slotted_state() -> None:
    state = PollState({"operation_id": "op"})
    assert not hasattr(state, "__dict__")  # no per-instance dict: 100,000 of them stay small


async def test_the_first_polls_are_spread_over_the_first_interval(
    mock: MockServer, core: SDKCore
) -> None:
    ids = [f"quick{i}" for i in range(20)]
    for operation_id in ids:
        mock.create_operation(operation_id, duration=0)  # done on its first poll
    policy = PollPolicy(initial_interval=1.0, min_interval=0.01)
    async with operations_wait_many(core, ids, concurrency=2, poll_interval=policy) as results:
        done = [operation_id async for operation_id, res in results if res.ok]
    assert sorted(done) == sorted(ids)
    first = [poll_times(mock, operation_id)[0] for operation_id in ids]
    # Operation k of 20 falls due k/20 s after the start: the last at 0.95 s. All at once,
    # 20 polls two at a time take a few milliseconds here. (A slower machine only spreads
    # them more.)
    assert max(first) - min(first) >= 0.9


async def test_a_longer_first_interval_spreads_the_first_polls_not_sent_yet_over_it() -> None:
    async with MockServer(api_key=API_KEY, poll_hint=2) as mock:  # Retry-After: 2
        ids = [f"hinted{i}" for i in range(30)]
        for operation_id in ids:
            mock.create_operation(operation_id, polls=2)  # done on its second poll
        policy = PollPolicy(initial_interval=0.2, min_interval=0.01)  # first polls: 0.2 s
        async with (
            SDKCore(api_key=API_KEY, server_url=mock.url) as core,
            operations_wait_many(core, ids, concurrency=2, poll_interval=policy) as results,
        ):
            done = [operation_id async for operation_id, res in results if res.ok]
        assert sorted(done) == sorted(ids)
        first = sorted(poll_times(mock, operation_id)[0] for operation_id in ids)
    # The first answer asks for 2 s: the 28 or so first polls not sent by then are spread
    # over those 2 s (the last about 1.9 s after the start), not over the policy's 0.2 s
    # (30 polls two at a time take milliseconds here; a slower machine only spreads more).
    assert first[-1] - first[0] >= 1.5


async def test_the_first_polls_are_never_spread_past_their_deadline() -> None:
    async with MockServer(api_key=API_KEY, poll_hint=5) as mock:  # Retry-After: 5
        mock.create_operation("slow", status="running")
        ids = [f"done{i}" for i in range(39)]
        for operation_id in ids:
            mock.create_operation(operation_id, duration=0)  # done on its first poll
        async with (
            SDKCore(api_key=API_KEY, server_url=mock.url) as core,
            operations_wait_many(core, ["slow", *ids], concurrency=2, timeout=2.0) as results,
        ):
            outcome = {operation_id: res async for operation_id, res in results}
    # The 5 s hint would spread the first polls over 5 s; the 2 s deadline allows half the
    # time left: every operation is polled in time, and only the running one times out.
    assert all(outcome[operation_id].ok for operation_id in ids), outcome
    slow = outcome["slow"]
    assert not slow.ok
    assert isinstance(slow.error, WaitTimeoutError)


async def test_a_late_polls_spread_never_pushes_its_next_poll_past_the_deadline(
    mock: MockServer, core: SDKCore
) -> None:
    ids = [f"running{i}" for i in range(20)]
    for operation_id in ids:
        mock.create_operation(operation_id, status="running")  # never done: all time out
    mock.create_operation("first", duration=0)
    every_second = PollPolicy.fixed(1.0, jitter=0)
    async with operations_wait_many(
        core, ["first", *ids], concurrency=21, timeout=3.5, poll_interval=every_second
    ) as results:
        assert (await anext(results))[0] == "first"
        # Nobody pulls for 1.9 s: the second polls, due at 1 s, go out 0.9 s late. Their
        # next ones are due 1 s after, plus a spread of up to 0.9 s, which would put about a
        # third of them past the 3.5 s deadline; it is cut to half the room before it.
        await asyncio.sleep(1.9)
        rest = [res async for _, res in results]
    assert all(isinstance(res.error, WaitTimeoutError) for res in rest if not res.ok)
    polls = [len(poll_times(mock, operation_id)) for operation_id in ids]
    assert polls == [3] * 20, polls


async def test_each_deadline_cuts_its_poll_in_flight_short(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("laggy", status="running")
    mock.create_operation("quick", polls=2)
    mock.inject("delay", delay=30, method="GET", operation_id="laggy")
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with operations_wait_many(
        core, ["laggy", "quick"], timeout=0.3, poll_interval=FAST
    ) as results:
        outcome = {operation_id: res async for operation_id, res in results}
    assert loop.time() - started < 0.3 + SLACK  # not the 30 s the poll would take
    assert isinstance(outcome["quick"], Ok)
    laggy = outcome["laggy"]
    assert not laggy.ok
    assert isinstance(laggy.error, WaitTimeoutError)
    assert laggy.error.operation is None  # no poll answered in time


async def test_polls_sent_late_spread_their_next_ones_instead_of_coming_back_as_a_wave(
    mock: MockServer, core: SDKCore
) -> None:
    ids = [f"held{i}" for i in range(20)]
    for operation_id in ids:
        mock.create_operation(operation_id, polls=3)  # done on its third poll
    mock.create_operation("first", duration=0)
    every_second = PollPolicy.fixed(1.0, jitter=0)  # no jitter: exactly 1 s after each answer
    async with operations_wait_many(
        core, ["first", *ids], concurrency=21, poll_interval=every_second
    ) as results:
        assert (await anext(results))[0] == "first"
        # Nothing is polled while nobody pulls: the 20 second polls, due 1 s after the
        # first ones, go out together at least 1 s late, once we pull again.
        await asyncio.sleep(2.0)
        rest = [res async for _, res in results]
    assert len(rest) == 20
    assert all(res.ok for res in rest)
    second = [poll_times(mock, operation_id)[1] for operation_id in ids]
    third = [poll_times(mock, operation_id)[2] for operation_id in ids]
    # Never sooner than the interval after the late poll ...
    assert all(b - a >= 1.0 - 0.01 for a, b in zip(second, third, strict=True))
    # ... but spread over up to one more interval (uniformly: 20 draws over 1 s span 0.4 s
    # but for a chance below 1e-6). Sent at once again, they arrive within milliseconds.
    assert max(second) - min(second) < 0.2 * SLACK
    assert max(third) - min(third) >= 0.4
