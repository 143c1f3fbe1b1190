"""``SyncSDK``: the blocking twin of ``SDK``, from plain code, from inside a running loop and
from 8 threads at once, against the real mock server (on a thread of its own)."""

from __future__ import annotations

import asyncio
import gc
import inspect
import subprocess
import sys
import threading
from typing import Any

import pytest

from openapi import (
    SDK,
    ApiError,
    InvalidRequestError,
    Operation,
    RetryConfig,
    SDKDefaultError,
    SyncSDK,
    SyncSDKCore,
    WaitTimeoutError,
)
from openapi.sdk import Operations
from openapi.sync import SyncOperations
from tests.environment import child_env
from tests.events import PATIENCE
from tests.sync.conftest import loop_threads
from tests.sync.support import API_KEY, ThreadedMock
from tests.waiting.support import FAST

ONCE = RetryConfig.none()

# --- the same surface ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", ["get_operation", "cancel_operation", "wait", "wait_many", "watch"]
)
def test_the_same_methods_with_the_same_arguments(method: str) -> None:
    blocking = inspect.signature(getattr(SyncOperations, method), eval_str=True)
    awaited = inspect.signature(getattr(Operations, method), eval_str=True)
    assert list(blocking.parameters.values()) == list(awaited.parameters.values())


def test_the_same_constructor() -> None:
    assert inspect.signature(SyncSDKCore.__init__) == inspect.signature(SDK.__init__).replace(
        parameters=[
            p for p in inspect.signature(SDK.__init__).parameters.values() if p.name != "core"
        ]
    )
    with pytest.raises(TypeError, match=r"^SyncSDK\(\) got an unexpected keyword argument"):
        SyncSDK(api_kye=API_KEY)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes no session="):
        SyncSDK(api_key=API_KEY, session=object())  # type: ignore[arg-type]
    core = SyncSDKCore(api_key=API_KEY)
    with pytest.raises(TypeError, match=r"takes no other setting \(got timeout\)"):
        SyncSDK(core=core, timeout=5)
    core.close()


# --- from plain code ---------------------------------------------------------------------------


def test_every_method_from_plain_code(mock: ThreadedMock, sdk: SyncSDK) -> None:
    mock.do(lambda server: server.create_operation("op", polls=3, result={"rows": 3}))
    got = sdk.operations.get_operation(operation_id="op")
    assert got.operation.status == "running"
    assert got.http_meta.status_code == 200

    states = [op.status for op in sdk.operations.watch(operation_id="op", poll_interval=FAST)]
    assert states == ["running", "succeeded"]

    mock.do(lambda server: server.create_operation("two", polls=2))
    seen: list[Operation] = []
    done = sdk.operations.wait(operation_id="two", poll_interval=FAST, on_update=seen.append)
    assert done.succeeded
    assert [op.status for op in seen] == ["running", "succeeded"]

    mock.do(lambda server: server.create_operation("stuck", duration=None))
    cancelled = sdk.operations.cancel_operation(operation_id="stuck")
    assert cancelled.operation.status in ("cancelling", "cancelled")

    with sdk.operations.wait_many(["op", "two", "nope"], poll_interval=FAST) as results:
        assert results.operation_ids == ("op", "two", "nope")
        got_all = dict(results)
    assert got_all["op"].unwrap().succeeded
    assert isinstance(got_all["nope"].error, ApiError)


def test_the_same_errors_are_raised(mock: ThreadedMock, sdk: SyncSDK) -> None:
    with pytest.raises(ApiError) as not_found:
        sdk.operations.get_operation(operation_id="missing")
    assert not_found.value.status_code == 404
    with pytest.raises(InvalidRequestError):
        sdk.operations.cancel_operation(operation_id="..")
    mock.do(lambda server: server.inject(status=500, times=1))
    with pytest.raises(SDKDefaultError):
        sdk.operations.get_operation(operation_id="x", retries=ONCE)
    mock.do(lambda server: server.create_operation("stuck", duration=None))
    with pytest.raises(WaitTimeoutError) as late:
        sdk.operations.wait(operation_id="stuck", timeout=0.3, poll_interval=FAST)
    assert late.value.operation is not None
    with pytest.raises(ApiError):
        list(sdk.operations.watch(operation_id="missing"))
    with pytest.raises(TypeError, match=r"watch\(\) .* 'retry'"):
        next(sdk.operations.watch(operation_id="op", retry=ONCE))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="not a str"):
        sdk.operations.wait_many("op")


# --- from inside a running loop -----------------------------------------------------------------


