"""Waiting for operations, against the real mock server on 127.0.0.1.

Every timing claim is checked where it matters: on the server, from its request log.
Operations advance by polls (``create_operation(polls=N)``) or by hand, never by racing the
wall clock; elapsed times are read on the event loop's clock, the one the waits use, and
bounded from above only generously.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any

import pytest

from openapi import (
    SDK,
    ApiError,
    Err,
    InvalidRequestError,
    Ok,
    Operation,
    OperationFailedError,
    PollPolicy,
    SDKDefaultError,
    WaitTimeoutError,
)
from openapi.core import SDKCore
from openapi.funcs.operations_wait import (
    operations_wait,
    operations_wait_many,
    operations_watch,
)
from openapi.models.operations import GetOperationRequest
from openapi.testing import MockServer
from tests.events import TICK, until
from tests.waiting.support import (
    API_KEY,
    FAST,
    gaps,
    later,
    poll_times,
    quiet_for,
    sample_in_flight,
    settle,
    wait_tasks,
)

DEADLINE = 1.0
"""A wait's timeout when the test needs a poll answered before it: ample on a busy machine."""
SLACK = 5.0
"""Generous room above a bound the code keeps, for a slow or busy machine."""


def clock() -> float:
    """The running loop's clock: the one deadlines and sleeps use (uvloop's is cached)."""
    return asyncio.get_running_loop().time()


async def polls_after(mock: MockServer, count: int, operation_id: str) -> None:
    """Wait until the server has seen ``count`` more GETs for ``operation_id`` than now."""
    target = mock.count("GET", operation_id=operation_id) + count
    await until(
        lambda: mock.count("GET", operation_id=operation_id) >= target,
        f"{count} more polls of {operation_id!r}",
    )


def running(mock: MockServer, operation_id: str, progress: float = 0.1) -> str:
    """An operation pinned at ``running``: it only moves when the test says so."""
    mock.create_operation(operation_id, status="running", progress=progress)
    return operation_id


# --- PollPolicy ----------------------------------------------------------------------------


def test_policy_backoff_grows_by_multiplier_and_caps() -> None:
    policy = PollPolicy()
    middle = lambda: 0.5  # noqa: E731 - jitter factor exactly 1
    delays = [policy.delay(n, rand=middle) for n in range(12)]
    assert delays[:4] == pytest.approx([1.0, 1.5, 2.25, 3.375])
    assert delays == sorted(delays)
    assert max(delays) == 30.0
    assert policy.delay(10**6, rand=middle) == 30.0  # no OverflowError on long waits


def test_policy_jitter_spreads_both_ways() -> None:
    policy = PollPolicy(initial_interval=1.0, jitter=0.2)
    assert policy.delay(0, rand=lambda: 0.0) == pytest.approx(0.8)
    assert policy.delay(0, rand=lambda: 0.999999) == pytest.approx(1.2)
    assert PollPolicy(jitter=0.0).delay(0) == 1.0


def test_policy_hint_is_obeyed_within_bounds_and_never_shortened() -> None:
    policy = PollPolicy(min_interval=0.5, max_hint=10.0, jitter=0.2)
    assert policy.delay(5, hint=3.0, rand=lambda: 0.0) == 3.0
    assert policy.delay(5, hint=3.0, rand=lambda: 0.999999) == pytest.approx(3.6)
    assert policy.delay(0, hint=0.0, rand=lambda: 0.0) == 0.5  # Retry-After: 0 is no busy loop
    assert policy.delay(0, hint=3600.0, rand=lambda: 0.0) == 10.0


def test_policy_fixed() -> None:
    policy = PollPolicy.fixed(0.05, jitter=0.0)
    assert [policy.delay(n) for n in range(5)] == [0.05] * 5
    assert policy.min_interval == 0.05


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_interval": 0},
        {"multiplier": 0.5},
        {"jitter": 1.0},
        {"jitter": -0.1},
        {"min_interval": -1},
        {"initial_interval": 5, "max_interval": 1},
        {"min_interval": 2, "max_hint": 1},
        {"initial_interval": float("nan")},
    ],
)
def test_policy_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):  # named as the caller spelled it
        PollPolicy(**kwargs)


