"""The API's schemas: ``Operation``, its ``OperationStatus`` and ``OperationError``, and the
two errors an operation's own outcome can be (``OperationFailedError``,
``OperationNotDoneError``: they are ``Operation.outcome()``, so they live beside it).

Instances are immutable and built by the SDK from response bodies; unknown fields in a body
are ignored, and an unknown ``status`` string is kept as the plain string (an open enum), so a
server that adds a state never breaks a client. ``Operation.to_dict`` / ``to_json`` give the
JSON form back and ``Operation.from_dict`` / ``from_json`` read it with the very rules a
response is decoded with (registered on the converter at the end of this module).
``HTTPMetadata`` is defined in ``openapi.models.http_metadata`` and importable from here.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, cast

import attrs
from cattrs.gen import make_dict_structure_fn, override

from openapi.models._converter import (
    converter,
    decode_json,
    describe,
    fraction,
    open_enum,
    optional,
)
from openapi.models._error_base import SDKBaseError
from openapi.models._response_errors import NO_EXCHANGE, ResponseValidationError
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

    def to_dict(self) -> dict[str, Any]:
        """The operation in its JSON form, as the API sends it: a new ``dict`` that
        ``json.dumps`` takes as is.

        Date-times are RFC 3339 strings (their offset kept), ``status`` is its string (an
        unknown one as it came), ``error`` a dict, and every field is present (``None`` for
        an empty one). ``result``, ``metadata`` and ``error.details`` are copies, so changing
        the dict never changes the operation. ``Operation.from_dict(op.to_dict()) == op``.
        """
        data: dict[str, Any] = converter.unstructure(self)
        return data

    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as a JSON document (``indent``: as for ``json.dumps``)."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Operation:
        """The operation whose JSON form is ``data`` (what ``to_dict`` gives, or a response
        body parsed with ``json.loads``).

        ``data`` goes through the same decoder as a response body, with the same rules:
        unknown fields are ignored and an unknown ``status`` is kept, but a missing ``id``,
        a ``progress`` outside 0..1 or a ``created_at`` that is not a date-time raise
        ``ResponseValidationError`` (its message has the JSON path; ``__cause__`` says why),
        as a response with that body would be one. So does data that is not JSON (a
        ``datetime`` object where the JSON form has a string).
        """
        if not isinstance(cast(object, data), Mapping):  # typed, but called from anywhere
            why = TypeError(f"expected a mapping, got {type(data).__name__}")
            raise _invalid(why) from why
        try:
            text = json.dumps(dict(data))  # JSON's types only, as in a body
        except (TypeError, ValueError, RecursionError) as exc:
            raise _invalid(exc, "is not JSON-compatible") from exc
        return cls.from_json(text)

    @classmethod
    def from_json(cls, text: str | bytes) -> Operation:
        """The operation a JSON document describes (what ``to_json`` gives, or a response
        body), decoded exactly as a response body is; ``ResponseValidationError`` if it is
        not a valid ``Operation`` (see ``from_dict``)."""
        try:
            return decode_json(text.encode() if isinstance(text, str) else text, Operation)
        except Exception as exc:  # whatever the decoder raises, as in the pipeline
            raise _invalid(exc) from exc


def _invalid(exc: Exception, what: str = "is not a valid Operation") -> ResponseValidationError:
    """The error for data ``from_dict``/``from_json`` refused (``exc`` says why)."""
    return ResponseValidationError(
        f"the data {what}: {describe(exc)}; pass an Operation's JSON form, as "
        "Operation.to_dict() or the API gives it",
        http_meta=NO_EXCHANGE,
    )


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


# Operation's decoding rules (the generic ones are in ``openapi.models._converter``).
converter.register_structure_hook(OperationStatus | str, open_enum(OperationStatus, "status"))
converter.register_unstructure_hook(OperationStatus | str, str)  # its string, known or not
converter.register_structure_hook(
    OperationError | None, optional(lambda value, _: converter.structure(value, OperationError))
)


def _operation_hook(_: type[Operation]) -> Callable[[Any, type[Operation]], Operation]:
    # Operation's hook, with the progress check: cattrs calls this factory (and compiles
    # the hook, a few milliseconds) the first time an Operation is structured, not at import.
    return make_dict_structure_fn(
        Operation, converter, progress=override(struct_hook=fraction("progress"))
    )


converter.register_structure_hook_factory(lambda t: t is Operation, _operation_hook)
