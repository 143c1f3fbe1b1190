"""Where the SDK's CPU per call goes: cProfile of a variant, plus a timed breakdown.

- ``profile``: runs ``calls`` calls of one variant (``worker.py`` names) at one concurrency
  under cProfile and prints the functions with the most own time, in microseconds per call.
  (cProfile inflates small functions; use it for *where*, the breakdown for *how much*.)
- ``breakdown``: times each step the pipeline adds over raw aiohttp, in isolation, with
  ``timeit`` on a real response from the benchmark server (no profiler overhead).
- ``pipeline``: whole calls through the SDK with the network taken out (a canned-response
  stand-in for the session), against the floor of reading and parsing the same body: the
  SDK's own CPU per call, steady where socket-level runs are noisy. ``--profile`` adds a
  cProfile of it.

Run: ``python benchmarks/profile_sdk.py profile sdk_function --concurrency 64`` or
``python benchmarks/profile_sdk.py breakdown`` or ``python benchmarks/profile_sdk.py pipeline``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
import timeit
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from typing import Any, cast

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
    _print_profile(profiler, f"{variant} c={concurrency}", calls, top)


def _print_profile(profiler: cProfile.Profile, title: str, calls: int, top: int) -> None:
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    total = sum(v[2] for v in raw.values())
    print(f"{title}: {total / calls * 1e6:.1f} us/call under cProfile")
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
    import json

    import yarl

    from openapi._http.decode import is_json
    from openapi._http.path import render_path
    from openapi._http.state import Call, Outcome
    from openapi.core import SDKCore
    from openapi.funcs.operations_get_operation import GET_OPERATION
    from openapi.models._converter import decode_json
    from openapi.models.components import Operation
    from openapi.models.operations import GetOperationRequest, GetOperationResponse
    from openapi.types import Ok
    from openapi.utils.retries import parse_retry_after

    base = f"http://127.0.0.1:{port}"
    url_text = base + "/operations/op-0001"
    async with SDKCore(api_key=API_KEY, server_url=base) as core:
        session = core.session().unwrap()
        async with session.get(url_text) as resp:
            raw = await resp.read()
            response = resp
        request_map = {"operation_id": "op-0001"}
        model = GetOperationRequest(operation_id="op-0001")
        pending = Call(
            GET_OPERATION,
            session,
            url_text,
            dict(core.request_headers),
            core.timeout(None),
            core.config.retry_config,
            core.deadlines,
        )
        op = decode_json(raw, Operation)
        meta = pending.meta(response, None)

        async def asyncio_timeout() -> None:
            async with asyncio.timeout(30):  # noqa: ASYNC100  (its own cost is the point)
                pass

        async def core_deadline() -> None:
            with core.deadlines.deadline(30):
                pass

        def drive_coro(factory: Callable[[], Any]) -> None:
            with suppress(StopIteration):
                factory().send(None)

        print("Pipeline steps, each timed alone (best of 5 x 20,000):")
        _time("render_path(mapping)", lambda: render_path(GET_OPERATION, request_map))
        _time("render_path(model)", lambda: render_path(GET_OPERATION, model))
        _time("core.server_url()", lambda: core.server_url(None))
        _time("core.fixed_authorization()", core.fixed_authorization)
        _time("core.session()", core.session)
        _time("yarl.URL(text, encoded=True)", lambda: yarl.URL(url_text, encoded=True))
        _time(
            "Call(...) construction (with its URL)",
            lambda: Call(
                GET_OPERATION,
                session,
                url_text,
                pending.headers,
                pending.timeout,
                pending.retries,
                pending.deadlines,
            ),
        )
        _time("with core.deadlines.deadline(30)  (the SDK's)", lambda: drive_coro(core_deadline))
        _time(
            "async with asyncio.timeout(30)  (for comparison)", lambda: drive_coro(asyncio_timeout)
        )
        _time("json.loads(body)  (raw aiohttp's resp.json())", lambda: json.loads(raw))
        _time("decode_json(body, Operation)  (json + cattrs)", lambda: decode_json(raw, Operation))
        _time("parse_retry_after(None)", lambda: parse_retry_after(None))
        _time("response.content_type + is_json", lambda: is_json(response.content_type))
        _time("Call.meta(response)  (HTTPMetadata)", lambda: pending.meta(response, None))
        _time("GetOperationResponse(op, meta)", lambda: GetOperationResponse(op, meta))
        _time("Ok(x)", lambda: Ok(op))
        _time("Outcome(Ok(x))", lambda: Outcome(Ok(op)))
        _time("time.monotonic()", time.monotonic)


class _CannedResponse:
    """What the pipeline reads from an ``aiohttp.ClientResponse``, with a fixed 200 body."""

    status = 200
    reason = "OK"
    content_type = "application/json"
    history = ()
    url = "http://127.0.0.1:1/operations/op_000001"

    def __init__(self, body: bytes, headers: Any) -> None:
        self.body = body
        self.headers = headers
        self.content_length = len(body)

    async def read(self) -> bytes:
        return self.body


class _CannedSession:
    """Stands in for ``aiohttp.ClientSession``: no network, the same response every time.

    Measurement only (the tests never do this): it takes aiohttp and the socket out of the
    picture, so what remains is the SDK's own CPU per call, steady to a few percent.
    """

    def __init__(self, body: bytes) -> None:
        from multidict import CIMultiDict, CIMultiDictProxy

        headers = {"Content-Type": "application/json", "X-Request-Id": "req_1"}
        self.response = _CannedResponse(body, CIMultiDictProxy(CIMultiDict(headers)))

    @asynccontextmanager
    async def request(self, method: str, url: Any, **_: Any) -> AsyncIterator[_CannedResponse]:
        yield self.response


async def _pipeline_cost(calls: int, profile: bool, top: int) -> None:
    import json

    from server import operation_body

    from openapi import SDK
    from openapi.core import SDKCore
    from openapi.funcs.operations_get_operation import operations_get_operation
    from openapi.models.operations import GetOperationRequest

    canned = _CannedSession(operation_body("op_000001", "running", 0.42))
    session = cast(Any, canned)
    core = SDKCore(api_key=API_KEY, server_url="http://127.0.0.1:1", session=session)
    sdk = SDK(api_key=API_KEY, server_url="http://127.0.0.1:1", session=session)
    model = GetOperationRequest(operation_id="op_000001")

    async def raw() -> object:  # the floor: take the response, parse its JSON
        async with canned.request("GET", "x") as response:
            return json.loads(await response.read())

    async def function() -> object:
        return await operations_get_operation(core, {"operation_id": "op_000001"})

    async def function_model() -> object:
        return await operations_get_operation(core, model)

    async def facade() -> object:
        return await sdk.operations.get_operation(operation_id="op_000001")

    variants: dict[str, Callable[[], Awaitable[object]]] = {
        "raw (read + json.loads)": raw,
        "operations_get_operation(dict)": function,
        "operations_get_operation(model)": function_model,
        "sdk.operations.get_operation": facade,
    }
    best: dict[str, float] = {}
    for _ in range(5):
        for name, one in variants.items():
            started = time.process_time()
            for _ in range(calls):
                await one()
            cost = (time.process_time() - started) / calls * 1e6
            best[name] = min(best.get(name, cost), cost)
    floor = best["raw (read + json.loads)"]
    print(f"Pipeline CPU per call with the network taken out (best of 5 x {calls:,}):")
    for name, cost in best.items():
        print(f"{cost:>9.2f} us  {name:<34} (+{cost - floor:.2f} us over the floor)")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            await function()
        profiler.disable()
        _print_profile(profiler, "operations_get_operation(dict), canned response", calls, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prof = sub.add_parser("profile")
    prof.add_argument("variant", choices=VARIANTS)
    prof.add_argument("--calls", type=int, default=5000)
    prof.add_argument("--concurrency", type=int, default=1)
    prof.add_argument("--top", type=int, default=35)
    sub.add_parser("breakdown")
    pipe = sub.add_parser("pipeline")
    pipe.add_argument("--calls", type=int, default=20_000)
    pipe.add_argument("--profile", action="store_true", help="also cProfile the function")
    pipe.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if args.command == "pipeline":
        asyncio.run(_pipeline_cost(args.calls, args.profile, args.top))
        return
    with server_process() as port:
        if args.command == "profile":
            asyncio.run(_profile(args.variant, port, args.calls, args.concurrency, args.top))
        else:
            asyncio.run(_breakdown(port))


if __name__ == "__main__":
    main()
