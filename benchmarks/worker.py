"""One measurement: one client variant, one concurrency, in a fresh process.

``run.py`` starts this once per (round, concurrency, variant), so each variant's peak RSS is
its own process's and no variant warms caches for another. Prints one JSON object.

Run: ``python benchmarks/worker.py VARIANT --port N --calls N --concurrency N
[--generated-path DIR]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any, Final

from _common import API_KEY, peak_rss_mb

VARIANTS: Final = ("aiohttp", "sdk_function", "sdk_facade", "generated", "httpx")
GENERATED_PACKAGE: Final = "ops_generated"
IDS: Final = tuple(f"op-{i:04d}" for i in range(100))

CallOne = Callable[[str], Awaitable[object]]


async def make_client(
    variant: str, base_url: str, stack: AsyncExitStack, generated_path: str | None
) -> CallOne:
    """Build the variant's client (inside ``stack``) and return its one-call coroutine."""
    auth = {"Authorization": f"Bearer {API_KEY}"}
    if variant == "aiohttp":
        import aiohttp

        session = await stack.enter_async_context(aiohttp.ClientSession())
        prefix = base_url + "/operations/"

        async def call_aiohttp(operation_id: str) -> object:
            async with session.get(prefix + operation_id, headers=auth) as resp:
                return await resp.json()

        return call_aiohttp

    if variant == "sdk_function":
        from openapi.core import SDKCore
        from openapi.funcs.operations_get_operation import operations_get_operation

        core = await stack.enter_async_context(SDKCore(api_key=API_KEY, server_url=base_url))

        async def call_function(operation_id: str) -> object:
            res = await operations_get_operation(core, {"operation_id": operation_id})
            if not res.ok:
                raise RuntimeError(res.error)
            return res.value

        return call_function

    if variant == "sdk_facade":
        from openapi import SDK

        sdk = await stack.enter_async_context(SDK(api_key=API_KEY, server_url=base_url))
        operations = sdk.operations

        async def call_facade(operation_id: str) -> object:
            return await operations.get_operation(operation_id=operation_id)

        return call_facade

    if variant == "generated":
        if generated_path is None:
            raise RuntimeError("the generated variant needs --generated-path")
        sys.path.insert(0, generated_path)
        generated: Any = __import__(GENERATED_PACKAGE, fromlist=["AuthenticatedClient"])
        get_operation: Any = __import__(
            f"{GENERATED_PACKAGE}.api.operations.get_operation", fromlist=["asyncio_detailed"]
        )
        client = await stack.enter_async_context(
            generated.AuthenticatedClient(base_url=base_url, token=API_KEY)
        )
        detailed = get_operation.asyncio_detailed

        async def call_generated(operation_id: str) -> object:
            response = await detailed(operation_id, client=client)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
            return response.parsed

        return call_generated

    if variant == "httpx":
        import httpx

        hclient = await stack.enter_async_context(httpx.AsyncClient(headers=auth))
        prefix = base_url + "/operations/"

        async def call_httpx(operation_id: str) -> object:
            resp = await hclient.get(prefix + operation_id)
            return resp.json()

        return call_httpx

    raise ValueError(f"unknown variant {variant!r}")


async def drive(call: CallOne, calls: int, concurrency: int) -> None:
    """``calls`` calls spread over ``concurrency`` tasks, each doing its share in a row."""
    share, extra = divmod(calls, concurrency)

    async def lane(lane_no: int) -> None:
        count = share + (1 if lane_no < extra else 0)
        for i in range(count):
            await call(IDS[(lane_no + i) % len(IDS)])

    if concurrency == 1:
        await lane(0)
    else:
        await asyncio.gather(*(lane(n) for n in range(concurrency)))


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    base_url = f"http://127.0.0.1:{args.port}"
    async with AsyncExitStack() as stack:
        call = await make_client(args.variant, base_url, stack, args.generated_path)
        rss_ready = peak_rss_mb()
        warmup = max(args.concurrency * 4, min(500, args.calls // 5))
        await drive(call, warmup, args.concurrency)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await drive(call, args.calls, args.concurrency)
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
    return {
        "variant": args.variant,
        "concurrency": args.concurrency,
        "calls": args.calls,
        "cpu_us_per_call": cpu / args.calls * 1e6,
        "calls_per_s": args.calls / wall,
        "peak_rss_mb": peak_rss_mb(),
        "rss_ready_mb": rss_ready,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=VARIANTS)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--generated-path", default=None)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args))))


if __name__ == "__main__":
    main()
