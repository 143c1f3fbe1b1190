"""A ``MockServer`` on a thread (and event loop) of its own, for tests of the blocking client.

A blocking call made from the test's own loop blocks that loop, so the server it talks to
must run elsewhere. Everything the test asks of the server goes through ``mock.do(...)``,
which runs it on the server's loop (its state is not meant for two threads at once).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from openapi.testing import MockServer
from tests.events import PATIENCE
from tests.loops import new_loop

T = TypeVar("T")
API_KEY = "sk-sync-SECRET-51c0de"


class ThreadedMock:
    """A running ``MockServer`` whose loop is another thread's."""

    def __init__(self, server: MockServer, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.url = server.url
        self._loop = loop

    def do(self, action: Callable[[MockServer], T]) -> T:
        """Run ``action(server)`` on the server's loop and return what it returns."""

        async def run() -> T:
            return action(self.server)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(PATIENCE)

    def count(self, method: str | None = None, **filters: Any) -> int:
        """``server.count(...)`` read on the server's loop."""
        return self.do(lambda server: server.count(method, **filters))

    def wait_for(self, condition: Callable[[MockServer], bool], what: str) -> None:
        """Block until ``condition(server)`` holds (checked on the server's loop)."""
        give_up = time.monotonic() + PATIENCE
        while not self.do(condition):
            if time.monotonic() > give_up:
                raise AssertionError(f"gave up after {PATIENCE:g} s waiting for {what}")
            time.sleep(0.005)


@contextmanager
def threaded_mock(**settings: Any) -> Iterator[ThreadedMock]:
    """Start a ``MockServer(**settings)`` (``api_key`` defaults to ``API_KEY``) on a thread."""
    settings.setdefault("api_key", API_KEY)
    loop = new_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    box: list[ThreadedMock | BaseException] = []

    async def serve() -> None:
        try:
            async with MockServer(**settings) as server:
                box.append(ThreadedMock(server, loop))
                ready.set()
                await stop.wait()
        except BaseException as exc:
            box.append(exc)
            ready.set()
            raise

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        assert ready.wait(PATIENCE), "the mock server did not start"
        mock = box[0]
        if isinstance(mock, BaseException):
            raise mock
        yield mock
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(PATIENCE)
        loop.close()
