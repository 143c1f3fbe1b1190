"""Waiting for many operations with bounded concurrency, polled only while a result is wanted.

Each operation is a small ``PollState`` in one ``DuePolls`` heap (no task, no timer of its
own); ``concurrency`` workers take the polls as they fall due, so at most that many
requests are in flight. Each operation's deadline runs from the start, so one slow
operation never holds back the others. A request starts only while the consumer waits in
``__anext__``: once it stops pulling (a ``break``, with or without ``async with``, or simply
no more ``anext``), at most the ``concurrency`` requests already started are still
answered, and nothing more is sent.

Where the waits' lifecycle happens, for instrumentation: a wait begins in ``_Waits.begin``,
its polls go through ``Poller.poll`` (and a cancel at its deadline through
``Poller.cancel``), and it ends in ``_Waits.finish``; the workers and the concurrency they
bound are in ``_Waits.run``.
"""

from __future__ import annotations

import asyncio
import functools
import math
import random
from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Final, Self, Unpack

from openapi import _observing
from openapi._waiting._args import ManySettings, WaitError, WaitManyArguments, check_ids
from openapi._waiting._args import many_settings as check_settings
from openapi._waiting._due import LATE, DuePolls
from openapi._waiting._poller import Poller, PollState, operation_id
from openapi.core import AsyncClosing, SDKCore
from openapi.models.components import Operation
from openapi.models.errors import UnexpectedClientError
from openapi.models.operations import GetOperationRequest
from openapi.types import Err, Ok, Result
from openapi.utils.options import RequestOptions

if TYPE_CHECKING:
    from openapi._http.deadlines import Deadline

__all__ = ["WaitMany"]

Item = tuple[str, Result[Operation, WaitError]]

FIRST_POLLS_SPREAD: Final = 1.0
"""Seconds (at most; the policy's first interval if shorter) the first polls are spread
over when there are more operations than requests in flight, so they do not all fall due
at once and their later polls do not come in waves. Once the first answer asks for a
longer interval (``Retry-After``, or the policy's next delay), the first polls not sent
yet are spread over that interval instead."""


class _Waits:
    """The operations of one ``wait_many`` still waited for, and the workers polling them."""

    __slots__ = ("_due", "_observed", "_poller", "_settings", "_spread", "finished")

    def __init__(
        self, poller: Poller, settings: ManySettings, due: DuePolls, finished: asyncio.Queue[Item]
    ) -> None:
        self._poller = poller
        self._settings = settings
        self._due = due
        self.finished = finished
        """Each ended wait's ``(operation_id, Result)``, in the order they ended."""
        self._observed: set[PollState] = set()
        """The items under telemetry not ended yet (empty while telemetry is off)."""
        self._spread = math.inf
        """Seconds the first polls are spread over (``inf``: not spread, or spread again)."""

    def begin(self, loop: asyncio.AbstractEventLoop, operation_ids: tuple[str, ...]) -> None:
        """Start every wait: its deadline runs from now, its first poll falls due soon."""
        now = loop.time()
        timeout = self._settings.wait.timeout
        deadline = now + timeout if timeout is not None else math.inf
        count = len(operation_ids)
        spread = 0.0
        if count > self._settings.concurrency:
            self._spread = min(self._poller.policy.initial_interval, FIRST_POLLS_SPREAD)
            spread = self._spread / count
        observer = _observing.observer
        for index, given in enumerate(operation_ids):
            state = PollState(GetOperationRequest(operation_id=given), deadline)
            if observer is not None:
                state.observed = observer.wait_item(given)
                self._observed.add(state)
            self._due.push(now + index * spread, state)

    def finish(self, state: PollState, result: Result[Operation, WaitError]) -> None:
        """End a wait with its result, for the consumer to take."""
        if state.observed is not None:
            self._observed.discard(state)
            state.observed.end(result)
        self.finished.put_nowait((operation_id(state.request), result))

    def abandon(self) -> None:
        """The consumer left: end the telemetry of every item still waited for."""
        for state in self._observed:
            if state.observed is not None:
                state.observed.abandon()
        self._observed.clear()

    async def run(self) -> None:
        """One worker: take the wait due first, poll it, schedule its next poll; repeat."""
        due = self._due
        while True:
            state, late = await due.take()
            try:
                if state.observed is None:
                    await self._step(state, late)
                else:
                    await state.observed.step(functools.partial(self._step, state, late))
            except Exception as exc:  # a bug of ours must come back as a value, not vanish
                error = UnexpectedClientError(
                    f"waiting for {operation_id(state.request)!r} failed unexpectedly: "
                    f"{type(exc).__name__}: {exc}"
                )
                error.__cause__ = exc
                self.finish(state, Err(error))

    async def _step(self, state: PollState, late: float) -> None:
        poller = self._poller
        loop = asyncio.get_running_loop()
        if loop.time() >= state.deadline:
            await self._timed_out(state)
            return
        # The deadline cuts a poll in flight short; the core's one deadline keeper holds it,
        # not a timer of its own. (Without a session the poll returns that error at once.)
        deadline: Deadline | None = None
        if state.deadline < math.inf and poller.core.session().ok:
            deadline = poller.core.deadlines.deadline(state.deadline - loop.time())
        try:
            if deadline is None:
                res = await poller.poll(state)
            else:
                with deadline:
                    res = await poller.poll(state)
        except TimeoutError:
            if deadline is None or not deadline.expired:
                raise
            await self._timed_out(state)
            return
        if isinstance(res, Err):
            self.finish(state, res)
            return
        operation = res.value.operation
        if operation.done:
            self.finish(state, Ok(operation))
            return
        now = loop.time()
        delay = poller.next_delay(state, res.value)
        spread, self._spread = self._spread, math.inf  # the first answer decides, alone
        if delay > spread * (1.0 + poller.policy.jitter) and not self._due.backlog(now):
            # The first answer asks for a longer interval than the first polls' spread (a
            # Retry-After, not the policy's own jittered first interval): the polls not sent
            # yet would come back in a burst every interval. Spread them over it, once. (In
            # a backlog they go out as fast as they can anyway: nothing to spread.)
            self._due.respread(now, delay, _unsent)
        if late > LATE:
            # Sent late (more polls were due than requests allowed in flight, or nobody was
            # pulling): a backlog drained at full speed would come back one interval later
            # as a wave of polls, then again every interval. Spreading each late poll's next
            # one over up to one more interval, by how late it was, dissolves the wave;
            # never sooner than asked, and never past a deadline the plain delay would meet
            # (at most half the room left before it).
            room = state.deadline - now - delay
            delay += max(min(min(late, delay) * random.random(), room / 2), 0.0)
        next_poll = now + delay
        self._due.push(min(next_poll, state.deadline), state)  # no sleep past the deadline

    async def _timed_out(self, state: PollState) -> None:
        settings = self._settings
        timeout = settings.wait.timeout
        assert timeout is not None  # only a deadline expires
        error = await self._poller.timed_out(
            state, timeout, cancel=settings.cancel_on_timeout, grace=settings.wait.cancel_grace
        )
        self.finish(state, Err(error))


