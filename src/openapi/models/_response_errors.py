"""The errors of a response that came back: ``SDKError`` and the classes under it.

::

    SDKError                          an HTTP response came back
    ├── ApiError                      404 with an ApiError JSON body
    ├── SDKDefaultError               any other 4XX/5XX, or an unexpected status/content type
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── ConflictError             409
    │   ├── UnprocessableEntityError  422
    │   ├── RateLimitError            429 (``retry_after``: the server's Retry-After, parsed)
    │   └── InternalServerError       5XX
    └── ResponseValidationError       2XX whose body is not a valid Operation (cause chained)

The per-status classes are ``SDKDefaultError`` subclasses, so that ``except SDKDefaultError``
(the contract's "any other 4XX/5XX") still catches every one of them; which status gets which
class is decided in one place, ``openapi._http.failures``. A status without its own class
(405, 408, 410, 413, ...) is a plain ``SDKDefaultError``.

Their own module, apart from ``openapi.models.errors`` (where the whole tree is importable),
because ``Operation.from_dict`` raises ``ResponseValidationError``: ``models.components``
imports this module, which imports no model, and ``models.errors`` imports both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from openapi.models._error_base import SDKBaseError
from openapi.models.http_metadata import HTTPMetadata

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "NO_EXCHANGE",
    "InternalServerError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "SDKDefaultError",
    "SDKError",
    "UnprocessableEntityError",
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
    """Any other 4XX/5XX, or a status or content type the endpoint does not describe.

    The statuses with a class of their own raise (and return) that subclass:
    ``BadRequestError``, ``AuthenticationError``, ``PermissionDeniedError``,
    ``ConflictError``, ``UnprocessableEntityError``, ``RateLimitError`` and
    ``InternalServerError``. Catch ``SDKDefaultError`` for all of them.
    """


class BadRequestError(SDKDefaultError):
    """HTTP 400: the server refused the request as malformed (not retried)."""


class AuthenticationError(SDKDefaultError):
    """HTTP 401: the API key is missing, wrong or expired (not retried)."""


class PermissionDeniedError(SDKDefaultError):
    """HTTP 403: the key is valid but may not do this (not retried)."""


class ConflictError(SDKDefaultError):
    """HTTP 409: the request conflicts with the operation's current state (not retried)."""


class UnprocessableEntityError(SDKDefaultError):
    """HTTP 422: the server understood the request but refused its content (not retried)."""


class RateLimitError(SDKDefaultError):
    """HTTP 429: too many requests (retried by default, after the server's ``Retry-After``).

    Returned (or raised) once the retries are spent, or at once when the server asked for a
    wait longer than what is left of the budget.
    """

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait before the next request (its ``Retry-After``,
        delta-seconds or an HTTP-date, parsed when the response arrived), or ``None`` when it
        sent no usable one (none, ``0``, a past date, garbage). ``math.inf`` for a number
        too large for a float."""
        return self.http_meta.retry_after


class InternalServerError(SDKDefaultError):
    """HTTP 5XX (500 to 599): the server failed; 500, 502, 503 and 504 are retried by
    default, so this comes back once the retries are spent."""


class ResponseValidationError(SDKError):
    """A 2XX response whose body is not what the API promises; ``__cause__`` says why.

    ``Operation.from_dict`` and ``Operation.from_json`` raise it too, for data that is not
    a valid ``Operation``: there was no HTTP exchange then, so ``http_meta`` is
    ``NO_EXCHANGE`` (status code 0, no headers, no URL, 0 attempts).
    """


NO_EXCHANGE = HTTPMetadata(status_code=0, headers={}, url="", attempts=0)
"""The ``http_meta`` of an error raised without an HTTP exchange (``Operation.from_dict``)."""
