"""``openapi wait``: poll until the operation is done, showing progress; Ctrl-C stops it.

Ctrl-C (SIGINT) stops waiting and, only with ``--cancel-on-interrupt``, asks the server to
cancel; a second Ctrl-C ends the command at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Generator
from typing import Any, Final, NoReturn, TextIO

from openapi.cli.context import Context
from openapi.cli.exit_codes import ExitCode, Failure, for_outcome
from openapi.cli.progress import Progress, isatty
from openapi.cli.render import clean
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_wait import DEFAULT_CANCEL_GRACE, WaitError, operations_wait
from openapi.models.components import Operation
from openapi.models.errors import WaitTimeoutError
from openapi.types import Err, Ok, Result

__all__ = ["CANCEL_GRACE", "wait"]

CANCEL_GRACE: Final = DEFAULT_CANCEL_GRACE
"""How long ``--cancel-on-interrupt`` waits for the cancel: the SDK's own grace."""
"""Seconds a cancel sent after Ctrl-C may take before the command gives up on it."""


def _display(context: Context) -> TextIO | None:
    """Where progress goes: stdout, or with ``--json`` stderr on a terminal, or nowhere."""
    settings = context.settings
    if not settings.progress:
        return None
    if settings.json:  # stdout is for the one document
        return context.stderr if isatty(context.stderr) else None
    return context.out.stdout


class _Interrupt:
    """While active, Ctrl-C cancels ``task`` (once) instead of raising KeyboardInterrupt."""

    def __init__(self, task: asyncio.Future[Any]) -> None:
        self._task = task
        self.happened = False

    @contextlib.contextmanager
    def active(self) -> Generator[None]:
        loop = asyncio.get_running_loop()
        installed = False
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGINT, self._on_sigint, loop)
            installed = True
        try:
            yield
        finally:
            if installed and not self.happened:
                loop.remove_signal_handler(signal.SIGINT)

    def _on_sigint(self, loop: asyncio.AbstractEventLoop) -> None:
        self.happened = True
        self._task.cancel()
        # A second Ctrl-C (say, during the cancel request) ends the command at once.
        loop.remove_signal_handler(signal.SIGINT)


async def _cancel_after_interrupt(context: Context) -> tuple[Operation | None, str]:
    """Send the cancel ``--cancel-on-interrupt`` asks for; (operation, what happened)."""
    request = {"operation_id": context.settings.operation_id}
    try:
        async with asyncio.timeout(CANCEL_GRACE):
            res = await operations_cancel_operation(context.core, request)
    except TimeoutError:
        return None, f"the cancel request got no answer within {CANCEL_GRACE:g} s"
    match res:
        case Ok(response):
            return response.operation, f"cancel requested, status now {response.operation.status}"
        case Err(error):
            return None, f"the cancel request failed: {context.failure(error).message}"


async def _interrupted(context: Context, last: Operation | None) -> NoReturn:
    what = "the operation was not cancelled (--cancel-on-interrupt would)"
    if context.settings.cancel_on_interrupt:
        cancelled, what = await _cancel_after_interrupt(context)
        last = cancelled or last
    if last is not None:
        context.out.operation(last, context.trace.request_id)
    raise Failure(
        f"interrupted: stopped waiting for operation {clean(context.settings.operation_id)!r}; "
        + clean(what),
        ExitCode.INTERRUPTED,
    )


async def _watch(context: Context, progress: Progress) -> Result[Operation, WaitError] | None:
    """The wait's result, with progress shown meanwhile; ``None`` when Ctrl-C stopped it."""
    settings = context.settings
    task: asyncio.Future[Result[Operation, WaitError]] = asyncio.ensure_future(
        operations_wait(
            context.core,
            {"operation_id": settings.operation_id},
            timeout=settings.timeout,
            poll_interval=settings.interval,
            on_update=progress.update,
            cancel_on_timeout=settings.cancel_on_timeout,
        )
    )
    interrupt = _Interrupt(task)
    ticker = asyncio.create_task(progress.tick()) if progress.tty else None
    try:
        with interrupt.active():
            return await task
    except asyncio.CancelledError:
        if not interrupt.happened:
            raise
        return None
    finally:
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        progress.finish()


async def wait(context: Context) -> ExitCode:
    """Run ``openapi wait``; its exit status is the operation's outcome."""
    progress = Progress(_display(context), context.settings.operation_id)
    if context.notices is not None:
        context.notices.before = progress.clear
    res = await _watch(context, progress)
    request_id = context.trace.request_id
    match res:
        case None:
            await _interrupted(context, progress.last)
        case Ok(operation):
            context.out.operation(operation, request_id)
            return for_outcome(operation)
        case Err(WaitTimeoutError() as timeout):
            if timeout.operation is not None:
                context.out.operation(timeout.operation, request_id)
            raise context.failure(timeout)
        case Err(error):
            raise context.failure(error)
