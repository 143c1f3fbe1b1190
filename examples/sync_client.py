"""The blocking client, ``SyncSDK``, in plain code and inside a running event loop, and a
copy with other defaults (``with_options``), against the embedded mock server.

Run it with ``python examples/sync_client.py`` inside the venv. The mock server is async,
so it runs on a thread of its own here; your real server needs nothing of the kind.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from openapi import Err, Ok, RetryConfig, SyncSDK, SyncSDKCore
from openapi.funcs.sync import operations_get_operation
from openapi.testing import MockServer

API_KEY = "demo-key"


@contextmanager
def mock_server_on_a_thread() -> Iterator[MockServer]:
    """The mock server, served by another thread's event loop until the block ends."""
    ready, stop = threading.Event(), threading.Event()
    box: list[MockServer] = []

    async def serve() -> None:
        async with MockServer(api_key=API_KEY, poll_hint=None) as server:
            server.create_operation("report", polls=4, result={"rows": 3})
            server.create_operation("export", duration=None)  # queued until cancelled
            box.append(server)
            ready.set()
            while not stop.is_set():  # noqa: ASYNC110 (a threading.Event: set from outside)
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    ready.wait(30)
    try:
        yield box[0]
    finally:
        stop.set()
        thread.join()


def main() -> None:
    with mock_server_on_a_thread() as server:
        print("1. Plain code: the same methods as SDK, without await")
        with SyncSDK(api_key=API_KEY, server_url=server.url) as sdk:
            for op in sdk.operations.watch(operation_id="report", poll_interval=0.1):
                print(f"   report: {op.status} {op.progress or 0:.0%}")
            cancelled = sdk.operations.cancel_operation(operation_id="export").operation
            print(f"   cancel export: {cancelled.status}")

            print("2. A copy with other defaults, sharing the connection pool")
            quick = sdk.with_options(timeout=2, retries=RetryConfig.none())
            print("   report via the copy:", quick.operations.wait(operation_id="report").status)

            async def inside_a_loop() -> str:  # a notebook cell, an async framework...
                return sdk.operations.get_operation(operation_id="report").operation.status

            print("3. Inside a running event loop:", asyncio.run(inside_a_loop()))

        print("4. The blocking functions return a Result")
        with SyncSDKCore(api_key=API_KEY, server_url=server.url) as core:
            match operations_get_operation(core, {"operation_id": "missing"}):
                case Ok(value):
                    print("   found", value.operation.id)
                case Err(error):
                    print(f"   {type(error).__name__}: status={error.status_code}")


if __name__ == "__main__":
    main()
