"""A lean HTTP/1.1 server for the benchmarks: a raw asyncio protocol, keep-alive, 127.0.0.1 only.

It serves ``GET /operations/{id}`` and ``POST /operations/{id}/cancel`` with a realistic
``Operation`` JSON body and an ``X-Request-Id`` header, as cheaply as Python allows, so the
client process is what the benchmarks measure. It prints ``PORT <n>`` on stdout once listening
and runs until its stdin closes or it receives SIGTERM.

Two modes:

- ``--mode fixed`` (default): every operation is ``running`` (the CPU-per-call benchmarks).
- ``--mode wait``: operation ``i`` of ``--ops`` (ids ``<prefix>-<i>``) becomes ``succeeded``
  ``finish_over * (i + 1) / ops`` seconds after the start: the first request for any
  operation (``--finish-from start``, the default), or the first request for that operation
  (``--finish-from first-poll``, how earlier versions measured: then the operations finish
  over ``finish_over`` plus however long the client takes to poll each one first).
  ``GET /_stats`` returns the polls per second since the first poll, when each second began
  (epoch), and how late the first poll that saw each operation done came after it finished.

Run: ``python benchmarks/server.py [--mode wait --ops 10000 --finish-over 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from typing import Final, cast

_CREATED_AT: Final = "2026-11-28T10:00:00.000000Z"
_UPDATED_AT: Final = "2026-11-28T10:00:05.250000Z"
_METADATA: Final = {"kind": "export", "owner": "team-data", "priority": 3, "region": "eu-west-1"}
MAX_HEADER_BYTES: Final = 64 * 1024


def operation_body(operation_id: str, status: str, progress: float | None) -> bytes:
    done = status in ("succeeded", "failed", "cancelled")
    document = {
        "id": operation_id,
        "status": status,
        "created_at": _CREATED_AT,
        "updated_at": _UPDATED_AT,
        "completed_at": _UPDATED_AT if done else None,
        "progress": progress,
        "metadata": _METADATA,
        "result": {"rows": 1284} if status == "succeeded" else None,
        "error": None,
    }
    return json.dumps(document, separators=(",", ":")).encode()


class State:
    """What the server knows across connections."""

    def __init__(
        self,
        mode: str,
        ops: int,
        finish_over: float,
        retry_after: int | None,
        from_start: bool = True,
    ) -> None:
        self.mode = mode
        self.from_start = from_start
        self.ops = ops
        self.finish_over = finish_over
        self.retry_after = retry_after
        self.request_counter = 0
        self.first_seen: dict[str, float] = {}
        self.first_poll: float | None = None
        self.first_poll_epoch = 0.0
        self.polls_per_second: dict[int, int] = {}
        self.lateness: dict[str, float] = {}
        """Per operation: seconds from its finish to the first poll that saw it done."""
        self.last_done = 0.0
        self.fixed_bodies: dict[str, bytes] = {}

    def next_request_id(self) -> bytes:
        self.request_counter += 1
        return b"req-%08d" % self.request_counter

    def get(self, operation_id: str) -> tuple[bytes, bool]:
        """The body for ``operation_id`` and whether the operation is finished."""
        if self.mode == "fixed":
            body = self.fixed_bodies.get(operation_id)
            if body is None:
                if len(self.fixed_bodies) > 10_000:
                    self.fixed_bodies.clear()
                body = self.fixed_bodies[operation_id] = operation_body(
                    operation_id, "running", 0.42
                )
            return body, False
        now = time.monotonic()
        if self.first_poll is None:
            self.first_poll = now
            self.first_poll_epoch = time.time()
        second = int(now - self.first_poll)
        self.polls_per_second[second] = self.polls_per_second.get(second, 0) + 1
        seen = self.first_seen.setdefault(operation_id, now)
        if self.from_start:
            seen = self.first_poll
        try:
            index = int(operation_id.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            index = 0
        finish_after = self.finish_over * (index % self.ops + 1) / self.ops
        elapsed = now - seen
        if elapsed >= finish_after:
            if operation_id not in self.lateness:
                self.lateness[operation_id] = elapsed - finish_after
                self.last_done = max(self.last_done, now - self.first_poll)
            return operation_body(operation_id, "succeeded", 1.0), True
        return operation_body(operation_id, "running", round(elapsed / finish_after, 3)), False

    def stats(self) -> bytes:
        seconds = max(self.polls_per_second, default=-1) + 1
        histogram = [self.polls_per_second.get(s, 0) for s in range(seconds)]
        late = sorted(self.lateness.values())
        return json.dumps(
            {
                "polls": sum(histogram),
                "per_second": histogram,
                "first_poll_epoch": self.first_poll_epoch,
                "first_polls_done_s": max(self.first_seen.values(), default=0.0)
                - (self.first_poll or 0.0),
                "seen_done": len(late),
                "last_done_s": self.last_done,
                "lateness_p50_s": late[len(late) // 2] if late else None,
                "lateness_p99_s": late[int(len(late) * 0.99)] if late else None,
                "lateness_max_s": late[-1] if late else None,
            }
        ).encode()


def _response(
    status: bytes, body: bytes, request_id: bytes, extra: bytes = b"", close: bool = False
) -> bytes:
    return b"".join(
        (
            b"HTTP/1.1 ",
            status,
            b"\r\nContent-Type: application/json\r\nContent-Length: ",
            str(len(body)).encode(),
            b"\r\nX-Request-Id: ",
            request_id,
            b"\r\n",
            extra,
            b"Connection: close\r\n" if close else b"",
            b"\r\n",
            body,
        )
    )


_NOT_FOUND: Final = b'{"code":"not_found","message":"no such route"}'


class HttpProtocol(asyncio.Protocol):
    """Parses pipelined-or-not HTTP/1.1 requests without bodies (or with Content-Length)."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport, though not necessarily an asyncio.Transport subclass: uvloop's
        # TCPTransport implements the interface without inheriting from it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:  # bounded: each pass consumes one complete request from the buffer
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER_BYTES and self.transport is not None:
                    self.transport.close()
                return
            head = self.buffer[:end]
            length = 0
            lowered = head.lower()
            marker = lowered.find(b"\r\ncontent-length:")
            if marker >= 0:
                line_end = lowered.find(b"\r\n", marker + 2)
                raw = lowered[marker + 17 : line_end if line_end >= 0 else len(lowered)]
                length = int(raw.strip() or b"0")
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            close = b"\r\nconnection: close" in lowered
            self.handle(head.split(b"\r\n", 1)[0], close)

    def handle(self, request_line: bytes, close: bool) -> None:
        assert self.transport is not None
        parts = request_line.split(b" ")
        method, target = (parts[0], parts[1]) if len(parts) >= 2 else (b"", b"")
        path = target.split(b"?", 1)[0].decode("latin-1")
        request_id = self.state.next_request_id()
        if method == b"GET" and path == "/_stats":
            payload = _response(b"200 OK", self.state.stats(), request_id, close=close)
        elif path.startswith("/operations/"):
            rest = path[len("/operations/") :]
            if method == b"POST" and rest.endswith("/cancel"):
                operation_id = rest[: -len("/cancel")]
                body = operation_body(operation_id, "cancelling", 0.42)
                payload = _response(b"200 OK", body, request_id, close=close)
            elif method == b"GET" and "/" not in rest:
                body, done = self.state.get(rest)
                extra = b""
                if not done and self.state.retry_after is not None:
                    extra = b"Retry-After: %d\r\n" % self.state.retry_after
                payload = _response(b"200 OK", body, request_id, extra, close=close)
            else:
                payload = _response(b"404 Not Found", _NOT_FOUND, request_id, close=close)
        else:
            payload = _response(b"404 Not Found", _NOT_FOUND, request_id, close=close)
        self.transport.write(payload)
        if close:
            self.transport.close()


async def serve(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    state = State(
        args.mode, args.ops, args.finish_over, args.retry_after, args.finish_from == "start"
    )
    server = await loop.create_server(
        lambda: HttpProtocol(state), "127.0.0.1", args.port, backlog=4096
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    # Stop when the parent goes away (stdin reaches EOF), so no server outlives its benchmark.
    # (Only when stdin is a pipe: a file or a terminal cannot be watched this way.)
    if args.watch_stdin:
        stdin = sys.stdin.fileno()
        loop.add_reader(stdin, lambda: None if os.read(stdin, 4096) else stop.set())
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mode", choices=("fixed", "wait"), default="fixed")
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--finish-over", type=float, default=20.0)
    parser.add_argument(
        "--retry-after", type=int, default=None, help="Retry-After on unfinished GETs"
    )
    parser.add_argument("--finish-from", choices=("start", "first-poll"), default="start")
    parser.add_argument(
        "--watch-stdin", action="store_true", help="exit when stdin (a pipe) reaches EOF"
    )
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
