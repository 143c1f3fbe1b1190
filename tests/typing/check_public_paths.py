"""Checked by mypy --strict and pyright (strict), never run: the lazy re-exports are fully
typed. Each ``openapi.X`` (and ``openapi.utils.X``, ``openapi.models.operations.X``) is the
very class its home module defines, not ``Any``: ``assert_type`` fails on ``Any``."""

from __future__ import annotations

from typing import assert_type

import openapi
import openapi.core
import openapi.models.components
import openapi.models.errors
import openapi.models.http_metadata
import openapi.models.operations
import openapi.models.operations.cancel_operation
import openapi.models.operations.get_operation
import openapi.sdk
import openapi.types
import openapi.utils
import openapi.utils.options
import openapi.utils.polling
import openapi.utils.retries
from openapi import Result

errors = openapi.models.errors
operations = openapi.models.operations

assert_type(openapi.__version__, str)
assert_type(openapi.SDK, type[openapi.sdk.SDK])
assert_type(openapi.SDKCore, type[openapi.core.SDKCore])
assert_type(openapi.Ok(1), openapi.types.Ok[int])
assert_type(openapi.Err("no"), openapi.types.Err[str])


def result(res: Result[int, str]) -> openapi.types.Result[int, str]:
    return res


assert_type(openapi.Operation, type[openapi.models.components.Operation])
assert_type(openapi.OperationError, type[openapi.models.components.OperationError])
assert_type(openapi.OperationStatus, type[openapi.models.components.OperationStatus])
assert_type(openapi.HTTPMetadata, type[openapi.models.http_metadata.HTTPMetadata])
assert_type(openapi.GetOperationRequest, type[operations.get_operation.GetOperationRequest])
assert_type(openapi.GetOperationResponse, type[operations.get_operation.GetOperationResponse])
assert_type(
    openapi.CancelOperationRequest, type[operations.cancel_operation.CancelOperationRequest]
)
assert_type(
    openapi.CancelOperationResponse, type[operations.cancel_operation.CancelOperationResponse]
)
assert_type(operations.GetOperationRequest, type[operations.get_operation.GetOperationRequest])
assert_type(operations.HTTPMetadata, type[openapi.models.http_metadata.HTTPMetadata])
assert_type(
    operations.CancelOperationResponse, type[operations.cancel_operation.CancelOperationResponse]
)

assert_type(openapi.SDKBaseError, type[errors.SDKBaseError])
assert_type(openapi.SDKError, type[errors.SDKError])
assert_type(openapi.ApiError, type[errors.ApiError])
assert_type(openapi.SDKDefaultError, type[errors.SDKDefaultError])
assert_type(openapi.ResponseValidationError, type[errors.ResponseValidationError])
assert_type(openapi.HTTPClientError, type[errors.HTTPClientError])
assert_type(openapi.ConnectionError, type[errors.ConnectionError])
assert_type(openapi.RequestTimeoutError, type[errors.RequestTimeoutError])
assert_type(openapi.InvalidRequestError, type[errors.InvalidRequestError])
assert_type(openapi.UnexpectedClientError, type[errors.UnexpectedClientError])
assert_type(openapi.WaitTimeoutError, type[errors.WaitTimeoutError])
assert_type(openapi.OperationFailedError, type[errors.OperationFailedError])
assert_type(openapi.OperationNotDoneError, type[errors.OperationNotDoneError])
assert_type(openapi.BadRequestError, type[errors.BadRequestError])
assert_type(openapi.AuthenticationError, type[errors.AuthenticationError])
assert_type(openapi.PermissionDeniedError, type[errors.PermissionDeniedError])
assert_type(openapi.ConflictError, type[errors.ConflictError])
assert_type(openapi.UnprocessableEntityError, type[errors.UnprocessableEntityError])
assert_type(openapi.RateLimitError, type[errors.RateLimitError])
assert_type(openapi.InternalServerError, type[errors.InternalServerError])

assert_type(openapi.RetryConfig, type[openapi.utils.retries.RetryConfig])
assert_type(openapi.BackoffStrategy, type[openapi.utils.retries.BackoffStrategy])
assert_type(openapi.RequestOptions, type[openapi.utils.options.RequestOptions])
assert_type(openapi.PollPolicy, type[openapi.utils.polling.PollPolicy])
assert_type(openapi.utils.RetryConfig, type[openapi.utils.retries.RetryConfig])
assert_type(openapi.utils.BackoffStrategy, type[openapi.utils.retries.BackoffStrategy])
assert_type(openapi.utils.RequestOptions, type[openapi.utils.options.RequestOptions])
assert_type(openapi.utils.PollPolicy, type[openapi.utils.polling.PollPolicy])
