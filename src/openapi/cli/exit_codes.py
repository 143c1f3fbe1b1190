"""How the ``openapi`` command ends: its exit statuses, and the failure that carries one."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final

from openapi.models.components import Operation, OperationStatus
from openapi.models.errors import (
    ConnectionError,
    InvalidRequestError,
    RequestTimeoutError,
    SDKBaseError,
    SDKError,
    WaitTimeoutError,
)

__all__ = ["MEANINGS", "ExitCode", "Failure", "for_error", "for_outcome", "help_table"]


class ExitCode(enum.IntEnum):
    """The exit statuses of the ``openapi`` command; ``MEANINGS`` says what each means.

    For ``get`` and ``cancel``, ``OK`` means the call worked, whatever the operation's
    status. For ``wait`` the status is the operation's outcome.
    """

    OK = 0
    FAILED = 1
    USAGE = 2
    CANCELLED = 3
    WAIT_TIMEOUT = 4
    NOT_FOUND = 5
    AUTH = 6
    CONNECTION = 7
    API_ERROR = 8
    INTERRUPTED = 130
    BROKEN_PIPE = 141
    """128 + SIGPIPE: what a shell reports for any program whose reader went away."""

    @property
    def meaning(self) -> str:
        """What this status says, as ``--help`` and the README put it."""
        return MEANINGS[self]


MEANINGS: Final[Mapping[ExitCode, str]] = {
    ExitCode.OK: "ok: get/cancel worked (whatever the operation's status); wait: succeeded",
    ExitCode.FAILED: "wait: the operation failed",
    ExitCode.USAGE: "bad usage or configuration (missing key or URL, invalid id)",
    ExitCode.CANCELLED: "wait: the operation was cancelled",
    ExitCode.WAIT_TIMEOUT: "wait: --timeout reached (it keeps running unless --cancel-on-timeout)",
    ExitCode.NOT_FOUND: "not found (HTTP 404)",
    ExitCode.AUTH: "authentication refused (HTTP 401/403)",
    ExitCode.CONNECTION: "cannot connect, or no answer in time (after retries)",
    ExitCode.API_ERROR: "other API or server error",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); wait leaves the operation running unless "
    "--cancel-on-interrupt",
    ExitCode.BROKEN_PIPE: "the reader of stdout went away (say, `head -0`); nothing more is "
    "printed",
}
"""The one description of each exit status (``--help``, the README and ``ExitCode.meaning``)."""


def help_table() -> str:
    """The exit statuses as ``--help`` lists them."""
    return "\n".join(f"  {int(code):<4} {meaning}" for code, meaning in MEANINGS.items())


class Failure(Exception):
    """Ends the command with one error line on stderr and the exit status ``code``."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def for_error(error: SDKBaseError) -> ExitCode:
    """The exit status for an error the SDK returned."""
    if isinstance(error, SDKError):
        if error.status_code == 404:
            return ExitCode.NOT_FOUND
        if error.status_code in (401, 403):
            return ExitCode.AUTH
        return ExitCode.API_ERROR
    if isinstance(error, ConnectionError | RequestTimeoutError):
        return ExitCode.CONNECTION
    if isinstance(error, InvalidRequestError):
        return ExitCode.USAGE
    if isinstance(error, WaitTimeoutError):
        return ExitCode.WAIT_TIMEOUT
    return ExitCode.API_ERROR


def for_outcome(operation: Operation) -> ExitCode:
    """The exit status of ``wait`` for an operation that is done."""
    if operation.status == OperationStatus.FAILED:
        return ExitCode.FAILED
    if operation.status == OperationStatus.CANCELLED:
        return ExitCode.CANCELLED
    return ExitCode.OK
