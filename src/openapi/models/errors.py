"""Everything the SDK returns in an ``Err`` (or raises from the ``SDK`` facade).

::

    SDKBaseError                      root of everything the SDK returns or raises
    ├── SDKError                      an HTTP response came back (code, message, details
    │   │                             from an ApiError JSON body, whatever the status)
    │   ├── ApiError                  404 with an ApiError JSON body
    │   ├── SDKDefaultError           any other 4XX/5XX, or an unexpected status/content type
    │   │   ├── BadRequestError           400
    │   │   ├── AuthenticationError       401
    │   │   ├── PermissionDeniedError     403
    │   │   ├── ConflictError             409
    │   │   ├── UnprocessableEntityError  422
    │   │   ├── RateLimitError            429, with ``retry_after`` (seconds, parsed)
    │   │   └── InternalServerError       5XX
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
``openapi.models.components``), ``SDKError`` and the classes under it in
``openapi.models._response_errors`` and ``SDKBaseError`` in ``openapi.models._error_base``, so
that no two model modules import each other; every class of the tree is importable from here.

No error ever holds the API key: messages are built from the method, the URL (which never
carries the key), the status and the response body.
"""

from __future__ import annotations

import builtins
from typing import TypeAlias

from openapi.models._error_base import SDKBaseError as SDKBaseError
from openapi.models._response_errors import ApiError as ApiError
from openapi.models._response_errors import AuthenticationError as AuthenticationError
from openapi.models._response_errors import BadRequestError as BadRequestError
from openapi.models._response_errors import ConflictError as ConflictError
from openapi.models._response_errors import InternalServerError as InternalServerError
from openapi.models._response_errors import PermissionDeniedError as PermissionDeniedError
from openapi.models._response_errors import RateLimitError as RateLimitError
from openapi.models._response_errors import ResponseValidationError as ResponseValidationError
from openapi.models._response_errors import SDKDefaultError as SDKDefaultError
from openapi.models._response_errors import SDKError as SDKError
from openapi.models._response_errors import UnprocessableEntityError as UnprocessableEntityError
from openapi.models.components import Operation
from openapi.models.components import OperationFailedError as OperationFailedError
from openapi.models.components import OperationNotDoneError as OperationNotDoneError

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "CallError",
    "ConflictError",
    "ConnectionError",
    "HTTPClientError",
    "InternalServerError",
    "InvalidRequestError",
    "OperationFailedError",
    "OperationNotDoneError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseValidationError",
    "SDKBaseError",
    "SDKDefaultError",
    "SDKError",
    "UnexpectedClientError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
]


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
"""Every error one endpoint call can return (``SDKDefaultError`` includes its per-status
subclasses: ``match`` on ``Err(RateLimitError() as e)`` narrows ``e`` to ``RateLimitError``)."""
