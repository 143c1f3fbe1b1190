"""Ctrl-C in a blocking call stops it promptly and leaves the operation running.

The interrupt is delivered once the mock has seen the Nth poll (an event, not a delay):
in process, as SIGINT to the main thread or by ``_thread.interrupt_main`` (which sends no
signal: only a caller that wakes up by itself sees it); and as a real SIGINT to a child
process, as a terminal's Ctrl-C is.
"""

from __future__ import annotations

import _thread
import asyncio
import signal
import sys
import threading
import time
from collections.abc import Callable

import pytest

from openapi import SyncSDK
from openapi.testing import MockServer
from tests.environment import child_env
from tests.events import PATIENCE, until
from tests.sync.support import API_KEY, ThreadedMock
from tests.waiting.support import FAST

pytestmark = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="needs the main thread"
)

PROMPTLY = 3.0
"""Seconds from the interrupt to the caller getting it: a generous bound (it takes ms)."""


def _pthread_kill() -> None:
    main = threading.main_thread().ident
    assert main is not None
    signal.pthread_kill(main, signal.SIGINT)


DELIVERIES: dict[str, Callable[[], None]] = {
    "sigint": _pthread_kill,
    "interrupt_main": _thread.interrupt_main,
}


def _interrupt_after_polls(
    mock: ThreadedMock, polls: int, deliver: Callable[[], None]
) -> list[float]:
    """From a helper thread: once the mock saw ``polls`` GETs, interrupt the main thread.
    The list gets the ``time.monotonic()`` of the interrupt."""
    sent: list[float] = []

    def interrupter() -> None:
        mock.wait_for(lambda server: server.count("GET") >= polls, f"{polls} polls")
        sent.append(time.monotonic())
        deliver()

    threading.Thread(target=interrupter, daemon=True).start()
    return sent


async def _other_tasks() -> int:
    return len(asyncio.all_tasks()) - 1


@pytest.mark.parametrize("delivery", sorted(DELIVERIES))
def test_ctrl_c_in_wait_stops_it_and_leaves_the_operation_running(
    mock: ThreadedMock, sdk: SyncSDK, delivery: str
) -> None:
    mock.do(lambda server: server.create_operation("stuck", duration=None))
    sent = _interrupt_after_polls(mock, 3, DELIVERIES[delivery])
    with pytest.raises(KeyboardInterrupt):
        sdk.operations.wait(operation_id="stuck", poll_interval=FAST, timeout=PATIENCE)
    assert time.monotonic() - sent[0] < PROMPTLY
    # The wait's task on the loop thread is gone (so nothing more can be sent for it) ...
    assert sdk.core.run(lambda _: _other_tasks()).unwrap() == 0
    # ... nothing was cancelled server-side, and the client still serves calls.
    assert mock.count("POST") == 0
    assert mock.do(lambda server: server.get_operation("stuck").status) == "queued"
    polls = mock.count("GET")
    assert sdk.operations.get_operation(operation_id="stuck").operation.status == "queued"
    assert mock.count("GET") == polls + 1


def test_ctrl_c_in_watch_stops_the_iterator(mock: ThreadedMock, sdk: SyncSDK) -> None:
    mock.do(lambda server: server.create_operation("stuck", duration=None))
    states = sdk.operations.watch(operation_id="stuck", poll_interval=FAST, timeout=PATIENCE)
    assert next(states).status == "queued"  # then it polls on, for a change that never comes
    sent = _interrupt_after_polls(mock, 3, _pthread_kill)
    with pytest.raises(KeyboardInterrupt):
        next(states)
    assert time.monotonic() - sent[0] < PROMPTLY
    assert sdk.core.run(lambda _: _other_tasks()).unwrap() == 0
    with pytest.raises(StopIteration):
        next(states)
    assert mock.count("POST") == 0


CHILD = """
import sys, time
from openapi import SyncSDK
sdk = SyncSDK(api_key=sys.argv[1], server_url=sys.argv[2])
try:
    sdk.operations.wait(operation_id="stuck", poll_interval=0.05, timeout=60)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sdk.close()
    raise SystemExit(130)
print("not interrupted", flush=True)
"""


async def test_sigint_to_a_process_blocked_in_wait() -> None:
    async with MockServer(api_key=API_KEY, poll_hint=None) as server:
        server.create_operation("stuck", duration=None)
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-W",
            "always::ResourceWarning",
            "-c",
            CHILD,
            API_KEY,
            server.url,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env(drop_prefix="OPENAPI_"),
        )
        try:
            await until(lambda: server.count("GET") >= 3, "the child to be polling")
            child.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(child.communicate(), PATIENCE)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        assert (child.returncode, out.decode(), err.decode()) == (130, "interrupted\n", "")
        assert server.count("POST") == 0
        assert server.get_operation("stuck").status == "queued"
