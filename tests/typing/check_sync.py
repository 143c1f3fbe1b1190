"""Checked by mypy --strict and pyright (strict), never run: the blocking client and the
blocking functions give the same types as their async forms, minus the ``await``; and
``with_options`` takes exactly the per-call options.

Every ``# type: ignore[...]`` below marks a call the checkers must refuse (both report an
ignore that is no longer needed).
"""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from typing import assert_type

from openapi import (
    SDK,
    CancelOperationResponse,
    GetOperationResponse,
    Operation,
    Result,
    RetryConfig,
    SyncSDK,
    SyncSDKCore,
)
from openapi.core import SDKCore
from openapi.funcs.operations_wait import WaitError
from openapi.funcs.sync import (
    SyncWaitMany,
    operations_cancel_operation,
    operations_get_operation,
    operations_wait,
    operations_wait_many,
    operations_watch,
)
from openapi.models.errors import CallError
from openapi.sync_core import BlockingIterator


def facade(sdk: SyncSDK) -> None:
    assert_type(sdk.operations.get_operation(operation_id="op"), GetOperationResponse)
    assert_type(sdk.operations.cancel_operation(operation_id="op"), CancelOperationResponse)
    assert_type(sdk.operations.wait(operation_id="op", timeout=5), Operation)
    assert_type(sdk.operations.watch(operation_id="op"), BlockingIterator[Operation])
    for op in sdk.operations.watch(operation_id="op"):
        assert_type(op, Operation)
    with sdk.operations.wait_many(["a", "b"]) as results:
        assert_type(results, SyncWaitMany)
        for operation_id, res in results:
            assert_type(operation_id, str)
            assert_type(res, Result[Operation, WaitError])
    sdk.operations.get_operation(operation_id="op", timeout=2, retries=RetryConfig.none())
    sdk.operations.get_operation(operation_id="op", request_timeout=2)  # type: ignore[call-arg]
    SyncSDK(api_key="k", timeout=3)
    SyncSDK(core=SyncSDKCore(api_key="k"))
    SyncSDK(api_kye="k")  # type: ignore[call-arg]


def functions(core: SyncSDKCore) -> None:
    assert_type(
        operations_get_operation(core, {"operation_id": "op"}),
        Result[GetOperationResponse, CallError],
    )
    assert_type(
        operations_cancel_operation(core, {"operation_id": "op"}),
        Result[CancelOperationResponse, CallError],
    )
    assert_type(operations_wait(core, {"operation_id": "op"}), Result[Operation, WaitError])
    for state in operations_watch(core, {"operation_id": "op"}):
        assert_type(state, Result[Operation, WaitError])
    assert_type(operations_wait_many(core, ["a"]), SyncWaitMany)
    operations_get_operation(SDKCore(), {"operation_id": "op"})  # type: ignore[arg-type]


def with_options(sdk: SDK, core: SDKCore, blocking: SyncSDK) -> None:
    assert_type(sdk.with_options(timeout=2, headers={"X-A": "1"}), SDK)
    assert_type(core.with_options(server_url="https://b.example.com"), SDKCore)
    assert_type(blocking.with_options(retries=RetryConfig.none()), SyncSDK)
    sdk.with_options(request_timeout=2)  # type: ignore[call-arg]
    core.with_options(api_key="k")  # type: ignore[call-arg]
