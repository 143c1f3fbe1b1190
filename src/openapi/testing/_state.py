"""In-memory operations whose status moves on over time.

Nothing runs in the background: each operation keeps a small script (when it started, how
long it takes, how it ends) and its current state is computed from a monotonic clock each
time it is read. Driving an operation by hand replaces the script with a pinned state.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

import attrs

from ._paths import MAX_OPERATION_ID_LENGTH

__all__ = [
    "KNOWN_STATUSES",
    "TERMINAL_STATUSES",
    "Clock",
    "MockError",
    "MockOperation",
    "OperationStore",
    "Outcome",
    "format_timestamp",
]

#: A monotonic clock in seconds, such as :func:`time.monotonic`.
Clock = Callable[[], float]
#: How an automatically progressing operation ends.
Outcome = Literal["succeeded", "failed"]
"""How a mock operation that progresses by itself ends."""

KNOWN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelling", "cancelled")
"""The statuses the API documents; any other string is allowed too (an open set)."""
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
"""Statuses after which an operation never changes again (unless driven by hand)."""

#: Share of an operation's duration spent ``queued`` before it is ``running``.
_QUEUED_FRACTION = 0.1


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


_CANCELLED_ERROR = MockError("cancelled", "The operation was cancelled.")
_DEFAULT_FAILURE = MockError("operation_failed", "The operation failed.")


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


@attrs.frozen
class _State:
    """A resolved state; times are monotonic clock readings."""

    status: str
    progress: float | None
    result: object
    error: MockError | None
    updated: float
    completed: float | None


@attrs.frozen
class _Timeline:
    """queued -> running -> outcome over ``duration`` seconds from ``start``."""

    start: float
    duration: float
    outcome: Outcome
    result: object
    error: MockError

    def at(self, now: float) -> _State:
        elapsed = now - self.start
        if elapsed >= self.duration:
            end = self.start + self.duration
            if self.outcome == "succeeded":
                return _State("succeeded", 1.0, self.result, None, end, end)
            return _State("failed", None, None, self.error, end, end)
        if elapsed < self.duration * _QUEUED_FRACTION:
            return _State("queued", 0.0, None, None, self.start, None)
        # Rounded so the JSON stays readable; never 1.0 before the operation is done.
        progress = min(round(elapsed / self.duration, 4), 0.9999)
        return _State("running", progress, None, None, now, None)


@attrs.define
class _PollScript:
    """queued -> running -> outcome, one step per ``GET``: driven by events, not by a clock.

    ``GET`` number ``k`` (1-based) of ``polls`` sees ``running`` with ``progress`` k/polls,
    and the last one (and every later one) the outcome. Reading the operation from Python
    or through ``/_mock`` does not advance it.
    """

    polls: int
    outcome: Outcome
    result: object
    error: MockError
    seen: int = 0
    updated: float = 0.0

    def advance(self, now: float) -> None:
        if self.seen < self.polls:
            self.seen += 1
            self.updated = now

    def at(self, now: float) -> _State:
        if self.seen >= self.polls:
            end = self.updated
            if self.outcome == "succeeded":
                return _State("succeeded", 1.0, self.result, None, end, end)
            return _State("failed", None, None, self.error, end, end)
        if self.seen == 0:
            return _State("queued", 0.0, None, None, self.updated, None)
        progress = round(self.seen / self.polls, 4)
        return _State("running", progress, None, None, self.updated, None)


@attrs.frozen
class _Cancel:
    """A cancel request: ``cancelling`` from ``requested``, ``cancelled`` after ``delay``."""

    requested: float
    delay: float
    progress: float | None

    def at(self, now: float) -> _State:
        done_at = self.requested + self.delay
        if now < done_at:
            return _State("cancelling", self.progress, None, None, self.requested, None)
        return _State("cancelled", self.progress, None, _CANCELLED_ERROR, done_at, done_at)


@attrs.define
class _Record:
    """One operation's mutable bookkeeping; the newest of its scripts wins."""

    id: str
    created: float
    metadata: dict[str, object]
    pinned: _State
    timeline: _Timeline | _PollScript | None = None
    cancel: _Cancel | None = None

    def at(self, now: float) -> _State:
        if self.cancel is not None:
            return self.cancel.at(now)
        if self.timeline is not None:
            return self.timeline.at(now)
        return self.pinned


def _as_error(error: MockError | tuple[str, str] | None, default: MockError) -> MockError:
    if error is None:
        return default
    if isinstance(error, MockError):
        return error
    code, message = error
    return MockError(code, message)


class OperationStore:
    """All operations of one mock server, keyed by id."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, _Record] = {}
        # Wall-clock timestamps are derived from the monotonic clock through one anchor,
        # so lazily computed transitions get consistent, ordered timestamps.
        self._anchor_mono = clock()
        self._anchor_wall = datetime.now(UTC)

    def _wall(self, mono: float) -> datetime:
        return self._anchor_wall + timedelta(seconds=mono - self._anchor_mono)

    def _snapshot(self, record: _Record, now: float) -> MockOperation:
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

    def _record(self, operation_id: str) -> _Record:
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
        record = _Record(
            id=op_id,
            created=now,
            metadata=dict(metadata or {}),
            pinned=_State("queued", 0.0, None, None, now, None),
        )
        self._records[op_id] = record
        if status is not None:
            # An explicit status pins the operation there: it is driven by hand from now on.
            self._pin(record, now, status, progress=progress, result=result, error=error)
        elif polls is not None:
            record.timeline = _PollScript(
                polls=polls,
                outcome=outcome,
                result=result,
                error=_as_error(error, _DEFAULT_FAILURE),
                updated=now,
            )
        elif duration is not None:
            record.timeline = _Timeline(
                start=now,
                duration=duration,
                outcome=outcome,
                result=result,
                error=_as_error(error, _DEFAULT_FAILURE),
            )
        return self._snapshot(record, now)

    def _pin(
        self,
        record: _Record,
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
            err: MockError | None = _as_error(error, _DEFAULT_FAILURE)
        elif status == "cancelled":
            err = _as_error(error, _CANCELLED_ERROR)
        else:
            err = _as_error(error, _DEFAULT_FAILURE) if error is not None else None
        record.pinned = _State(
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
        if isinstance(record.timeline, _PollScript) and record.cancel is None:
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
            record.cancel = _Cancel(requested=now, delay=max(delay, 0.0), progress=state.progress)
            record.timeline = None
        return self._snapshot(record, now)

    def complete(self, operation_id: str, result: object = None) -> MockOperation:
        """Make the operation ``succeeded`` now with ``result``."""
        return self._pin(self._record(operation_id), self._clock(), "succeeded", result=result)

    def fail(
        self,
        operation_id: str,
        code: str = _DEFAULT_FAILURE.code,
        message: str = _DEFAULT_FAILURE.message,
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
