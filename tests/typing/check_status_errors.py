"""Checked by mypy --strict and pyright (strict), never run: the per-status errors narrow in
``match`` and ``except``, and ``RateLimitError.retry_after`` is typed."""

from __future__ import annotations

from typing import assert_type

import openapi
import openapi.errors
from openapi import (
    SDK,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    Err,
    GetOperationResponse,
    InternalServerError,
    Ok,
    PermissionDeniedError,
    RateLimitError,
    Result,
    SDKDefaultError,
    UnprocessableEntityError,
)
from openapi.models.errors import CallError

assert_type(openapi.RateLimitError, type[openapi.errors.RateLimitError])
assert_type(openapi.errors.InternalServerError, type[InternalServerError])


def matched(res: Result[GetOperationResponse, CallError]) -> None:
    match res:
        case Ok(value):
            assert_type(value, GetOperationResponse)
        case Err(RateLimitError() as limited):
            assert_type(limited, RateLimitError)
            assert_type(limited.retry_after, float | None)
            assert_type(limited.status_code, int)
        case Err(AuthenticationError() | PermissionDeniedError() as refused):
            assert_type(refused, AuthenticationError | PermissionDeniedError)
        case Err(BadRequestError() | ConflictError() | UnprocessableEntityError() as bad):
            assert_type(bad, BadRequestError | ConflictError | UnprocessableEntityError)
        case Err(InternalServerError() as broken):
            assert_type(broken, InternalServerError)
            assert_type(broken.code, str | None)
        case Err(SDKDefaultError() as other):
            assert_type(other, SDKDefaultError)
        case Err(ApiError() as missing):
            assert_type(missing.code, str)
        case Err(error):
            assert_type(error, CallError)


async def raised(sdk: SDK) -> None:
    try:
        await sdk.operations.get_operation(operation_id="op_1")
    except RateLimitError as limited:
        assert_type(limited.retry_after, float | None)
    except SDKDefaultError as other:
        assert_type(other, SDKDefaultError)
