"""Waiting for operations, built on ``GET`` (and ``POST .../cancel`` on a deadline).

- ``operations_wait``: poll one operation until it is done; returns ``Ok(operation)``.
- ``operations_wait_many``: wait for many at once with bounded concurrency; an async iterator
  of ``(operation_id, Result)`` in the order they finish.
- ``operations_watch``: an async iterator over one operation's successive states.

A ``failed`` or ``cancelled`` operation is ``Ok``: the calls worked and the operation is
done. Chain ``Operation.outcome()`` to treat it as an error::

    res = (await operations_wait(core, {"operation_id": op_id}, timeout=60)).and_then(
        lambda op: op.outcome()
    )

The first poll goes out at once (unless the core's poll window is pausing, in an outage:
``RetryConfig.adaptive_concurrency``); later ones follow ``PollPolicy`` (the server's
``Retry-After`` when it sends one, else jittered exponential backoff; a plain number
``poll_interval=n`` is a floor that a shorter hint does not undercut). Transient failures
(429, 5XX, dropped connections) are retried inside each poll by the call's ``RetryConfig``;
a failure that is still there afterwards, or a permanent one (404, 401, a bad id), ends the
wait with that error. ``asyncio.CancelledError`` always propagates, and nothing more is sent
after it.

The machinery lives in ``openapi._waiting``; this module is its documented entry point.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import Any, Unpack

from openapi._waiting._args import (
    DEFAULT_CANCEL_GRACE,
    DEFAULT_CONCURRENCY,
    OnUpdate,
    WaitError,
    WaitManyArguments,
    settings,
)
from openapi._waiting._loops import refused, wait_one, watch
from openapi._waiting._many import WaitMany
from openapi._waiting._poller import Poller, PollState
from openapi.core import SDKCore
from openapi.models.components import Operation
from openapi.models.errors import InvalidRequestError
from openapi.models.operations import GetOperationRequest
from openapi.types import Err, Result
from openapi.utils.options import RequestOptions
from openapi.utils.polling import PollPolicy

__all__ = [
    "DEFAULT_CANCEL_GRACE",
    "DEFAULT_CONCURRENCY",
    "OnUpdate",
    "WaitError",
    "WaitMany",
    "WaitManyArguments",
    "operations_wait",
    "operations_wait_many",
    "operations_watch",
]


async def operations_wait(
    core: SDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    on_update: OnUpdate | None = None,
    cancel_on_timeout: bool = False,
    cancel_grace: float = DEFAULT_CANCEL_GRACE,
    options: RequestOptions | None = None,
) -> Result[Operation, WaitError]:
    """Poll an operation until it is done and return it as ``Ok(operation)``.

    - ``request``: a ``GetOperationRequest`` or ``{"operation_id": ...}``; a bad id comes
      back as ``Err(InvalidRequestError)`` before anything is sent.
    - ``timeout``: seconds for the whole wait (``None``: no deadline). At the deadline the
      poll in flight (or an async ``on_update`` still running) is abandoned, no sleep runs
      past it, and ``Err(WaitTimeoutError)`` is returned; its ``operation`` is the last
      state seen (``None`` if no poll answered in time).
    - ``cancel_on_timeout``: at the deadline, first ask the server to cancel the operation;
      the error's ``cancel_accepted`` / ``cancel_error`` say how that went.
    - ``cancel_grace``: seconds that cancel gets, retries included (default
      ``DEFAULT_CANCEL_GRACE``, 5 s): its retry budget and each attempt's timeout are cut to
      it, and it is abandoned when it runs out. So the wait returns within
      ``timeout + cancel_grace``.
    - ``poll_interval``: a ``PollPolicy``, or seconds for a fixed (jittered) interval that
      is also a floor: a shorter server hint does not make it poll sooner, a longer one
      does make it wait longer. Default: the server's ``Retry-After``, else about 1 s
      growing by 1.5x to 30 s.
    - ``on_update``: called (and awaited, if it returns an awaitable) with the first state
      and each one whose status, progress or ``updated_at`` changed, the final one
      included. Its exceptions propagate: they are a bug in the callback, not a call failure.
    - ``options``: ``RequestOptions`` for each poll (and the cancel): retries, per-attempt
      timeout, headers, server URL.

    A ``failed`` or ``cancelled`` operation is ``Ok``; use ``Operation.outcome()`` to turn it
    into ``Err(OperationFailedError)``. Call errors (after the retries ``options`` allow)
    end the wait as ``Err``. Never raises for them; ``asyncio.CancelledError`` propagates.
    """
    checked = settings(timeout, poll_interval, cancel_grace)
    if isinstance(checked, InvalidRequestError):
        return Err(checked)
    poller = Poller(core=core, policy=checked.policy, options=options)
    return await wait_one(
        poller,
        PollState(request),
        checked,
        on_update=on_update,
        cancel_on_timeout=cancel_on_timeout,
    )


def operations_watch(
    core: SDKCore,
    request: GetOperationRequest | Mapping[str, Any],
    *,
    timeout: float | None = None,
    poll_interval: PollPolicy | float | None = None,
    options: RequestOptions | None = None,
) -> AsyncGenerator[Result[Operation, WaitError], None]:
    """Yield an operation's successive states as ``Ok(operation)``, until it is done.

    The first state is always yielded, then each one whose status, progress or
    ``updated_at`` changed; the iterator ends after the terminal state. A call that fails
    (after retries) or the ``timeout`` deadline ends it with one final ``Err`` instead: errors
    are values here too, never raised. Use ``contextlib.aclosing`` (or ``aclose()``) when you
    may stop early; nothing is sent once the consumer stops asking for states.

    Polling only happens while the consumer waits for the next item, so a slow consumer
    slows the polls down but never misses the terminal state. The arguments are those of
    ``operations_wait``.
    """
    checked = settings(timeout, poll_interval, DEFAULT_CANCEL_GRACE)
    if isinstance(checked, InvalidRequestError):
        return refused(checked)
    poller = Poller(core=core, policy=checked.policy, options=options)
    return watch(poller, PollState(request), checked)


def operations_wait_many(
    core: SDKCore,
    operation_ids: Iterable[str],
    *,
    options: RequestOptions | None = None,
    **arguments: Unpack[WaitManyArguments],
) -> WaitMany:
    """Wait for many operations at once; yield ``(operation_id, Result)`` as each finishes.

    Each distinct id is waited for as ``operations_wait`` would (same ``timeout`` per
    operation, same ``poll_interval``, ``cancel_on_timeout``, ``cancel_grace`` and
    ``options``), all starting together; at most ``concurrency`` requests are in flight at
    any moment, across all of them (the keyword arguments are ``WaitManyArguments``). Each
    result is what ``operations_wait`` would return: errors are values, so one failure never
    stops the others::

        async with operations_wait_many(core, ids, timeout=300) as results:
            async for operation_id, res in results:
                match res:
                    case Ok(op):
                        print(operation_id, op.status)
                    case Err(error):
                        print(operation_id, "failed:", error)

    - ``operation_ids``: an iterable of ids, such as a list. A bare ``str`` (or ``bytes``)
      raises ``TypeError``: it would be read as one id per character. A duplicate id is
      waited for once and yielded once, at its first position (``WaitMany.operation_ids``).
    - Polls only go out while you wait for the next result (in ``async for``, or
      ``anext``); while you handle one, they pause (each operation's ``timeout`` keeps
      running). So after a ``break``, with or without ``async with``, at most
      ``concurrency`` requests already started still reach the server, and nothing more.
      ``async with`` (or ``aclose()``) also ends the idle tasks at once.
    - Scale: the waits share one heap of due polls and ``concurrency`` worker tasks, with no
      task or timer per operation (about 1 KB each, the last state polled included), so
      100,000 operations fit in one process. With more operations than ``concurrency``, the
      first polls are spread over the policy's first interval (1 s at most); once the
      first answer asks for a longer interval (``Retry-After``), those not sent yet are
      spread over that one (at most half the time left before the deadline).

    Invalid arguments (``concurrency < 1``, a bad ``timeout``, ``poll_interval`` or
    ``cancel_grace``) raise ``InvalidRequestError`` here, before anything starts; invalid
    ids come back as ``Err(InvalidRequestError)`` items. Polling starts at the first
    ``__anext__``.
    """
    return WaitMany(core, operation_ids, options, **arguments)
