"""``SyncSDK``: the blocking twin of ``SDK``, for scripts, notebooks and sync pipelines.

The same constructor (``CoreSettings``, or ``core=`` a ``SyncSDKCore``), the same
``operations`` methods with the same arguments, returning the same values and raising the
same errors; plain iterators where ``SDK`` has async ones::

    with SyncSDK(api_key="...", server_url="https://ops.example.com") as sdk:
        op = sdk.operations.wait(operation_id="op_123", timeout=300)

It runs the async SDK itself on a private event loop in a daemon thread
(``openapi.sync_core``), so it works from plain code and from inside a running loop
(Jupyter, an async framework calling sync code), and one client serves many threads.
Ctrl-C in a blocking call stops it at once and leaves the operation running.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from openapi._settings import check_facade_keywords
from openapi._waiting._args import WaitManyKeywords
from openapi.core import CoreSettings
from openapi.funcs.operations_wait import DEFAULT_CANCEL_GRACE, OnUpdate
from openapi.funcs.sync import SyncWaitMany
from openapi.models.components import Operation
from openapi.models.operations import CancelOperationResponse, GetOperationResponse
from openapi.sdk import Operations
from openapi.sync_core import BlockingIterator, Closing, SyncSDKCore
from openapi.utils.options import CallOptions, PollOptions
from openapi.utils.polling import PollPolicy

__all__ = ["SyncOperations", "SyncSDK"]


class SyncOperations:
    """Poll and manage async operations, blocking (``sync_sdk.operations``).

    Each method is ``SDK.operations``' own, run on the client's loop thread: see
    ``openapi.sdk.Operations`` for what each argument does. ``on_update`` runs on that
    thread: keep it quick and do not call the client from it (``InvalidRequestError``).
    """

    def __init__(self, core: SyncSDKCore) -> None:
        self._core = core
        self._async = Operations(core.core)

    def get_operation(
        self, *, operation_id: str, **options: Unpack[CallOptions]
    ) -> GetOperationResponse:
        """Poll an async operation. Raises an ``SDKBaseError`` subclass on failure."""
        ops = self._async
        return self._core.run(
            lambda _: ops.get_operation(operation_id=operation_id, **options)
        ).unwrap()

    def cancel_operation(
        self, *, operation_id: str, **options: Unpack[CallOptions]
    ) -> CancelOperationResponse:
        """Cancel a running async operation. Raises an ``SDKBaseError`` subclass on failure."""
        ops = self._async
        return self._core.run(
            lambda _: ops.cancel_operation(operation_id=operation_id, **options)
        ).unwrap()

    def wait(
        self,
        *,
        operation_id: str,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        on_update: OnUpdate | None = None,
        cancel_on_timeout: bool = False,
        cancel_grace: float = DEFAULT_CANCEL_GRACE,
        **options: Unpack[PollOptions],
    ) -> Operation:
        """Block until the operation is done and return it (``failed``/``cancelled`` too).

        Raises ``WaitTimeoutError`` at the deadline, or the call's ``SDKBaseError``. Ctrl-C
        stops waiting at once (``KeyboardInterrupt``) and leaves the operation running.
        """
        ops = self._async
        return self._core.run(
            lambda _: ops.wait(
                operation_id=operation_id,
                timeout=timeout,
                poll_interval=poll_interval,
                on_update=on_update,
                cancel_on_timeout=cancel_on_timeout,
                cancel_grace=cancel_grace,
                **options,
            )
        ).unwrap()

    def wait_many(
        self, operation_ids: Iterable[str], **keywords: Unpack[WaitManyKeywords]
    ) -> SyncWaitMany:
        """Wait for many operations; a plain iterator of ``(operation_id, Result)``.

        Takes ``SDK.operations.wait_many``'s keywords (``WaitManyKeywords``, declared once).
        Use ``with sdk.operations.wait_many(...) as results:`` to stop early with every
        poll task cancelled. A bare ``str`` raises ``TypeError``.
        """
        waits = self._async.wait_many(operation_ids, **keywords)
        return SyncWaitMany(self._core, waits)

    def watch(
        self,
        *,
        operation_id: str,
        timeout: float | None = None,
        poll_interval: PollPolicy | float | None = None,
        **options: Unpack[PollOptions],
    ) -> BlockingIterator[Operation]:
        """A plain iterator over each changed state, ending after the terminal one.

        Raises the call's ``SDKBaseError``, or ``WaitTimeoutError`` at the deadline. Use it
        in ``with`` (or ``close()`` it) when you may stop early.
        """
        states = self._async.watch(
            operation_id=operation_id, timeout=timeout, poll_interval=poll_interval, **options
        )
        return BlockingIterator(self._core, states)


class SyncSDK(Closing):
    """The Operations API client, blocking.

    Takes the settings of an ``SDKCore`` (``CoreSettings``; ``session=`` aside: the client
    runs on its own event loop), or ``core=`` a ``SyncSDKCore`` of yours and then no
    setting. ``close()`` (or the end of ``with``) closes what the client made: its session
    and its loop thread; a ``core=`` of yours stays open.
    """

    core: SyncSDKCore
    operations: SyncOperations

    def __init__(
        self, *, core: SyncSDKCore | None = None, **settings: Unpack[CoreSettings]
    ) -> None:
        check_facade_keywords(
            settings, core_given=core is not None, owner="SyncSDK", core_owner="SyncSDKCore"
        )
        self._owns_core = core is None
        self.core = core if core is not None else SyncSDKCore(**settings)
        self.operations = SyncOperations(self.core)

    def __repr__(self) -> str:
        return f"SyncSDK({self.core!r})"

    def with_options(self, **options: Unpack[CallOptions]) -> SyncSDK:
        """A light copy with other defaults sharing the pool and the loop thread
        (``SDKCore.with_options``); closing it leaves both open, closing this ends it."""
        made = SyncSDK(core=self.core.with_options(**options))
        made._owns_core = True  # the copy's core is the copy's: close() closes it alone
        return made

    def close(self) -> None:
        """Close the core the client made (its session, its thread); a ``core=`` stays open."""
        if self._owns_core:
            self.core.close()
