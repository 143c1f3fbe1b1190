"""Run the mock server from the command line: ``python -m openapi.testing --port 8080``.

Prints one line, ``Mock Operations server listening on http://HOST:PORT``, then serves
until interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence

from ._server import DEFAULT_API_KEY, MockServer

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m openapi.testing",
        description="Serve a mock of the Operations API (with /_mock admin routes).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("OPENAPI_API_KEY", DEFAULT_API_KEY),
        help=f"expected bearer token (default: $OPENAPI_API_KEY, else {DEFAULT_API_KEY!r})",
    )
    parser.add_argument("--no-auth", action="store_true", help="accept any request")
    parser.add_argument(
        "--poll-hint", type=int, default=1, help="Retry-After seconds for unfinished operations"
    )
    parser.add_argument("--no-poll-hint", action="store_true", help="send no Retry-After")
    parser.add_argument(
        "--cancel-delay", type=float, default=0.2, help="seconds from cancelling to cancelled"
    )
    parser.add_argument(
        "--duration", type=float, default=2.0, help="default duration of created operations"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for probabilistic faults")
    parser.add_argument(
        "--create",
        action="append",
        default=[],
        metavar="ID",
        help="create an operation with this id at start-up (repeatable)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    overload = parser.add_argument_group("overload (see MockServer.limit_capacity, start_outage)")
    overload.add_argument(
        "--capacity", type=float, metavar="RATE", help="admit RATE API requests/s, 429 the rest"
    )
    overload.add_argument(
        "--capacity-retry-after", type=int, default=1, metavar="S", help="Retry-After on those"
    )
    overload.add_argument(
        "--outage-for", type=float, metavar="S", help="fail every API request for S seconds"
    )
    overload.add_argument(
        "--outage-after", type=float, default=0.0, metavar="S", help="from S s after start-up"
    )
    overload.add_argument(
        "--outage-kind", choices=["status", "drop"], default="status", help="5XX or drop"
    )
    overload.add_argument("--outage-status", type=int, default=503, help="the outage's status")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    server = MockServer(
        None if args.no_auth else args.api_key,
        host=args.host,
        port=args.port,
        poll_hint=None if args.no_poll_hint else args.poll_hint,
        cancel_delay=args.cancel_delay,
        default_duration=args.duration,
        seed=args.seed,
        access_log=args.access_log,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not available on Windows; Ctrl-C then arrives as KeyboardInterrupt instead.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with server:
        for operation_id in args.create:
            server.create_operation(operation_id, duration=args.duration)
        if args.capacity is not None:
            server.limit_capacity(args.capacity, retry_after=args.capacity_retry_after)
        if args.outage_for is not None:
            server.start_outage(
                args.outage_for,
                after=args.outage_after,
                kind=args.outage_kind,
                status=args.outage_status,
            )
        print(f"Mock Operations server listening on {server.url}", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, serve until interrupted, and return the exit status."""
    args = _parser().parse_args(argv)
    if args.access_log:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
