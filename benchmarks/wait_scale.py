"""Waiting at scale: 100,000 operations waited on from one process, against the goals of issue 17.

The server (its own process, ``server.py --mode wait``) finishes operation ``i`` of ``N``
``finish_over * (i + 1) / N`` seconds after the run starts (its first request), and by
default answers unfinished ones with ``Retry-After: 5``, the poll interval it suggests.
One run has two phases, each a fresh client process against a fresh server:

- ``sdk``: ``operations_wait_many`` on all ``N`` ids (``concurrency`` requests in flight, 64
  by default); then, in the same process, plain ``operations_get_operation`` calls at the
  same concurrency, the yardstick for the CPU a poll costs.
- ``raw``: the same waits done with raw aiohttp GETs on the same schedule (a heap of due
  polls, the same workers, the SDK's ``PollPolicy`` delays, ``json`` decoding): the floor.

It prints each figure against its goal: all seen done within ``finish_over + 10`` s of the
start; SDK CPU per poll within 1.3x of one plain call (and the ratio to the raw waits);
peak RSS under 250 MB; no second with 0 polls while a poll was due (the client probes its
heap of due polls 20 times a second; main's wait_many has none, so there every second with
0 polls before the last done counts); and the CV of polls per second under 0.3 once the
first polls are out. Figures are printed, never asserted.

Run: ``python benchmarks/wait_scale.py`` (100,000 operations over 60 s, about 3 minutes), or
smaller: ``--ops 20000 --finish-over 20``; ``--phases sdk`` skips the raw floor;
``--gc-freeze`` calls ``gc.freeze()`` once the ids are built (an application's choice).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import json
import math
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from _common import API_KEY, BENCH_DIR, coefficient_of_variation, peak_rss_mb, server_process

WAIT_FUNCTION: Final = "openapi.funcs.operations_wait.operations_wait_many"
GOALS: Final = {"late_s": 10.0, "cpu_ratio": 1.3, "rss_mb": 250.0, "stalls": 0, "cv": 0.3}
TERMINAL: Final = frozenset({"succeeded", "failed", "cancelled"})
CALIBRATION_CALLS: Final = 20_000


Probe = Callable[[], bool]
"""True while some poll has been due for over 0.1 s and has not been sent."""


class Pauses:
    """GC pauses (``gc.callbacks``) and event-loop lag (a 50 ms ticker) while waiting, and
    when (epoch seconds) the ticker found a poll overdue (``probe``)."""

    def __init__(self) -> None:
        self.gc: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0
        self.lag_max = 0.0
        self.probe: list[Probe] = []
        self.overdue: list[float] = []

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.gc[info["generation"]].append(time.perf_counter() - self._started)

    async def tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.05)
            self.lag_max = max(self.lag_max, loop.time() - before - 0.05)
            if self.probe and self.probe[0]():
                self.overdue.append(time.time())

    def report(self) -> dict[str, Any]:
        full = self.gc[2]
        return {
            "gc_full_collections": len(full),
            "gc_full_max_ms": max(full, default=0.0) * 1000,
            "gc_total_ms": sum(map(sum, self.gc.values())) * 1000,
            "loop_lag_max_ms": self.lag_max * 1000,
            "overdue_epochs": self.overdue if self.probe else None,
        }


async def _measured(
    args: argparse.Namespace,
    run: Callable[[list[str], list[Probe]], Awaitable[dict[str, int]]],
) -> dict[str, Any]:
    """Run ``run(ids, probe)`` with the CPU, wall time, pauses and peak RSS measured around
    it; ``run`` may put a ``Probe`` of its overdue polls in ``probe``."""
    ids = [f"op-{i}" for i in range(args.ops)]
    if args.shuffle:  # finishing order unrelated to the order the waits were given in
        random.Random(7).shuffle(ids)
    if args.gc_freeze:
        gc.freeze()
    pauses = Pauses()
    gc.callbacks.append(pauses.on_gc)
    ticker = asyncio.create_task(pauses.tick())
    rss_ready = peak_rss_mb()
    started, cpu0 = time.perf_counter(), time.process_time()
    try:
        outcome = await run(ids, pauses.probe)
    finally:
        ticker.cancel()
        gc.callbacks.remove(pauses.on_gc)
    return {
        "wall_s": time.perf_counter() - started,
        "client_cpu_s": time.process_time() - cpu0,
        "rss_ready_mb": rss_ready,
        "peak_rss_mb": peak_rss_mb(),
        **outcome,
        **pauses.report(),
    }


async def _stats(base_url: str) -> dict[str, Any]:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(f"{base_url}/_stats") as resp:
        stats: dict[str, Any] = await resp.json()
        return stats


async def _sdk_phase(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    try:
        from openapi.funcs.operations_wait import (  # type: ignore[import-not-found,unused-ignore]
            operations_wait_many,
        )
    except ImportError as exc:
        return {"skipped": f"{WAIT_FUNCTION} is not available yet ({exc})"}
    from openapi.core import SDKCore
    from openapi.funcs.operations_get_operation import operations_get_operation

    async with SDKCore(api_key=API_KEY, server_url=base_url) as core:

        async def wait_all(ids: list[str], probe: list[Probe]) -> dict[str, int]:
            counts = {"ok": 0, "err": 0}
            kwargs: dict[str, Any] = {"concurrency": args.concurrency, "timeout": args.timeout}
            if args.poll_interval is not None:
                kwargs["poll_interval"] = args.poll_interval
            async with operations_wait_many(core, ids, **kwargs) as results:
                due = getattr(results, "_due", None)  # the heap of due polls (not on main)
                if due is not None:
                    loop = asyncio.get_running_loop()
                    heap = due._heap
                    probe.append(lambda: bool(heap) and heap[0][0] <= loop.time() - 0.1)
                async for _operation_id, result in results:
                    counts["ok" if result.ok else "err"] += 1
            return counts

        report = await _measured(args, wait_all)
        report["stats"] = await _stats(base_url)
        # The yardstick, in the same process and on the same connections: plain calls.
        queue = iter(range(args.calibration))

        async def lane() -> None:
            for i in queue:
                await operations_get_operation(core, {"operation_id": f"cal-{i}"})

        cpu0 = time.process_time()
        await asyncio.gather(*(lane() for _ in range(args.concurrency)))
        report["plain_call_cpu_us"] = (time.process_time() - cpu0) / args.calibration * 1e6
    return report


async def _raw_phase(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    """The same waits with raw aiohttp GETs: one heap of due polls, ``concurrency`` workers."""
    import aiohttp

    from openapi._waiting._due import LATE
    from openapi._waiting._many import FIRST_POLLS_SPREAD
    from openapi.utils.polling import DEFAULT_POLL_POLICY, PollPolicy

    policy = DEFAULT_POLL_POLICY
    if args.poll_interval is not None:
        policy = PollPolicy.fixed(args.poll_interval)
    auth = {"Authorization": f"Bearer {API_KEY}"}
    async with aiohttp.ClientSession(base_url=base_url) as session:

        async def wait_all(ids: list[str], probe: list[Probe]) -> dict[str, int]:
            loop = asyncio.get_running_loop()
            # As wait_many: the first polls spread over the first interval (1 s at most),
            # then those not sent yet over the first answer's interval if that is longer.
            count, now = len(ids), loop.time()
            spread = [0.0]
            if count > args.concurrency:
                spread[0] = min(policy.initial_interval, FIRST_POLLS_SPREAD)
            heap = [(now + i * spread[0] / count, i, ids[i], 0) for i in range(count)]
            spread[0] = spread[0] or math.inf
            due: asyncio.Queue[tuple[float, int, str, int]] = asyncio.Queue()
            probe.append(
                lambda: due.qsize() > 0 or (bool(heap) and heap[0][0] <= loop.time() - 0.1)
            )
            done = asyncio.Event()
            left = [len(ids)]

            def respread(start: float, window: float) -> None:
                picked = sorted(entry for entry in heap if entry[3] == 0)
                kept = [entry for entry in heap if entry[3] != 0]
                for index, (at, *rest) in enumerate(picked):
                    kept.append((max(at, start + index * window / len(picked)), *rest))
                heapq.heapify(kept)
                heap[:] = kept

            async def dispatch() -> None:  # due entries to the workers, 20 times a second
                while True:
                    now = loop.time()
                    while heap and heap[0][0] <= now:
                        due.put_nowait(heapq.heappop(heap))
                    await asyncio.sleep(min(heap[0][0] - now, 0.05) if heap else 0.05)

            async def worker() -> None:
                while True:
                    due_at, seq, operation_id, polls = await due.get()
                    late = loop.time() - due_at
                    async with session.get(f"/operations/{operation_id}", headers=auth) as resp:
                        body = await resp.json()
                        hint = resp.headers.get("Retry-After")
                    if body["status"] in TERMINAL:
                        left[0] -= 1
                        if not left[0]:
                            done.set()
                        continue
                    pause = policy.delay(polls, float(hint) if hint else None)
                    first, spread[0] = spread[0], math.inf  # the first answer decides
                    backlog = bool(heap) and heap[0][0] < loop.time() - LATE
                    if pause > first * (1.0 + policy.jitter) and not backlog:
                        respread(loop.time(), pause)
                    if late > LATE:  # as wait_many spreads a late poll's next one
                        pause += min(late, pause) * random.random()
                    heapq.heappush(heap, (loop.time() + pause, seq, operation_id, polls + 1))

            tasks = [asyncio.create_task(worker()) for _ in range(args.concurrency)]
            tasks.append(asyncio.create_task(dispatch()))
            await done.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return {"ok": len(ids), "err": 0}

        report = await _measured(args, wait_all)
        report["stats"] = await _stats(base_url)
    return report


def state_memory(ops: int) -> dict[str, Any]:
    """What ``wait_many`` keeps per waiting operation, without the network: its state in the
    heap of due polls and the last ``Operation`` a poll decoded (a benchmark body each)."""
    from server import operation_body

    from openapi._waiting._due import DuePolls
    from openapi._waiting._poller import PollState
    from openapi.models._converter import decode_json
    from openapi.models.components import Operation
    from openapi.models.operations import GetOperationRequest

    ids = [f"op-{i}" for i in range(ops)]  # the caller's list: not counted below
    before = peak_rss_mb()
    due = DuePolls()
    for index, operation_id in enumerate(ids):
        state = PollState(GetOperationRequest(operation_id=operation_id), 1e9)
        state.last = decode_json(operation_body(operation_id, "running", 0.5), Operation)
        due.push(float(index), state)
    after = peak_rss_mb()
    return {"operations": ops, "rss_mb": after, "kb_per_operation": (after - before) * 1024 / ops}


def run_phase(phase: str, args: argparse.Namespace) -> dict[str, Any]:
    """Start a server, run one phase's client in a fresh process, and return its report."""
    server_args = ["--mode", "wait", "--ops", str(args.ops), "--finish-over", str(args.finish_over)]
    server_args += ["--finish-from", args.finish_from]
    if args.retry_after:
        server_args += ["--retry-after", str(args.retry_after)]
    with server_process(*server_args) as port:
        cmd = [sys.executable, str(BENCH_DIR / "wait_scale.py"), "--client", phase]
        cmd += ["--port", str(port), *_forwarded(args)]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.finish_over * 10 + 300, cwd=BENCH_DIR
        )
    if proc.returncode != 0:
        return {"skipped": f"the {phase} client failed: {proc.stderr.strip()[-1500:]}"}
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def _forwarded(args: argparse.Namespace) -> list[str]:
    out = ["--ops", str(args.ops), "--finish-over", str(args.finish_over)]
    out += ["--concurrency", str(args.concurrency), "--timeout", str(args.timeout)]
    out += ["--calibration", str(args.calibration)]
    if args.poll_interval is not None:
        out += ["--poll-interval", str(args.poll_interval)]
    if args.gc_freeze:
        out.append("--gc-freeze")
    if args.shuffle:
        out.append("--shuffle")
    return out


