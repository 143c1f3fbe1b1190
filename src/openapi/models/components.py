"""The API's schemas: ``Operation``, its ``OperationStatus`` and ``OperationError``, and the
two errors an operation's own outcome can be (``OperationFailedError``,
``OperationNotDoneError``: they are ``Operation.outcome()``, so they live beside it).

Instances are immutable and built by the SDK from response bodies; unknown fields in a body
are ignored, and an unknown ``status`` string is kept as the plain string (an open enum), so a
server that adds a state never breaks a client. ``HTTPMetadata`` is defined in
``openapi.models.http_metadata`` and importable from here.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

from openapi.models._error_base import SDKBaseError
from openapi.models.http_metadata import HTTPMetadata as HTTPMetadata
from openapi.types import Err, Ok, Result

__all__ = [
    "TERMINAL_STATUSES",
    "HTTPMetadata",
    "Operation",
    "OperationError",
    "OperationFailedError",
    "OperationNotDoneError",
    "OperationStatus",
]


class OperationStatus(enum.StrEnum):
    """The statuses this SDK knows. Servers may send others; see ``Operation.status``."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"


TERMINAL_STATUSES: frozenset[str] = frozenset(
    {OperationStatus.SUCCEEDED, OperationStatus.FAILED, OperationStatus.CANCELLED}
)
"""Statuses after which an operation never changes again."""


@attrs.frozen(slots=True)
class OperationError:
    """Why an operation failed (or ``code == "cancelled"`` when it was cancelled)."""

    code: str
    message: str
    details: Any = None


@attrs.frozen(slots=True)
class Operation:
    """A long-running operation as the server last reported it.

    ``status`` is an ``OperationStatus`` for the known values and the raw string for any
    other; an unknown status is treated as not done.
    """

    id: str
    status: OperationStatus | str
    created_at: datetime
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    progress: float | None = None
    result: Any = None
    error: OperationError | None = None
    metadata: dict[str, Any] = attrs.field(factory=dict[str, Any])

    @property
    def done(self) -> bool:
        """True once the operation is terminal (succeeded, failed or cancelled)."""
        return self.status in TERMINAL_STATUSES

    @property
    def succeeded(self) -> bool:
        """True when the operation finished successfully; ``result`` holds its output."""
        return self.status == OperationStatus.SUCCEEDED

    @property
    def failed(self) -> bool:
        """True when the operation finished with an error; ``error`` says why."""
        return self.status == OperationStatus.FAILED

    @property
    def cancelled(self) -> bool:
        """True when the operation was cancelled."""
        return self.status == OperationStatus.CANCELLED

    def outcome(self) -> Result[Any, OperationFailedError | OperationNotDoneError]:
        """The operation's own outcome as a ``Result``, for pipelines.

        ``Ok(result)`` when it succeeded; ``Err(OperationFailedError)`` when it failed or
        was cancelled; ``Err(OperationNotDoneError)`` when it is not done yet (it has no
        outcome then: wait for it first).
        """
        if self.succeeded:
            return Ok(self.result)
        if not self.done:
            return Err(OperationNotDoneError(self))
        return Err(OperationFailedError(self))


class OperationFailedError(SDKBaseError):
    """An operation ended without success (``failed`` or ``cancelled``).

    The call that fetched it worked; this is the operation's own outcome, produced by
    ``Operation.outcome()``. ``error`` is the server's ``OperationError``, if any. (An
    operation not done yet has no outcome: that is ``OperationNotDoneError``.)
    """

    operation: Operation

    def __init__(self, operation: Operation) -> None:
        error = operation.error
        if error is not None:
            message = (
                f"operation {operation.id!r} ended {operation.status}: "
                f"{error.code}: {error.message}"
            )
        else:
            message = f"operation {operation.id!r} ended {operation.status}"
        super().__init__(message)
        self.operation = operation

    @property
    def error(self) -> OperationError | None:
        """The server's description of the failure, if it sent one."""
        return self.operation.error

    @property
    def code(self) -> str | None:
        """The failure's code (``"cancelled"`` for a cancelled operation), if any."""
        return self.operation.error.code if self.operation.error else None


class OperationNotDoneError(SDKBaseError):
    """``Operation.outcome()`` of an operation that is not done yet: it has no outcome.

    Nothing failed, neither the call nor the operation: wait for the operation first
    (``operations_wait``, ``sdk.operations.wait``), then take its outcome. ``operation`` is
    the state that was asked.
    """

    operation: Operation

    def __init__(self, operation: Operation) -> None:
        super().__init__(
            f"operation {operation.id!r} is not done yet (status {operation.status}), so it "
            "has no outcome: wait for it first (operations_wait or sdk.operations.wait), "
            "then call outcome()"
        )
        self.operation = operation
