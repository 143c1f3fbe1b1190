"""Waiting at scale: 10,000 operations waited on concurrently from one process.

The server (its own process, ``server.py --mode wait``) finishes operation ``i`` about
``20 s * (i + 1) / 10000`` after it first sees it, so completions spread evenly over ~20 s.
This process waits on all of them with ``operations_wait_many`` (all 10,000 waits start at
once; ``concurrency`` bounds the requests in flight, 64 by default) and reports its peak RSS, the
polls the server received, and how evenly they spread over time (polls per second and their
coefficient of variation: 0 is perfectly even; a burst at the start shows as a high CV).

The client side runs in a fresh subprocess so that its peak RSS is the wait's alone.

Run: ``python benchmarks/wait_scale.py [--ops 10000 --finish-over 20]`` (or
``python benchmarks/run.py --wait-scale``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from typing import Any, Final

from _common import API_KEY, BENCH_DIR, coefficient_of_variation, peak_rss_mb, server_process

WAIT_FUNCTION: Final = "openapi.funcs.operations_wait.operations_wait_many"


async def _client(args: argparse.Namespace) -> dict[str, Any]:
    import aiohttp

    try:
        from openapi.funcs.operations_wait import (  # type: ignore[import-not-found,unused-ignore]
            operations_wait_many,
        )
    except ImportError as exc:
        return {"skipped": f"{WAIT_FUNCTION} is not available yet ({exc})"}
    from openapi.core import SDKCore

    base_url = f"http://127.0.0.1:{args.port}"
    ids = [f"op-{i}" for i in range(args.ops)]
    rss_ready = peak_rss_mb()
    outcomes = {"ok": 0, "err": 0}
    errors: dict[str, int] = {}
    started = time.perf_counter()
    cpu0 = time.process_time()
    async with SDKCore(api_key=API_KEY, server_url=base_url) as core:
        kwargs: dict[str, Any] = {"concurrency": args.concurrency, "timeout": args.timeout}
        if args.poll_interval is not None:
            kwargs["poll_interval"] = args.poll_interval
        async with operations_wait_many(core, ids, **kwargs) as results:
            async for _operation_id, result in results:
                if result.ok:
                    outcomes["ok"] += 1
                else:
                    outcomes["err"] += 1
                    name = type(result.error).__name__
                    errors[name] = errors.get(name, 0) + 1
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base_url}/_stats") as resp,
    ):
        stats = await resp.json()
    per_second: list[int] = stats["per_second"]
    return {
        "operations": args.ops,
        "finish_over_s": args.finish_over,
        "concurrency": args.concurrency,
        "poll_interval": args.poll_interval,
        "server_retry_after": args.retry_after,
        "wall_s": wall,
        "client_cpu_s": cpu,
        "ok": outcomes["ok"],
        "err": outcomes["err"],
        "errors": errors,
        "rss_ready_mb": rss_ready,
        "peak_rss_mb": peak_rss_mb(),
        "polls": stats["polls"],
        "polls_per_operation": stats["polls"] / args.ops,
        "polls_per_second": per_second,
        "polls_per_second_cv": coefficient_of_variation(per_second),
        "busiest_second": max(per_second, default=0),
    }


def run(
    *,
    quick: bool = False,
    ops: int | None = None,
    finish_over: float | None = None,
    concurrency: int | None = None,
    retry_after: int | None = None,
    poll_interval: float | None = None,
) -> dict[str, Any]:
    """Start the server, run the client in a fresh process, and return its report."""
    ops = ops or (500 if quick else 10_000)
    finish_over = finish_over or (3.0 if quick else 20.0)
    concurrency = concurrency or 64  # requests in flight at once (the SDK's default)
    server_args = ["--mode", "wait", "--ops", str(ops), "--finish-over", str(finish_over)]
    if retry_after is not None:
        server_args += ["--retry-after", str(retry_after)]
    print(f"\nWaiting on {ops} operations finishing over {finish_over:.0f} s ...", flush=True)
    with server_process(*server_args) as port:
        cmd = [
            sys.executable,
            str(BENCH_DIR / "wait_scale.py"),
            "--client",
            "--port",
            str(port),
            "--ops",
            str(ops),
            "--finish-over",
            str(finish_over),
            "--concurrency",
            str(concurrency),
            "--timeout",
            str(finish_over * 6 + 30),
        ]
        if retry_after is not None:
            cmd += ["--retry-after", str(retry_after)]
        if poll_interval is not None:
            cmd += ["--poll-interval", str(poll_interval)]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=finish_over * 10 + 120, cwd=BENCH_DIR
        )
    if proc.returncode != 0:
        return {"skipped": f"the wait-scale client failed: {proc.stderr.strip()[-1500:]}"}
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def print_report(report: dict[str, Any]) -> None:
    if "skipped" in report:
        print(f"SKIP wait-scale: {report['skipped']}")
        return
    per_second = report["polls_per_second"]
    print(
        f"Waited on {report['operations']} operations (concurrency {report['concurrency']}): "
        f"{report['ok']} ok, {report['err']} err {report['errors'] or ''} in "
        f"{report['wall_s']:.1f} s, client CPU {report['client_cpu_s']:.1f} s"
    )
    print(
        f"  peak RSS {report['peak_rss_mb']:.1f} MB (after imports {report['rss_ready_mb']:.1f}"
        f" MB); polls {report['polls']} ({report['polls_per_operation']:.2f} per operation)"
    )
    print(
        f"  polls per second: CV {report['polls_per_second_cv']:.2f}, busiest second "
        f"{report['busiest_second']}; histogram: {' '.join(map(str, per_second))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--finish-over", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=None, help="requests in flight (64)")
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--retry-after", type=int, default=None, help="server Retry-After (s)")
    parser.add_argument("--poll-interval", type=float, default=None)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(asyncio.run(_client(args))))
        return
    report = run(
        ops=args.ops,
        finish_over=args.finish_over,
        concurrency=args.concurrency,
        retry_after=args.retry_after,
        poll_interval=args.poll_interval,
    )
    print_report(report)


if __name__ == "__main__":
    main()
