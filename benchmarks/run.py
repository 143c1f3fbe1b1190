"""Benchmarks: what one ``GET /operations/{id}`` costs the calling process, per client.

Variants (each measured in a fresh worker process, see ``worker.py``):

- ``aiohttp``: raw ``session.get`` + ``await resp.json()`` (the floor the SDK is built on)
- ``sdk_function``: ``operations_get_operation(core, {...})`` with ``SDKCore``
- ``sdk_facade``: ``SDK(...).operations.get_operation(operation_id=...)``
- ``generated``: a client generated now by ``openapi-python-client`` from ``openapi.yaml``
  into a temporary directory (``asyncio_detailed`` with its ``AuthenticatedClient``)
- ``httpx``: raw ``httpx.AsyncClient.get`` + ``resp.json()``

Rounds interleave the variants A B ... B A (the order reverses every round); each figure is
the median over rounds and each ratio is the median of per-round ratios to ``aiohttp``.

Run: ``python benchmarks/run.py`` (``--quick`` for the smoke run, ``--wait-scale`` for the
100,000-waits run alone, ``--json PATH`` to also dump the results elsewhere).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parent))

import importcost
import wait_scale
from _common import BENCH_DIR, REPO_ROOT, median, server_process

VARIANTS: Final = ("aiohttp", "sdk_function", "sdk_facade", "generated", "httpx")
QUICK_VARIANTS: Final = ("aiohttp", "sdk_function", "sdk_facade")
BASELINE: Final = "aiohttp"
CONCURRENCIES: Final = (1, 64)
RESULTS_PATH: Final = BENCH_DIR / "results" / "latest.json"
QUICK_RESULTS_PATH: Final = BENCH_DIR / "results" / "quick.json"
TIE: Final = 0.05
TARGETS: Final = (
    # (variant, concurrency, max ratio of CPU per call to raw aiohttp)
    ("sdk_function", 64, 1.10),
    ("sdk_function", 1, 1.15),
    ("sdk_facade", 64, 1.15),
)
IMPORT_TARGET_MS: Final = 10.0


def generate_client(workdir: Path) -> tuple[str | None, str]:
    """Generate the openapi-python-client package into ``workdir``.

    Returns ``(sys.path entry, note)``, or ``(None, why it could not be used)``.
    """
    if importlib.util.find_spec("openapi_python_client") is None:
        return None, "openapi-python-client is not installed (pip install -e '.[bench]')"
    if importlib.util.find_spec("httpx") is None:
        return None, "httpx (needed by the generated client) is not installed"
    bin_dir = Path(sys.executable).parent
    exe = shutil.which("openapi-python-client", path=str(bin_dir)) or shutil.which(
        "openapi-python-client"
    )
    if exe is None:
        return None, "the openapi-python-client command was not found"
    config = workdir / "config.yaml"
    config.write_text(
        "project_name_override: ops-generated\npackage_name_override: ops_generated\n"
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        proc = subprocess.run(
            [
                exe,
                "generate",
                "--path",
                str(REPO_ROOT / "openapi.yaml"),
                "--config",
                str(config),
                "--meta",
                "none",
                "--output-path",
                str(workdir / "ops_generated"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=workdir,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"generation did not run: {exc}"
    output = proc.stdout + proc.stderr
    # Drop object addresses ("<... at 0x7f...>") so repeated warnings collapse into one.
    lines = [re.sub(r"<[^<>]* at 0x[0-9a-f]+>", "<status>", x) for x in output.splitlines()]
    warnings = [line for line in lines if "WARNING" in line or "Cannot" in line]
    if proc.returncode != 0 or not (workdir / "ops_generated" / "client.py").exists():
        tail = " | ".join(output.strip().splitlines()[-6:])
        return None, f"generation failed (exit {proc.returncode}): {tail}"
    check = subprocess.run(
        [sys.executable, "-c", "import ops_generated.api.operations.get_operation"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "PYTHONPATH": str(workdir)},
    )
    if check.returncode != 0:
        return None, f"the generated client does not import: {check.stderr.strip()[-300:]}"
    note = f"generated with {len(warnings)} warning line(s)"
    if warnings:
        note += ": " + " | ".join(dict.fromkeys(w.strip() for w in warnings))[:400]
    return str(workdir), note


def run_worker(
    variant: str, port: int, calls: int, concurrency: int, generated_path: str | None
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(BENCH_DIR / "worker.py"),
        variant,
        "--port",
        str(port),
        "--calls",
        str(calls),
        "--concurrency",
        str(concurrency),
    ]
    if generated_path is not None:
        cmd += ["--generated-path", generated_path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=BENCH_DIR)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {variant} c={concurrency} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run_rounds(
    variants: list[str], rounds: int, calls: int, generated_path: str | None
) -> dict[str, Any]:
    """Every (round, concurrency, variant) sample, in interleaved A B ... B A order."""
    samples: list[dict[str, Any]] = []
    with server_process() as port:
        for round_no in range(rounds):
            order = variants if round_no % 2 == 0 else variants[::-1]
            for concurrency in CONCURRENCIES:
                for variant in order:
                    sample = run_worker(variant, port, calls, concurrency, generated_path)
                    sample["round"] = round_no
                    samples.append(sample)
            print(f"  round {round_no + 1}/{rounds} done", flush=True)
    return summarise(samples, variants, rounds)


def summarise(samples: list[dict[str, Any]], variants: list[str], rounds: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for concurrency in CONCURRENCIES:
        base = {
            s["round"]: s["cpu_us_per_call"]
            for s in samples
            if s["variant"] == BASELINE and s["concurrency"] == concurrency
        }
        for variant in variants:
            mine = [
                s for s in samples if s["variant"] == variant and s["concurrency"] == concurrency
            ]
            ratios = [s["cpu_us_per_call"] / base[s["round"]] for s in mine if s["round"] in base]
            rows.append(
                {
                    "variant": variant,
                    "concurrency": concurrency,
                    "cpu_us_per_call": median([s["cpu_us_per_call"] for s in mine]),
                    "cpu_ratio": median(ratios),
                    "cpu_ratios": [round(r, 3) for r in ratios],
                    "calls_per_s": median([s["calls_per_s"] for s in mine]),
                    "peak_rss_mb": median([s["peak_rss_mb"] for s in mine]),
                }
            )
    return {"rounds": rounds, "rows": rows, "samples": samples}


def print_table(bench: dict[str, Any]) -> None:
    print(
        f"\nCPU per call (client process), median of {bench['rounds']} interleaved rounds; "
        f"ratio = median of per-round ratios to raw {BASELINE}"
    )
    header = (
        f"{'variant':<14}{'conc':>5}{'cpu us/call':>13}{'x aiohttp':>11}"
        f"{'calls/s':>10}{'peak RSS MB':>13}"
    )
    print(header)
    print("-" * len(header))
    for row in bench["rows"]:
        print(
            f"{row['variant']:<14}{row['concurrency']:>5}{row['cpu_us_per_call']:>13.1f}"
            f"{row['cpu_ratio']:>10.2f}x{row['calls_per_s']:>10.0f}{row['peak_rss_mb']:>13.1f}"
        )
    print()
    for row in bench["rows"]:
        if row["variant"] == BASELINE:
            continue
        ratio = row["cpu_ratio"]
        verdict = "tie (within 5%)" if abs(ratio - 1) < TIE else ""
        print(
            f"ratio {row['variant']}/{BASELINE} c={row['concurrency']}: {ratio:.2f}x "
            f"(per round: {', '.join(f'{r:.2f}' for r in row['cpu_ratios'])}) {verdict}".rstrip()
        )


def check_targets(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    rows = {(r["variant"], r["concurrency"]): r for r in results["bench"]["rows"]}
    for variant, concurrency, limit in TARGETS:
        row = rows.get((variant, concurrency))
        if row is None:
            continue
        ok = row["cpu_ratio"] <= limit
        lines.append(
            f"{'MET ' if ok else 'MISS'} {variant} c={concurrency}: {row['cpu_ratio']:.2f}x "
            f"(target <= {limit:.2f}x)"
        )
    imports = results.get("imports")
    if imports:
        inc = imports["standalone"]["increment_ms"]
        ok = inc <= IMPORT_TARGET_MS
        lines.append(
            f"{'MET ' if ok else 'MISS'} standalone import adds {inc:.1f} ms over its deps "
            f"(target <= {IMPORT_TARGET_MS:.0f} ms)"
        )
    waits = results.get("wait_scale")
    if waits:
        lines += [f"{line} [{waits['operations']} waits]" for line in wait_scale.goal_lines(waits)]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (< 15 s)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (6)")
    parser.add_argument("--calls", type=int, default=None, help="timed calls per sample (4000)")
    parser.add_argument(
        "--variants",
        default=None,
        help=f"comma-separated subset of {','.join(VARIANTS)} (default: all; --quick: "
        f"{','.join(QUICK_VARIANTS)})",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--wait-scale", action="store_true", help="only the waits-at-scale run")
    parser.add_argument("--no-wait-scale", action="store_true", help="skip the waits-at-scale run")
    parser.add_argument("--no-imports", action="store_true", help="skip the import-cost run")
    args = parser.parse_args()

    rounds = args.rounds or (2 if args.quick else 6)
    calls = args.calls or (300 if args.quick else 4000)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "quick": args.quick,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }

    if args.wait_scale:
        results["wait_scale"] = wait_scale.run(wait_scale.arguments(quick=args.quick))
        wait_scale.print_report(results["wait_scale"])
    else:
        skipped: dict[str, str] = {}
        if args.variants is not None:
            variants = [v for v in args.variants.split(",") if v]
        elif args.quick:
            variants = list(QUICK_VARIANTS)
            for variant in set(VARIANTS) - set(QUICK_VARIANTS):
                skipped[variant] = "not part of --quick (add it with --variants)"
        else:
            variants = list(VARIANTS)
        unknown = set(variants) - set(VARIANTS)
        if unknown or BASELINE not in variants:
            parser.error(f"--variants must include {BASELINE} and only {VARIANTS}")
        with tempfile.TemporaryDirectory(prefix="ops-generated-") as tmp:
            generated_path: str | None = None
            if "generated" in variants:
                generated_path, note = generate_client(Path(tmp))
                if generated_path is None:
                    skipped["generated"] = note
                else:
                    results["generated_client"] = note
                    print(f"openapi-python-client: {note}")
            if "httpx" in variants and importlib.util.find_spec("httpx") is None:
                skipped["httpx"] = "httpx is not installed (pip install -e '.[bench]')"
            for variant, why in skipped.items():
                print(f"SKIP {variant}: {why}")
            variants = [v for v in variants if v not in skipped]
            print(f"Running {rounds} rounds x {calls} calls: {', '.join(variants)}", flush=True)
            results["bench"] = run_rounds(variants, rounds, calls, generated_path)
        results["skipped"] = skipped
        print_table(results["bench"])
        if not args.no_imports:
            results["imports"] = importcost.measure(repeats=2 if args.quick else 7)
            importcost.print_report(results["imports"])
        if not args.quick and not args.no_wait_scale:
            results["wait_scale"] = wait_scale.run(wait_scale.arguments())
            wait_scale.print_report(results["wait_scale"])

    targets = check_targets(results)
    if targets:
        print("\nTargets")
        for line in targets:
            print("  " + line)
    results["targets"] = targets
    write_results(results, args)
    return 0


def write_results(results: dict[str, Any], args: argparse.Namespace) -> None:
    """``latest.json`` (what chart.py reads) for a full run; ``quick.json`` for ``--quick``.

    A ``--wait-scale`` run only replaces the ``wait_scale`` part of an existing file.
    """
    main_path = QUICK_RESULTS_PATH if args.quick else RESULTS_PATH
    merged = results
    if args.wait_scale and main_path.exists():
        merged = json.loads(main_path.read_text())
        merged["wait_scale"] = results["wait_scale"]
    main_path.parent.mkdir(parents=True, exist_ok=True)
    main_path.write_text(json.dumps(merged, indent=2))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    print(f"\nResults written to {main_path.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
