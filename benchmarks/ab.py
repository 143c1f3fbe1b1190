"""In-process A/B: several clients in ONE process, interleaved in small blocks.

``run.py`` gives each sample a fresh process, which is fair for peak RSS and imports but
leaves ±10% between rounds. To compare two ways of doing the same call (for example raw
aiohttp with and without its per-request timer), this runs every variant in one process,
alternating blocks of calls (A B C, C B A, ...), and reports the median of per-block ratios
to the first variant.

Run: ``python benchmarks/ab.py --concurrency 64 aiohttp aiohttp_no_timer sdk_function``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from contextlib import AsyncExitStack
from typing import Final

import aiohttp
from _common import API_KEY, server_process
from worker import VARIANTS, CallOne, drive, make_client

_NO_TIMER: Final = aiohttp.ClientTimeout(total=None)
EXTRA: Final = ("aiohttp_no_timer", "aiohttp_asyncio_timeout")
"""Raw aiohttp without its default per-request timer, and with ``asyncio.timeout`` instead."""


async def _extra(variant: str, base_url: str, stack: AsyncExitStack) -> CallOne:
    session = await stack.enter_async_context(aiohttp.ClientSession())
    prefix = base_url + "/operations/"
    auth = {"Authorization": f"Bearer {API_KEY}"}

    async def no_timer(operation_id: str) -> object:
        async with session.get(prefix + operation_id, headers=auth, timeout=_NO_TIMER) as r:
            return await r.json()

    async def asyncio_timeout(operation_id: str) -> object:
        async with (
            asyncio.timeout(30),
            session.get(prefix + operation_id, headers=auth, timeout=_NO_TIMER) as r,
        ):
            return await r.json()

    return no_timer if variant == "aiohttp_no_timer" else asyncio_timeout


async def compare(
    port: int, variants: list[str], concurrency: int, blocks: int, calls: int
) -> dict[str, tuple[float, float]]:
    """``{variant: (median CPU us per call, median ratio to the first variant)}``."""
    base_url = f"http://127.0.0.1:{port}"
    async with AsyncExitStack() as stack:
        clients: dict[str, CallOne] = {}
        for variant in variants:
            clients[variant] = await (
                _extra(variant, base_url, stack)
                if variant in EXTRA
                else make_client(variant, base_url, stack, None)
            )
        for call in clients.values():
            await drive(call, max(calls // 2, 1), concurrency)  # warm up
        costs: dict[str, list[float]] = {variant: [] for variant in variants}
        for block in range(blocks):
            for variant in variants if block % 2 == 0 else variants[::-1]:
                started = time.process_time()
                await drive(clients[variant], calls, concurrency)
                costs[variant].append((time.process_time() - started) / calls * 1e6)
    first = costs[variants[0]]
    return {
        variant: (
            statistics.median(values),
            statistics.median(v / f for v, f in zip(values, first, strict=True)),
        )
        for variant, values in costs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", choices=[*VARIANTS, *EXTRA])
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=30)
    parser.add_argument("--calls", type=int, default=400, help="calls per block")
    args = parser.parse_args()
    with server_process() as port:
        report = asyncio.run(
            compare(port, args.variants, args.concurrency, args.blocks, args.calls)
        )
    print(f"c={args.concurrency}, {args.blocks} blocks x {args.calls} calls, one process")
    for variant, (cost, ratio) in report.items():
        print(f"  {variant:<24} {cost:>8.1f} us/call  {ratio:.3f}x {args.variants[0]}")


if __name__ == "__main__":
    main()