async def test_from_inside_a_running_loop(mock: ThreadedMock, sdk: SyncSDK) -> None:
    """A notebook cell or an async framework calling sync code: this test's loop runs."""
    asyncio.get_running_loop()  # (this test is a coroutine on the suite's loop)
    mock.do(lambda server: server.create_operation("op", polls=2))
    assert sdk.operations.get_operation(operation_id="op").operation.status == "running"
    assert sdk.operations.wait(operation_id="op", poll_interval=FAST).succeeded
    assert [op.status for op in sdk.operations.watch(operation_id="op")] == ["succeeded"]


def test_created_and_used_inside_asyncio_run(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))

    async def main() -> str:
        with SyncSDK(api_key=API_KEY, server_url=mock.url) as sdk:
            return sdk.operations.get_operation(operation_id="op").operation.status

    assert asyncio.run(main()) == "running"


# --- many threads -----------------------------------------------------------------------------


def test_eight_threads_share_one_client(mock: ThreadedMock, sdk: SyncSDK) -> None:
    for n in range(8):
        mock.do(lambda server, n=n: server.create_operation(f"op-{n}", polls=3))
    start = threading.Barrier(8)
    results: dict[int, object] = {}

    def worker(n: int) -> None:
        start.wait(PATIENCE)
        try:
            first = sdk.operations.get_operation(operation_id=f"op-{n}").operation.status
            final = sdk.operations.wait(operation_id=f"op-{n}", poll_interval=FAST).status
            results[n] = (first, final)
        except BaseException as exc:  # reported by the assertion below
            results[n] = exc

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    assert results == {n: ("running", "succeeded") for n in range(8)}
    assert len(loop_threads()) == 1, "one loop thread serves every caller"
    assert mock.count("GET") == 8 * 3


# --- ownership and the loop thread -----------------------------------------------------------


