"""The standalone functions, blocking: each takes a ``SyncSDKCore`` and returns a ``Result``.

The same arguments and results as their async forms in ``openapi.funcs``, run on the core's
private event-loop thread, so they work from plain code and from inside a running loop::

    from openapi.funcs.sync import operations_get_operation
    from openapi.sync_core import SyncSDKCore

    with SyncSDKCore(api_key="...", server_url="https://ops.example.com") as core:
        match operations_get_operation(core, {"operation_id": "op_123"}):
            case Ok(value):
                print(value.operation.status)
            case Err(error):
                print("failed:", error)

They never raise for a failed call; a core that was closed is ``Err(InvalidRequestError)``
too. Ctrl-C (``KeyboardInterrupt``) propagates at once and cancels the call on the loop
thread; a wait interrupted so leaves the operation running.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from openapi.funcs import operations_cancel_operation as cancel
from openapi.funcs import operations_get_operation as get
from openapi.funcs import operations_wait as waiting
from openapi.funcs.operations_wait import WaitError
from openapi.models.components import Operation
from openapi.models.errors import CallError, InvalidRequestError
from openapi.sync_core import BlockingIterator, SyncSDKCore
from openapi.types import Err, Result

if TYPE_CHECKING:
    from openapi.funcs.operations_wait import OnUpdate
    from openapi.models.operations import (
        CancelOperationRequest,
        CancelOperationResponse,
        GetOperationRequest,
        GetOperationResponse,
    )
    from openapi.utils.options import RequestOptions
    from openapi.utils.polling import PollPolicy

__all__ = [
    "SyncWaitMany",
    "operations_cancel_operation",
    "operations_get_operation",
    "operations_wait",
    "operations_wait_many",
    "operations_watch",
]

T = TypeVar("T")
E = TypeVar("E")


def _flat(result: Result[Result[T, E], InvalidRequestError]) -> Result[T, E | InvalidRequestError]:
    return result.value if result.ok is True else Err(result.error)


def operations_get_operation(
    core: SyncSDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[GetOperationResponse, CallError]:
    """Poll an async operation, blocking. Never raises for call failures."""
    return _flat(core.run(lambda c: get.operations_get_operation(c, request, options)))


def operations_cancel_operation(
    core: SyncSDKCore,
    request: CancelOperationRequest | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[CancelOperationResponse, CallError]:
    """Cancel a running async operation, blocking. Never raises for call failures."""
    return _flat(core.run(lambda c: cancel.operations_cancel_operation(c, request, options)))


def operations_wait(
    core: SyncSDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    on_update: OnUpdate | None = None,
    cancel_on_timeout: bool = False,
    cancel_grace: float = waiting.DEFAULT_CANCEL_GRACE,
    options: RequestOptions | None = None,
) -> Result[Operation, WaitError]:
    """Block until the operation is done (``openapi.funcs.operations_wait.operations_wait``).

    ``on_update`` runs on the core's loop thread: keep it quick, and do not call this core
    from it (that is ``Err(InvalidRequestError)``: it would wait for itself). Ctrl-C stops
    the wait at once and leaves the operation running (nothing is sent after it).
    """
    return _flat(
        core.run(
            lambda c: waiting.operations_wait(
                c,
                request,
                timeout=timeout,
                poll_interval=poll_interval,
                on_update=on_update,
                cancel_on_timeout=cancel_on_timeout,
                cancel_grace=cancel_grace,
                options=options,
            )
        )
    )


def operations_watch(
    core: SyncSDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    options: RequestOptions | None = None,
) -> BlockingIterator[Result[Operation, WaitError]]:
    """A plain iterator over an operation's successive states (``operations_watch``).

    Errors are values: a failed call, the deadline or a closed core is one last ``Err``.
    Use it in ``with`` (or ``close()`` it) when you may stop early.
    """
    states = waiting.operations_watch(
        core.core, request, timeout=timeout, poll_interval=poll_interval, options=options
    )
    return BlockingIterator(core, states, refused=Err)


class SyncWaitMany(BlockingIterator[tuple[str, Result[Operation, WaitError]]]):
    """``operations_wait_many``'s plain iterator of ``(operation_id, Result)``."""

    def __init__(self, core: SyncSDKCore, waits: waiting.WaitMany) -> None:
        super().__init__(core, waits, waits.aclose)
        self.operation_ids: tuple[str, ...] = waits.operation_ids
        """The distinct ids, in the order given (a duplicate is waited for once)."""


def operations_wait_many(
    core: SyncSDKCore,
    operation_ids: Iterable[str],
    *,
    concurrency: int = waiting.DEFAULT_CONCURRENCY,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    cancel_on_timeout: bool = False,
    cancel_grace: float = waiting.DEFAULT_CANCEL_GRACE,
    options: RequestOptions | None = None,
) -> SyncWaitMany:
    """Wait for many operations; a plain iterator of ``(operation_id, Result)``.

    The arguments, errors and demand rule of ``operations_wait_many``: polls go out only
    while you wait in ``next()``. Use it in ``with`` (or ``close()`` it) to stop early with
    every poll task on the loop thread cancelled and awaited; a closed core makes
    ``next()`` raise ``InvalidRequestError``.
    """
    waits = waiting.operations_wait_many(
        core.core,
        operation_ids,
        concurrency=concurrency,
        timeout=timeout,
        poll_interval=poll_interval,
        cancel_on_timeout=cancel_on_timeout,
        cancel_grace=cancel_grace,
        options=options,
    )
    return SyncWaitMany(core, waits)
