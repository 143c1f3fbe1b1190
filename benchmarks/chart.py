"""Chart CPU microseconds per call per variant at c=1 and c=64 from ``results/latest.json``.

Writes ``benchmarks/cpu_per_call.png``. matplotlib is a benchmark-only dependency
(``pip install -e '.[bench]'``).

Run: ``python benchmarks/chart.py [--results PATH] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent

LABELS = {
    "aiohttp": "raw aiohttp",
    "sdk_function": "SDK function",
    "sdk_facade": "SDK facade",
    "generated": "openapi-python-client",
    "httpx": "raw httpx",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results" / "latest.json")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "cpu_per_call.png")
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results: dict[str, Any] = json.loads(args.results.read_text())
    rows: list[dict[str, Any]] = results["bench"]["rows"]
    variants = list(dict.fromkeys(r["variant"] for r in rows))
    by_key = {(r["variant"], r["concurrency"]): r for r in rows}
    concurrencies = sorted({r["concurrency"] for r in rows})

    fig, axes = plt.subplots(1, len(concurrencies), figsize=(5.2 * len(concurrencies), 4.2))
    if len(concurrencies) == 1:
        axes = [axes]
    colors = ["#7f7f7f", "#1f77b4", "#4c9be8", "#d62728", "#ff7f0e"]
    for ax, concurrency in zip(axes, concurrencies, strict=True):
        values = [by_key[(v, concurrency)]["cpu_us_per_call"] for v in variants]
        ratios = [by_key[(v, concurrency)]["cpu_ratio"] for v in variants]
        bars = ax.bar([LABELS.get(v, v) for v in variants], values, color=colors[: len(variants)])
        for bar, value, ratio in zip(bars, values, ratios, strict=True):
            ax.annotate(
                f"{value:.0f} us\n{ratio:.2f}x",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_ylim(0, max(values) * 1.18)
        ax.set_title(f"concurrency {concurrency}")
        ax.set_ylabel("client CPU us per call")
        ax.tick_params(axis="x", labelrotation=25, labelsize=8)
    machine = results.get("machine", {})
    fig.suptitle(
        "GET /operations/{id}: client-process CPU per call "
        f"(median of {results['bench']['rounds']} rounds; ratio to raw aiohttp; "
        f"Python {machine.get('python', '?')}, {machine.get('cpus', '?')} CPUs)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