def figures(phase: dict[str, Any], finish_over: float) -> dict[str, Any]:
    """The goal figures of one phase, from the server's statistics and the client's."""
    stats = phase["stats"]
    per_second: list[int] = stats["per_second"]
    last_done = stats["last_done_s"]
    # A second with 0 polls is a stall if the client had a poll overdue in it (its probe);
    # without a probe (main's wait_many has no heap to look at), any second with 0 polls
    # before the last done counts.
    overdue = phase.get("overdue_epochs")
    busy = per_second[: max(int(last_done), 1)]
    if overdue is None:
        stalls = sum(1 for count in busy if count == 0)
    else:
        start_epoch = stats["first_poll_epoch"]
        due_seconds = {int(t - start_epoch) for t in overdue if t >= start_epoch}
        stalls = sum(1 for i, count in enumerate(busy) if count == 0 and i in due_seconds)
    # "Once the first polls are out": from the second after the last first poll to the last
    # full second before the last done.
    start = int(stats["first_polls_done_s"]) + 1
    steady = per_second[start : max(int(last_done) - 1, start)]
    return {
        "polls": stats["polls"],
        "cpu_per_poll_us": phase["client_cpu_s"] / max(stats["polls"], 1) * 1e6,
        "seen_done": stats["seen_done"],
        "last_done_s": last_done,
        "late_s": last_done - finish_over,
        "lateness_p99_s": stats["lateness_p99_s"],
        "lateness_max_s": stats["lateness_max_s"],
        "stalls": stalls,
        "stalls_probed": overdue is not None,
        "cv": coefficient_of_variation(steady),
        "cv_detrended": _detrended_cv(steady),
        "steady_window_s": [start, start + len(steady)],
    }