def test_policy_is_exported_lazily() -> None:
    import openapi
    from openapi.utils import PollPolicy as FromUtils

    assert openapi.PollPolicy is FromUtils is PollPolicy
    assert "PollPolicy" in dir(openapi)


# --- operations_wait: the happy path ----------------------------------------------------------


async def test_first_poll_goes_out_at_once(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("done", duration=0, result={"rows": 3})
    patient = PollPolicy(initial_interval=30, max_interval=30)
    res = await operations_wait(
        core, {"operation_id": "done"}, timeout=SLACK, poll_interval=patient
    )
    # A sleep before the first poll (30 s) would have ended the wait at its deadline.
    assert isinstance(res, Ok)
    assert res.value.succeeded
    assert res.value.result == {"rows": 3}
    assert mock.count("GET") == 1


async def test_polls_until_done(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("job", polls=3, result="ok")
    res = await operations_wait(core, GetOperationRequest("job"), poll_interval=FAST)
    assert isinstance(res, Ok)
    assert res.value.status == "succeeded"
    assert mock.count("GET", operation_id="job") == 3
    assert mock.count("POST") == 0


async def test_retry_after_hint_is_respected(mock: MockServer, core: SDKCore) -> None:
    mock.poll_hint = 1  # "Retry-After: 1" on each unfinished operation
    mock.create_operation("hinted", polls=2)
    res = await operations_wait(
        core, {"operation_id": "hinted"}, timeout=1 + SLACK, poll_interval=FAST
    )
    assert isinstance(res, Ok)
    times = poll_times(mock, "hinted")
    assert len(times) == 2
    # FAST alone would poll again after ~10 ms: never sooner than asked; jitter only
    # stretches the gap, and so does a busy machine.
    assert gaps(times)[0] >= 1 - TICK


async def test_hint_is_capped_by_max_hint(mock: MockServer, core: SDKCore) -> None:
    mock.poll_hint = 30
    mock.create_operation("capped", polls=4)
    policy = PollPolicy(initial_interval=0.01, max_interval=0.05, min_interval=0.01, max_hint=0.05)
    res = await operations_wait(
        core, {"operation_id": "capped"}, timeout=SLACK, poll_interval=policy
    )
    # Obeying the 30 s hint even once would have ended the wait at its deadline.
    assert isinstance(res, Ok)
    assert mock.count("GET") == 4


async def test_hint_of_zero_is_no_hint(mock: MockServer, core: SDKCore) -> None:
    # "Retry-After: 0" is no hint (the SDK's one Retry-After rule): the policy's own interval
    # applies, not its floor for short hints (which would poll every 10 ms here).
    mock.poll_hint = 0
    mock.create_operation("eager", polls=4)
    policy = PollPolicy(initial_interval=0.2, multiplier=1, max_interval=0.2, min_interval=0.01)
    res = await operations_wait(
        core, {"operation_id": "eager"}, timeout=SLACK, poll_interval=policy
    )
    assert isinstance(res, Ok)
    # 0.2 s jittered by up to 20 %, never the 10 ms floor for short hints.
    assert min(gaps(poll_times(mock, "eager"))) >= 0.16 - TICK


async def test_jitter_keeps_two_waiters_apart(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("a", polls=10)  # done on its 10th poll: 9 sleeps each
    mock.create_operation("b", polls=10)
    policy = PollPolicy.fixed(0.05, jitter=0.9)  # sleeps spread over [50 ms, 95 ms]
    await asyncio.gather(
        operations_wait(core, {"operation_id": "a"}, poll_interval=policy),
        operations_wait(core, {"operation_id": "b"}, poll_interval=policy),
    )
    a, b = gaps(poll_times(mock, "a")), gaps(poll_times(mock, "b"))
    assert len(a) == len(b) == 9
    # Without jitter both would sleep 50 ms every time, in lockstep. (The bounds are far
    # inside what 9 uniform draws over 45 ms give: each fails about once in 10**5 runs.)
    assert max(a) - min(a) > 0.01
    assert max(b) - min(b) > 0.01
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) > 0.005


# --- deadlines -------------------------------------------------------------------------------


async def test_deadline_without_cancel(mock: MockServer, core: SDKCore) -> None:
    running(mock, "slow", progress=0.3)
    started = clock()
    res = await operations_wait(
        core, {"operation_id": "slow"}, timeout=DEADLINE, poll_interval=FAST
    )
    assert DEADLINE - TICK <= clock() - started < DEADLINE + SLACK
    assert isinstance(res, Err)
    error = res.error
    assert isinstance(error, WaitTimeoutError)
    assert isinstance(error, TimeoutError)
    assert error.timeout == DEADLINE
    assert error.operation is not None
    assert error.operation.status == "running"
    assert error.operation.progress == 0.3
    assert error.cancel_requested is False
    assert error.cancel_accepted is None
    assert "'slow'" in str(error)
    assert mock.count("POST") == 0


async def test_deadline_with_cancel_accepted(mock: MockServer, core: SDKCore) -> None:
    running(mock, "stuck")
    res = await operations_wait(
        core, {"operation_id": "stuck"}, timeout=0.15, poll_interval=FAST, cancel_on_timeout=True
    )
    assert isinstance(res, Err)
    error = res.error
    assert isinstance(error, WaitTimeoutError)
    assert mock.count("POST", path="/operations/stuck/cancel") == 1
    assert error.cancel_requested is True
    assert error.cancel_accepted is True
    assert error.cancel_error is None
    assert error.operation is not None
    assert error.operation.status == "cancelling"  # the state the cancel answered with
    assert "cancel accepted" in str(error)


async def test_deadline_with_cancel_refused(mock: MockServer, core: SDKCore) -> None:
    running(mock, "stubborn")
    mock.inject(status=409, method="POST")
    res = await operations_wait(
        core,
        {"operation_id": "stubborn"},
        timeout=DEADLINE,  # a poll must be answered first: its state is the one kept
        poll_interval=FAST,
        cancel_on_timeout=True,
    )
    assert isinstance(res, Err)
    error = res.error
    assert isinstance(error, WaitTimeoutError)
    assert mock.count("POST") == 1  # 409 is not retried
    assert error.cancel_requested is True
    assert error.cancel_accepted is False
    assert isinstance(error.cancel_error, SDKDefaultError)
    assert error.cancel_error.status_code == 409
    assert error.operation is not None
    assert error.operation.status == "running"  # the last state polled
    assert "cancel request failed" in str(error)


async def test_deadline_abandons_a_slow_poll(mock: MockServer, core: SDKCore) -> None:
    running(mock, "laggy")
    mock.inject("delay", delay=30, method="GET")
    started = clock()
    res = await operations_wait(core, {"operation_id": "laggy"}, timeout=0.2, poll_interval=FAST)
    assert clock() - started < 0.2 + SLACK  # not the 30 s the poll would take
    assert isinstance(res, Err)
    assert isinstance(res.error, WaitTimeoutError)
    assert res.error.operation is None  # no poll answered in time
    assert "no poll answered" in str(res.error)


async def test_sleep_never_passes_the_deadline(mock: MockServer, core: SDKCore) -> None:
    mock.poll_hint = 30
    running(mock, "patient")
    started = clock()
    res = await operations_wait(core, {"operation_id": "patient"}, timeout=0.25)
    assert clock() - started < 0.25 + SLACK  # not the 30 s the hint asked for
    assert isinstance(res, Err)
    assert mock.count("GET") == 1


# --- on_update -------------------------------------------------------------------------------


async def test_on_update_sync_sees_only_changes(mock: MockServer, core: SDKCore) -> None:
    running(mock, "steps", progress=0.1)
    seen: list[tuple[str, float | None]] = []

    async def drive() -> None:
        # Each state is polled three times (so polls that see nothing new happen) before
        # the next one: no poll is missed however slowly the client runs.
        for progress in (0.4, 0.8):
            await polls_after(mock, 3, "steps")
            mock.set_status("steps", "running", progress=progress)
        await polls_after(mock, 3, "steps")
        mock.complete("steps", result=42)

    driver = asyncio.create_task(drive())
    res = await operations_wait(
        core,
        {"operation_id": "steps"},
        poll_interval=FAST,
        on_update=lambda op: seen.append((str(op.status), op.progress)),
    )
    await driver
    assert isinstance(res, Ok)
    assert seen == [("running", 0.1), ("running", 0.4), ("running", 0.8), ("succeeded", 1.0)]
    assert mock.count("GET") > len(seen) + 3  # many polls saw nothing new


async def test_on_update_async_is_awaited(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("flow", polls=5)
    progress: list[float] = []

    async def record(op: Operation) -> None:
        await asyncio.sleep(0)  # a coroutine that is not awaited records nothing
        progress.append(op.progress if op.progress is not None else -1.0)

    res = await operations_wait(
        core, {"operation_id": "flow"}, poll_interval=FAST, on_update=record
    )
    assert isinstance(res, Ok)
    assert progress == [0.2, 0.4, 0.6, 0.8, 1.0]  # one per poll: each changed the state


async def test_on_update_errors_propagate(mock: MockServer, core: SDKCore) -> None:
    running(mock, "buggy")

    def broken(op: Operation) -> None:
        raise TimeoutError("callback bug, not a deadline")

    with pytest.raises(TimeoutError, match="callback bug"):
        await operations_wait(core, {"operation_id": "buggy"}, timeout=5, on_update=broken)


# --- outcomes and errors ---------------------------------------------------------------------


async def test_success_outcome_chains(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("good", duration=0.05, result={"file": "a.csv"})
    res = await operations_wait(core, {"operation_id": "good"}, poll_interval=FAST)
    assert res.and_then(lambda op: op.outcome()) == Ok({"file": "a.csv"})


async def test_failed_operation_is_ok_and_outcome_is_err(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("bad", duration=0.05, outcome="failed", error=("quota", "Quota exceeded"))
    res = await operations_wait(core, {"operation_id": "bad"}, poll_interval=FAST)
    assert isinstance(res, Ok)
    assert res.value.failed
    outcome = res.and_then(lambda op: op.outcome())
    assert isinstance(outcome, Err)
    assert isinstance(outcome.error, OperationFailedError)
    assert outcome.error.code == "quota"
    assert "Quota exceeded" in str(outcome.error)


async def test_cancelled_operation_is_ok_and_outcome_is_err(
    mock: MockServer, core: SDKCore
) -> None:
    running(mock, "doomed")
    canceller = asyncio.create_task(later(0.05, lambda: mock.cancel("doomed")))
    res = await operations_wait(core, {"operation_id": "doomed"}, timeout=SLACK, poll_interval=FAST)
    await canceller
    assert isinstance(res, Ok)
    assert res.value.cancelled
    match res.value.outcome():
        case Err(OperationFailedError() as failure):
            assert failure.code == "cancelled"
        case other:
            pytest.fail(f"expected an OperationFailedError, got {other!r}")


async def test_404_ends_the_wait_at_once(mock: MockServer, core: SDKCore) -> None:
    res = await operations_wait(core, {"operation_id": "ghost"}, timeout=5, poll_interval=FAST)
    assert isinstance(res, Err)
    assert isinstance(res.error, ApiError)
    assert res.error.status_code == 404
    assert mock.count() == 1


async def test_401_ends_the_wait_at_once(mock: MockServer) -> None:
    running(mock, "private")
    async with SDKCore(api_key="wrong", server_url=mock.url) as wrong:
        res = await operations_wait(wrong, {"operation_id": "private"}, poll_interval=FAST)
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 401
    assert mock.count() == 1


async def test_transient_errors_are_retried_within_a_poll(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("flaky", duration=0)
    mock.inject(status=503, times=2, method="GET")
    res = await operations_wait(core, {"operation_id": "flaky"}, poll_interval=FAST)
    assert isinstance(res, Ok)
    assert mock.count("GET") == 3


@pytest.mark.parametrize(
    "request_",
    [
        {"operation_id": ""},
        {"operation_id": ".."},
        {"operation_id": "x" * 257},
        {"operation_id": 7},
        {"id": "op"},
        GetOperationRequest("bad\nid"),
    ],
)
async def test_invalid_requests_send_nothing(
    mock: MockServer, core: SDKCore, request_: Any
) -> None:
    res = await operations_wait(core, request_, timeout=1, cancel_on_timeout=True)
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError)
    assert mock.requests == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": "1s"}, "poll_interval"),
    ],
)
async def test_invalid_arguments_send_nothing(
    mock: MockServer, core: SDKCore, kwargs: dict[str, Any], message: str
) -> None:
    res = await operations_wait(core, {"operation_id": "op"}, **kwargs)
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError)
    assert message in str(res.error)
    assert mock.requests == []


# --- outer cancellation ----------------------------------------------------------------------


async def test_cancelling_the_waiter_while_it_sleeps(mock: MockServer, core: SDKCore) -> None:
    running(mock, "sleepy")
    waiter = asyncio.create_task(
        operations_wait(
            core,
            {"operation_id": "sleepy"},
            timeout=5,
            poll_interval=PollPolicy.fixed(0.05),
            cancel_on_timeout=True,
        )
    )
    await until(lambda: mock.count("GET") >= 2, "two polls")
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert await quiet_for(mock, 0.2) == 0
    assert mock.count("POST") == 0  # cancelling the waiter is not cancelling the operation


async def test_cancelling_the_waiter_mid_poll(mock: MockServer, core: SDKCore) -> None:
    running(mock, "midway")
    mock.inject("delay", delay=30, method="GET")
    waiter = asyncio.create_task(
        operations_wait(core, {"operation_id": "midway"}, timeout=60, cancel_on_timeout=True)
    )
    await until(lambda: mock.count("GET") == 1, "the first poll")
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert await quiet_for(mock, 0.2) == 0


# --- operations_wait_many --------------------------------------------------------------------


async def test_wait_many_yields_each_as_it_finishes(mock: MockServer, core: SDKCore) -> None:
    # "medium" ends once "fast" was yielded, "slow" once "medium" was: yielding in the
    # order given would wait for "slow" first, until its deadline.
    running(mock, "slow")
    mock.create_operation("fast", duration=0.0)
    running(mock, "medium")
    ids = ["slow", "fast", "medium", "ghost", "", "fast"]
    got: list[tuple[str, str]] = []
    async with operations_wait_many(core, ids, timeout=SLACK, poll_interval=FAST) as results:
        async for operation_id, res in results:
            if operation_id == "fast":
                mock.fail("medium")
            elif operation_id == "medium":
                mock.complete("slow")
            match res:
                case Ok(op):
                    got.append((operation_id, str(op.status)))
                case Err(ApiError() as error):
                    got.append((operation_id, f"api:{error.status_code}"))
                case Err(error):
                    got.append((operation_id, type(error).__name__))
    assert sorted(got) == sorted(
        [
            ("slow", "succeeded"),
            ("fast", "succeeded"),
            ("medium", "failed"),
            ("ghost", "api:404"),
            ("", "InvalidRequestError"),
        ]
    )  # the duplicate "fast" is waited for once
    order = [operation_id for operation_id, _ in got]
    assert order.index("fast") < order.index("medium") < order.index("slow")
    assert wait_tasks() == []


async def test_wait_many_bounds_requests_in_flight(mock: MockServer, core: SDKCore) -> None:
    ids = [running(mock, f"op{i}") for i in range(40)]
    # The first five polls are held long enough to overlap on any machine; the others take
    # 20 ms server-side. All operations end once five polls were seen in flight at once.
    mock.inject("delay", delay=0.5, method="GET", times=5)
    mock.inject("delay", delay=0.02, method="GET")

    async def finish() -> None:
        await until(lambda: in_flight.peak >= 5, "five polls in flight")
        for operation_id in ids:
            mock.complete(operation_id)

    async with sample_in_flight(mock) as in_flight:
        finisher = asyncio.create_task(finish())
        results = [
            res
            async for _, res in operations_wait_many(core, ids, concurrency=5, poll_interval=FAST)
        ]
    await finisher
    assert all(isinstance(res, Ok) and res.value.succeeded for res in results)
    assert len(results) == 40
    assert in_flight.peak == 5  # reached, never exceeded


async def test_wait_many_per_operation_timeout(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("quick", polls=2)
    running(mock, "forever")
    outcome = {
        operation_id: res
        async for operation_id, res in operations_wait_many(
            core,
            ["quick", "forever"],
            timeout=DEADLINE,
            poll_interval=FAST,
            cancel_on_timeout=True,
        )
    }
    assert isinstance(outcome["quick"], Ok)
    forever = outcome["forever"]
    assert isinstance(forever, Err)
    assert isinstance(forever.error, WaitTimeoutError)
    assert forever.error.cancel_accepted is True
    assert mock.count("POST") == 1


async def test_wait_many_async_with_break_leaves_no_task(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("first", duration=0)
    ids = ["first", *(running(mock, f"never{i}") for i in range(50))]
    async with operations_wait_many(core, ids, concurrency=8, poll_interval=FAST) as results:
        async for operation_id, _ in results:
            assert operation_id == "first"
            break
    assert wait_tasks() == []  # at once, not eventually
    assert await quiet_for(mock, 0.15) == 0


async def test_wait_many_aclose_leaves_no_task(mock: MockServer, core: SDKCore) -> None:
    ids = [running(mock, f"never{i}") for i in range(20)]
    mock.create_operation("first", duration=0)
    results = operations_wait_many(core, [*ids, "first"], poll_interval=FAST)
    operation_id, res = await anext(results)
    assert operation_id == "first"
    assert isinstance(res, Ok)
    assert wait_tasks()  # its workers (one per request allowed in flight) are alive
    await results.aclose()
    assert wait_tasks() == []
    assert await quiet_for(mock, 0.15) == 0


async def test_wait_many_bare_break_stops_tasks_soon(mock: MockServer, core: SDKCore) -> None:
    ids = [running(mock, f"never{i}") for i in range(20)]
    mock.create_operation("first", duration=0)
    async for _ in operations_wait_many(core, [*ids, "first"], poll_interval=FAST):
        break
    # The abandoned iterator is finalised by the event loop's async-generator hooks.
    assert await settle(lambda: not wait_tasks())
    assert await quiet_for(mock, 0.15) == 0


async def test_wait_many_consumer_cancelled_leaves_no_task(mock: MockServer, core: SDKCore) -> None:
    ids = [running(mock, f"never{i}") for i in range(20)]

    async def consume() -> None:
        async with operations_wait_many(core, ids, poll_interval=FAST) as results:
            async for _ in results:
                pass

    consumer = asyncio.create_task(consume())
    await until(lambda: mock.count("GET") >= 20, "every operation polled")
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert wait_tasks() == []
    assert await quiet_for(mock, 0.15) == 0


async def test_wait_many_rejects_bad_arguments(core: SDKCore) -> None:
    with pytest.raises(InvalidRequestError, match="concurrency"):
        operations_wait_many(core, ["a"], concurrency=0)
    with pytest.raises(InvalidRequestError, match="timeout"):
        operations_wait_many(core, ["a"], timeout=-1)


async def test_wait_many_of_nothing(core: SDKCore) -> None:
    assert [item async for item in operations_wait_many(core, [])] == []


async def test_a_thousand_operations_on_one_core(mock: MockServer, core: SDKCore) -> None:
    ids = [f"bulk-{i:04d}" for i in range(1000)]
    for i, operation_id in enumerate(ids):
        mock.create_operation(operation_id, polls=1 + i % 3, result=i)
    policy = PollPolicy(initial_interval=0.05, multiplier=1.5, max_interval=0.2)
    started = clock()
    seen: dict[str, Any] = {}
    async with operations_wait_many(core, ids, poll_interval=policy, timeout=60) as results:
        async for operation_id, res in results:
            seen[operation_id] = res.and_then(lambda op: op.outcome()).unwrap()
    elapsed = clock() - started
    assert seen == {operation_id: i for i, operation_id in enumerate(ids)}
    # One after the other they would take over 100 s (1000 waits of up to 3 polls).
    assert elapsed < 30
    assert mock.count("GET") == sum(1 + i % 3 for i in range(1000))
    assert wait_tasks() == []


# --- operations_watch ------------------------------------------------------------------------


async def test_watch_yields_successive_states(mock: MockServer, core: SDKCore) -> None:
    running(mock, "watched", progress=0.2)

    async def drive() -> None:
        await polls_after(mock, 2, "watched")
        mock.set_status("watched", "running", progress=0.6)
        await polls_after(mock, 2, "watched")
        mock.complete("watched", result="done")

    driver = asyncio.create_task(drive())
    states: list[Operation] = []
    async with aclosing(
        operations_watch(core, {"operation_id": "watched"}, poll_interval=FAST)
    ) as watch:
        async for res in watch:
            assert isinstance(res, Ok)
            states.append(res.value)
    await driver
    assert [(s.status, s.progress) for s in states] == [
        ("running", 0.2),
        ("running", 0.6),
        ("succeeded", 1.0),
    ]
    assert mock.count("GET") > 3


async def test_watch_ends_with_an_err_on_failure(mock: MockServer, core: SDKCore) -> None:
    items = [res async for res in operations_watch(core, {"operation_id": "ghost"})]
    assert len(items) == 1
    assert isinstance(items[0], Err)
    assert isinstance(items[0].error, ApiError)


async def test_watch_ends_with_an_err_at_the_deadline(mock: MockServer, core: SDKCore) -> None:
    running(mock, "endless")
    started = clock()
    items = [
        res
        async for res in operations_watch(
            core, {"operation_id": "endless"}, timeout=DEADLINE, poll_interval=FAST
        )
    ]
    assert DEADLINE - TICK <= clock() - started < DEADLINE + SLACK
    assert isinstance(items[0], Ok)
    assert isinstance(items[-1], Err)
    assert isinstance(items[-1].error, WaitTimeoutError)
    assert len(items) == 2  # the state never changed


# --- the SDK facade --------------------------------------------------------------------------


async def test_facade_wait_returns_the_operation(mock: MockServer) -> None:
    mock.create_operation("facade", duration=0.05, result=[1, 2])
    updates: list[str] = []
    async with SDK(api_key=API_KEY, server_url=mock.url) as sdk:
        op = await sdk.operations.wait(
            operation_id="facade",
            timeout=5,
            poll_interval=FAST,
            on_update=lambda o: updates.append(str(o.status)),
            request_timeout=2,
        )
    assert op.succeeded
    assert op.result == [1, 2]
    assert updates[-1] == "succeeded"


async def test_facade_wait_raises_wait_timeout(mock: MockServer) -> None:
    running(mock, "late")
    async with SDK(api_key=API_KEY, server_url=mock.url) as sdk:
        with pytest.raises(WaitTimeoutError) as caught:
            await sdk.operations.wait(
                operation_id="late",
                timeout=DEADLINE,  # a poll must be answered first: error.operation
                poll_interval=FAST,
                cancel_on_timeout=True,
            )
    assert caught.value.operation is not None
    assert caught.value.cancel_accepted is True


async def test_facade_wait_raises_call_errors(mock: MockServer) -> None:
    async with SDK(api_key=API_KEY, server_url=mock.url) as sdk:
        with pytest.raises(ApiError):
            await sdk.operations.wait(operation_id="ghost")


async def test_facade_wait_many_and_watch(mock: MockServer) -> None:
    mock.create_operation("m1", duration=0.05)
    mock.create_operation("m2", duration=0.1)
    async with SDK(api_key=API_KEY, server_url=mock.url) as sdk:
        async with sdk.operations.wait_many(["m1", "m2"], poll_interval=FAST) as results:
            done = {operation_id: res.unwrap().status async for operation_id, res in results}
        assert done == {"m1": "succeeded", "m2": "succeeded"}

        mock.create_operation("w", duration=0.1)
        statuses = [
            str(op.status)
            async for op in sdk.operations.watch(operation_id="w", poll_interval=FAST)
        ]
        assert statuses[-1] == "succeeded"

        with pytest.raises(ApiError):
            async for _ in sdk.operations.watch(operation_id="ghost"):
                pass


def test_waiting_loads_only_what_it_needs() -> None:
    from tests.surface.test_imports import loaded_after

    loaded = loaded_after("from openapi.funcs.operations_wait import operations_wait")
    assert "openapi.funcs.operations_get_operation" in loaded
    assert "openapi.funcs.operations_cancel_operation" in loaded
    for unwanted in ("openapi.sdk", "openapi.cli", "openapi.testing"):
        assert unwanted not in loaded
