"""Waiting for many operations with bounded concurrency, polled only while a result is wanted.

Every operation gets its own task (its deadline runs from the start, so one slow operation
never holds back the others), and a semaphore bounds the requests in flight across them.
A request starts only while the consumer waits in ``__anext__``: once it stops pulling (a
``break``, with or without ``async with``, or simply no more ``anext``), at most the
``concurrency`` requests already started are still answered, and nothing more is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterable
from typing import Self

from openapi._waiting._args import (
    DEFAULT_CANCEL_GRACE,
    DEFAULT_CONCURRENCY,
    WaitError,
    WaitSettings,
    check_ids,
)
from openapi._waiting._args import settings as check_settings
from openapi._waiting._loops import wait_one
from openapi._waiting._poller import Poller
from openapi.core import AsyncClosing, SDKCore
from openapi.models.components import Operation
from openapi.models.errors import UnexpectedClientError
from openapi.models.operations import GetOperationRequest
from openapi.types import Err, Result
from openapi.utils.options import RequestOptions
from openapi.utils.polling import PollPolicy

__all__ = ["WaitMany"]

Item = tuple[str, Result[Operation, WaitError]]


async def _wait_all(
    core: SDKCore,
    operation_ids: tuple[str, ...],
    settings: WaitSettings,
    *,
    concurrency: int,
    cancel_on_timeout: bool,
    options: RequestOptions | None,
    wanted: asyncio.Event,
) -> AsyncGenerator[Item, None]:
    """One task per id, results yielded as they finish; the tasks end with the generator."""
    if not operation_ids:
        return
    limiter = asyncio.Semaphore(concurrency)
    finished: asyncio.Queue[Item] = asyncio.Queue()

    async def wait_for(operation_id: str) -> None:
        poller = Poller(
            core=core,
            request=GetOperationRequest(operation_id=operation_id),
            policy=settings.policy,
            options=options,
            limiter=limiter,
            wanted=wanted,
        )
        result: Result[Operation, WaitError]
        try:
            result = await wait_one(
                poller, settings, on_update=None, cancel_on_timeout=cancel_on_timeout
            )
        except Exception as exc:  # a bug of ours must come back as a value, not vanish
            error = UnexpectedClientError(
                f"waiting for {operation_id!r} failed unexpectedly: {type(exc).__name__}: {exc}"
            )
            error.__cause__ = exc
            result = Err(error)
        finished.put_nowait((operation_id, result))

    tasks = [
        asyncio.create_task(wait_for(operation_id), name=f"openapi-wait:{operation_id}")
        for operation_id in operation_ids
    ]
    try:
        for _ in tasks:
            yield await finished.get()
    finally:
        # Consumer done, gone (break, aclose) or cancelled: no task may outlive us.
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)


class WaitMany(AsyncClosing):
    """``operations_wait_many``'s async iterator of ``(operation_id, Result)``.

    Iterate it with ``async for``; use it as ``async with ... as results`` (or call
    ``aclose()``) to stop early with every background task cancelled and awaited before the
    block ends. Polls only run while you wait for the next result: after a bare ``break``
    nothing more is sent (beyond the requests already in flight), though the idle tasks
    live until the iterator is closed or collected.
    """

    def __init__(
        self,
        core: SDKCore,
        operation_ids: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        cancel_on_timeout: bool = False,
        cancel_grace: float = DEFAULT_CANCEL_GRACE,
        options: RequestOptions | None = None,
    ) -> None:
        ids = check_ids(operation_ids, concurrency)
        checked = check_settings(timeout, poll_interval, cancel_grace)
        if not isinstance(checked, WaitSettings):
            raise checked
        self.operation_ids: tuple[str, ...] = ids
        """The distinct ids, in the order given: a duplicate is waited for (and yielded) once."""
        self._wanted = asyncio.Event()
        # A module-level generator, not a method: holding ``self`` would make a reference
        # cycle, and an abandoned iterator would then only be stopped by the cyclic GC.
        self._results = _wait_all(
            core,
            ids,
            checked,
            concurrency=concurrency,
            cancel_on_timeout=cancel_on_timeout,
            options=options,
            wanted=self._wanted,
        )

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Item:
        """The next operation to finish, as ``(operation_id, Result)``."""
        self._wanted.set()
        try:
            return await anext(self._results)
        finally:
            self._wanted.clear()

    async def aclose(self) -> None:
        """Stop waiting: cancel the remaining polls and wait for them to end."""
        await self._results.aclose()