def _detrended_cv(values: list[int], width: int = 5) -> float:
    """Spread of each second around its centred moving average: unevenness without the trend
    (the load falls as operations finish)."""
    if len(values) <= width:
        return 0.0
    half = width // 2
    residuals = [
        values[i] - statistics.fmean(values[i - half : i + half + 1])
        for i in range(half, len(values) - half)
    ]
    mean = statistics.fmean(values[half:-half])
    return statistics.pstdev(residuals) / mean if mean else math.nan


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every phase asked for, and the figures against the goals."""
    print(
        f"\nWaiting on {args.ops} operations finishing over {args.finish_over:.0f} s "
        f"(Retry-After {args.retry_after or 'none'}, concurrency {args.concurrency}) ...",
        flush=True,
    )
    report: dict[str, Any] = {"operations": args.ops, "finish_over_s": args.finish_over}
    report.update(retry_after=args.retry_after, concurrency=args.concurrency)
    report.update(finish_from=args.finish_from, gc_freeze=args.gc_freeze)
    for phase in args.phases.split(","):
        result = run_phase(phase, args)
        if "skipped" not in result:
            result["figures"] = figures(result, args.finish_over)
        report[phase] = result
    return report


def _mark(ok: bool) -> str:
    return "MET " if ok else "MISS"


def print_report(report: dict[str, Any]) -> None:
    sdk = report.get("sdk", {})
    for name in ("sdk", "raw"):
        if "skipped" in report.get(name, {}):
            print(f"SKIP wait-scale {name}: {report[name]['skipped']}")
    if "figures" not in sdk:
        return
    f = sdk["figures"]
    print(
        f"sdk: {sdk['ok']} ok, {sdk['err']} err in {sdk['wall_s']:.1f} s; {f['polls']} polls, "
        f"client CPU {sdk['client_cpu_s']:.1f} s; first polls out after "
        f"{sdk['stats']['first_polls_done_s']:.1f} s; GC: {sdk['gc_full_collections']} full, "
        f"max {sdk['gc_full_max_ms']:.0f} ms, total {sdk['gc_total_ms']:.0f} ms; loop lag max "
        f"{sdk['loop_lag_max_ms']:.0f} ms"
    )
    print(f"  polls per second: {' '.join(map(str, sdk['stats']['per_second']))}")
    for line in goal_lines(report):
        print(line)


def goal_lines(report: dict[str, Any]) -> list[str]:
    """One line per goal of issue 17: MET or MISS, the figure, the goal."""
    sdk, raw = report.get("sdk", {}), report.get("raw", {})
    if "figures" not in sdk:
        return []
    f = sdk["figures"]
    goal = GOALS["late_s"]
    ratio = f["cpu_per_poll_us"] / sdk["plain_call_cpu_us"]
    rss = sdk["peak_rss_mb"]
    lines = [
        f"{_mark(f['late_s'] <= goal)} all {f['seen_done']} seen done {f['last_done_s']:.1f} s "
        f"after the start (goal <= {report['finish_over_s'] + goal:.0f} s; seen after "
        f"finishing: p99 {f['lateness_p99_s']:.1f} s, max {f['lateness_max_s']:.1f} s)",
        f"{_mark(ratio <= GOALS['cpu_ratio'])} SDK CPU per poll {f['cpu_per_poll_us']:.0f} us = "
        f"{ratio:.2f}x one plain operations_get_operation call ({sdk['plain_call_cpu_us']:.0f} "
        f"us, same run, c={report['concurrency']}; goal <= {GOALS['cpu_ratio']}x)",
    ]
    if "figures" in raw:
        r = raw["figures"]
        lines.append(
            f"     raw aiohttp on the same schedule: {r['cpu_per_poll_us']:.0f} us per poll "
            f"({r['polls']} polls, all seen done {r['last_done_s']:.1f} s): SDK = "
            f"{f['cpu_per_poll_us'] / r['cpu_per_poll_us']:.2f}x"
        )
    lines += [
        f"{_mark(rss < GOALS['rss_mb'])} peak RSS {rss:.0f} MB (goal < {GOALS['rss_mb']:.0f}; "
        f"{(rss - sdk['rss_ready_mb']) * 1024 / report['operations']:.2f} KB per operation "
        f"above the {sdk['rss_ready_mb']:.0f} MB before the wait)",
        f"{_mark(f['stalls'] == 0)} seconds with 0 polls while due: {f['stalls']} (goal 0; "
        + ("a poll overdue by 0.1 s seen by the client" if f["stalls_probed"] else "no probe:")
        + ("" if f["stalls_probed"] else " every second with 0 polls before the last done")
        + ")",
        f"{_mark(f['cv'] < GOALS['cv'])} CV of polls per second after the first polls: "
        f"{f['cv']:.2f} over {f['steady_window_s']} s (goal < {GOALS['cv']}; around its 5 s "
        f"moving average: {f['cv_detrended']:.2f})",
    ]
    return lines


def arguments(*, quick: bool = False) -> argparse.Namespace:
    """The default arguments (``quick``: a smoke-sized run of a few seconds)."""
    given = ["--ops", "500", "--finish-over", "3", "--calibration", "1000"] if quick else []
    args = _parser().parse_args(given)
    args.timeout = args.finish_over * 6 + 30
    return args


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("sdk", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--finish-over", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight (64)")
    parser.add_argument("--timeout", type=float, default=None, help="per wait (default: 6x)")
    parser.add_argument("--retry-after", type=int, default=5, help="server hint, 0 for none")
    parser.add_argument("--poll-interval", type=float, default=None)
    parser.add_argument("--finish-from", choices=("start", "first-poll"), default="start")
    parser.add_argument("--phases", default="sdk,raw", help="sdk,raw (default) or one")
    parser.add_argument("--calibration", type=int, default=CALIBRATION_CALLS)
    parser.add_argument("--gc-freeze", action="store_true")
    parser.add_argument(
        "--shuffle", action="store_true", help="wait on the ids in an order unrelated to finishing"
    )
    parser.add_argument("--json", default=None, help="also write the report here")
    parser.add_argument(
        "--state-memory", type=int, default=None, help="only: memory per waiting operation at N"
    )
    return parser


def main() -> None:
    args = _parser().parse_args()
    if args.timeout is None:
        args.timeout = args.finish_over * 6 + 30
    if args.state_memory:
        print(json.dumps(state_memory(args.state_memory)))
        return
    if args.client:
        phase = _sdk_phase if args.client == "sdk" else _raw_phase
        print(json.dumps(asyncio.run(phase(args, f"http://127.0.0.1:{args.port}"))))
        return
    report = run(args)
    print_report(report)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)


if __name__ == "__main__":
    main()
