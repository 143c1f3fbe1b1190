"""The API's schemas: ``Operation``, its ``OperationStatus`` and ``OperationError``.

Instances are immutable and built by the SDK from response bodies; unknown fields in a body
are ignored, and an unknown ``status`` string is kept as the plain string (an open enum), so a
server that adds a state never breaks a client.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from openapi.models.errors import OperationFailedError, OperationNotDoneError
    from openapi.types import Result

__all__ = [
    "TERMINAL_STATUSES",
    "HTTPMetadata",
    "Operation",
    "OperationError",
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
        from openapi.models.errors import OperationFailedError, OperationNotDoneError
        from openapi.types import Err, Ok

        if self.succeeded:
            return Ok(self.result)
        if not self.done:
            return Err(OperationNotDoneError(self))
        return Err(OperationFailedError(self))


@attrs.frozen(slots=True)
class HTTPMetadata:
    """What the HTTP exchange behind a result looked like.

    ``retry_after`` is the server's suggested poll interval in seconds (its ``Retry-After``
    header on a successful response), or ``None`` when it sent none or no positive delay
    (``0``, a past date, garbage: see ``openapi.utils.retries.parse_retry_after``).
    """

    status_code: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    url: str
    request_id: str | None = None
    attempts: int = 1
    retry_after: float | None = None
    elapsed: float = 0.0
    """Seconds from the first attempt to the final response, retries included."""
