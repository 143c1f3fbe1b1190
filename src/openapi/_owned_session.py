"""Closing the session an ``SDKCore`` made when its user never called ``aclose()``.

An unclosed ``aiohttp.ClientSession`` left for the garbage collector costs more than aiohttp's
two "Unclosed ..." warnings: once its event loop is closed, nothing can close its sockets
any more, and each keep-alive connection adds a "unclosed transport" or "unclosed socket"
warning of its own when it is collected. So the session must be closed while its loop still
runs, with aiohttp's public ``close()``, at whichever comes first:

- the loop's shutdown: ``asyncio.run`` (like any runner calling
  ``loop.shutdown_asyncgens()``) closes every live async generator started in the loop,
  and ``watch`` is one, parked until then;
- the core's collection (``SDKCore.__del__``): ``release`` runs the part of ``close()``
  that does not need to wait.

The core then gives its one warning (``UNCLOSED_MESSAGE``) and nothing else is reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine
from typing import Any

import aiohttp

__all__ = ["finish", "release", "start_watch"]


async def _watch(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        if not session.closed:
            await session.close()


def _step(awaitable: Coroutine[Any, Any, object]) -> None:
    """Run ``awaitable`` up to its first suspension, then drop the rest of it."""
    try:
        awaitable.send(None)
    except StopIteration:
        pass
    finally:
        awaitable.close()


def start_watch(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Start the generator that closes ``session`` when the running loop shuts down.

    Call it inside the loop the session belongs to; keep the generator as long as the
    session (the loop only holds it weakly) and ``finish`` it once the session is closed.
    """
    watch = _watch(session)
    # The first step registers the generator with the running loop's async-generator
    # hooks (so its shutdown closes it) and parks it at its ``yield``.
    _step(watch.asend(None))
    return watch


def finish(watch: AsyncGenerator[None, None]) -> None:
    """End ``watch`` without awaiting, once its session is closed.

    A finished generator has nothing left for the loop to finalise: no task is scheduled
    when it is collected, and none on a closed loop (which would fail).
    """
    _step(watch.aclose())


def _close_now(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop) -> bool:
    """Close ``session`` without awaiting, from a finalizer; False if it must not be here.

    aiohttp's ``close()`` closes the pool and every connection before it first suspends
    (to wait until the transports report closed), so one step of it does the closing; the
    loop finishes the rest. On a loop running in another thread that step is not safe;
    there ``watch`` is left alone instead, and the loop itself closes the session when the
    generator is collected (its finalizer hook is thread-safe).
    """
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop.is_running() and running is not loop:
        return False
    _step(session.close())
    return True


def release(
    session: aiohttp.ClientSession,
    watch: AsyncGenerator[None, None] | None,
    loop: asyncio.AbstractEventLoop,
) -> None:
    """From the core's finalizer: close ``session`` now where that is safe, and end ``watch``
    once it is closed (else the loop closes both when it collects ``watch``)."""
    if (session.closed or _close_now(session, loop)) and watch is not None:
        finish(watch)
