"""``LoopThread``: a private event loop in a daemon thread, and the blocking bridge to it.

The blocking client (``openapi.SyncSDKCore``, ``openapi.SyncSDK``) runs the async SDK here,
so it works from plain code and from code that already runs inside an event loop (Jupyter,
an async framework calling sync code): that loop is never touched.

- ``call(work)`` runs ``work()`` on the loop and blocks the calling thread until it ends,
  from any number of threads at once. The wait is interruptible: a ``KeyboardInterrupt``
  (Ctrl-C) or any other exception raised in the calling thread cancels the task on the
  loop, waits briefly for it to unwind (``INTERRUPT_GRACE``), and propagates. The task's
  own result or exception is returned or re-raised in the calling thread.
- The thread starts on the first call. ``close()`` cancels what is still running (those
  calls end with ``InvalidRequestError`` saying so), runs the owner's cleanup on the loop,
  and joins the thread. A ``LoopThread`` still running at interpreter exit is closed then.
"""

from __future__ import annotations

import asyncio
import atexit
import signal
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Final, Generic, TypeVar, cast

from openapi.models.errors import InvalidRequestError
from openapi.types import Err, Ok, Result

__all__ = ["INTERRUPT_GRACE", "LoopThread"]

T = TypeVar("T")

INTERRUPT_GRACE: Final = 5.0
"""Seconds an interrupted caller waits at most for its task to unwind before re-raising."""
_SLICE: Final = 0.1
"""A waiting caller wakes this often, so a signal handled by another thread (or
``_thread.interrupt_main``) reaches it promptly; a wait on a lock alone would not see it."""
_CLOSE_GRACE: Final = 5.0
"""Seconds ``close()`` gives the cancelled calls to unwind before the loop stops."""

CLOSED: Final = (
    "this {owner} was closed (close() or the end of `with`, on it or on the client it was "
    "made from with with_options()); create a new one"
)
CLOSED_IN_FLIGHT: Final = (
    "the {owner} was closed while this call was in flight (close() or the end of `with`); "
    "close it only after its calls are done, or create a new one"
)
ON_LOOP_THREAD: Final = (
    "a {owner} method was called from the {owner}'s own event-loop thread (inside an "
    "on_update callback or an api_key provider?); it would wait for itself forever: use the "
    "async SDK there, or call it after the wait returns"
)


class _Call(Generic[T]):
    """One ``work()`` run on the loop for a blocked caller, and how it ended."""

    def __init__(self, work: Callable[[], Awaitable[T]]) -> None:
        self.work = work
        self.ended = threading.Event()
        self.task: asyncio.Task[None] | None = None
        self.value: T | None = None
        self.error: BaseException | None = None
        self.closed_under = False
        """Cancelled by ``close()`` rather than by its caller."""

    async def run(self) -> None:
        try:
            self.value = await self.work()
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # carried to the calling thread and re-raised there
            self.error = exc

    def start(self, loop: asyncio.AbstractEventLoop, calls: set[_Call[Any]]) -> None:
        """On the loop: start the task; ``calls`` holds it until it ends."""
        calls.add(self)
        self.task = loop.create_task(self.run(), name="openapi-sync-call")

        def finished(_: asyncio.Task[None]) -> None:
            calls.discard(self)
            self.ended.set()

        self.task.add_done_callback(finished)

    def cancel(self) -> None:
        """On the loop: cancel the task (a no-op once it ended)."""
        if self.task is not None:
            self.task.cancel()


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    """The thread's body: run ``loop`` until stopped, then finalise and close it."""
    if hasattr(signal, "pthread_sigmask"):
        # Ctrl-C is for the caller's (main) thread: the kernel must not hand SIGINT to
        # this one, where it would only set a flag the blocked caller cannot see at once.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


_RUNNING: weakref.WeakSet[LoopThread] = weakref.WeakSet()


@atexit.register
def _close_at_exit() -> None:
    # A script that never closed its client still ends cleanly: its session is closed on
    # its own loop before the interpreter freezes the daemon thread.
    for runner in list(_RUNNING):
        runner.close()


