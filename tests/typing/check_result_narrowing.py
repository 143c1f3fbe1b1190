"""Checked by mypy --strict and pyright (strict), never run: ``Result`` narrows as documented.

The portable forms (both checkers): ``res.ok is True`` / ``is False``, ``isinstance`` and
``match``. Plain ``if res.ok:`` narrows under mypy (see ``check_result_truthiness_mypy.py``);
pyright narrows a literal-typed discriminant only on ``==``/``is`` by design.
"""

from __future__ import annotations

from typing import Any, assert_type

from openapi import (
    SDK,
    ApiError,
    Err,
    GetOperationResponse,
    Ok,
    Operation,
    OperationStatus,
    Result,
)
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import CallError, OperationFailedError, OperationNotDoneError
from openapi.models.operations import CancelOperationResponse


async def standalone(core: SDKCore) -> None:
    res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert_type(res, Result[GetOperationResponse, CallError])

    if res.ok is True:
        assert_type(res, Ok[GetOperationResponse])
        assert_type(res.value, GetOperationResponse)
        assert_type(res.value.operation, Operation)
    else:
        assert_type(res, Err[CallError])
        assert_type(res.error, CallError)

    if res.ok is False:
        assert_type(res, Err[CallError])

    if isinstance(res, Ok):
        assert_type(res.value, GetOperationResponse)
    else:
        assert_type(res.error, CallError)

    match res:
        case Ok(value):
            assert_type(value, GetOperationResponse)
        case Err(ApiError() as api_error):
            assert_type(api_error, ApiError)
            assert_type(api_error.code, str)
        case Err(error):
            assert_type(error, CallError)

    cancelled = await operations_cancel_operation(core, {"operation_id": "op_1"})
    assert_type(cancelled, Result[CancelOperationResponse, CallError])


def combinators(res: Result[GetOperationResponse, CallError]) -> None:
    status = res.map(lambda r: r.operation.status)
    assert_type(status.unwrap_or(None), OperationStatus | str | None)
    assert_type(res.unwrap(), GetOperationResponse)
    outcome = res.and_then(lambda r: r.operation.outcome())
    assert_type(
        outcome, Ok[Any] | Err[OperationFailedError | OperationNotDoneError] | Err[CallError]
    )
    as_text = res.map_err(str)
    assert_type(as_text, Ok[GetOperationResponse] | Err[str])


async def facade(sdk: SDK) -> None:
    response = await sdk.operations.get_operation(operation_id="op_1")
    assert_type(response, GetOperationResponse)
    cancelled = await sdk.operations.cancel_operation(operation_id="op_1")
    assert_type(cancelled, CancelOperationResponse)
