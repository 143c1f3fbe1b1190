"""Fan out: wait for many operations at once and handle each outcome as a value.

Run it with ``python examples/pipeline_fan_out.py`` inside the venv. Against the embedded
mock server it starts 200 operations (most succeed, some fail, one never finishes) plus a
few ids the server does not know, waits for all of them with at most 32 requests in flight,
and sorts every outcome with ``match``: nothing raises, one failure never hides the others.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from openapi import ApiError, Err, Ok, OperationFailedError, PollPolicy, WaitTimeoutError
from openapi.core import SDKCore
from openapi.funcs.operations_wait import operations_wait_many
from openapi.testing import MockServer

API_KEY = "demo-key"


async def main() -> None:
    async with MockServer(api_key=API_KEY, poll_hint=None, cancel_delay=0.1) as server:
        ids: list[str] = []
        for n in range(200):
            failed = n % 25 == 0
            server.create_operation(
                f"job-{n:03d}",
                polls=1 + n % 4,  # done on its 1st to 4th poll, however fast they come
                outcome="failed" if failed else "succeeded",
                result={"n": n, "square": n * n},
                error=("out_of_memory", "The worker ran out of memory") if failed else None,
            )
            ids.append(f"job-{n:03d}")
        server.create_operation("job-stuck", duration=None)  # never finishes
        ids += ["job-stuck", "job-missing-1", "job-missing-2"]

        tally: Counter[str] = Counter()
        total = 0
        started = time.monotonic()
        polls = PollPolicy(initial_interval=0.1, multiplier=1.5, max_interval=0.5)
        async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
            waits = operations_wait_many(
                core, ids, concurrency=32, timeout=5, poll_interval=polls, cancel_on_timeout=True
            )
            async with waits as results:
                async for operation_id, res in results:
                    # A done operation is Ok even if it failed; outcome() makes that an Err.
                    match res.and_then(lambda op: op.outcome()):
                        case Ok({"square": int(square)}):
                            tally["succeeded"] += 1
                            total += square
                        case Ok(other):
                            print(f"{operation_id}: unexpected result {other!r}")
                        case Err(OperationFailedError() as failure):
                            tally["failed"] += 1
                            print(f"{operation_id}: failed with {failure.code}")
                        case Err(WaitTimeoutError() as late):
                            tally["timed out"] += 1
                            print(
                                f"{operation_id}: still not done after {late.timeout:g} s; "
                                f"cancel accepted: {late.cancel_accepted}"
                            )
                        case Err(ApiError() as missing):
                            tally["not found"] += 1
                            print(f"{operation_id}: {missing.code} (HTTP {missing.status_code})")
                        case Err(error):
                            tally["error"] += 1
                            print(f"{operation_id}: call failed: {error}")

        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count} {name}" for name, count in sorted(tally.items()))
        print(f"\n{len(ids)} operations in {elapsed:.1f} s: {summary}")
        print(f"sum of squares of the successful jobs: {total}")
        print(f"the server saw {len(server.requests)} requests")


if __name__ == "__main__":
    asyncio.run(main())
