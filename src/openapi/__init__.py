"""Async Python SDK for polling and cancelling long-running operations.

Two ways to call the API:

- ``SDK``: ``await sdk.operations.get_operation(operation_id=...)`` raises on error
  (``SyncSDK``: the same, blocking, for code that is not async).
- ``openapi.core.SDKCore`` with the functions in ``openapi.funcs``: each returns
  ``Ok(value)`` or ``Err(error)`` and never raises for call failures.

Every name here is loaded on first use (PEP 562), so that importing ``openapi.core`` and one
function loads neither the other endpoint nor the facade. The imports below are the one list
of exports: type checkers read them, and ``openapi._lazy`` finds each name's module in them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openapi._lazy import lazy_exports

if TYPE_CHECKING:
    from openapi._version import __version__ as __version__
    from openapi.core import SDKCore as SDKCore
    from openapi.hooks import Hook as Hook
    from openapi.hooks import HookContext as HookContext
    from openapi.models.components import Operation as Operation
    from openapi.models.components import OperationError as OperationError
    from openapi.models.components import OperationStatus as OperationStatus
    from openapi.models.errors import ApiError as ApiError
    from openapi.models.errors import AuthenticationError as AuthenticationError
    from openapi.models.errors import BadRequestError as BadRequestError
    from openapi.models.errors import ConflictError as ConflictError
    from openapi.models.errors import ConnectionError as ConnectionError
    from openapi.models.errors import HTTPClientError as HTTPClientError
    from openapi.models.errors import InternalServerError as InternalServerError
    from openapi.models.errors import InvalidRequestError as InvalidRequestError
    from openapi.models.errors import OperationFailedError as OperationFailedError
    from openapi.models.errors import OperationNotDoneError as OperationNotDoneError
    from openapi.models.errors import PermissionDeniedError as PermissionDeniedError
    from openapi.models.errors import RateLimitError as RateLimitError
    from openapi.models.errors import RequestTimeoutError as RequestTimeoutError
    from openapi.models.errors import ResponseValidationError as ResponseValidationError
    from openapi.models.errors import SDKBaseError as SDKBaseError
    from openapi.models.errors import SDKDefaultError as SDKDefaultError
    from openapi.models.errors import SDKError as SDKError
    from openapi.models.errors import UnexpectedClientError as UnexpectedClientError
    from openapi.models.errors import UnprocessableEntityError as UnprocessableEntityError
    from openapi.models.errors import WaitTimeoutError as WaitTimeoutError
    from openapi.models.http_metadata import HTTPMetadata as HTTPMetadata
    from openapi.models.operations.cancel_operation import (
        CancelOperationRequest as CancelOperationRequest,
    )
    from openapi.models.operations.cancel_operation import (
        CancelOperationResponse as CancelOperationResponse,
    )
    from openapi.models.operations.get_operation import GetOperationRequest as GetOperationRequest
    from openapi.models.operations.get_operation import (
        GetOperationResponse as GetOperationResponse,
    )
    from openapi.sdk import SDK as SDK
    from openapi.sync import SyncSDK as SyncSDK
    from openapi.sync_core import SyncSDKCore as SyncSDKCore
    from openapi.types import Err as Err
    from openapi.types import Ok as Ok
    from openapi.types import Result as Result
    from openapi.types import is_err as is_err
    from openapi.types import is_ok as is_ok
    from openapi.utils.options import RequestOptions as RequestOptions
    from openapi.utils.polling import PollPolicy as PollPolicy
    from openapi.utils.retries import BackoffStrategy as BackoffStrategy
    from openapi.utils.retries import RetryConfig as RetryConfig
    from openapi.utils.retries import RetryQuota as RetryQuota

__getattr__, __dir__ = lazy_exports(__name__)
