"""What hooks and OpenTelemetry cost per call, in one process, interleaved in small blocks.

Variants: ``aiohttp`` (raw, the floor), ``sdk_function`` (no hooks, no instrumentation:
the plain path), ``sdk_hook`` (one no-op ``before_request`` hook), ``sdk_otel``
(``SDKInstrumentor`` on, with the real OpenTelemetry SDK: spans recorded and dropped, and
metrics aggregated in memory). The instrumentation is global, so it is turned on for the
``sdk_otel`` blocks only. Reports median CPU microseconds per call and the median of
per-block ratios to ``aiohttp``, as ``ab.py`` does.

Run: ``python benchmarks/otel_cost.py --concurrency 16`` (needs the ``otel`` extra).
Figures taken on a busy, shared machine are noise: compare ratios from one run only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import MutableMapping
from contextlib import AsyncExitStack

from _common import API_KEY, server_process
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from worker import CallOne, drive, make_client

from openapi.contrib.opentelemetry import SDKInstrumentor
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.hooks import HookContext

VARIANTS = ("aiohttp", "sdk_function", "sdk_hook", "sdk_otel")


class _NoOp:
    def before_request(self, context: HookContext, headers: MutableMapping[str, str]) -> None:
        pass


async def _client(variant: str, base_url: str, stack: AsyncExitStack) -> CallOne:
    if variant in ("aiohttp", "sdk_function"):
        return await make_client(variant, base_url, stack, None)
    hooks = [_NoOp()] if variant == "sdk_hook" else None
    core = await stack.enter_async_context(
        SDKCore(api_key=API_KEY, server_url=base_url, hooks=hooks)
    )

    async def call(operation_id: str) -> object:
        res = await operations_get_operation(core, {"operation_id": operation_id})
        if not res.ok:
            raise RuntimeError(res.error)
        return res.value

    return call


async def compare(port: int, concurrency: int, blocks: int, calls: int) -> dict[str, list[float]]:
    """CPU microseconds per call of each variant, one figure per block."""
    instrumentor = SDKInstrumentor()
    tracer_provider = TracerProvider()  # spans are recorded, then dropped: no exporter
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    costs: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    async with AsyncExitStack() as stack:
        clients = {v: await _client(v, f"http://127.0.0.1:{port}", stack) for v in VARIANTS}
        for block in range(blocks + 1):  # block 0 warms up
            for variant in VARIANTS if block % 2 == 0 else VARIANTS[::-1]:
                if variant == "sdk_otel":
                    instrumentor.instrument(
                        tracer_provider=tracer_provider, meter_provider=meter_provider
                    )
                started = time.process_time()
                await drive(clients[variant], calls, concurrency)
                elapsed = time.process_time() - started
                if variant == "sdk_otel":
                    instrumentor.uninstrument()
                if block:
                    costs[variant].append(elapsed / calls * 1e6)
    meter_provider.shutdown()
    tracer_provider.shutdown()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--calls", type=int, default=300, help="calls per block")
    args = parser.parse_args()
    with server_process() as port:
        costs = asyncio.run(compare(port, args.concurrency, args.blocks, args.calls))
    floor = costs["aiohttp"]
    print(f"c={args.concurrency}, {args.blocks} blocks x {args.calls} calls, one process")
    for variant, values in costs.items():
        ratio = statistics.median(v / f for v, f in zip(values, floor, strict=True))
        print(f"  {variant:<14} {statistics.median(values):>8.1f} us/call  {ratio:.3f}x aiohttp")


if __name__ == "__main__":
    main()
