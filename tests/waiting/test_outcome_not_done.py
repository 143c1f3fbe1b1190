"""``Operation.outcome()`` of an operation still running says so; it is not "failed"."""

from __future__ import annotations

from openapi import Err, OperationFailedError, OperationNotDoneError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer


async def test_outcome_of_a_running_operation_is_not_done(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("busy", status="running", progress=0.4)
    operation = (await operations_get_operation(core, {"operation_id": "busy"})).unwrap().operation
    outcome = operation.outcome()
    assert isinstance(outcome, Err)
    error = outcome.error
    assert isinstance(error, OperationNotDoneError)
    assert not isinstance(error, OperationFailedError)
    assert error.operation is operation
    message = str(error)
    assert "'busy' is not done yet (status running)" in message
    assert "wait for it first" in message
    assert "fail" not in message


async def test_outcome_of_a_failed_operation_is_still_failed(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("broke", status="running")
    mock.fail("broke", "boom", "it broke")
    operation = (await operations_get_operation(core, {"operation_id": "broke"})).unwrap().operation
    outcome = operation.outcome()
    assert isinstance(outcome, Err)
    assert isinstance(outcome.error, OperationFailedError)
    assert str(outcome.error) == "operation 'broke' ended failed: boom: it broke"
