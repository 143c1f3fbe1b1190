"""``openapi.funcs.sync``: the standalone functions, blocking, on a ``SyncSDKCore``; they
return ``Result`` and never raise for a failed call (a closed core included)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openapi import (
    ApiError,
    Err,
    InvalidRequestError,
    Ok,
    RequestOptions,
    SyncSDKCore,
    WaitTimeoutError,
)
from openapi.funcs.sync import (
    operations_cancel_operation,
    operations_get_operation,
    operations_wait,
    operations_wait_many,
    operations_watch,
)
from tests.conftest import FAST_RETRIES
from tests.sync.conftest import loop_threads
from tests.sync.support import API_KEY, ThreadedMock
from tests.waiting.support import FAST


@pytest.fixture
def core(mock: ThreadedMock) -> Iterator[SyncSDKCore]:
    with SyncSDKCore(api_key=API_KEY, server_url=mock.url, retry_config=FAST_RETRIES) as made:
        yield made
    assert loop_threads() == []


def test_each_function_returns_a_result(mock: ThreadedMock, core: SyncSDKCore) -> None:
    mock.do(lambda server: server.create_operation("op", polls=3))
    match operations_get_operation(core, {"operation_id": "op"}):
        case Ok(value):
            assert value.operation.status == "running"
        case Err(error):
            pytest.fail(f"unexpected {error!r}")
    missing = operations_get_operation(core, {"operation_id": "missing"})
    assert isinstance(missing, Err)
    assert isinstance(missing.error, ApiError)

    states = list(operations_watch(core, {"operation_id": "op"}, poll_interval=FAST))
    assert [state.unwrap().status for state in states] == ["running", "succeeded"]

    mock.do(lambda server: server.create_operation("two", polls=2))
    waited = operations_wait(core, {"operation_id": "two"}, poll_interval=FAST)
    assert waited.unwrap().succeeded

    mock.do(lambda server: server.create_operation("stuck", duration=None))
    late = operations_wait(core, {"operation_id": "stuck"}, timeout=0.3, poll_interval=FAST)
    assert isinstance(late, Err)
    assert isinstance(late.error, WaitTimeoutError)
    timed_out = list(operations_watch(core, {"operation_id": "stuck"}, timeout=0.3))
    assert isinstance(timed_out[-1].error, WaitTimeoutError)

    cancelled = operations_cancel_operation(
        core, {"operation_id": "stuck"}, RequestOptions(headers={"X-Trace": "c"})
    )
    assert cancelled.unwrap().operation.status in ("cancelling", "cancelled")
    [cancel] = mock.do(lambda server: server.find_requests("POST", operation_id="stuck"))
    assert cancel.headers.get("X-Trace") == "c"

    with operations_wait_many(core, ["op", "two", "bad/.."], poll_interval=FAST) as results:
        got = dict(results)
    assert got["op"].unwrap().succeeded
    assert got["two"].unwrap().succeeded
    assert isinstance(got["bad/.."].error, ApiError)


def test_a_closed_core_is_an_err_not_an_exception(mock: ThreadedMock) -> None:
    mock.do(lambda server: server.create_operation("op", status="running"))
    core = SyncSDKCore(api_key=API_KEY, server_url=mock.url)
    assert isinstance(operations_get_operation(core, {"operation_id": "op"}), Ok)
    core.close()
    for result in (
        operations_get_operation(core, {"operation_id": "op"}),
        operations_cancel_operation(core, {"operation_id": "op"}),
        operations_wait(core, {"operation_id": "op"}),
    ):
        assert isinstance(result, Err)
        assert isinstance(result.error, InvalidRequestError)
        assert "closed" in str(result.error)
    [last] = list(operations_watch(core, {"operation_id": "op"}))
    assert isinstance(last.error, InvalidRequestError)
    waits = operations_wait_many(core, ["op"])
    with pytest.raises(InvalidRequestError, match="closed"):
        next(waits)
    assert mock.count("GET") == 1
