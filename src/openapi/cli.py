"""The ``openapi`` command: get, cancel and wait for operations from a terminal or a script.

::

    openapi [OPTIONS] get ID [--json]
    openapi cancel ID [--json]
    openapi wait ID [--timeout S] [--interval S] [--cancel-on-timeout] [--cancel-on-interrupt]
    openapi mock-server [--port P] [--api-key K]     # python -m openapi.testing

Also ``python -m openapi ...``. Configuration comes from ``--api-key`` / ``--server-url`` or
``$OPENAPI_API_KEY`` / ``$OPENAPI_SERVER_URL``; the key is never printed (errors, ``--help``
and ``-v`` debug output all have it redacted).

Output: a human summary by default; with ``--json``, stdout carries exactly one JSON
document, the ``Operation`` as the API returns it, or nothing at all when there is no
operation to show (a failed call). Errors are always one line on stderr starting with
``openapi: error:``, and the exit status says what happened (see ``ExitCode``).

This module uses only the standard library on top of the SDK; it is imported by nothing
else in the package.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import enum
import io
import json
import logging
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, NoReturn, TextIO

import aiohttp
import attrs

from openapi._version import __version__
from openapi.core import API_KEY_ENV, SERVER_URL_ENV, SDKCore, parse_server_url
from openapi.models.components import Operation, OperationStatus
from openapi.models.errors import (
    ApiError,
    ConnectionError,
    InvalidRequestError,
    RequestTimeoutError,
    SDKBaseError,
    SDKError,
    WaitTimeoutError,
)
from openapi.types import Err, Ok
from openapi.utils.retries import BackoffStrategy, RetryConfig

__all__ = ["ExitCode", "build_parser", "main"]

PROG: Final = "openapi"
ERROR_PREFIX: Final = f"{PROG}: error: "
DEFAULT_REQUEST_TIMEOUT: Final = 30.0
DEFAULT_RETRY_TIME: Final = 60.0
CANCEL_GRACE: Final = 10.0
"""Seconds a cancel sent after Ctrl-C may take before the command gives up on it."""
_BAR_WIDTH: Final = 24
_TICK: Final = 0.25
"""Seconds between redraws of the progress bar (so the elapsed time keeps moving)."""


class ExitCode(enum.IntEnum):
    """The exit statuses of the ``openapi`` command.

    For ``get`` and ``cancel``, ``OK`` means the call worked, whatever the operation's
    status. For ``wait`` the status is the operation's outcome.
    """

    OK = 0
    """The call worked; for ``wait``, the operation succeeded."""
    FAILED = 1
    """``wait``: the operation ended ``failed``."""
    USAGE = 2
    """Bad arguments or configuration (no key, no URL, bad URL, invalid id)."""
    CANCELLED = 3
    """``wait``: the operation ended ``cancelled``."""
    WAIT_TIMEOUT = 4
    """``wait``: ``--timeout`` passed before the operation was done."""
    NOT_FOUND = 5
    """The server has no such operation (HTTP 404)."""
    AUTH = 6
    """The server refused the API key (HTTP 401 or 403)."""
    CONNECTION = 7
    """The server could not be reached, or did not answer in time, after the retries."""
    API_ERROR = 8
    """Any other error response or unusable answer from the server (or an internal error)."""
    INTERRUPTED = 130
    """Ctrl-C (SIGINT). ``wait`` leaves the operation running unless --cancel-on-interrupt."""


EPILOG: Final = f"""\
configuration:
  --api-key       or ${API_KEY_ENV}     (prefer the variable: arguments show up in `ps`)
  --server-url    or ${SERVER_URL_ENV}  (http:// only to localhost unless --allow-insecure-http)

output formats:
  default   a summary for people; `wait` draws a progress bar on a terminal, else prints one
            line per state change
  --json    stdout is exactly one JSON document, the operation as the API returns it (for
            `wait`: the last state seen, also on timeout and interrupt), or empty when the
            call failed; errors are always one line on stderr starting with "{ERROR_PREFIX}"

exit status:
  0    ok: get/cancel worked (whatever the operation's status); wait: succeeded
  1    wait: the operation failed
  2    bad usage or configuration (missing key or URL, invalid id)
  3    wait: the operation was cancelled
  4    wait: --timeout reached (the operation keeps running unless --cancel-on-timeout)
  5    not found (HTTP 404)
  6    authentication refused (HTTP 401/403)
  7    cannot connect, or no answer in time (after retries)
  8    other API or server error
  130  interrupted (Ctrl-C); wait does not cancel the operation unless --cancel-on-interrupt
"""


# --- secrets -------------------------------------------------------------------------------


class _Redactor:
    """Replaces every known secret in text with ``***`` (defence in depth for all output)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class _RedactingFormatter(logging.Formatter):
    def __init__(self, redact: _Redactor) -> None:
        super().__init__("%(asctime)s %(name)s %(levelname)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


# --- arguments -----------------------------------------------------------------------------


class _UsageError(Exception):
    """Bad configuration found before any request: exit status 2."""


@attrs.frozen(slots=True)
class _Failure(Exception):
    """Ends the command with one error line on stderr and ``code``."""

    message: str
    code: ExitCode


def _seconds(*, allow_zero: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds, got {text!r}"
            ) from None
        if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
            bound = ">= 0" if allow_zero else "> 0"
            raise argparse.ArgumentTypeError(f"expected seconds {bound}, got {text!r}")
        return value

    return parse


_REDACT: Final = _Redactor()
"""Every secret this process has seen (keys from the command line and the environment)."""


class _Parser(argparse.ArgumentParser):
    """argparse with the ``openapi: error:`` prefix and the secrets kept out of messages."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{ERROR_PREFIX}{_REDACT(message)}\n")


def _add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes, before or after the command name.

    The copies after the command have no defaults of their own (``SUPPRESS``), so they
    override what came before the command only when they are given.
    """

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    connection = parser.add_argument_group("connection")
    connection.add_argument(
        "--api-key",
        metavar="KEY",
        default=default(None),
        help=f"API key (default: ${API_KEY_ENV}; never printed)",
    )
    connection.add_argument(
        "--server-url",
        metavar="URL",
        default=default(None),
        help=f"API base URL (default: ${SERVER_URL_ENV})",
    )
    connection.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=default(False),
        help="allow http:// to a host other than localhost (the key travels in clear text)",
    )
    connection.add_argument(
        "--request-timeout",
        metavar="S",
        type=_seconds(allow_zero=False),
        default=default(DEFAULT_REQUEST_TIMEOUT),
        help=f"seconds allowed for each HTTP attempt (default: {DEFAULT_REQUEST_TIMEOUT:g})",
    )
    connection.add_argument(
        "--retry-time",
        metavar="S",
        type=_seconds(allow_zero=True),
        default=default(DEFAULT_RETRY_TIME),
        help="seconds to keep retrying a call on connection errors, timeouts, 429 and 5XX "
        f"(default: {DEFAULT_RETRY_TIME:g}; 0 disables retries)",
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print the operation as one JSON document",
    )
    output.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="debug logging of requests to stderr",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``openapi`` command (exposed for documentation tools)."""
    common = _Parser(add_help=False)
    _add_common(common, top=False)

    parser = _Parser(
        prog=PROG,
        description="Get, cancel and wait for long-running operations of the Operations API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help,
            description=help,
            parents=[common],
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("operation_id", metavar="ID", help="the operation id")
        return sub

    command("get", "show an operation")
    command("cancel", "ask the server to cancel an operation (idempotent)")
    wait = command("wait", "wait for an operation to finish, showing its progress")
    wait.add_argument(
        "--timeout",
        metavar="S",
        type=_seconds(allow_zero=False),
        help="give up after S seconds (exit 4); default: wait as long as it takes",
    )
    wait.add_argument(
        "--interval",
        metavar="S",
        type=_seconds(allow_zero=False),
        help="poll about every S seconds (a longer Retry-After from the server wins); "
        "default: about 1 s growing to 30 s",
    )
    wait.add_argument(
        "--cancel-on-timeout",
        action="store_true",
        help="when --timeout passes, ask the server to cancel the operation",
    )
    wait.add_argument(
        "--cancel-on-interrupt",
        action="store_true",
        help="on Ctrl-C, ask the server to cancel the operation (default: leave it running)",
    )
    wait.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar or progress lines, only the final result",
    )
    commands.add_parser(
        "mock-server",
        help="serve the embedded mock API (python -m openapi.testing; see mock-server --help)",
        add_help=False,
    )
    return parser


@attrs.frozen(slots=True)
class _Settings:
    command: str
    operation_id: str
    api_key: str
    server_url: str
    allow_insecure_http: bool
    request_timeout: float
    retry_time: float
    json: bool
    timeout: float | None = None
    interval: float | None = None
    cancel_on_timeout: bool = False
    cancel_on_interrupt: bool = False
    progress: bool = True

    @property
    def retry_config(self) -> RetryConfig:
        if self.retry_time <= 0:
            return RetryConfig.none()
        return RetryConfig(backoff=BackoffStrategy(max_elapsed_time=self.retry_time))


def _settings(args: argparse.Namespace, redact: _Redactor) -> _Settings:
    """Resolve flags and environment; raises ``_UsageError`` for missing configuration."""
    api_key: str | None = args.api_key or os.environ.get(API_KEY_ENV) or None
    redact.add(api_key)
    server_url: str | None = args.server_url or os.environ.get(SERVER_URL_ENV) or None
    if not api_key:
        raise _UsageError(f"no API key: pass --api-key KEY or set the {API_KEY_ENV} variable")
    if not server_url:
        raise _UsageError(
            f"no server URL: pass --server-url URL or set the {SERVER_URL_ENV} variable"
        )
    checked = parse_server_url(server_url, allow_insecure_http=args.allow_insecure_http)
    if isinstance(checked, Err):
        message = checked.error.message.replace(
            "pass allow_insecure_http=True", "pass --allow-insecure-http"
        )
        if "@" in server_url:  # the URL may hold a password: never echo it
            message = "the server URL must not carry credentials (user:password@)"
        raise _UsageError(f"{message} (check --server-url or ${SERVER_URL_ENV})")
    is_wait = args.command == "wait"
    return _Settings(
        command=args.command,
        operation_id=args.operation_id,
        api_key=api_key,
        server_url=checked.value,
        allow_insecure_http=args.allow_insecure_http,
        request_timeout=args.request_timeout,
        retry_time=args.retry_time,
        json=args.json,
        timeout=args.timeout if is_wait else None,
        interval=args.interval if is_wait else None,
        cancel_on_timeout=bool(args.cancel_on_timeout) if is_wait else False,
        cancel_on_interrupt=bool(args.cancel_on_interrupt) if is_wait else False,
        progress=not args.no_progress if is_wait else False,
    )


# --- rendering -----------------------------------------------------------------------------

_CONTROL: Final = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}


def _clean(text: str) -> str:
    """Escape control characters so a server's text can't drive the operator's terminal."""
    return text.translate(_CONTROL)


def operation_json(operation: Operation) -> dict[str, Any]:
    """The operation as the API returns it: JSON-ready, date-times as RFC 3339 strings."""
    from openapi._serialization import converter

    data: dict[str, Any] = converter.unstructure(operation)
    data["status"] = str(operation.status)
    return data


def _percent(operation: Operation) -> str:
    if operation.progress is not None:
        return f"{operation.progress * 100:.0f}%"
    return "100%" if operation.succeeded else "-"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _summary(operation: Operation, request_id: str | None) -> list[str]:
    """The human-readable description of an operation, one field per line."""

    def when(moment: object) -> str:
        return "-" if moment is None else str(getattr(moment, "isoformat", lambda: moment)())

    rows: list[tuple[str, str]] = [
        ("operation", operation.id),
        ("status", str(operation.status)),
        ("progress", _percent(operation)),
        ("created", when(operation.created_at)),
        ("updated", when(operation.updated_at)),
        ("completed", when(operation.completed_at)),
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
    return [f"{name:<11} {_clean(value)}" for name, value in rows]


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _columns(stream: TextIO) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, io.UnsupportedOperation):
        columns = 0
    return columns if columns > 0 else 80


class _Progress:
    """Shows a wait's progress: a bar redrawn in place on a terminal, else a line per change."""

    def __init__(self, stream: TextIO | None, operation_id: str, *, tty: bool) -> None:
        self._stream = stream
        self._id = _clean(operation_id)
        self.tty = tty
        self._started = time.monotonic()
        self._drawn = 0
        self._last_line: tuple[str, float | None] | None = None
        self.last: Operation | None = None

    def update(self, operation: Operation) -> None:
        """The wait's ``on_update``: remember the state and show it."""
        self.last = operation
        if self._stream is None:
            return
        if self.tty:
            self.redraw()
            return
        key = (str(operation.status), operation.progress)
        if key != self._last_line:
            self._last_line = key
            elapsed = time.monotonic() - self._started
            self._write(
                f"{self._id}: {_clean(str(operation.status))} {_percent(operation)} "
                f"({elapsed:.1f} s)\n"
            )

    def redraw(self) -> None:
        """Draw the bar again (the elapsed time moves even when the operation does not)."""
        if self._stream is None or not self.tty:
            return
        operation = self.last
        elapsed = _elapsed(time.monotonic() - self._started)
        if operation is None:
            line = f"{self._id} waiting for the first answer  {elapsed}"
        else:
            fraction = operation.progress
            if fraction is None and operation.succeeded:
                fraction = 1.0
            filled = round(min(max(fraction or 0.0, 0.0), 1.0) * _BAR_WIDTH)
            bar = "#" * filled + "." * (_BAR_WIDTH - filled)
            status = _clean(str(operation.status))
            line = f"{self._id} [{bar}] {_percent(operation):>4} {status}  {elapsed}"
        line = line[: _columns(self._stream) - 1]
        self._write("\r" + line.ljust(self._drawn))
        self._drawn = len(line)

    async def tick(self) -> None:
        """Redraw the bar every ``_TICK`` seconds until cancelled."""
        while True:
            await asyncio.sleep(_TICK)
            self.redraw()

    def finish(self) -> None:
        """End the bar's line so that what follows starts on a fresh one."""
        if self._stream is not None and self.tty and self._drawn:
            self.redraw()
            self._write("\n")
            self._drawn = 0

    def _write(self, text: str) -> None:
        assert self._stream is not None
        self._stream.write(text)
        self._stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, AttributeError):
        return False


# --- errors --------------------------------------------------------------------------------


def _failure(error: SDKBaseError, settings: _Settings) -> _Failure:
    """Turn an SDK error into one line with advice and the matching exit status."""
    what = f"operation {_clean(settings.operation_id)!r}"
    if isinstance(error, SDKError):
        status = error.status_code
        where = f"HTTP {status}"
        if error.request_id:
            where += f", request id {_clean(error.request_id)}"
        if status == 404:
            detail = (
                f": {_clean(error.message).rstrip('. ')}" if isinstance(error, ApiError) else ""
            )
            return _Failure(
                f"{what} not found ({where}){detail}; check the id and --server-url",
                ExitCode.NOT_FOUND,
            )
        if status == 401:
            return _Failure(
                f"the server refused the API key ({where}); check --api-key or ${API_KEY_ENV}",
                ExitCode.AUTH,
            )
        if status == 403:
            return _Failure(f"the API key is not allowed to access {what} ({where})", ExitCode.AUTH)
        # str(): with an ApiError body, ``message`` is the server's alone, without the advice.
        return _Failure(_clean(str(error)), ExitCode.API_ERROR)
    if isinstance(error, ConnectionError):
        cause = error.__cause__
        reason = f"{type(cause).__name__}: {cause}" if cause is not None else error.message
        return _Failure(
            f"cannot reach {settings.server_url} ({_clean(reason)}); "
            "check --server-url and the network",
            ExitCode.CONNECTION,
        )
    if isinstance(error, RequestTimeoutError):
        return _Failure(
            f"{settings.server_url} did not answer within {settings.request_timeout:g} s per "
            "attempt; check the server, or raise --request-timeout / --retry-time",
            ExitCode.CONNECTION,
        )
    if isinstance(error, InvalidRequestError):
        return _Failure(_clean(error.message), ExitCode.USAGE)
    return _Failure(_clean(error.message), ExitCode.API_ERROR)


# --- commands ------------------------------------------------------------------------------


class _Output:
    """Where results go: stdout for the operation, stderr for errors."""

    def __init__(self, settings: _Settings, stdout: TextIO) -> None:
        self.settings = settings
        self.stdout = stdout

    def operation(self, operation: Operation, request_id: str | None = None) -> None:
        if self.settings.json:
            self.stdout.write(json.dumps(operation_json(operation)) + "\n")
        else:
            self.stdout.write("\n".join(_summary(operation, request_id)) + "\n")
        self.stdout.flush()


async def _get(core: SDKCore, settings: _Settings, out: _Output) -> ExitCode:
    from openapi.funcs.operations_get_operation import operations_get_operation

    res = await operations_get_operation(core, {"operation_id": settings.operation_id})
    if isinstance(res, Err):
        raise _failure(res.error, settings)
    out.operation(res.value.operation, res.value.http_meta.request_id)
    return ExitCode.OK


async def _cancel(core: SDKCore, settings: _Settings, out: _Output) -> ExitCode:
    from openapi.funcs.operations_cancel_operation import operations_cancel_operation

    res = await operations_cancel_operation(core, {"operation_id": settings.operation_id})
    if isinstance(res, Err):
        raise _failure(res.error, settings)
    out.operation(res.value.operation, res.value.http_meta.request_id)
    return ExitCode.OK


def _outcome(operation: Operation) -> ExitCode:
    if operation.status == OperationStatus.FAILED:
        return ExitCode.FAILED
    if operation.status == OperationStatus.CANCELLED:
        return ExitCode.CANCELLED
    return ExitCode.OK


async def _cancel_after_interrupt(
    core: SDKCore, settings: _Settings
) -> tuple[Operation | None, str]:
    """Send the cancel ``--cancel-on-interrupt`` asks for; (operation, what happened)."""
    from openapi.funcs.operations_cancel_operation import operations_cancel_operation

    try:
        async with asyncio.timeout(CANCEL_GRACE):
            res = await operations_cancel_operation(core, {"operation_id": settings.operation_id})
    except TimeoutError:
        return None, f"the cancel request got no answer within {CANCEL_GRACE:g} s"
    match res:
        case Ok(response):
            return response.operation, f"cancel requested, status now {response.operation.status}"
        case Err(error):
            return None, f"the cancel request failed: {_failure(error, settings).message}"


class _LastRequestId:
    """The ``X-Request-Id`` of the latest response, recorded by an aiohttp trace hook.

    A wait returns the final ``Operation``, not the metadata of the poll that fetched it; the
    summary still names the request a support ticket would quote.
    """

    def __init__(self) -> None:
        self.value: str | None = None

    def trace_config(self) -> aiohttp.TraceConfig:
        config = aiohttp.TraceConfig()
        config.on_request_end.append(self._on_request_end)
        return config

    async def _on_request_end(
        self, session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestEndParams
    ) -> None:
        self.value = params.response.headers.get("X-Request-Id") or self.value


async def _wait(
    core: SDKCore, settings: _Settings, out: _Output, stderr: TextIO, request_id: _LastRequestId
) -> ExitCode:
    from openapi.funcs.operations_wait import operations_wait

    if not settings.progress:
        display: TextIO | None = None
    elif settings.json:
        display = stderr if _isatty(stderr) else None  # stdout is for the one document
    else:
        display = out.stdout
    progress = _Progress(
        display, settings.operation_id, tty=display is not None and _isatty(display)
    )
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(
        operations_wait(
            core,
            {"operation_id": settings.operation_id},
            timeout=settings.timeout,
            poll_interval=settings.interval,
            on_update=progress.update,
            cancel_on_timeout=settings.cancel_on_timeout,
        )
    )
    interrupted = False

    def on_interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        task.cancel()
        # A second Ctrl-C (say, during the cancel request) ends the command at once.
        loop.remove_signal_handler(signal.SIGINT)

    handles_sigint = False
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
        handles_sigint = True
    ticker = asyncio.create_task(progress.tick()) if progress.tty else None
    try:
        res = await task
    except asyncio.CancelledError:
        if not interrupted:
            raise
        res = None
    finally:
        if handles_sigint and not interrupted:
            loop.remove_signal_handler(signal.SIGINT)
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        progress.finish()

    if res is None:  # interrupted
        last, what = progress.last, "the operation was not cancelled (--cancel-on-interrupt would)"
        if settings.cancel_on_interrupt:
            cancelled, what = await _cancel_after_interrupt(core, settings)
            last = cancelled or last
        if last is not None:
            out.operation(last, request_id.value)
        raise _Failure(
            f"interrupted: stopped waiting for operation {_clean(settings.operation_id)!r}; "
            + _clean(what),
            ExitCode.INTERRUPTED,
        )
    match res:
        case Ok(operation):
            out.operation(operation, request_id.value)
            return _outcome(operation)
        case Err(WaitTimeoutError() as timeout):
            if timeout.operation is not None:
                out.operation(timeout.operation, request_id.value)
            message = (
                f"operation {_clean(settings.operation_id)!r} was not done within "
                f"{timeout.timeout:g} s"
            )
            if timeout.cancel_accepted:
                message += "; cancel requested"
                if timeout.operation is not None:
                    message += f", status now {_clean(str(timeout.operation.status))}"
            else:
                last = timeout.operation
                message += (
                    f" (last status {_clean(str(last.status))})"
                    if last is not None
                    else " (no poll answered in time)"
                )
                if timeout.cancel_requested and timeout.cancel_error is not None:
                    reason = _failure(timeout.cancel_error, settings).message
                    message += f"; the cancel request failed: {reason}"
                else:
                    message += (
                        "; it is still running: allow a longer --timeout, or pass "
                        "--cancel-on-timeout to stop it"
                    )
            raise _Failure(message, ExitCode.WAIT_TIMEOUT)
        case Err(error):
            raise _failure(error, settings)


async def _run(settings: _Settings, stdout: TextIO, stderr: TextIO) -> ExitCode:
    out = _Output(settings, stdout)
    request_id = _LastRequestId()
    async with (
        aiohttp.ClientSession(trace_configs=[request_id.trace_config()]) as session,
        SDKCore(
            api_key=settings.api_key,
            server_url=settings.server_url,
            allow_insecure_http=settings.allow_insecure_http,
            timeout=settings.request_timeout,
            retry_config=settings.retry_config,
            session=session,
        ) as core,
    ):
        if settings.command == "get":
            return await _get(core, settings, out)
        if settings.command == "cancel":
            return await _cancel(core, settings, out)
        return await _wait(core, settings, out, stderr, request_id)


# --- entry point ---------------------------------------------------------------------------


def _mock_server(argv: list[str]) -> int:
    """``openapi mock-server ...``: the mock server's own command line."""
    from openapi.testing.__main__ import main as mock_main

    if any(arg in ("-h", "--help") for arg in argv):
        # Its --help shows the --api-key default, which comes from $OPENAPI_API_KEY.
        saved = os.environ.pop(API_KEY_ENV, None)
        try:
            return mock_main(argv)
        finally:
            if saved is not None:
                os.environ[API_KEY_ENV] = saved
    return mock_main(argv)


def _error(stderr: TextIO, redact: _Redactor, message: str) -> None:
    stderr.write(ERROR_PREFIX + redact(message) + "\n")
    stderr.flush()


def _reconfigure(streams: Iterable[TextIO]) -> None:
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``openapi`` command with ``argv`` (default ``sys.argv[1:]``); return its status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["mock-server"]:
        return _mock_server(arguments[1:])
    stdout, stderr = sys.stdout, sys.stderr
    _reconfigure((stdout, stderr))
    redact = _REDACT
    # Keys typed on the command line are secrets even before parsing has finished.
    for index, arg in enumerate(arguments):
        if arg == "--api-key" and index + 1 < len(arguments):
            redact.add(arguments[index + 1])
        elif arg.startswith("--api-key="):
            redact.add(arg.partition("=")[2])
    redact.add(os.environ.get(API_KEY_ENV))
    args = build_parser().parse_args(arguments)

    handler: logging.Handler | None = None
    sdk_logger = logging.getLogger("openapi")
    if args.verbose:
        handler = logging.StreamHandler(stderr)
        handler.setFormatter(_RedactingFormatter(redact))
        sdk_logger.addHandler(handler)
        sdk_logger.setLevel(logging.DEBUG)
    try:
        settings = _settings(args, redact)
        sdk_logger.debug(
            "command=%s server_url=%s api_key=*** request_timeout=%g retry_time=%g",
            settings.command,
            settings.server_url,
            settings.request_timeout,
            settings.retry_time,
        )
        return int(asyncio.run(_run(settings, stdout, stderr)))
    except _UsageError as exc:
        _error(stderr, redact, str(exc))
        return ExitCode.USAGE
    except _Failure as failure:
        _error(stderr, redact, failure.message)
        return failure.code
    except KeyboardInterrupt:
        _error(stderr, redact, "interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`openapi get ... | head`): no traceback, no second error.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.FAILED
    except Exception as exc:
        sdk_logger.debug("internal error", exc_info=True)
        _error(
            stderr,
            redact,
            f"internal error: {type(exc).__name__}: {exc} (run with -v for details; "
            "please report it)",
        )
        return ExitCode.API_ERROR
    finally:
        if handler is not None:
            sdk_logger.removeHandler(handler)
            sdk_logger.setLevel(logging.NOTSET)


if __name__ == "__main__":
    sys.exit(main())
