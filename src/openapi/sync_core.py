"""``SyncSDKCore``: an ``SDKCore`` on a private event-loop thread, for blocking code.

The core the blocking functions of ``openapi.funcs.sync`` take (``openapi.SyncSDK`` is the
raising facade over it)::

    with SyncSDKCore(api_key="...", server_url="https://ops.example.com") as core:
        res = operations_get_operation(core, {"operation_id": "op_123"})

It takes the settings of ``SDKCore`` (``CoreSettings``) but ``session=``: an aiohttp session
belongs to the event loop it was made in, and this core runs on its own. The loop thread
starts on the first call; the session is created inside it. One core serves any number of
threads at once. ``close()`` (or the end of ``with``) closes the session and joins the
thread; a core left unclosed warns once (``ResourceWarning``) when it is collected, and one
still open at interpreter exit is closed then.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, Self, TypeVar, Unpack

from openapi._loop_thread import CLOSED, LoopThread
from openapi._settings import CORE_SETTINGS, check_keywords
from openapi.core import CoreSettings, SDKCore
from openapi.models.errors import InvalidRequestError
from openapi.types import Err, Result

if TYPE_CHECKING:
    from openapi.utils.options import CallOptions

__all__ = ["BlockingIterator", "Closing", "SyncSDKCore"]

T = TypeVar("T")
UNCLOSED_MESSAGE: Final = (
    "SyncSDKCore was garbage-collected without close(); use 'with SyncSDKCore(...)' "
    "(or 'with SyncSDK(...)') or call close()"
)


class Closing:
    """``with obj`` gives ``obj`` and calls ``obj.close()`` on the way out: the blocking
    counterpart of ``openapi.core.AsyncClosing`` (``SyncSDKCore``, ``SyncSDK``, iterators)."""

    def close(self) -> None:
        """Release what the object holds; safe to call more than once."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SyncSDKCore(Closing):
    """An ``SDKCore`` (``.core``) run on a private event loop in a daemon thread.

    ``run(work)`` is the one way in: ``work(core)`` runs on the loop thread and the calling
    thread blocks until it ends (see ``openapi._loop_thread``). Ctrl-C in the calling thread
    cancels that task on the loop and propagates at once; nothing is sent for it afterwards.
    """

    def __init__(self, **settings: Unpack[CoreSettings]) -> None:
        check_keywords(settings, CORE_SETTINGS, type(self).__name__)
        if settings.get("session") is not None:
            raise TypeError(
                f"{type(self).__name__}() takes no session=: it runs on its own event loop, "
                "and an aiohttp session belongs to the loop it was made in; use the async "
                "SDK to share yours"
            )
        self._init(SDKCore(**settings), None)

    def _init(self, core: SDKCore, runner: LoopThread | None) -> None:
        self.core = core
        """The async core, used on the loop thread only (inside ``run``)."""
        self._owns_runner = runner is None
        self._closed = False
        self._runner = runner or LoopThread(type(self).__name__, core.aclose)

    @classmethod
    def _sharing(cls, core: SDKCore, runner: LoopThread) -> Self:
        made = cls.__new__(cls)
        made._init(core, runner)
        return made

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.core!r})"

    def with_options(self, **options: Unpack[CallOptions]) -> SyncSDKCore:
        """A light copy with other defaults (``SDKCore.with_options``) sharing the pool and
        the loop thread; closing it leaves both open, closing this core ends it too."""
        return SyncSDKCore._sharing(self.core.with_options(**options), self._runner)

    def run(self, work: Callable[[SDKCore], Awaitable[T]]) -> Result[T, InvalidRequestError]:
        """Run ``work(self.core)`` on the loop thread; block until it ends.

        Its exceptions propagate. ``Err(InvalidRequestError)`` when it cannot run: the core
        is closed (or was closed while it ran), or this is the loop thread itself (an
        ``on_update`` callback calling back in would wait for itself forever).
        """
        if self._closed:
            return Err(InvalidRequestError(CLOSED.format(owner=type(self).__name__)))
        core = self.core
        return self._runner.call(lambda: work(core))

    @property
    def closed(self) -> bool:
        """True after ``close()`` (of a ``with_options`` copy: of it or of its original)."""
        return self._closed or self._runner.closed

    def close(self) -> None:
        """Close the session and join the loop thread (a copy: only mark the copy closed).

        Calls still running in other threads end with ``InvalidRequestError`` saying so.
        """
        self._closed = True
        if self._owns_runner:
            self._runner.close()

    def __del__(self, _warnings: Any = warnings) -> None:
        # One warning and a shutdown that never blocks (this may run on any thread, the
        # loop's own included); never raises, even with warnings turned into errors.
        try:
            runner = getattr(self, "_runner", None)
            if runner is None or not getattr(self, "_owns_runner", False):
                return
            if runner.running and not runner.closed:
                runner.close_soon()
                _warnings.warn(UNCLOSED_MESSAGE, ResourceWarning, source=self, stacklevel=2)
        except Exception:  # nothing may escape a finalizer
            pass


class BlockingIterator(Closing, Generic[T]):
    """A plain iterator over an async iterator that runs on a ``SyncSDKCore``'s loop.

    Each ``next()`` blocks until the next item (Ctrl-C stops it). Use it in ``with`` (or
    call ``close()``) to stop early with its work on the loop thread ended before the block
    ends; an iterator dropped mid-way is closed on the loop when it is collected. Not to be
    shared between threads, like any generator.

    When the core cannot run it (closed), ``next()`` raises that ``InvalidRequestError``,
    or, given ``refused``, returns ``refused(error)`` as the last item.
    """

    def __init__(
        self,
        core: SyncSDKCore,
        items: AsyncIterator[T],
        close: Callable[[], Awaitable[None]] | None = None,
        *,
        refused: Callable[[InvalidRequestError], T] | None = None,
    ) -> None:
        self._core = core
        self._items = items
        self._refused = refused
        self._close = close if close is not None else getattr(items, "aclose", None)
        self._done = False

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        """The next item; blocks until it comes."""
        if self._done:
            raise StopIteration
        items = self._items
        try:
            got = self._core.run(lambda _: anext(items))
        except StopAsyncIteration:
            self._done = True
            raise StopIteration from None
        if isinstance(got, Err) and self._refused is not None:
            self._done = True  # errors as values: the refusal is the last item
            return self._refused(got.error)
        return got.unwrap()

    def close(self) -> None:
        """Stop: end the iterator's work on the loop thread and wait for it."""
        if self._done:
            return
        self._done = True
        close = self._close
        if close is not None and not self._core.closed:
            self._core.run(lambda _: close())
