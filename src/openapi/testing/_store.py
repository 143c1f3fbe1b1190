"""The in-memory operations of one mock server, keyed by id.

Nothing runs in the background: each operation keeps a small script (when it started, how
long it takes, how it ends; see ``_scripts``) and its current state is computed from a
monotonic clock each time it is read. Driving an operation by hand replaces the script
with a pinned state.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import cast

from ._operation import (
    CANCELLED_ERROR,
    DEFAULT_FAILURE,
    TERMINAL_STATUSES,
    MockError,
    MockOperation,
    Outcome,
    as_error,
)
from ._paths import MAX_OPERATION_ID_LENGTH
from ._scripts import CancelScript, PollScript, Record, State, Timeline

__all__ = ["Clock", "OperationStore"]

#: A monotonic clock in seconds, such as :func:`time.monotonic`.
Clock = Callable[[], float]


class OperationStore:
    """All operations of one mock server, keyed by id."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, Record] = {}
        # Wall-clock timestamps are derived from the monotonic clock through one anchor,
        # so lazily computed transitions get consistent, ordered timestamps.
        self._anchor_mono = clock()
        self._anchor_wall = datetime.now(UTC)

    def _wall(self, mono: float) -> datetime:
        return self._anchor_wall + timedelta(seconds=mono - self._anchor_mono)

    def _snapshot(self, record: Record, now: float) -> MockOperation:
        state = record.at(now)
        return MockOperation(
            id=record.id,
            status=state.status,
            created_at=self._wall(record.created),
            updated_at=self._wall(state.updated),
            completed_at=None if state.completed is None else self._wall(state.completed),
            progress=state.progress,
            result=state.result,
            error=state.error,
            metadata=dict(record.metadata),
        )

    def _record(self, operation_id: str) -> Record:
        try:
            return self._records[operation_id]
        except KeyError:
            raise KeyError(f"no operation with id {operation_id!r}") from None

    def create(
        self,
        operation_id: str | None = None,
        *,
        outcome: Outcome = "succeeded",
        duration: float | None = 2.0,
        result: object = None,
        error: MockError | tuple[str, str] | None = None,
        metadata: Mapping[str, object] | None = None,
        status: str | None = None,
        progress: float | None = None,
        polls: int | None = None,
    ) -> MockOperation:
        """Create an operation; see :meth:`openapi.testing.MockServer.create_operation`."""
        op_id = str(uuid.uuid4()) if operation_id is None else operation_id
        if not 1 <= len(op_id) <= MAX_OPERATION_ID_LENGTH:
            raise ValueError(f"operation id must be 1 to {MAX_OPERATION_ID_LENGTH} characters")
        if op_id in self._records:
            raise ValueError(f"an operation with id {op_id!r} already exists")
        if outcome not in ("succeeded", "failed"):
            raise ValueError(f"outcome must be 'succeeded' or 'failed', not {outcome!r}")
        if duration is not None and duration < 0:
            raise ValueError("duration must be >= 0 or None")
        given = cast(object, polls)  # checked at run time: callers may pass anything
        if given is not None and (
            isinstance(given, bool) or not isinstance(given, int) or given < 1
        ):
            raise ValueError(f"polls must be a whole number >= 1 or None, not {polls!r}")
        now = self._clock()
        record = Record(
            id=op_id,
            created=now,
            metadata=dict(metadata or {}),
            pinned=State("queued", 0.0, None, None, now, None),
        )
        self._records[op_id] = record
        if status is not None:
            # An explicit status pins the operation there: it is driven by hand from now on.
            self._pin(record, now, status, progress=progress, result=result, error=error)
        elif polls is not None:
            record.timeline = PollScript(
                polls=polls,
                outcome=outcome,
                result=result,
                error=as_error(error, DEFAULT_FAILURE),
                updated=now,
            )
        elif duration is not None:
            record.timeline = Timeline(
                start=now,
                duration=duration,
                outcome=outcome,
                result=result,
                error=as_error(error, DEFAULT_FAILURE),
            )
        return self._snapshot(record, now)

    def _pin(
        self,
        record: Record,
        now: float,
        status: str,
        *,
        progress: float | None = None,
        result: object = None,
        error: MockError | tuple[str, str] | None = None,
    ) -> MockOperation:
        if progress is None and status in ("queued", "succeeded"):
            progress = 0.0 if status == "queued" else 1.0
        if progress is not None and not 0.0 <= progress <= 1.0:
            raise ValueError("progress must be between 0 and 1")
        if status == "failed":
            err: MockError | None = as_error(error, DEFAULT_FAILURE)
        elif status == "cancelled":
            err = as_error(error, CANCELLED_ERROR)
        else:
            err = as_error(error, DEFAULT_FAILURE) if error is not None else None
        record.pinned = State(
            status=status,
            progress=progress,
            result=result if status == "succeeded" else None,
            error=err,
            updated=now,
            completed=now if status in TERMINAL_STATUSES else None,
        )
        # Driving by hand overrides both the automatic script and a pending cancel.
        record.timeline = None
        record.cancel = None
        return self._snapshot(record, now)

    def get(self, operation_id: str) -> MockOperation | None:
        """The operation's current state, or ``None`` if there is no such operation."""
        record = self._records.get(operation_id)
        return None if record is None else self._snapshot(record, self._clock())

    def poll(self, operation_id: str) -> MockOperation | None:
        """The state an API ``GET`` sees; advances an operation created with ``polls``."""
        record = self._records.get(operation_id)
        if record is None:
            return None
        now = self._clock()
        if isinstance(record.timeline, PollScript) and record.cancel is None:
            record.timeline.advance(now)
        return self._snapshot(record, now)

    def all(self) -> list[MockOperation]:
        """Every operation's current state, oldest first."""
        now = self._clock()
        return [self._snapshot(record, now) for record in self._records.values()]

    def cancel(self, operation_id: str, delay: float) -> MockOperation | None:
        """Request cancellation; a done or already cancelling operation is left unchanged."""
        record = self._records.get(operation_id)
        if record is None:
            return None
        now = self._clock()
        state = record.at(now)
        if state.status not in TERMINAL_STATUSES and record.cancel is None:
            record.cancel = CancelScript(
                requested=now, delay=max(delay, 0.0), progress=state.progress
            )
            record.timeline = None
        return self._snapshot(record, now)

    def complete(self, operation_id: str, result: object = None) -> MockOperation:
        """Make the operation ``succeeded`` now with ``result``."""
        return self._pin(self._record(operation_id), self._clock(), "succeeded", result=result)

    def fail(
        self,
        operation_id: str,
        code: str = DEFAULT_FAILURE.code,
        message: str = DEFAULT_FAILURE.message,
        details: object = None,
    ) -> MockOperation:
        """Make the operation ``failed`` now with the given error."""
        error = MockError(code, message, details)
        return self._pin(self._record(operation_id), self._clock(), "failed", error=error)

    def set_status(
        self,
        operation_id: str,
        status: str,
        *,
        progress: float | None = None,
        result: object = None,
        error: MockError | tuple[str, str] | None = None,
    ) -> MockOperation:
        """Pin the operation at ``status`` (any string, known or not) from now on."""
        record = self._record(operation_id)
        return self._pin(
            record, self._clock(), status, progress=progress, result=result, error=error
        )

    def clear(self) -> None:
        """Forget every operation."""
        self._records.clear()
