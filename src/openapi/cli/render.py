"""What the command prints: operations (a summary or JSON) and errors (one line of advice).

Errors are described from what they are (class, status, the server's own message), with
the SDK's advice in the command's words (``SPELLING``): no SDK message is rewritten. Text
from the server is escaped (``clean``) so that it cannot drive the operator's terminal.
"""

from __future__ import annotations

import http
import json
from typing import Final, TextIO

from openapi._advice import (
    connection_advice,
    status_advice,
    timeout_advice,
    wait_timeout_advice,
)
from openapi.cli.arguments import SPELLING
from openapi.cli.exit_codes import Failure, for_error
from openapi.core import SDKCore
from openapi.models.components import Operation
from openapi.models.errors import (
    ConnectionError,
    RequestTimeoutError,
    ResponseValidationError,
    SDKBaseError,
    SDKError,
    WaitTimeoutError,
)

__all__ = [
    "Output",
    "clean",
    "describe",
    "failure",
    "percent",
    "reason",
    "summary",
]

_CONTROL: Final = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}


def clean(text: str) -> str:
    """Escape control characters so a server's text can't drive the operator's terminal."""
    return text.translate(_CONTROL)


def percent(operation: Operation) -> str:
    """The operation's progress as a percentage (``-`` when unknown)."""
    if operation.progress is not None:
        return f"{operation.progress * 100:.0f}%"
    return "100%" if operation.succeeded else "-"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _when(moment: object) -> str:
    return "-" if moment is None else str(getattr(moment, "isoformat", lambda: moment)())


def summary(operation: Operation, request_id: str | None) -> list[str]:
    """The human-readable description of an operation, one field per line."""
    rows: list[tuple[str, str]] = [
        ("operation", operation.id),
        ("status", str(operation.status)),
        ("progress", percent(operation)),
        ("created", _when(operation.created_at)),
        ("updated", _when(operation.updated_at)),
        ("completed", _when(operation.completed_at)),
    ]
    if operation.result is not None:
        rows.append(("result", _compact(operation.result)))
    if operation.error is not None:
        rows.append(("error", f"{operation.error.code}: {operation.error.message}"))
        if operation.error.details is not None:
            rows.append(("details", _compact(operation.error.details)))
    if operation.metadata:
        rows.append(("metadata", _compact(operation.metadata)))
    if request_id:
        rows.append(("request id", request_id))
    return [f"{name:<11} {clean(value)}" for name, value in rows]


class Output:
    """stdout: the operation, as a summary or (``--json``) exactly one JSON document
    (``Operation.to_json()``: ``Operation.from_json`` reads it back)."""

    def __init__(self, stdout: TextIO, *, as_json: bool) -> None:
        self.stdout = stdout
        self._as_json = as_json

    def operation(self, operation: Operation, request_id: str | None = None) -> None:
        """Print ``operation`` (``request_id``: the response it came in, for the summary)."""
        if self._as_json:
            self.stdout.write(operation.to_json() + "\n")  # the one JSON form of a model
        else:
            self.stdout.write("\n".join(summary(operation, request_id)) + "\n")
        self.stdout.flush()


def _phrase(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def reason(error: SDKBaseError) -> str:
    """What went wrong in a few words (for a retry notice)."""
    if isinstance(error, SDKError):
        return _phrase(error.status_code)
    if isinstance(error, ConnectionError) and error.__cause__ is not None:
        return clean(f"{type(error.__cause__).__name__}: {error.__cause__}")
    if isinstance(error, RequestTimeoutError):
        return "no answer in time"
    return type(error).__name__


def _http_failure(error: SDKError, what: str) -> str:
    status = error.status_code
    if isinstance(error, ResponseValidationError):
        return clean(error.message)  # it names the request id to report; no setting to fix
    where = _phrase(status) if status != 404 else "HTTP 404"
    attempts = error.http_meta.attempts
    if attempts > 1:
        where += f" after {attempts} attempts"
    if error.request_id:
        where += f", request id {clean(error.request_id)}"
    # With an ApiError document (any status) ``message`` is the server's own words.
    said = f": {clean(error.message).rstrip('. ')}" if error.code is not None else ""
    head = f"{what} not found ({where})" if status == 404 else f"{what}: {where}"
    return f"{head}{said}; {status_advice(status, SPELLING)}"


def _wait_timeout(error: WaitTimeoutError, what: str, core: SDKCore) -> str:
    message = f"{what} was not done within {error.timeout:g} s"
    last = error.operation
    if error.cancel_accepted:
        status = f", status now {clean(str(last.status))}" if last is not None else ""
        return f"{message}; cancel requested{status}"
    seen = f"last status {clean(str(last.status))}" if last is not None else "no poll answered"
    message += f" ({seen})"
    if error.cancel_requested and error.cancel_error is not None:
        return f"{message}; the cancel request failed: {describe(error.cancel_error, what, core)}"
    return f"{message}; it is still running: {wait_timeout_advice(SPELLING)}"


def describe(error: SDKBaseError, what: str, core: SDKCore) -> str:
    """One line that says what went wrong and what to do; ``what`` names the operation."""
    url = core.config.server_url
    if isinstance(error, SDKError):
        return _http_failure(error, what)
    if isinstance(error, ConnectionError):
        return f"cannot reach {url} ({reason(error)}); {connection_advice(SPELLING)}"
    if isinstance(error, RequestTimeoutError):
        return (
            f"{url} did not answer within {core.config.timeout:g} s per attempt; "
            f"{timeout_advice(SPELLING)}"
        )
    if isinstance(error, WaitTimeoutError):
        return _wait_timeout(error, what, core)
    return clean(error.message)


def failure(error: SDKBaseError, operation_id: str, core: SDKCore) -> Failure:
    """The failure that ends the command for ``error``: its line and its exit status."""
    what = f"operation {clean(operation_id)!r}"
    return Failure(describe(error, what, core), for_error(error))
