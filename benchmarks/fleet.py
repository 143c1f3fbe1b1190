"""A fleet of clients against one mock server with a capacity limit and an outage (issue 18).

Each client is its own process with one ``SDKCore`` waiting on its share of the operations
with ``operations_wait_many``, as a service replica would. A wait that ends in a call error
(its poll failed even after the retries its ``RetryConfig`` allowed) is waited for again
after ``--rewait`` seconds, doubled each time the whole batch failed again up to
``--rewait-max``, as a careful application would (the same in both runs). The server, in
this process, answers 429 with ``Retry-After`` above ``--capacity`` requests per second, and
503 (or drops the connection) to everything during the outage window.

Two runs, the same in all but the client's ``RetryConfig``:

- ``on``: the defaults (retry quota, rate-limit gate, adaptive poll window);
- ``off``: ``RetryConfig(quota=None, rate_limit_gate=False, adaptive_concurrency=False)``,
  every call retrying on its own as before issue 18.

Reported per run: requests the server received; its load (requests per second) during the
outage against the load before it, whose ratio is the amplification the issue bounds at
1.2x; the attempts the clients sent in the outage, counted by a request hook as first
attempts (polls) and retries (what the SDK added); time from the end of the outage until
the last operation was seen done; and the 429 share. The goals are printed against the
figures, never asserted.

The issue's scale (20 clients x 2,000 operations, a 30 s outage) is ``--clients 20 --ops
2000 --outage 30``; the defaults are scaled down for a 2-core machine. Figures taken on a
shared machine are noise: see benchmarks/README.md for the commands and the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import sys
import time
from collections import Counter
from typing import Any

API_KEY = "fleet-bench-key"


def _client_config(mode: str) -> Any:
    from openapi.utils.retries import RetryConfig

    if mode == "on":
        return RetryConfig()
    return RetryConfig(quota=None, rate_limit_gate=False, adaptive_concurrency=False)


class AttemptLog:
    """A request hook (``openapi.hooks``) that records when each HTTP attempt went out, first
    attempts (``polls``: what the waits asked for) apart from retries (what the SDK added)."""

    def __init__(self) -> None:
        self.polls: list[float] = []
        self.retries: list[float] = []

    def before_request(self, context: Any, headers: Any) -> None:
        (self.polls if context.attempt == 1 else self.retries).append(time.time())


async def _client(
    url: str, ids: list[str], mode: str, rewait: float, rewait_max: float
) -> dict[str, Any]:
    from openapi import Err, Ok, WaitTimeoutError
    from openapi.core import SDKCore
    from openapi.funcs.operations_wait import operations_wait_many

    log = AttemptLog()
    pending = list(ids)
    errors: Counter[str] = Counter()
    done_at = 0.0
    pause = rewait
    config = _client_config(mode)
    async with SDKCore(api_key=API_KEY, server_url=url, retry_config=config, hooks=[log]) as core:
        while pending:
            again: list[str] = []
            async with operations_wait_many(core, pending) as results:
                async for operation_id, res in results:
                    if isinstance(res, Ok):
                        done_at = time.time()
                    elif isinstance(res, Err) and not isinstance(res.error, WaitTimeoutError):
                        errors[type(res.error).__name__] += 1
                        again.append(operation_id)
            # The application's own backoff: a batch that failed again waits twice as long.
            pause = rewait if len(again) < len(pending) else min(pause * 2, rewait_max)
            pending = again
            if pending:
                await asyncio.sleep(pause * random.uniform(0.8, 1.2))
    return {"polls": log.polls, "retries": log.retries, "done_at": done_at, "errors": dict(errors)}


def _client_main(
    url: str, ids: list[str], mode: str, rewait: tuple[float, float], out: Any
) -> None:
    out.send(asyncio.run(_client(url, ids, mode, *rewait)))
    out.close()


async def _run(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    from openapi.testing import MockServer

    async with MockServer(api_key=API_KEY, poll_hint=None, seed=7) as server:
        rng = random.Random(7)
        shares: list[list[str]] = []
        for client in range(args.clients):
            share = [f"c{client}-{n}" for n in range(args.ops)]
            for operation_id in share:
                server.create_operation(operation_id, duration=rng.uniform(1, args.work))
            shares.append(share)
        server.limit_capacity(args.capacity, retry_after=1)
        context = multiprocessing.get_context("spawn")
        pipes, processes = [], []
        started = time.time()
        for share in shares:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_client_main,
                args=(server.url, share, mode, (args.rewait, args.rewait_max), send),
            )
            process.start()
            pipes.append(receive)
            processes.append(process)
        await asyncio.sleep(args.outage_after)
        outage_from, outage_from_mono = time.time(), time.monotonic()
        if args.outage > 0:
            server.start_outage(args.outage, kind=args.outage_kind)
        await asyncio.sleep(args.outage)
        outage_to, outage_to_mono = time.time(), time.monotonic()
        loop = asyncio.get_running_loop()
        reports = [await loop.run_in_executor(None, pipe.recv) for pipe in pipes]
        for process in processes:
            process.join()
        entries = server.requests
    statuses = Counter(entry.status for entry in entries)
    during = [e for e in entries if outage_from_mono <= e.received_at < outage_to_mono]
    # The load before the outage, per second, over as long a stretch (the first second left
    # out: the clients are still starting).
    before_from = outage_from_mono - min(max(args.outage, 1), args.outage_after - 1)
    before = [e for e in entries if before_from <= e.received_at < outage_from_mono]
    rate_before = len(before) / (outage_from_mono - before_from)
    rate_during = len(during) / args.outage if args.outage > 0 else None

    def in_outage(kind: str) -> int:
        return sum(1 for r in reports for at in r[kind] if outage_from <= at < outage_to)

    polls_during, retries_during = in_outage("polls"), in_outage("retries")
    last_done = max(report["done_at"] for report in reports)
    errors: Counter[str] = Counter()
    for report in reports:
        errors.update(report["errors"])
    return {
        "mode": mode,
        "requests": len(entries),
        "polls": sum(len(report["polls"]) for report in reports),
        "retries": sum(len(report["retries"]) for report in reports),
        "rate_before": round(rate_before, 1),
        "rate_outage": round(rate_during, 1) if rate_during is not None else None,
        "load_amplification": (
            rate_during / rate_before if rate_during is not None and rate_before else None
        ),
        "outage_requests": len(during),
        "outage_polls": polls_during,
        "outage_retries": retries_during,
        "attempts_per_poll": (polls_during + retries_during) / polls_during
        if polls_during
        else None,
        "finish_after_outage_s": round(last_done - outage_to, 1),
        "total_s": round(last_done - started, 1),
        "share_429": statuses[429] / len(entries) if entries else 0.0,
        "status_counts": {str(k): v for k, v in statuses.items()},
        "wait_errors": dict(errors),
    }


def _print(result: dict[str, Any]) -> None:
    per_poll = result["attempts_per_poll"]
    ratio = f"{per_poll:.2f} attempts per poll" if per_poll is not None else "no new polls"
    print(
        f"{result['mode']:>3}: {result['requests']} requests ({result['polls']} polls, "
        f"{result['retries']} retries)"
        + (
            f"; {result['rate_before']:g}/s before the outage, {result['rate_outage']:g}/s in "
            f"it: {result['outage_requests']} requests, {result['outage_polls']} polls + "
            f"{result['outage_retries']} retries sent ({ratio})"
            if result["rate_outage"] is not None
            else ""
        )
    )
    print(
        f"     finished {result['finish_after_outage_s']} s after the outage "
        f"({result['total_s']} s in all); 429 share {result['share_429']:.1%}; "
        f"statuses {result['status_counts']}; re-waited {result['wait_errors']}"
    )


def _goals(results: dict[str, dict[str, Any]]) -> None:
    """Each goal of issue 18 against the figures (printed, never asserted)."""
    on, off = results.get("on"), results.get("off")
    if on is None:
        return

    def verdict(met: bool) -> str:
        return "MET " if met else "MISS"

    amplification = on["load_amplification"]
    if amplification is not None:
        against = ""
        if off is not None and off["load_amplification"] is not None:
            against = f"; off: {off['load_amplification']:.2f}x"
        print(
            f"{verdict(amplification <= 1.2)} outage: the fleet sent {amplification:.2f}x the "
            f"requests per second it sent before it, quota and gate on (goal <= 1.2x{against})"
        )
    if on["rate_outage"] is not None:
        print(
            f"     finished {on['finish_after_outage_s']} s after the outage (goal: a few "
            f"poll intervals; the default policy's longest is 30 s)"
        )
    if off is not None and off["share_429"]:
        print(
            f"{verdict(on['share_429'] <= off['share_429'] / 2)} 429 share "
            f"{on['share_429']:.1%} on against {off['share_429']:.1%} off (goal: half or less)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="client processes (20)")
    parser.add_argument("--ops", type=int, default=250, help="operations per client (2000)")
    parser.add_argument("--capacity", type=float, default=150, help="requests/s before 429s")
    parser.add_argument("--work", type=float, default=40, help="operations end in 1..S s")
    parser.add_argument("--outage-after", type=float, default=10, help="outage starts at S s")
    parser.add_argument("--outage", type=float, default=30, help="outage length, s (30; 0: none)")
    parser.add_argument("--outage-kind", choices=["status", "drop"], default="status")
    parser.add_argument("--rewait", type=float, default=5, help="app's pause before re-waiting")
    parser.add_argument("--rewait-max", type=float, default=20, help="doubling up to this (20)")
    parser.add_argument("--mode", choices=["on", "off", "both"], default="both")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    modes = ["on", "off"] if args.mode == "both" else [args.mode]
    print(
        f"fleet: {args.clients} clients x {args.ops} operations, capacity {args.capacity:g}/s, "
        f"{args.outage:g} s outage ({args.outage_kind}) from {args.outage_after:g} s"
    )
    results = []
    for mode in modes:
        result = asyncio.run(_run(args, mode))
        _print(result)
        results.append(result)
    _goals({result["mode"]: result for result in results})
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"args": vars(args), "results": results}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