def test_the_thread_starts_on_first_use_and_close_joins_it(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    sdk = SyncSDK(api_key=API_KEY, server_url=mock.url)
    assert loop_threads() == []
    sdk.operations.get_operation(operation_id="op")
    assert len(loop_threads()) == 1
    sdk.close()
    assert loop_threads() == []
    assert sdk.core.closed
    with pytest.raises(InvalidRequestError, match=r"closed .* create a new one"):
        sdk.operations.get_operation(operation_id="op")
    sdk.close()  # again: nothing to do
    assert mock.count("GET") == 1


def test_the_key_is_in_no_repr(sdk: SyncSDK) -> None:
    copy = sdk.with_options(timeout=5)
    for shown in (sdk, sdk.core, copy, copy.core, sdk.operations.watch(operation_id="op")):
        assert API_KEY not in repr(shown)
    copy.close()


def test_a_core_passed_in_stays_open(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    with SyncSDKCore(api_key=API_KEY, server_url=mock.url) as core:
        with SyncSDK(core=core) as sdk:
            sdk.operations.get_operation(operation_id="op")
        assert not core.closed
        assert SyncSDK(core=core).operations.get_operation(operation_id="op").operation.id
    assert core.closed
    assert loop_threads() == []


def test_calling_back_in_from_on_update_is_refused(mock: ThreadedMock, sdk: SyncSDK) -> None:
    mock.do(lambda server: server.create_operation("op", polls=2))

    def on_update(op: Operation) -> None:
        sdk.operations.get_operation(operation_id=op.id)  # would wait for itself forever

    with pytest.raises(InvalidRequestError, match="own event-loop thread"):
        sdk.operations.wait(operation_id="op", on_update=on_update)


def test_close_ends_the_calls_in_flight_with_an_error_saying_so(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("stuck", duration=None))
    sdk = SyncSDK(api_key=API_KEY, server_url=mock.url)
    outcome: list[BaseException] = []

    def waiter() -> None:
        try:
            sdk.operations.wait(operation_id="stuck", poll_interval=FAST, timeout=PATIENCE)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    mock.wait_for(lambda server: server.count("GET") >= 2, "the wait to be polling")
    sdk.close()
    thread.join(PATIENCE)
    assert len(outcome) == 1
    assert isinstance(outcome[0], InvalidRequestError)
    assert "closed while this call was in flight" in str(outcome[0])
    assert loop_threads() == []


def test_an_unclosed_core_warns_once_and_its_thread_ends(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    sdk = SyncSDK(api_key=API_KEY, server_url=mock.url)
    sdk.operations.get_operation(operation_id="op")
    [thread] = loop_threads()
    held: list[object] = [sdk]
    del sdk
    with pytest.warns(ResourceWarning, match=r"SyncSDKCore was garbage-collected without close"):
        _drop(held)
    thread.join(PATIENCE)
    assert not thread.is_alive()


def _drop(held: list[object]) -> None:
    held.clear()
    gc.collect()


def test_a_core_never_used_starts_no_thread_and_is_silent() -> None:
    SyncSDK(api_key=API_KEY, server_url="http://127.0.0.1:9")
    gc.collect()  # warnings are errors here: any would fail the test
    assert loop_threads() == []


def test_a_script_that_never_closes_exits_cleanly(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    script = (
        "from openapi import SyncSDK\n"
        f"sdk = SyncSDK(api_key={API_KEY!r}, server_url={mock.url!r})\n"
        "print(sdk.operations.get_operation(operation_id='op').operation.status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", script],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        env=child_env(drop_prefix="OPENAPI_"),
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "running\n", "")


# --- iterators stopped early ------------------------------------------------------------------


async def _other_tasks() -> int:
    return len(asyncio.all_tasks()) - 1


def _tasks_on_the_loop(sdk: SyncSDK) -> int:
    return sdk.core.run(lambda _: _other_tasks()).unwrap()


def _until_no_tasks(sdk: SyncSDK) -> None:
    for _ in range(int(PATIENCE / 0.01)):
        if _tasks_on_the_loop(sdk) == 0:
            return
        threading.Event().wait(0.01)
    raise AssertionError("tasks were left running on the loop thread")


def test_iterators_abandoned_mid_way_end_their_tasks(mock: ThreadedMock, sdk: SyncSDK) -> None:
    ids = [f"op-{n}" for n in range(5)]
    for operation_id in [*ids, "w"]:
        mock.do(lambda server, i=operation_id: server.create_operation(i, duration=None))
    mock.do(lambda server: server.complete("op-0"))
    for operation_id, _ in sdk.operations.wait_many(ids, poll_interval=FAST):
        assert operation_id == "op-0"
        break  # no `with`: the iterator is dropped here
    for op in sdk.operations.watch(operation_id="w", poll_interval=FAST):
        assert op.status == "queued"
        break
    gc.collect()
    _until_no_tasks(sdk)


def test_with_ends_the_tasks_before_the_block_ends(mock: ThreadedMock, sdk: SyncSDK) -> None:
    ids = [f"op-{n}" for n in range(5)]
    for operation_id in ids:
        mock.do(lambda server, i=operation_id: server.create_operation(i, duration=None))
    mock.do(lambda server: server.complete("op-0"))
    with sdk.operations.wait_many(ids, poll_interval=FAST) as results:
        assert next(results)[0] == "op-0"
        assert _tasks_on_the_loop(sdk) > 0
    assert _tasks_on_the_loop(sdk) == 0
    with pytest.raises(StopIteration):
        next(results)
    sent = mock.count("GET")
    with sdk.operations.watch(operation_id="op-1", poll_interval=FAST) as states:
        assert next(states).status == "queued"
    assert _tasks_on_the_loop(sdk) == 0
    assert mock.count("GET") == sent + 1


# --- with_options ------------------------------------------------------------------------------


def test_with_options_shares_the_pool_and_the_thread(mock: ThreadedMock, sdk: SyncSDK) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    with sdk.with_options(headers={"X-Trace": "copy"}, retries=ONCE) as copy:
        copy.operations.get_operation(operation_id="op")
        assert len(loop_threads()) == 1
        assert (
            copy.core.run(lambda core: _session_of(core)).unwrap()
            is sdk.core.run(lambda core: _session_of(core)).unwrap()
        )
    assert copy.core.closed
    with pytest.raises(InvalidRequestError, match="closed"):
        copy.operations.get_operation(operation_id="op")
    sdk.operations.get_operation(operation_id="op")  # the original and its pool stay open
    traces = mock.do(lambda server: [e.headers.get("X-Trace") for e in server.requests])
    assert traces == ["copy", None]


def test_a_copy_after_the_original_closed_says_so(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    sdk = SyncSDK(api_key=API_KEY, server_url=mock.url)
    copy = sdk.with_options(timeout=5)
    copy.operations.get_operation(operation_id="op")
    sdk.close()
    assert loop_threads() == []
    assert copy.core.closed
    with pytest.raises(InvalidRequestError, match="closed"):
        copy.operations.get_operation(operation_id="op")
    copy.close()


async def _session_of(core: Any) -> object:
    return core.session().unwrap()
