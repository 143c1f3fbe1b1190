"""Wait for an operation with a progress display, against the embedded mock server.

Run it with ``python examples/wait_progress.py`` inside the venv. It shows:

1. ``sdk.operations.wait`` with an ``on_update`` callback drawing a progress bar: the
   callback runs only when the state changes, not on every poll.
2. A deadline: ``WaitTimeoutError`` carries the last state seen, and with
   ``cancel_on_timeout=True`` the server was asked to cancel first.
3. The same wait as a value pipeline: ``operations_wait(...).and_then(Operation.outcome)``.
"""

from __future__ import annotations

import asyncio

from openapi import SDK, Err, Ok, Operation, OperationFailedError, PollPolicy, WaitTimeoutError
from openapi.funcs.operations_wait import operations_wait
from openapi.testing import MockServer

API_KEY = "demo-key"
BAR_WIDTH = 30


def draw(op: Operation) -> None:
    """``on_update``: one line per changed state (a terminal UI would redraw in place)."""
    progress = op.progress or 0.0
    filled = round(progress * BAR_WIDTH)
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    print(f"  [{bar}] {progress:6.1%}  {op.status}")


async def main() -> None:
    # poll_hint=None: no Retry-After from the server, so the client's PollPolicy sets the pace.
    async with MockServer(api_key=API_KEY, poll_hint=None, cancel_delay=0.2) as server:
        # polls=10: each GET moves it one step (10 %, 20 %, ...), so the story below is the
        # same on any machine; duration=... would make it progress with time instead.
        export = server.create_operation("export-7", polls=10, result={"rows": 1284})
        stuck = server.create_operation("reindex-3", duration=None)  # stays queued for ever

        async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
            print(f"1. Waiting for {export.id} (polling about every 0.15 s)")
            op = await sdk.operations.wait(
                operation_id=export.id,
                timeout=10,
                poll_interval=PollPolicy.fixed(0.15),
                on_update=draw,
            )
            polls = server.count("GET", operation_id=export.id)
            print(f"  done: {op.status}, result={op.result} ({polls} polls)")

            print(f"\n2. Waiting for {stuck.id} for at most 0.5 s, then cancelling it")
            try:
                await sdk.operations.wait(
                    operation_id=stuck.id, timeout=0.5, cancel_on_timeout=True
                )
            except WaitTimeoutError as late:
                last = late.operation.status if late.operation else None
                print(f"  WaitTimeoutError: {late}")
                print(f"  cancel_accepted={late.cancel_accepted}, status now {last}")

            print("\n3. The same as values: wait, then the operation's own outcome")
            failing = server.create_operation(
                "import-9", polls=3, outcome="failed", error=("bad_row", "Row 17 is bad")
            )
            res = await operations_wait(sdk.core, {"operation_id": failing.id}, poll_interval=0.1)
            match res.and_then(lambda done: done.outcome()):
                case Ok(result):
                    print(f"  {failing.id} succeeded: {result}")
                case Err(OperationFailedError() as failure):
                    print(f"  {failing.id} ended {failure.operation.status}: {failure.code}")
                case Err(error):
                    print(f"  could not wait for {failing.id}: {error}")


if __name__ == "__main__":
    asyncio.run(main())
