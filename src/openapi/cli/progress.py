"""What the command shows while it works: a wait's progress, and each retry on a terminal.

On a terminal a wait draws a bar redrawn in place; elsewhere it prints one line per change.
``RetryNotices`` shows each retry the SDK makes (attempt, reason, next try) on stderr when
stderr is a terminal, so a wrong port does not look like a hang; scripts see nothing of it.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import time
from collections.abc import Callable
from typing import Final, TextIO

import aiohttp

from openapi.cli.arguments import PROG
from openapi.cli.render import clean, percent, reason
from openapi.models.components import Operation
from openapi.models.errors import SDKBaseError

__all__ = ["Progress", "RequestTrace", "RetryNotices", "isatty"]

_BAR_WIDTH: Final = 24
_TICK: Final = 0.25
"""Seconds between redraws of the progress bar (so the elapsed time keeps moving)."""


def isatty(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a closed or odd stream is not)."""
    try:
        return stream.isatty()
    except (ValueError, AttributeError):
        return False


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


class Progress:
    """Shows a wait's progress: a bar redrawn in place on a terminal, else a line per change."""

    def __init__(self, stream: TextIO | None, operation_id: str) -> None:
        self._stream = stream
        self._id = clean(operation_id)
        self.tty = stream is not None and isatty(stream)
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
                f"{self._id}: {clean(str(operation.status))} {percent(operation)} "
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
            status = clean(str(operation.status))
            line = f"{self._id} [{bar}] {percent(operation):>4} {status}  {elapsed}"
        line = line[: _columns(self._stream) - 1]
        self._write("\r" + line.ljust(self._drawn))
        self._drawn = len(line)

    def clear(self) -> None:
        """Blank the bar's line, so that a notice can take it (the next tick redraws)."""
        if self._stream is not None and self.tty and self._drawn:
            self._write("\r" + " " * self._drawn + "\r")
            self._drawn = 0

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


class RequestTrace:
    """aiohttp trace hooks on the command's own session: which attempt this is, and the
    ``X-Request-Id`` of the latest response.

    A wait returns the final ``Operation``, not the metadata of the poll that fetched it; the
    summary still names the request a support ticket would quote. The command's calls run
    one at a time, so a request that follows a retry notice is that call's next attempt,
    and any other request starts a new call.
    """

    def __init__(self) -> None:
        self.request_id: str | None = None
        self.attempt = 0
        self._retrying = False

    def config(self) -> aiohttp.TraceConfig:
        """The trace config to give the session."""
        config = aiohttp.TraceConfig()
        config.on_request_start.append(self._on_request_start)
        config.on_request_end.append(self._on_request_end)
        return config

    def retrying(self) -> int:
        """Note that the SDK retries the current call; the number of the attempt that failed."""
        self._retrying = True
        return self.attempt

    async def _on_request_start(
        self,
        session: aiohttp.ClientSession,
        context: object,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        self.attempt = self.attempt + 1 if self._retrying else 1
        self._retrying = False

    async def _on_request_end(
        self, session: aiohttp.ClientSession, context: object, params: aiohttp.TraceRequestEndParams
    ) -> None:
        self.request_id = params.response.headers.get("X-Request-Id") or self.request_id


def _retry_of(record: logging.LogRecord) -> tuple[float, SDKBaseError] | None:
    """The delay and the error of the SDK's retry log record; ``None`` for other records.

    The SDK logs each retry at DEBUG with the delay and the error as arguments; they are
    found by type, not by their place in the message.
    """
    args = record.args if isinstance(record.args, tuple) else ()
    delay = next((a for a in args if isinstance(a, float)), None)
    error = next((a for a in args if isinstance(a, SDKBaseError)), None)
    return None if delay is None or error is None else (delay, error)


class RetryNotices(logging.Handler):
    """Shows each retry the SDK logs as one line: attempt, reason and when the next one goes.

    Attach it to the ``openapi`` logger at DEBUG. ``before`` runs before each notice (a
    progress bar on the same terminal blanks its line).
    """

    def __init__(self, stream: TextIO, trace: RequestTrace) -> None:
        super().__init__(logging.DEBUG)
        self._stream = stream
        self.trace = trace
        self.before: Callable[[], None] = lambda: None

    def emit(self, record: logging.LogRecord) -> None:
        """Show the SDK's retry log record as one notice line; ignore any other record."""
        retry = _retry_of(record)
        if retry is None:
            return
        delay, error = retry
        failed = self.trace.retrying()
        self.before()
        self._stream.write(
            f"{PROG}: attempt {failed} failed ({reason(error)}); next try in {delay:.1f} s\n"
        )
        self._stream.flush()
