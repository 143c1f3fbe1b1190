"""What the mock reports: an operation's snapshot and its error, as the API's JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

import attrs

__all__ = [
    "CANCELLED_ERROR",
    "DEFAULT_FAILURE",
    "KNOWN_STATUSES",
    "TERMINAL_STATUSES",
    "MockError",
    "MockOperation",
    "Outcome",
    "format_timestamp",
]

#: How an automatically progressing operation ends.
Outcome = Literal["succeeded", "failed"]

#: The statuses the API documents; any other string is allowed too (an open set).
KNOWN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelling", "cancelled")
#: Statuses after which an operation never changes again (unless driven by hand).
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})


def format_timestamp(moment: datetime) -> str:
    """Format an aware datetime as RFC 3339 in UTC with millisecond precision."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@attrs.frozen
class MockError:
    """An ``OperationError``: why an operation failed or was cancelled."""

    code: str
    message: str
    details: object = None

    def to_json(self) -> dict[str, object]:
        """The error as the API sends it (``details`` only when set)."""
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


#: The error of a cancelled operation unless one is given.
CANCELLED_ERROR = MockError("cancelled", "The operation was cancelled.")
#: The error of a failed operation unless one is given.
DEFAULT_FAILURE = MockError("operation_failed", "The operation failed.")


def as_error(error: MockError | tuple[str, str] | None, default: MockError) -> MockError:
    """``error`` as a :class:`MockError` (a ``(code, message)`` pair is accepted too)."""
    if error is None:
        return default
    if isinstance(error, MockError):
        return error
    code, message = error
    return MockError(code, message)


@attrs.frozen
class MockOperation:
    """A snapshot of an operation as the server would report it at one moment."""

    id: str
    status: str
    created_at: datetime
    updated_at: datetime | None
    completed_at: datetime | None
    progress: float | None
    result: object
    error: MockError | None
    metadata: Mapping[str, object]

    @property
    def done(self) -> bool:
        """Whether the status is terminal (unknown statuses are not done)."""
        return self.status in TERMINAL_STATUSES

    def to_json(self) -> dict[str, object]:
        """The ``Operation`` JSON object, with every documented field present."""
        return {
            "id": self.id,
            "status": self.status,
            "created_at": format_timestamp(self.created_at),
            "updated_at": None if self.updated_at is None else format_timestamp(self.updated_at),
            "completed_at": (
                None if self.completed_at is None else format_timestamp(self.completed_at)
            ),
            "progress": self.progress,
            "result": self.result,
            "error": None if self.error is None else self.error.to_json(),
            "metadata": dict(self.metadata),
        }
