"""Async Python SDK for polling and cancelling long-running operations.

Two ways to call the API:

- ``SDK``: ``await sdk.operations.get_operation(operation_id=...)`` raises on error.
- ``openapi.core.SDKCore`` with the functions in ``openapi.funcs``: each returns
  ``Ok(value)`` or ``Err(error)`` and never raises for call failures.

Names are re-exported lazily (PEP 562) so that importing ``openapi.core`` and one function
loads neither the other endpoint nor the facade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openapi._lazy import lazy_attributes
from openapi._version import __version__

if TYPE_CHECKING:
    from openapi.core import SDKCore as SDKCore
    from openapi.models.components import HTTPMetadata as HTTPMetadata
    from openapi.models.components import Operation as Operation
    from openapi.models.components import OperationError as OperationError
    from openapi.models.components import OperationStatus as OperationStatus
    from openapi.models.errors import (
        ApiError as ApiError,
    )
    from openapi.models.errors import (
        ConnectionError as ConnectionError,
    )
    from openapi.models.errors import (
        HTTPClientError as HTTPClientError,
    )
    from openapi.models.errors import (
        InvalidRequestError as InvalidRequestError,
    )
    from openapi.models.errors import (
        OperationFailedError as OperationFailedError,
    )
    from openapi.models.errors import (
        OperationNotDoneError as OperationNotDoneError,
    )
    from openapi.models.errors import (
        RequestTimeoutError as RequestTimeoutError,
    )
    from openapi.models.errors import (
        ResponseValidationError as ResponseValidationError,
    )
    from openapi.models.errors import (
        SDKBaseError as SDKBaseError,
    )
    from openapi.models.errors import (
        SDKDefaultError as SDKDefaultError,
    )
    from openapi.models.errors import (
        SDKError as SDKError,
    )
    from openapi.models.errors import (
        UnexpectedClientError as UnexpectedClientError,
    )
    from openapi.models.errors import (
        WaitTimeoutError as WaitTimeoutError,
    )
    from openapi.models.operations import (
        CancelOperationRequest as CancelOperationRequest,
    )
    from openapi.models.operations import (
        CancelOperationResponse as CancelOperationResponse,
    )
    from openapi.models.operations import (
        GetOperationRequest as GetOperationRequest,
    )
    from openapi.models.operations import (
        GetOperationResponse as GetOperationResponse,
    )
    from openapi.sdk import SDK as SDK
    from openapi.types import Err as Err
    from openapi.types import Ok as Ok
    from openapi.types import Result as Result
    from openapi.utils.options import RequestOptions as RequestOptions
    from openapi.utils.polling import PollPolicy as PollPolicy
    from openapi.utils.retries import BackoffStrategy as BackoffStrategy
    from openapi.utils.retries import RetryConfig as RetryConfig

_EXPORTS: dict[str, str] = {
    "SDK": "openapi.sdk",
    "SDKCore": "openapi.core",
    "Ok": "openapi.types",
    "Err": "openapi.types",
    "Result": "openapi.types",
    "RetryConfig": "openapi.utils.retries",
    "BackoffStrategy": "openapi.utils.retries",
    "RequestOptions": "openapi.utils.options",
    "PollPolicy": "openapi.utils.polling",
    "Operation": "openapi.models.components",
    "OperationError": "openapi.models.components",
    "OperationStatus": "openapi.models.components",
    "GetOperationRequest": "openapi.models.operations.get_operation",
    "GetOperationResponse": "openapi.models.operations.get_operation",
    "CancelOperationRequest": "openapi.models.operations.cancel_operation",
    "CancelOperationResponse": "openapi.models.operations.cancel_operation",
    "HTTPMetadata": "openapi.models.components",
    **{
        name: "openapi.models.errors"
        for name in (
            "SDKBaseError",
            "SDKError",
            "ApiError",
            "SDKDefaultError",
            "ResponseValidationError",
            "HTTPClientError",
            "ConnectionError",
            "RequestTimeoutError",
            "InvalidRequestError",
            "UnexpectedClientError",
            "WaitTimeoutError",
            "OperationFailedError",
            "OperationNotDoneError",
        )
    },
}

_SUBMODULES = frozenset({"core", "errors", "funcs", "models", "sdk", "testing", "types", "utils"})

__all__ = ["__version__", *_EXPORTS]  # pyright: ignore[reportUnsupportedDunderAll]


__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, _SUBMODULES)
