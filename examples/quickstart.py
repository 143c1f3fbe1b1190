"""Quickstart: the SDK against the embedded mock server (no network, no key to obtain).

Run it with ``make demo`` (or ``python examples/quickstart.py`` inside the venv).
"""

from __future__ import annotations

import asyncio

from openapi import SDK, ApiError, BackoffStrategy, Err, Ok, RetryConfig
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer

API_KEY = "demo-key"  # the mock server's key; any string works as long as both agree


def step(title: str) -> None:
    print(f"\n== {title}")


async def main() -> None:
    async with MockServer(api_key=API_KEY, cancel_delay=0.3) as server:
        print(f"Mock Operations API running at {server.url}")
        report = server.create_operation(
            "report-2026-11", duration=1.5, result={"rows": 1284, "file": "report.csv"}
        )
        export = server.create_operation("export-42", duration=30)

        step("1. The SDK facade: methods that raise on error")
        async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
            res = await sdk.operations.get_operation(operation_id=report.id)
            op = res.operation
            print(f"GET {op.id}: status={op.status} progress={op.progress:.0%}")
            print(
                f"  request id {res.http_meta.request_id}, server suggests polling again "
                f"in {res.http_meta.retry_after} s"
            )

            cancelled = await sdk.operations.cancel_operation(operation_id=export.id)
            print(f"CANCEL {export.id}: status={cancelled.operation.status}")
            await asyncio.sleep(0.4)
            after = await sdk.operations.get_operation(operation_id=export.id)
            error = after.operation.error
            print(
                f"  a moment later: status={after.operation.status} "
                f"(error code {error.code if error else None})"
            )

        step("2. Standalone functions: errors are values")
        async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
            await asyncio.sleep(1.2)  # let the report finish
            match await operations_get_operation(core, {"operation_id": report.id}):
                case Ok(value):
                    op = value.operation
                    print(f"GET {op.id}: done={op.done} status={op.status} result={op.result}")
                case Err(error):
                    print("unexpected failure:", error)

            step("3. A 404 handled as a value, not an exception")
            match await operations_get_operation(core, {"operation_id": "no-such-op"}):
                case Ok(value):
                    print("unexpectedly found", value.operation.id)
                case Err(ApiError() as not_found):
                    print(
                        f"ApiError: code={not_found.code!r} status={not_found.status_code} "
                        f"message={not_found.message!r}"
                    )
                case Err(error):
                    print("other failure:", error)

            step("4. A transient 503 (twice), retried away")
            server.inject(status=503, times=2, method="GET", retry_after=1)
            quick = RetryConfig(backoff=BackoffStrategy(initial_interval=0.2))
            core_retrying = SDKCore(api_key=API_KEY, server_url=server.url, retry_config=quick)
            async with core_retrying:
                res = await operations_get_operation(core_retrying, {"operation_id": report.id})
            if res.ok is True:
                meta = res.value.http_meta
                print(
                    f"GET {report.id}: OK after {meta.attempts} attempts "
                    f"({meta.elapsed:.1f} s, honouring Retry-After: 1)"
                )
            else:
                print("still failing:", res.error)

            step("5. Cancelling a finished operation is not an error")
            again = await operations_cancel_operation(core, {"operation_id": report.id})
            print(f"CANCEL {report.id}: {again.map(lambda r: str(r.operation.status))!r}")

        print(f"\nThe mock server saw {len(server.requests)} API requests. Done.")


if __name__ == "__main__":
    asyncio.run(main())
