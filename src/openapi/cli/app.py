"""``main``: parse, set up what is shown on stderr, run the command, turn its end into a status.

Every way a command can end becomes one exit status (``ExitCode``) and at most one error
line on stderr. A reader that goes away (``openapi get x | head -0``) ends the command
quietly with 141, the status a shell reports for a program SIGPIPE stopped: Python's
"Note on SIGPIPE" (``signal`` module docs) has a program catch ``BrokenPipeError``, point
stdout at ``os.devnull`` so that the flush at exit cannot fail again, and exit non-zero;
the usual 1 is taken here ("the operation failed"), so the status is the shell's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import sys
from collections.abc import Generator, Sequence
from typing import TextIO

from openapi.cli.arguments import ERROR_PREFIX, MockServerArgs, Settings, parse
from openapi.cli.commands import run
from openapi.cli.exit_codes import ExitCode, Failure
from openapi.cli.mock_server import run_mock_server
from openapi.cli.progress import RequestTrace, RetryNotices, isatty

__all__ = ["main"]

_SDK_LOGGER = logging.getLogger("openapi")


def _error(stderr: TextIO, message: str) -> None:
    with contextlib.suppress(OSError):  # stderr may be closed too: the status still says it
        stderr.write(ERROR_PREFIX + message + "\n")
        stderr.flush()


def _reconfigure(streams: Sequence[TextIO]) -> None:
    """Never fail on a character the terminal's encoding lacks."""
    for stream in streams:
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="backslashreplace")


@contextlib.contextmanager
def _sdk_logging(settings: Settings, stderr: TextIO) -> Generator[RetryNotices | None]:
    """``-v``: the SDK's debug log on stderr; on a terminal, a notice per retry."""
    handlers: list[logging.Handler] = []
    notices = RetryNotices(stderr, RequestTrace()) if isatty(stderr) else None
    if notices is not None:
        handlers.append(notices)
    if settings.verbose:
        verbose = logging.StreamHandler(stderr)
        verbose.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        handlers.append(verbose)
    for handler in handlers:
        _SDK_LOGGER.addHandler(handler)
    if handlers:  # the SDK logs retries at DEBUG, and only when DEBUG is enabled
        _SDK_LOGGER.setLevel(logging.DEBUG)
    try:
        yield notices
    finally:
        for handler in handlers:
            _SDK_LOGGER.removeHandler(handler)
        _SDK_LOGGER.setLevel(logging.NOTSET)


def _run(settings: Settings, stdout: TextIO, stderr: TextIO) -> int:
    with _sdk_logging(settings, stderr) as notices:
        try:
            return asyncio.run(run(settings, stdout, stderr, notices))
        except Failure as failure:
            _error(stderr, failure.message)
            return failure.code
        except KeyboardInterrupt:
            _error(stderr, "interrupted")
            return ExitCode.INTERRUPTED
        except BrokenPipeError:
            # Quiet, as the reader wanted; stdout is pointed at devnull (see above).
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
            return ExitCode.BROKEN_PIPE
        except Exception as exc:
            _SDK_LOGGER.debug("internal error", exc_info=True)
            _error(
                stderr,
                f"internal error: {type(exc).__name__}: {exc} (run with -v for details; "
                "please report it)",
            )
            return ExitCode.API_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``openapi`` command with ``argv`` (default ``sys.argv[1:]``); return its status."""
    stdout, stderr = sys.stdout, sys.stderr
    _reconfigure((stdout, stderr))
    parsed = parse(sys.argv[1:] if argv is None else argv)
    if isinstance(parsed, MockServerArgs):
        try:
            return run_mock_server(parsed)
        except Failure as failure:
            _error(stderr, failure.message)
            return failure.code
    return int(_run(parsed, stdout, stderr))
