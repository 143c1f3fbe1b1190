"""Every public import path the contract (sections 2 and 4, as far as they exist) and README
promise still imports, each module in a fresh interpreter (so an import-order cycle cannot
hide behind a module an earlier test loaded), and names the object its home defines."""

from __future__ import annotations

import subprocess
import sys

import pytest

ERRORS = (
    "SDKBaseError SDKError ApiError SDKDefaultError ResponseValidationError HTTPClientError "
    "ConnectionError RequestTimeoutError InvalidRequestError UnexpectedClientError "
    "WaitTimeoutError OperationFailedError OperationNotDoneError BadRequestError "
    "AuthenticationError PermissionDeniedError ConflictError UnprocessableEntityError "
    "RateLimitError InternalServerError"
)
MODELS = (
    "Operation OperationError OperationStatus HTTPMetadata GetOperationRequest "
    "GetOperationResponse CancelOperationRequest CancelOperationResponse"
)
CONFIG = "RetryConfig BackoffStrategy RetryQuota RequestOptions PollPolicy"

PUBLIC: dict[str, str] = {
    "openapi": (
        f"__version__ SDK SDKCore SyncSDK SyncSDKCore Ok Err Result is_ok is_err {ERRORS} "
        f"{MODELS} {CONFIG} Hook HookContext"
    ),
    "openapi.sdk": "SDK Operations",
    "openapi.sync": "SyncSDK SyncOperations",
    "openapi.sync_core": "SyncSDKCore BlockingIterator",
    "openapi.core": "SDKCore SDKConfig CoreSettings ApiKey AsyncClosing DEFAULT_TIMEOUT",
    "openapi.types": "Ok Err Result UnwrapError is_ok is_err",
    "openapi.hooks": ("Hook HookContext Hooks BeforeRequestHook AfterSuccessHook AfterErrorHook"),
    "openapi.errors": f"{ERRORS} CallError",
    "openapi.models.errors": f"{ERRORS} CallError",
    "openapi.models.components": (
        "Operation OperationError OperationStatus HTTPMetadata TERMINAL_STATUSES"
    ),
    "openapi.models.operations": (
        "GetOperationRequest GetOperationResponse CancelOperationRequest "
        "CancelOperationResponse HTTPMetadata"
    ),
    "openapi.models.operations.get_operation": "GetOperationRequest GetOperationResponse",
    "openapi.models.operations.cancel_operation": (
        "CancelOperationRequest CancelOperationResponse"
    ),
    "openapi.funcs.operations_get_operation": "operations_get_operation",
    "openapi.funcs.operations_cancel_operation": "operations_cancel_operation",
    "openapi.funcs.operations_wait": (
        "operations_wait operations_watch operations_wait_many WaitMany WaitError OnUpdate "
        "DEFAULT_CANCEL_GRACE DEFAULT_CONCURRENCY"
    ),
    "openapi.funcs.sync": (
        "operations_get_operation operations_cancel_operation operations_wait "
        "operations_watch operations_wait_many SyncWaitMany"
    ),
    "openapi.utils": f"{CONFIG} CallOptions PollOptions",
    "openapi.utils.retries": "RetryConfig BackoffStrategy RetryQuota parse_retry_after",
    "openapi.utils.options": "RequestOptions CallOptions PollOptions",
    "openapi.utils.polling": "PollPolicy",
    "openapi.testing": "MockServer MockOperation FaultKind RequestLogEntry",
    "openapi.testing.pytest_plugin": "mock_server",
    "openapi.testing.scripted": (
        "ScriptedServer Seen Handler json_response raw_response drop_connection delay"
    ),
    "openapi.cli": "main ExitCode",
    "openapi.contrib.opentelemetry": "SDKInstrumentor",
}

# One object, many paths: each name is the very object its home module defines.
SAME_OBJECT: list[tuple[str, str]] = [
    ("openapi.SDK", "openapi.sdk.SDK"),
    ("openapi.SDKCore", "openapi.core.SDKCore"),
    ("openapi.SyncSDK", "openapi.sync.SyncSDK"),
    ("openapi.SyncSDKCore", "openapi.sync_core.SyncSDKCore"),
    ("openapi.core.parse_server_url", "openapi._server_url.parse_server_url"),
    ("openapi.Result", "openapi.types.Result"),
    ("openapi.HTTPMetadata", "openapi.models.components.HTTPMetadata"),
    ("openapi.models.operations.HTTPMetadata", "openapi.models.components.HTTPMetadata"),
    ("openapi.errors.ApiError", "openapi.models.errors.ApiError"),
    ("openapi.RateLimitError", "openapi.models.errors.RateLimitError"),
    ("openapi.errors.InternalServerError", "openapi.models.errors.InternalServerError"),
    ("openapi.is_ok", "openapi.types.is_ok"),
    ("openapi.OperationFailedError", "openapi.models.errors.OperationFailedError"),
    ("openapi.GetOperationRequest", "openapi.models.operations.get_operation.GetOperationRequest"),
    ("openapi.utils.RetryConfig", "openapi.utils.retries.RetryConfig"),
    ("openapi.RetryConfig", "openapi.utils.retries.RetryConfig"),
    ("openapi.PollPolicy", "openapi.utils.polling.PollPolicy"),
    ("openapi.HookContext", "openapi.hooks.HookContext"),
]


def _run(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_import_in_a_fresh_interpreter(module: str) -> None:
    names = ", ".join(PUBLIC[module].split())
    _run(f"from {module} import {names}")


def test_one_object_behind_every_path() -> None:
    checks = "".join(
        f"assert resolve({a!r}) is resolve({b!r}), ({a!r}, {b!r})\n" for a, b in SAME_OBJECT
    )
    _run(
        "import importlib\n"
        "def resolve(path):\n"
        "    module, _, name = path.rpartition('.')\n"
        "    return getattr(importlib.import_module(module), name)\n" + checks
    )


def test_star_import_gives_every_export() -> None:
    _run(
        "from openapi import *\n"
        f"names = {PUBLIC['openapi'].split()!r}\n"
        "missing = [n for n in names if n not in globals()]\n"
        "assert not missing, missing\n"
    )
