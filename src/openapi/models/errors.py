"""Everything the SDK returns in an ``Err`` (or raises from the ``SDK`` facade).

::

    SDKBaseError                      root of everything the SDK returns or raises
    ├── SDKError                      an HTTP response came back (code, message, details
    │   │                             from an ApiError JSON body, whatever the status)
    │   ├── ApiError                  404 with an ApiError JSON body
    │   ├── SDKDefaultError           any other 4XX/5XX, or an unexpected status/content type
    │   └── ResponseValidationError   2XX whose body is not a valid Operation (cause chained)
    ├── HTTPClientError               no usable response
    │   ├── ConnectionError           also a builtins.ConnectionError
    │   ├── RequestTimeoutError       also a builtins.TimeoutError
    │   ├── InvalidRequestError       bad input caught before sending (also a ValueError)
    │   └── UnexpectedClientError     anything else; the cause is chained
    ├── WaitTimeoutError              a wait hit its deadline (also a builtins.TimeoutError)
    ├── OperationFailedError          ``Operation.outcome()`` of a failed/cancelled operation
    └── OperationNotDoneError         ``Operation.outcome()`` of an operation still running

``OperationFailedError`` and ``OperationNotDoneError`` are defined beside ``Operation`` (in
``openapi.models.components``) and ``SDKBaseError`` in ``openapi.models._error_base``, so that
no two model modules import each other; every class of the tree is importable from here.

No error ever holds the API key: messages are built from the method, the URL (which never
carries the key), the status and the response body.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, TypeAlias, cast

from openapi.models._error_base import SDKBaseError as SDKBaseError
from openapi.models.components import Operation
from openapi.models.components import OperationFailedError as OperationFailedError
from openapi.models.components import OperationNotDoneError as OperationNotDoneError
from openapi.models.http_metadata import HTTPMetadata

__all__ = [
    "ApiError",
    "CallError",
    "ConnectionError",
    "HTTPClientError",
    "InvalidRequestError",
    "OperationFailedError",
    "OperationNotDoneError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "SDKBaseError",
    "SDKDefaultError",
    "SDKError",
    "UnexpectedClientError",
    "WaitTimeoutError",
]


class SDKError(SDKBaseError):
    """An HTTP response came back, but it is not the success the endpoint promises.

    ``body`` is the response text, capped at 16 KiB so a huge error page never sits in
    memory or in a log line.

    When the body is an ``ApiError`` document (a JSON object with string ``code`` and
    ``message``), whatever the status, ``code``, ``message`` and ``details`` are the server's
    and ``request_id`` prefers the document's. Without one, ``code`` and ``details`` are
    ``None`` and ``message`` is the SDK's own explanation. ``str(error)`` is always the SDK's
    full explanation: what was asked, what came back, and what to do.
    """

    http_meta: HTTPMetadata
    body: str
    details: Any

    def __init__(
        self,
        message: str,
        *,
        http_meta: HTTPMetadata,
        body: str = "",
        code: str | None = None,
        details: Any = None,
        request_id: str | None = None,
        explanation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.http_meta = http_meta
        self.body = body
        self._code = code
        self.details = details
        self._body_request_id = request_id
        self._explanation = explanation

    @property
    def code(self) -> str | None:
        """The server's error code from an ``ApiError`` body, else ``None``."""
        return self._code

    @property
    def status_code(self) -> int:
        """The HTTP status of the final attempt."""
        return self.http_meta.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers of the final attempt."""
        return self.http_meta.headers

    @property
    def request_id(self) -> str | None:
        """The request id from an ``ApiError`` body, else the ``X-Request-Id`` header: quote
        it when you report a problem."""
        return self._body_request_id or self.http_meta.request_id

    def extend_message(self, note: str) -> None:
        """Append ``note`` to the SDK's explanation (the server's ``message`` stays as sent)."""
        if self._explanation is None:
            super().extend_message(note)
        else:
            self._explanation += note

    def __str__(self) -> str:
        return self.message if self._explanation is None else self._explanation

    def __repr__(self) -> str:
        code = f"code={self.code!r}, " if self.code is not None else ""
        return (
            f"{type(self).__name__}(status_code={self.status_code}, {code}"
            f"request_id={self.request_id!r}, message={self.message!r})"
        )


class ApiError(SDKError):
    """The API's own error document (``404`` with an ``ApiError`` JSON body).

    ``code`` and ``message`` are the server's; ``details`` is whatever extra JSON it sent.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        details: Any = None,
        request_id: str | None = None,
        http_meta: HTTPMetadata,
        body: str = "",
        explanation: str | None = None,
    ) -> None:
        super().__init__(
            message,
            http_meta=http_meta,
            body=body,
            code=code,
            details=details,
            request_id=request_id,
            explanation=explanation,
        )

    @property
    def code(self) -> str:
        """The server's error code (``"not_found"``, ...)."""
        return cast(str, self._code)

    def __str__(self) -> str:
        if self._explanation is not None:
            return self._explanation
        rid = f", request id {self.request_id}" if self.request_id else ""
        return f"{self.message} (HTTP {self.status_code}, code {self.code!r}{rid})"

    def __repr__(self) -> str:
        return (
            f"ApiError(status_code={self.status_code}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class SDKDefaultError(SDKError):
    """Any other 4XX/5XX, or a status or content type the endpoint does not describe."""


class ResponseValidationError(SDKError):
    """A 2XX response whose body is not what the API promises; ``__cause__`` says why."""


class HTTPClientError(SDKBaseError):
    """No usable response arrived (or the request was never sent)."""


class ConnectionError(HTTPClientError, builtins.ConnectionError):
    """The server could not be reached, or dropped the connection, on every attempt."""


class RequestTimeoutError(HTTPClientError, builtins.TimeoutError):
    """An attempt took longer than its ``timeout``, on every attempt allowed."""


class InvalidRequestError(HTTPClientError, ValueError):
    """The call was refused before anything was sent: bad input or missing configuration."""


class UnexpectedClientError(HTTPClientError):
    """Something the SDK did not foresee went wrong; ``__cause__`` holds the original."""


class WaitTimeoutError(SDKBaseError, builtins.TimeoutError):
    """A wait reached its deadline before the operation was done.

    ``operation`` is the last state seen (``None`` if no poll succeeded). With
    ``cancel_on_timeout=True``, ``cancel_requested`` is true and ``cancel_accepted`` says
    whether the server accepted the cancel (``cancel_error`` holds why not).
    """

    operation: Operation | None
    timeout: float
    cancel_requested: bool
    cancel_accepted: bool | None
    cancel_error: SDKBaseError | None

    def __init__(
        self,
        message: str,
        *,
        operation: Operation | None,
        timeout: float,
        cancel_requested: bool = False,
        cancel_accepted: bool | None = None,
        cancel_error: SDKBaseError | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.timeout = timeout
        self.cancel_requested = cancel_requested
        self.cancel_accepted = cancel_accepted
        self.cancel_error = cancel_error


CallError: TypeAlias = (
    ApiError
    | SDKDefaultError
    | ResponseValidationError
    | ConnectionError
    | RequestTimeoutError
    | InvalidRequestError
    | UnexpectedClientError
)
"""Every error one endpoint call can return."""