def _unsent(state: PollState) -> bool:
    return state.polls == 0


async def _wait_all(
    waits: _Waits, due: DuePolls, operation_ids: tuple[str, ...], workers: int
) -> AsyncGenerator[Item, None]:
    """The results as they finish; the workers end with the generator."""
    if not operation_ids:
        return
    finished = waits.finished
    loop = asyncio.get_running_loop()
    due.bind(loop)
    waits.begin(loop, operation_ids)
    tasks = [
        asyncio.create_task(waits.run(), name=f"openapi-wait:worker-{n}")
        for n in range(min(workers, len(operation_ids)))
    ]
    try:
        for _ in operation_ids:
            yield await finished.get()
    finally:
        # Consumer done, gone (break, aclose) or cancelled: no worker may outlive us.
        due.close()
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
        waits.abandon()


class WaitMany(AsyncClosing):
    """``operations_wait_many``'s async iterator of ``(operation_id, Result)``.

    Iterate it with ``async for``; use it as ``async with ... as results`` (or call
    ``aclose()``) to stop early with every background task cancelled and awaited before the
    block ends. Polls only run while you wait for the next result: after a bare ``break``
    nothing more is sent (beyond the requests already in flight), though the idle workers
    live until the iterator is closed or collected.
    """

    def __init__(
        self,
        core: SDKCore,
        operation_ids: Iterable[str],
        options: RequestOptions | None = None,
        **arguments: Unpack[WaitManyArguments],
    ) -> None:
        ids = check_ids(operation_ids)
        checked = check_settings(arguments, "operations_wait_many")
        self.operation_ids: tuple[str, ...] = ids
        """The distinct ids, in the order given: a duplicate is waited for (and yielded) once."""
        poller = Poller(core=core, policy=checked.wait.policy, options=options)
        self._due = DuePolls()
        waits = _Waits(poller, checked, self._due, asyncio.Queue())
        # A module-level generator, not a method: holding ``self`` would make a reference
        # cycle, and an abandoned iterator would then only be stopped by the cyclic GC.
        self._results = _wait_all(waits, self._due, ids, checked.concurrency)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Item:
        """The next operation to finish, as ``(operation_id, Result)``."""
        self._due.want(True)
        try:
            return await anext(self._results)
        finally:
            self._due.want(False)

    async def aclose(self) -> None:
        """Stop waiting: cancel the remaining polls and wait for them to end."""
        await self._results.aclose()