class LoopThread:
    """A private event loop in a daemon thread (started lazily) and blocking calls into it.

    ``owner`` names the client in error messages; ``cleanup`` runs on the loop in
    ``close()``, after the calls still running were cancelled (the owner's ``aclose``).
    """

    def __init__(self, owner: str, cleanup: Callable[[], Awaitable[None]]) -> None:
        self._owner = owner
        self._cleanup = cleanup
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._calls: set[_Call[Any]] = set()  # touched on the loop thread only

    @property
    def closed(self) -> bool:
        """True once ``close()`` (or ``close_soon()``) ran."""
        return self._closed

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _submit(self, call: _Call[Any]) -> InvalidRequestError | None:
        if self._thread is not None and threading.current_thread() is self._thread:
            return InvalidRequestError(ON_LOOP_THREAD.format(owner=self._owner))
        with self._lock:  # so that close() never stops the loop between check and submit
            if self._closed:
                return InvalidRequestError(CLOSED.format(owner=self._owner))
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=_serve, args=(self._loop,), name="openapi-sync-loop", daemon=True
                )
                self._thread.start()
                _RUNNING.add(self)
            self._loop.call_soon_threadsafe(call.start, self._loop, self._calls)
        return None

    def call(self, work: Callable[[], Awaitable[T]]) -> Result[T, InvalidRequestError]:
        """Run ``work()`` on the loop and block until it ends; its exceptions propagate.

        ``Err(InvalidRequestError)`` when the runner cannot run it: closed, called from its
        own thread, or closed while ``work`` was running.
        """
        call = _Call(work)
        refused = self._submit(call)
        if refused is not None:
            return Err(refused)
        thread = self._thread
        try:
            while not call.ended.wait(_SLICE):
                if thread is None or not thread.is_alive():  # never expected: do not hang
                    return Err(InvalidRequestError(CLOSED_IN_FLIGHT.format(owner=self._owner)))
        except BaseException:  # Ctrl-C, or anything else raised in this thread
            self._interrupt(call)
            raise
        return self._outcome(call)

    def _interrupt(self, call: _Call[Any]) -> None:
        """Cancel ``call``'s task on the loop and give it a moment to unwind."""
        loop = self._loop
        try:
            if loop is not None:
                loop.call_soon_threadsafe(call.cancel)
        except RuntimeError:  # the loop closed meanwhile: the task ended with it
            return
        call.ended.wait(INTERRUPT_GRACE)

    def _outcome(self, call: _Call[T]) -> Result[T, InvalidRequestError]:
        if call.error is not None:
            raise call.error
        task = call.task
        if task is not None and task.cancelled():
            if call.closed_under:
                return Err(InvalidRequestError(CLOSED_IN_FLIGHT.format(owner=self._owner)))
            raise asyncio.CancelledError  # cancelled on the loop by something else: say so
        return Ok(cast(T, call.value))  # set by run(): work() returned

    async def _shutdown(self) -> None:
        """On the loop: cancel the calls still running, run the cleanup, stop the loop."""
        try:
            calls = list(self._calls)
            for call in calls:
                call.closed_under = True
                call.cancel()
            tasks = [call.task for call in calls if call.task is not None]
            if tasks:
                await asyncio.wait(tasks, timeout=_CLOSE_GRACE)
            await self._cleanup()
        finally:
            asyncio.get_running_loop().stop()

    def _stop(self) -> asyncio.AbstractEventLoop | None:
        """Mark closed and schedule the shutdown; the loop to wait for, if it runs."""
        with self._lock:
            if self._closed:
                return None
            self._closed = True
            loop = self._loop
            _RUNNING.discard(self)
            if loop is None or loop.is_closed():
                return None
            loop.call_soon_threadsafe(lambda: loop.create_task(self._shutdown()))
            return loop

    def close(self) -> None:
        """Cancel the calls still running, run the cleanup and join the thread.

        Safe to call more than once and from any thread; from the loop thread itself it
        returns at once (the thread ends as soon as the caller's task returns to the loop).
        """
        self._stop()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def close_soon(self) -> None:
        """Like ``close()`` but never blocks: for finalizers."""
        self._stop()
