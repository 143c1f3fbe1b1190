"""Where the SDK's CPU per call goes: cProfile of a variant, plus a timed breakdown.

- ``profile``: runs ``calls`` calls of one variant (``worker.py`` names) at one concurrency
  under cProfile and prints the functions with the most own time, in microseconds per call.
  (cProfile inflates small functions; use it for *where*, the breakdown for *how much*.)
- ``breakdown``: times each step the pipeline adds over raw aiohttp, in isolation, with
  ``timeit`` on a real response from the benchmark server (no profiler overhead).

Run: ``python benchmarks/profile_sdk.py profile sdk_function --concurrency 64`` or
``python benchmarks/profile_sdk.py breakdown``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import timeit
from collections.abc import Callable
from contextlib import AsyncExitStack, suppress
from typing import Any

from _common import API_KEY, server_process
from worker import VARIANTS, drive, make_client


async def _profile(variant: str, port: int, calls: int, concurrency: int, top: int) -> None:
    async with AsyncExitStack() as stack:
        call = await make_client(variant, f"http://127.0.0.1:{port}", stack, None)
        await drive(call, 500, concurrency)
        profiler = cProfile.Profile()
        profiler.enable()
        await drive(call, calls, concurrency)
        profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    total = sum(v[2] for v in raw.values())
    print(f"{variant} c={concurrency}: {total / calls * 1e6:.1f} us/call under cProfile")
    print(f"{'own us/call':>12}{'cum us/call':>12}{'ncalls/call':>12}  function")
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in rows:
        where = filename.rsplit("site-packages/", 1)[-1].rsplit("/src/", 1)[-1]
        print(
            f"{tottime / calls * 1e6:>12.2f}{cumtime / calls * 1e6:>12.2f}"
            f"{ncalls / calls:>12.2f}  {name} ({where}:{line})"
        )


def _time(label: str, fn: Callable[[], object], number: int = 20_000) -> float:
    best = min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6
    print(f"{best:>9.2f} us  {label}")
    return best


async def _breakdown(port: int) -> None:
    import time

    import aiohttp
    import yarl

    from openapi import _pipeline as p
    from openapi._serialization import decode_operation
    from openapi.core import SDKCore
    from openapi.funcs.operations_get_operation import GET_OPERATION
    from openapi.models.operations import GetOperationRequest, GetOperationResponse
    from openapi.types import Ok
    from openapi.utils.retries import call_with_retries

    base = f"http://127.0.0.1:{port}"
    async with SDKCore(api_key=API_KEY, server_url=base) as core:
        session = core.session().unwrap()
        async with session.get(base + "/operations/op-0001") as resp:
            raw = await resp.read()
            response = resp
        request_map = {"operation_id": "op-0001"}
        checked = GetOperationRequest(operation_id="op-0001")
        pending = p._Call(
            endpoint=GET_OPERATION,
            session=session,
            url=yarl.URL(base + "/operations/op-0001", encoded=True),
            headers=dict(core.base_headers),
            timeout=core.timeout(None),
            retries=core.config.retry_config,
        )

        print("Pipeline steps, each timed alone (best of 5 x 20,000):")
        _time("_coerce_request(mapping)", lambda: p._coerce_request(GET_OPERATION, request_map))
        _time("_coerce_request(attrs instance)", lambda: p._coerce_request(GET_OPERATION, checked))
        _time(
            "_render_path (check + quote the segment)",
            lambda: p._render_path(GET_OPERATION, checked),
        )
        _time("core.server_url()", lambda: core.server_url(None))
        _time("headers = {**core.base_headers}", lambda: {**core.base_headers})
        _time("core.session()", core.session)
        _time(
            "yarl.URL(base + path, encoded=True)",
            lambda: yarl.URL(base + "/operations/op-0001", encoded=True),
        )
        _time(
            "yarl.URL(str)  (what raw aiohttp does)", lambda: yarl.URL(base + "/operations/op-0001")
        )
        _time("core.timeout(None)", lambda: core.timeout(None))
        _time(
            "_Call(...) construction",
            lambda: p._Call(
                endpoint=GET_OPERATION,
                session=session,
                url=pending.url,
                headers=pending.headers,
                timeout=pending.timeout,
                retries=pending.retries,
            ),
        )
        _time(
            "json.loads(body)  (raw aiohttp's resp.json())", lambda: __import__("json").loads(raw)
        )
        _time("decode_operation(body)  (json + cattrs)", lambda: decode_operation(raw))
        _time("parse_retry_after(None)", lambda: p.parse_retry_after(None))
        _time("response.content_type + _is_json", lambda: p._is_json(response.content_type))
        _time("_Call.meta(response)  (HTTPMetadata)", lambda: pending.meta(response, None))
        _time("str(response.url)", lambda: str(response.url))
        op = decode_operation(raw)
        meta = pending.meta(response, None)
        _time("GetOperationResponse(op, meta)", lambda: GetOperationResponse(op, meta))
        _time("Ok(x)", lambda: Ok(op))
        _time("p._Attempt(Ok(x))", lambda: p._Attempt(Ok(op)))
        _time("time.monotonic()", time.monotonic)

        async def noop_attempt() -> Any:
            return p._Attempt(Ok(op))

        def drive_coro(factory: Callable[[], Any]) -> None:
            with suppress(StopIteration):
                factory().send(None)

        _time("await core.authorization()", lambda: drive_coro(core.authorization))
        _time(
            "await call_with_retries(<no-op send>)  (incl. the no-op)",
            lambda: drive_coro(lambda: call_with_retries(noop_attempt, pending.retries)),
        )
        _time("await <no-op send> alone", lambda: drive_coro(noop_attempt))
        _time("aiohttp.ClientTimeout(total=30)", lambda: aiohttp.ClientTimeout(total=30))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prof = sub.add_parser("profile")
    prof.add_argument("variant", choices=VARIANTS)
    prof.add_argument("--calls", type=int, default=5000)
    prof.add_argument("--concurrency", type=int, default=1)
    prof.add_argument("--top", type=int, default=35)
    sub.add_parser("breakdown")
    args = parser.parse_args()
    with server_process() as port:
        if args.command == "profile":
            asyncio.run(_profile(args.variant, port, args.calls, args.concurrency, args.top))
        else:
            asyncio.run(_breakdown(port))


if __name__ == "__main__":
    main()
